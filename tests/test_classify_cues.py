"""Sanity checks of the first, rule-based classifier on sentences written for these tests.

Its real measurement happens on the labelled corpus (see the models issue); these pin the
behaviour the policy relies on: the label set, the derived mode, and the key distinctions.
"""

import pytest

from pipeline.classify import load_classifier
from pipeline.labels import AGENT_TAGS, CUSTOMER_STATES

CLASSIFIER = load_classifier("cues")


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("ik wil graag mijn verhuizing doorgeven per de eerste", "neutral"),
        ("Thanks, that's all I needed.", "neutral"),
        ("verdomme wat een gedoe is dit allemaal weer", "frustrated"),  # swearing about the situation
        ("als dit niet opgelost wordt stap ik naar de ombudsman", "frustrated"),  # threat to complain
        ("I've been on hold for hours and nobody calls back, I'm fed up", "frustrated"),
        ("hou je bek en luister naar mij sukkel", "aggressive"),
        ("ik weet waar jullie kantoor zit, pas maar op", "aggressive"),
        ("Are you deaf? Shut up and put your manager on.", "aggressive"),
    ],
)
def test_customer_states(text, state):
    label = CLASSIFIER.label_customer([text])[0]
    assert label.state == state
    assert set(label.proba) == set(CUSTOMER_STATES)
    assert sum(label.proba.values()) == pytest.approx(1.0, abs=1e-3)
    assert max(label.proba, key=label.proba.__getitem__) == state


@pytest.mark.parametrize(
    ("text", "tags", "mode"),
    [
        ("Dat klinkt echt frustrerend. Ik zet vandaag nog een monteur voor u in.", {"empathy", "solution"}, "empathic"),
        ("ik wil je graag helpen maar ik laat me niet uitschelden", {"boundary"}, "boundary"),
        ("tja niet mijn probleem hoor", {"dismissive"}, "dismissive"),
        ("wat verschrikkelijk zeg, ik zou ook woest zijn", {"commiseration"}, "commiseration"),
        ("I'll send you a new card, you'll receive it within three working days.", {"solution"}, "solution"),
        ("Goedemiddag, met Sara.", set(), "other"),
    ],
)
def test_agent_tags_and_mode(text, tags, mode):
    label = CLASSIFIER.label_agent([text])[0]
    assert set(label.tags) == tags
    assert label.mode == mode
    assert set(label.proba) == set(AGENT_TAGS)
    assert all(0.0 <= p <= 1.0 for p in label.proba.values())


def test_asr_form_and_written_form_agree():
    written = CLASSIFIER.label_agent(["Ik begrijp dat het vervelend is!"])[0]
    asr = CLASSIFIER.label_agent(["ik begrijp dat het vervelend is"])[0]
    assert written == asr
