"""The labelled corpus: loading, validation, and splits that keep paraphrase families together."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..classify.normalize import normalize
from ..labels import AGENT_MODES, AGENT_TAGS, CUSTOMER_STATES

CORPUS_DIR = Path(__file__).resolve().parents[2] / "models" / "data" / "corpus"
HOLDOUT_DIR = CORPUS_DIR.parent / "holdout"
"""Labelled turns by a writer who never saw the corpus: measured, never trained or tuned on."""
SPLITS = ("train", "dev", "test")
# Share of groups per split, by a stable hash of the group: 70 / 15 / 15.
_SPLIT_EDGES = ((70, "train"), (85, "dev"), (100, "test"))


class CorpusError(ValueError):
    """A labelled row breaks a rule; the message names the file, line, field and rule."""


@dataclass(frozen=True)
class Example:
    id: str
    role: str
    text: str
    lang: str | None = None
    customer_state: str | None = None
    tags: tuple[str, ...] = ()
    gold_mode: str | None = None
    """Agent turns labelled with ``agent_mode`` only (no tags): measured on the mode alone."""
    family: str | None = None
    form: str | None = None


def read_examples(paths: Iterable[Path], require_family: bool = False) -> list[Example]:
    """Read labelled JSON lines (the ``score`` input format plus gold fields)."""
    examples = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if line.strip():
                    examples.append(parse_example(line, f"{path}:{number}", require_family))
    return examples


def parse_example(line: str, where: str, require_family: bool = False) -> Example:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: must be a JSON object ({exc})") from None
    if not isinstance(row, dict):
        raise CorpusError(f"{where}: must be a JSON object")
    role, text = row.get("role"), row.get("text")
    if role not in ("agent", "customer"):
        raise CorpusError(f"{where}: field 'role': must be agent or customer (got {role!r})")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: field 'text': must be a non-empty string")
    state, tags = row.get("customer_state"), row.get("tags")
    if role == "customer" and state not in CUSTOMER_STATES:
        raise CorpusError(f"{where}: field 'customer_state': must be one of {list(CUSTOMER_STATES)} (got {state!r})")
    if role == "agent":
        if tags is None and row.get("agent_mode") is None:
            raise CorpusError(f"{where}: field 'tags': an agent turn needs gold 'tags' or 'agent_mode'")
        if tags is not None and (not isinstance(tags, list) or any(t not in AGENT_TAGS for t in tags)):
            raise CorpusError(f"{where}: field 'tags': must be a list drawn from {list(AGENT_TAGS)} (got {tags!r})")
        if tags is None and row.get("agent_mode") not in AGENT_MODES:
            raise CorpusError(
                f"{where}: field 'agent_mode': must be one of {list(AGENT_MODES)} (got {row.get('agent_mode')!r})"
            )
    if require_family and not row.get("family"):
        raise CorpusError(f"{where}: field 'family': is required in the training corpus")
    return Example(
        id=str(row.get("id", where)),
        role=role,
        text=text,
        lang=row.get("lang"),
        customer_state=state if role == "customer" else None,
        tags=tuple(t for t in AGENT_TAGS if t in (tags or [])),
        gold_mode=row.get("agent_mode") if role == "agent" and tags is None else None,
        family=row.get("family"),
        form=row.get("form"),
    )


def corpus_files(folder: Path = CORPUS_DIR) -> list[Path]:
    return sorted(folder.glob("*.jsonl"))


def data_hash(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def assign_splits(examples: Sequence[Example]) -> list[str]:
    """Split by group: a family, joined with every family that shares a (normalised) text.

    Paraphrases and template variants share a family, and the same short filler written by two
    authors shares a text; neither may straddle train and test.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for ex in examples:
        union("f:" + (ex.family or ex.id), "t:" + normalize(ex.text))
    splits = []
    for ex in examples:
        root = find("f:" + (ex.family or ex.id))
        bucket = int(hashlib.sha256(root.encode()).hexdigest()[:8], 16) % 100
        splits.append(next(name for edge, name in _SPLIT_EDGES if bucket < edge))
    return splits


def distribution(examples: Sequence[Example]) -> dict[str, Counter]:
    """Label counts per role (for the model card and the guideline)."""
    customer = Counter(ex.customer_state for ex in examples if ex.role == "customer")
    agent = Counter(tag for ex in examples if ex.role == "agent" for tag in ex.tags or ("(none)",))
    lang = Counter(ex.lang for ex in examples)
    return {"customer_state": customer, "agent_tags": agent, "lang": lang}
