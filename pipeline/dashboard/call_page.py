"""One call: the conversation as a chat with labels, probabilities and judgements, the customer's
state over time, the conversation's shape, the recording, and label corrections."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from . import charts, feedback, formatting, snapshot

AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
}
LONG_CALL = 40
"""Calls with more turns show WINDOW turns at first (the browser draws each turn)."""
WINDOW = 30
STATE_BADGES = {"neutral": "gray", "frustrated": "orange", "aggressive": "red"}
OUTCOME_BADGES = {
    "appropriate": "green",
    "missed_empathy": "orange",
    "over_empathy": "violet",
    "missing_boundary": "red",
    "dismissive": "gray",
}


def render(call_id: str, turn: int | None, back: Callable[[], None]) -> None:
    if st.button("← All calls", key="call_back"):
        back()
    info = snapshot.load("call", call_id)
    if info is None:
        st.error(f"Call {formatting.md(repr(call_id))} is not in the warehouse (or not in the published snapshot yet).")
        return
    turns = snapshot.load("turns", call_id)
    corrections = snapshot.load("feedback", call_id)
    latest = feedback.latest(corrections)

    st.title(f"Call {formatting.md(call_id)}")
    facts = [
        str(info["started_at"] or "no start time"),
        f"agent {info['agent_id']}",
        f"team {info['team']}",
        f"queue {info['queue']}",
        f"language {info['language']}",
        f"model {info['model_version']}",
    ]
    st.caption(formatting.md(" · ".join(facts)))
    _outcome_summary(turns)
    _figures(info)
    if not turns.empty:
        st.altair_chart(charts.customer_states(turns), width="stretch")
    _recording(info, turns, turn)
    target = turns[turns["turn_index"] == turn] if turn is not None else turns.iloc[0:0]
    if not target.empty:
        row = target.iloc[0]
        st.info(
            f"Coaching moment: turn {turn} at {formatting.clock(row['start_s'])}, "
            f"{formatting.md(_text(row['outcome']) or 'not judged')}. {formatting.md(_text(row['explanation']) or '')}"
        )
    st.subheader("Conversation")
    for row in _shown_turns(turns, turn).itertuples(index=False):
        _turn(row, turn, latest)
    feedback.form(call_id, turns, latest, turn)
    feedback.listing(corrections)


def _shown_turns(turns: pd.DataFrame, target: int | None) -> pd.DataFrame:
    """A long call shows the turns around the coaching moment (or its start) until asked for all."""
    if len(turns) <= LONG_CALL or st.toggle(f"Show all {len(turns)} turns", key="all_turns"):
        return turns
    positions = turns.index[turns["turn_index"] == target].tolist() if target is not None else []
    centre = turns.index.get_loc(positions[0]) if positions else WINDOW // 2
    first = max(0, min(int(centre) - WINDOW // 2, len(turns) - WINDOW))
    st.caption(f"Turns {first + 1} to {first + WINDOW} of {len(turns)}, around the moment to review.")
    return turns.iloc[first : first + WINDOW]


def audio_file(source: Any, warehouse: Path) -> Path | None:
    """The call's recording, when ``source`` names an audio file that can be read from here.

    A relative source is looked up from the working folder and from the warehouse's folder.
    """
    text = _text(source)
    if not text:
        return None
    path = Path(text)
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, warehouse.parent / path]
    for candidate in candidates:
        if candidate.suffix.lower() in AUDIO_TYPES and candidate.is_file():
            return candidate
    return None


def _outcome_summary(turns: pd.DataFrame) -> None:
    counts = turns["outcome"].dropna().value_counts()
    if counts.empty:
        st.markdown("No agent turn was judged.")
        return
    badges = [
        f":{OUTCOME_BADGES.get(str(outcome), 'blue')}-badge[{formatting.md(outcome)} {int(n)}]"
        for outcome, n in counts.items()
    ]
    st.markdown("Judged agent turns: " + " ".join(badges))


def _figures(info: dict[str, Any]) -> None:
    yes_no = {True: "yes", False: "no", None: formatting.DASH}
    judged = (
        ("Dosing score", formatting.score(info["dosing_score"])),
        ("Empathy hit rate", formatting.rate(info["empathy_hit_rate"])),
        ("Aggression episodes", formatting.count(info["aggression_episodes"])),
        ("Boundary set", yes_no.get(info["boundary_set"], formatting.DASH)),
        ("Seconds to boundary", _seconds(info["seconds_to_boundary"])),
        ("De-escalated", yes_no.get(info["deescalated"], formatting.DASH)),
    )
    shape = (
        ("Duration", formatting.clock(info["duration_s"])),
        ("Agent talk", formatting.rate(info["agent_talk_share"])),
        ("Customer talk", formatting.rate(info["customer_talk_share"])),
        ("Silence", formatting.rate(info["silence_share"])),
        ("Longest silence", _seconds(info["longest_silence_s"])),
        ("Overlaps", formatting.count(info["overlap_count"])),
        ("Turns per minute", _number(info["turns_per_minute"])),
    )
    for row in (judged, shape):
        for column, (label, value) in zip(st.columns(len(row)), row, strict=True):
            column.metric(label, value)


def _recording(info: dict[str, Any], turns: pd.DataFrame, turn: int | None) -> None:
    path = audio_file(info.get("source"), snapshot.warehouse_path())
    if path is None:
        return
    st.subheader("Recording")
    options = turns["turn_index"].tolist()
    index = options.index(turn) if turn in options else 0
    starts = dict(zip(turns["turn_index"], turns["start_s"], strict=True))
    chosen = st.selectbox(
        "Play from turn",
        options,
        index=index,
        format_func=lambda i: f"turn {i} at {formatting.clock(starts[i])}",
        key="play_from",
    )
    st.audio(str(path), format=AUDIO_TYPES[path.suffix.lower()], start_time=int(starts.get(chosen, 0.0)))


def _turn(row: Any, target: int | None, latest: dict[tuple[int, str], dict[str, Any]]) -> None:
    # One markdown block per turn: a long call stays a few hundred elements for the browser.
    customer = row.speaker == "customer"
    head = f"**{row.speaker}** · turn {row.turn_index} · {formatting.clock(row.start_s)}"
    if target == row.turn_index:
        head += " · :blue-badge[coaching moment]"
    badges = _badges(row, latest)
    lines = [head + ("  \n" + " ".join(badges) if badges else "")]
    text = _text(row.text)
    lines.append(formatting.md(text).replace("\n", "  \n") if text else ":gray[(text purged by retention)]")
    notes = []
    if _text(row.outcome):
        notes.append(formatting.md(_text(row.explanation) or ""))
    probabilities = _probabilities(row.proba)
    if probabilities:
        notes.append("p: " + " · ".join(f"{formatting.md(k)} {v:.2f}" for k, v in probabilities))
    if notes:
        lines.append("  \n".join(f":gray[{note}]" for note in notes))
    avatar = ":material/person:" if customer else ":material/support_agent:"
    with st.chat_message("customer" if customer else "agent", avatar=avatar):
        st.markdown("\n\n".join(lines))


def _badges(row: Any, latest: dict[tuple[int, str], dict[str, Any]]) -> list[str]:
    badges = []
    state = _text(row.customer_state)
    if state:
        badges.append(f":{STATE_BADGES.get(state, 'blue')}-badge[{formatting.md(state)}]")
    mode = _text(row.agent_mode)
    if mode:
        badges.append(f":blue-badge[mode {formatting.md(mode)}]")
        tags = _tags(row.tags)
        badges.append(f":gray-badge[tags {formatting.md(', '.join(tags)) if tags else 'none'}]")
    outcome = _text(row.outcome)
    if outcome:
        badges.append(f":{OUTCOME_BADGES.get(outcome, 'blue')}-badge[outcome {formatting.md(outcome)}]")
    for field in feedback.FIELDS:
        fix = latest.get((int(row.turn_index), field))
        if fix:
            shown = feedback.shown(field, fix["corrected_value"])
            badges.append(
                f":violet-badge[corrected {formatting.md(field)}: {formatting.md(shown)} "
                f"by {formatting.md(fix['who'])}]"
            )
    return badges


def _probabilities(raw: Any) -> list[tuple[str, float]]:
    text = _text(raw)
    if not text:
        return []
    try:
        proba = json.loads(text)
    except ValueError:
        return []
    return sorted(((str(k), float(v)) for k, v in proba.items()), key=lambda kv: -kv[1])


def _tags(raw: Any) -> list[str]:
    if raw is None or isinstance(raw, float):
        return []
    return [str(t) for t in raw]


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)


def _seconds(value: Any) -> str:
    return formatting.DASH if formatting.missing(value) else f"{float(value):.1f} s"


def _number(value: Any) -> str:
    return formatting.DASH if formatting.missing(value) else f"{float(value):.1f}"
