"""The classifier on turns it was not trained on: a synthetic night's gold labels.

    python benchmarks/synthetic_eval.py --calls 1500                    # the pinned model
    python benchmarks/synthetic_eval.py --calls 1500 --classifier models/artifacts/VERSION

``make_night.py`` composes its calls from a phrase bank written for the generator, apart from the
training corpus (its writers never saw the corpus, and the corpus writers were kept away from the
generator), and keeps the phrase kind of each turn as ``gold_state`` / ``gold_tags``. This script
writes a night (``--seed``, default 11: not the benchmarks' seed 0), redacts each text as the
pipeline does, and gives the turns to the same report as ``empathy-dial evaluate``. Each distinct
text counts once, digits aside (``--all-turns`` counts every occurrence, as a night's metrics would),
so that a frequent phrase does not dominate: "Your ticket number is PO-61726" and "... PO-33886" are
one phrase, not two. The phrase bank is small next to real calls: read these as a
check for systematic errors (a label the model over-calls on ordinary turns), not as real-world
accuracy.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.make_night import generate  # noqa: E402
from pipeline.classify import DEFAULT_CLASSIFIER, load_classifier  # noqa: E402
from pipeline.modeling.corpus import Example  # noqa: E402
from pipeline.modeling.evaluate import evaluate, report_markdown  # noqa: E402
from pipeline.redact import redact  # noqa: E402

DIGITS = re.compile(r"\d+")


def distinct_key(text: str) -> str:
    """The text with every run of digits made alike: ticket and order numbers do not make a phrase new."""
    return DIGITS.sub("0", text)


def examples(folder: Path, all_turns: bool) -> list[Example]:
    seen: set[tuple[str, str]] = set()
    out: list[Example] = []
    for file in sorted(folder.glob("night-*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            call = json.loads(line)
            for n, turn in enumerate(call["turns"]):
                text = redact(turn["text"])
                key = (turn["speaker"], distinct_key(text))
                if not all_turns and key in seen:
                    continue
                seen.add(key)
                ident = f"{call['call_id']}-{n}"
                if turn["speaker"] == "customer" and "gold_state" in turn:
                    out.append(Example(ident, "customer", text, call["language"], customer_state=turn["gold_state"]))
                elif turn["speaker"] == "agent" and "gold_tags" in turn:
                    out.append(Example(ident, "agent", text, call["language"], tags=tuple(sorted(turn["gold_tags"]))))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=1500)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--classifier", default=DEFAULT_CLASSIFIER)
    p.add_argument("--all-turns", action="store_true", help="count every turn, not every distinct text once")
    p.add_argument("--format", choices=("md", "json"), default="md")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, calls=args.calls, seed=args.seed)
        data = examples(Path(tmp), args.all_turns)
    report = evaluate(load_classifier(args.classifier), data)
    print(json.dumps(report, indent=2) if args.format == "json" else report_markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
