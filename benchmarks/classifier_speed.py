"""Classifier speed: model load time, artifact size, and turns scored per second on 2 cores.

Scores the whole labelled corpus (repeated to --turns) in batches, sequentially in one process
and with one worker process per core, as `empathy-dial score` and the analytics stage would use
it. Writes the figures into the artifact's metadata.json and MODEL_CARD.md (--write).

    .venv/bin/python benchmarks/classifier_speed.py --turns 100000 --write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from pipeline.classify.trained import TrainedClassifier, artifacts_dir, pinned_version
from pipeline.modeling.card import model_card
from pipeline.modeling.corpus import corpus_files, read_examples

_worker: TrainedClassifier | None = None


def _init(folder: str) -> None:
    global _worker
    _worker = TrainedClassifier.load(folder)


def _score(batch: tuple[list[str], list[str]]) -> int:
    assert _worker is not None
    customers, agents = batch
    _worker.label_customer(customers)
    _worker.label_agent(agents)
    return len(customers) + len(agents)


def batches(turns: int, size: int) -> list[tuple[list[str], list[str]]]:
    examples = read_examples(corpus_files())
    texts = [(e.role, e.text) for e in examples]
    texts = (texts * (turns // len(texts) + 1))[:turns]
    out = []
    for i in range(0, len(texts), size):
        chunk = texts[i : i + size]
        out.append(([t for r, t in chunk if r == "customer"], [t for r, t in chunk if r == "agent"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default=None, help="artifact folder (default: the pinned one)")
    parser.add_argument("--write", action="store_true", help="record the figures in the artifact")
    args = parser.parse_args()
    folder = Path(args.model) if args.model else artifacts_dir() / pinned_version()

    t0 = time.perf_counter()
    model = TrainedClassifier.load(folder)
    load_s = time.perf_counter() - t0
    size_mb = sum(p.stat().st_size for p in folder.glob("*.skops")) / 1e6
    work = batches(args.turns, args.batch)

    t0 = time.perf_counter()
    for customers, agents in work:
        model.label_customer(customers)
        model.label_agent(agents)
    one = args.turns / (time.perf_counter() - t0)

    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(str(folder),)) as pool:
        list(pool.map(_score, work[: args.workers]))  # warm up: models loaded in every worker
        t0 = time.perf_counter()
        done = sum(pool.map(_score, work))
        many = done / (time.perf_counter() - t0)

    figures = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "model_load_s": round(load_s, 3),
        "artifact_mb": round(size_mb, 2),
        "turns_per_s_1_process": round(one),
        f"turns_per_s_{args.workers}_processes": round(many),
        "turns_scored": args.turns,
        "batch_size": args.batch,
    }
    print(json.dumps(figures, indent=2))
    if args.write:
        meta_file = folder / "metadata.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        meta["speed"] = figures
        meta_file.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (folder / "MODEL_CARD.md").write_text(model_card(meta), encoding="utf-8")


if __name__ == "__main__":
    main()
