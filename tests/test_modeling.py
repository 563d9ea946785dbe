"""The trained classifiers: corpus splits, training, persistence, champion/challenger, evaluate."""

import copy
import json
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
import skops.io as sio

from pipeline.classify import load_classifier
from pipeline.classify.normalize import normalize
from pipeline.classify.trained import (
    COMBINATIONS_FILE,
    ModelLoadError,
    TrainedClassifier,
    artifacts_dir,
    pinned_version,
    safe_load,
)
from pipeline.cli import main
from pipeline.labels import AGENT_TAGS, CUSTOMER_STATES
from pipeline.modeling.corpus import HOLDOUT_DIR, assign_splits, corpus_files, read_examples
from pipeline.modeling.evaluate import evaluate
from pipeline.modeling.feedback import feedback_examples
from pipeline.modeling.train import TrainOptions, compare_with_champion, train

EXAMPLES = read_examples(corpus_files(), require_family=True)


def test_corpus_size_language_and_labels():
    customers = [e for e in EXAMPLES if e.role == "customer"]
    agents = [e for e in EXAMPLES if e.role == "agent"]
    assert len(customers) >= 3000 and len(agents) >= 4000
    assert sum(e.lang == "nl" for e in EXAMPLES) / len(EXAMPLES) >= 0.70
    assert {e.customer_state for e in customers} == set(CUSTOMER_STATES)
    assert {t for e in agents for t in e.tags} == set(AGENT_TAGS)
    assert sum(e.form == "asr" for e in EXAMPLES) / len(EXAMPLES) >= 0.5


def test_splits_never_share_a_family_or_a_text():
    splits = assign_splits(EXAMPLES)
    by_family, by_text = defaultdict(set), defaultdict(set)
    for example, split in zip(EXAMPLES, splits, strict=True):
        by_family[example.family].add(split)
        by_text[normalize(example.text)].add(split)
    assert all(len(s) == 1 for s in by_family.values())
    assert all(len(s) == 1 for s in by_text.values())
    shares = {s: splits.count(s) / len(splits) for s in ("train", "dev", "test")}
    assert 0.62 < shares["train"] < 0.78 and 0.10 < shares["dev"] < 0.20 and 0.10 < shares["test"] < 0.20
    assert assign_splits(EXAMPLES) == splits  # stable


def test_pinned_model_loads_and_labels():
    model = load_classifier()
    assert model.version == pinned_version()
    customer = model.label_customer(["hou je bek stomme idioot", "wanneer komt de monteur?"])
    assert [c.state for c in customer] == ["aggressive", "neutral"]
    assert all(abs(sum(c.proba.values()) - 1) < 1e-3 for c in customer)
    agent = model.label_agent(["Wat vervelend voor u, ik boek het bedrag vandaag nog terug."])[0]
    assert {"empathy", "solution"} <= set(agent.tags) and agent.mode == "empathic"
    assert set(agent.proba) == set(AGENT_TAGS)


@pytest.fixture
def champion(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the pinned artifact and its pin file, so tests never touch models/."""
    out = tmp_path / "artifacts"
    version = pinned_version()
    shutil.copytree(artifacts_dir() / version, out / version)
    pin = tmp_path / "pinned.toml"
    pin.write_text(f'version = "{version}"\n', encoding="utf-8")
    return out, pin


def test_a_weaker_challenger_is_not_promoted_and_training_is_reproducible(champion):
    out, pin = champion
    pinned_before = pin.read_text(encoding="utf-8")
    options = TrainOptions(out_dir=out, pin_file=pin, version="tiny", max_train=300)
    result = train(options)
    assert result["promoted"] is False
    assert result["comparison"]["champion"] == pinned_version()
    assert result["comparison"]["worse_on"]
    assert pin.read_text(encoding="utf-8") == pinned_before
    folder = out / "tiny"
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert {"data_sha256", "code_version", "libraries", "labels", "thresholds", "scores", "comparison"} <= set(meta)
    assert meta["labels"]["agent_tags"] == list(AGENT_TAGS)
    # tuned on dev with models fitted on train, then the agent models refitted on train + dev
    assert meta["params"]["agent_refit_on_train_and_dev"] is True
    assert meta["split_sizes"]["agent_fit_on"] == 300 + 300
    assert (folder / COMBINATIONS_FILE).is_file() and set(meta["blend"]) == set(AGENT_TAGS)
    assert all(0.0 <= w <= 1.0 for w in meta["blend"].values())
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "| dismissive |" in card and "Champion / challenger" in card and "Known weaknesses" in card
    assert "the agent models were fitted again on train + dev" in card
    # per-label F1 of both models on the test split and the holdout, written down beside the decision
    per_label = result["comparison"]["per_label_f1"]
    assert set(per_label) == {"test", "holdout"}
    for scores in per_label.values():
        assert set(scores["champion"]) == set(scores["challenger"]) == set(CUSTOMER_STATES) | set(AGENT_TAGS)
    assert (
        per_label["test"]["challenger"]["dismissive"]
        == meta["scores"]["test"]["agent_tags"]["per_tag"]["dismissive"]["f1"]
    )
    assert per_label["test"]["champion"] != per_label["test"]["challenger"]
    assert "| label | test champion | test challenger | holdout champion | holdout challenger |" in card
    share = meta["distribution"]["agent_tags"]["dismissive"] / sum(meta["distribution"]["agent_tags"].values())
    assert f"`dismissive` labels {share:.0%} of the corpus's agent tag assignments" in card
    again = train(TrainOptions(out_dir=out, pin_file=pin, version="tiny-again", max_train=300))
    assert again["test"] == result["test"]
    meta2 = json.loads((out / "tiny-again" / "metadata.json").read_text(encoding="utf-8"))
    assert meta2["thresholds"] == meta["thresholds"]
    assert (
        TrainedClassifier.load(folder).label_agent(["ik begrijp het"])[0].proba
        == TrainedClassifier.load(out / "tiny-again").label_agent(["ik begrijp het"])[0].proba
    )


def test_a_challenger_that_loses_a_label_on_the_holdout_is_not_promoted(champion):
    out, pin = champion
    test = [e for e, s in zip(EXAMPLES, assign_splits(EXAMPLES), strict=True) if s == "test"]
    holdout = read_examples(sorted(HOLDOUT_DIR.glob("*.jsonl")))
    model = TrainedClassifier.load(out / pinned_version(pin))
    scores = {"test": evaluate(model, test), "holdout": evaluate(model, holdout)}
    same = compare_with_champion(scores, test, pin, out, holdout)
    assert same["promote"] and same["holdout_drops"] == {} and same["holdout_tolerance"] == 0.03
    assert "nor by more than 0.03 on any holdout label" in same["reason"]

    # The champion's own reports with one holdout F1 lowered: as good on the test split, worse on others' turns.
    def lowered(label_f1_drop: float) -> dict:
        changed = copy.deepcopy(scores)
        changed["holdout"]["agent_tags"]["per_tag"]["dismissive"]["f1"] -= label_f1_drop
        return changed

    dismissive = scores["holdout"]["agent_tags"]["per_tag"]["dismissive"]["f1"]
    result = compare_with_champion(lowered(0.05), test, pin, out, holdout)
    assert result["promote"] is False and result["worse_on"] == []
    assert result["holdout_drops"] == {"dismissive": [dismissive, dismissive - 0.05]}
    assert (
        f"holdout F1 drops by more than 0.03 on dismissive {dismissive:.3f} -> {dismissive - 0.05:.3f}"
        in (result["reason"])
    )
    assert compare_with_champion(lowered(0.02), test, pin, out, holdout)["promote"] is True  # one turn of noise
    assert compare_with_champion(lowered(0.05), test, pin, out, holdout, holdout_tolerance=None)["promote"] is True


def test_an_artifact_without_the_combination_head_uses_the_per_tag_models(champion):
    out, _ = champion
    folder = out / pinned_version()
    (folder / COMBINATIONS_FILE).unlink(missing_ok=True)
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    meta.pop("blend", None)
    (folder / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    model = TrainedClassifier.load(folder)
    assert model.combinations is None and model.blend == {}
    texts = ["Nou, pech gehad dan.", "Wat vervelend voor u, ik boek het bedrag vandaag nog terug."]
    labels = model.label_agent(texts)
    expected = model.agent.predict_proba(texts)
    for label, row in zip(labels, expected, strict=True):
        assert label.proba == {tag: round(float(v), 4) for tag, v in zip(AGENT_TAGS, row, strict=True)}


def test_loading_refuses_another_sklearn_version(champion):
    out, _ = champion
    folder = out / pinned_version()
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    meta["libraries"]["scikit-learn"] = "0.24.2"
    (folder / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelLoadError) as err:
        TrainedClassifier.load(folder)
    assert "scikit-learn 0.24.2" in str(err.value) and "retrain" in str(err.value)


class Untrusted:
    pass


def test_loading_refuses_types_outside_the_allowed_libraries(tmp_path: Path):
    path = tmp_path / "evil.skops"
    sio.dump({"x": Untrusted()}, path)
    with pytest.raises(ModelLoadError) as err:
        safe_load(path)
    assert "Untrusted" in str(err.value)


def test_evaluate_command_on_a_labelled_file(tmp_path: Path, capsys):
    data = tmp_path / "gold.jsonl"
    rows = [
        {"id": 1, "role": "customer", "text": "jij bent echt een waardeloze sukkel", "customer_state": "aggressive"},
        {
            "id": 2,
            "role": "customer",
            "text": "ik wil graag weten wanneer mijn pakket komt",
            "customer_state": "neutral",
        },
        {
            "id": 3,
            "role": "agent",
            "text": "Dat snap ik, ik zet het meteen voor u recht.",
            "tags": ["empathy", "solution"],
        },
        {"id": 4, "role": "agent", "text": "Niet mijn probleem, mevrouw.", "agent_mode": "dismissive"},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert main(["evaluate", "--data", str(data), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model_version"] == pinned_version()
    assert report["customer_state"]["n"] == 2 and report["agent_tags"]["n"] == 1 and report["agent_mode"]["n"] == 2
    assert set(report["agent_tags"]["per_tag"]) == set(AGENT_TAGS)
    assert main(["evaluate", "--data", str(data)]) == 0
    assert "| aggressive |" in capsys.readouterr().out
    data.write_text('{"role": "agent", "text": "x", "tags": ["hug"]}', encoding="utf-8")
    assert main(["evaluate", "--data", str(data)]) == 1
    assert "gold.jsonl:1: field 'tags'" in capsys.readouterr().err


def test_feedback_corrections_become_training_examples(samples: Path, warehouse_path: Path):
    assert main(["run", str(samples), "--warehouse", str(warehouse_path), "--no-progress"]) == 0
    con = duckdb.connect(str(warehouse_path))
    try:
        customer, agent = con.execute(
            "SELECT (SELECT min(call_id || '#' || turn_index) FROM turns WHERE speaker = 'customer'), "
            "(SELECT min(call_id || '#' || turn_index) FROM turns WHERE speaker = 'agent')"
        ).fetchone()
        rows = [
            (*customer.split("#"), "customer_state", "neutral", "qm-1", "2026-11-20 09:00:00"),
            (*customer.split("#"), "customer_state", "frustrated", "qm-2", "2026-11-21 09:00:00"),  # latest wins
            (*agent.split("#"), "tags", '["empathy", "solution"]', "qm-1", "2026-11-21 10:00:00"),
            (*agent.split("#"), "agent_mode", "hugging", "qm-1", "2026-11-21 10:00:00"),  # invalid: left out
        ]
        con.executemany(
            'INSERT INTO feedback (call_id, turn_index, field, corrected_value, who, "at") VALUES (?, ?, ?, ?, ?, ?)',
            rows,
        )
    finally:
        con.close()
    examples = feedback_examples(warehouse_path)
    assert sorted((e.role, e.customer_state, e.tags) for e in examples) == [
        ("agent", None, ("empathy", "solution")),
        ("customer", "frustrated", ()),
    ]
