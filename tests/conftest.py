"""Shared fixtures: the shipped samples, a temporary warehouse, and a batch with broken inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "calls"


def call(call_id: str = "t-1", **extra) -> dict:
    """A small valid call: greeting, a frustrated customer, an empathic answer with a solution."""
    return {
        "call_id": call_id,
        "started_at": "2026-11-02T09:14:03Z",
        "agent_id": "a-900",
        "team": "billing",
        "queue": "nl-billing",
        "language": "nl",
        "turns": [
            {"speaker": "agent", "start": 0.0, "end": 3.0, "text": "Goedemorgen, waarmee kan ik u helpen?"},
            {
                "speaker": "customer",
                "start": 3.5,
                "end": 9.0,
                "text": "Dit is al de derde keer dat ik bel, belachelijk.",
            },
            {
                "speaker": "agent",
                "start": 9.4,
                "end": 15.0,
                "text": "Wat vervelend, dat begrijp ik. Ik stuur u vandaag nog een nieuwe factuur.",
            },
        ],
        **extra,
    }


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "warehouse.duckdb"


@pytest.fixture
def mixed_batch(tmp_path: Path) -> Path:
    """Three good sample calls plus every kind of broken input the foundation issue names."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("*.call.json"))[:3]:
        shutil.copy(sample, folder / sample.name)
    (folder / "not-json.call.json").write_text("{this is not json", encoding="utf-8")
    no_id = call()
    del no_id["call_id"]
    (folder / "no-call-id.call.json").write_text(json.dumps(no_id), encoding="utf-8")
    backwards = call("t-backwards")
    backwards["turns"][1]["end"] = 1.0
    (folder / "end-before-start.call.json").write_text(json.dumps(backwards), encoding="utf-8")
    robot = call("t-robot")
    robot["turns"][0]["speaker"] = "robot"
    (folder / "unknown-speaker.call.json").write_text(json.dumps(robot), encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not a transcript")
    return folder


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of one read-only query on a warehouse file (opened and closed around it)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


SENTENCE = "goedemorgen u spreekt met de klantenservice"
"""What the test speech model says, whatever it hears."""


@pytest.fixture(scope="session")
def whisper_models(tmp_path_factory) -> dict[str, Path]:
    """Real CTranslate2 Whisper models built here (no download): one says SENTENCE, one is random."""
    from pipeline.asr.synthetic import ensure_model

    cache = tmp_path_factory.mktemp("whisper-models")
    return {
        "fixed": ensure_model(cache, "fixed_sentence", sentence=SENTENCE, language="nl"),
        "random": ensure_model(cache, "random", size="tiny-test"),
    }
