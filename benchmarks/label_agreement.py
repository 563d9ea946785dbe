"""How far the corpus's own labels agree with a second reading: the ceiling a model can reach on them.

    python benchmarks/label_agreement.py                       # the pinned model beside the annotators
    python benchmarks/label_agreement.py --classifier models/artifacts/VERSION

``models/data/agreement/`` holds, per annotator, one file of ``{"id", "tags"}`` lines: agent turns of
the test split (one written turn per paraphrase family), labelled again by annotators who saw only
the turn's text, GUIDELINE.md and DOMAIN.md (no corpus, no model, no other annotator). This script
joins them with the corpus's gold tags by id and prints, per tag, each annotator's F1 against the
gold labels (gold as the reference), the F1 between annotators, and the model's F1 on the same
turns. Where two careful readers of the guideline agree with the gold labels at F1 0.85, a model
scoring 0.85 on them has reached what the labels support.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import cohen_kappa_score, f1_score  # noqa: E402

from pipeline.classify import DEFAULT_CLASSIFIER, load_classifier  # noqa: E402
from pipeline.labels import AGENT_TAGS  # noqa: E402
from pipeline.modeling.corpus import corpus_files, read_examples  # noqa: E402

AGREEMENT_DIR = ROOT / "models" / "data" / "agreement"


def read_annotations(path: Path, known: set[str]) -> dict[str, frozenset[str]]:
    """One annotator's tags by turn id; names the file, line and rule on bad input."""
    out: dict[str, frozenset[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        where = f"{path}:{number}"
        if row.get("id") not in known:
            raise SystemExit(f"{where}: field 'id' must name an agent turn of the corpus, got {row.get('id')!r}")
        tags = frozenset(row.get("tags", []))
        if not tags <= set(AGENT_TAGS):
            raise SystemExit(f"{where}: field 'tags' must use {', '.join(AGENT_TAGS)}, got {sorted(tags)}")
        out[row["id"]] = tags
    return out


def tag_f1(reference: list[frozenset[str]], other: list[frozenset[str]], tag: str) -> tuple[float, float]:
    """F1 of ``other`` against ``reference`` for one tag, and Cohen's kappa."""
    ref = [tag in r for r in reference]
    got = [tag in o for o in other]
    return float(f1_score(ref, got, zero_division=0)), float(cohen_kappa_score(ref, got))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=AGREEMENT_DIR, help="annotator files (default: %(default)s)")
    parser.add_argument("--classifier", default=DEFAULT_CLASSIFIER)
    args = parser.parse_args()

    gold = {e.id: (frozenset(e.tags), e.text) for e in read_examples(corpus_files()) if e.role == "agent"}
    files = sorted(args.dir.glob("annotator_*.jsonl"))
    if not files:
        raise SystemExit(f"{args.dir}: no annotator_*.jsonl files")
    annotators = {f.stem.removeprefix("annotator_"): read_annotations(f, set(gold)) for f in files}
    ids = sorted(set.intersection(*(set(a) for a in annotators.values())))
    reference = [gold[i][0] for i in ids]
    model = load_classifier(args.classifier)
    predicted = [frozenset(label.tags) for label in model.label_agent([gold[i][1] for i in ids])]
    names = list(annotators)

    print(f"{len(ids)} agent turns labelled by {len(names)} annotators ({', '.join(names)}); model {model.version}")
    print()
    pairs = [(a, b) for k, a in enumerate(names) for b in names[k + 1 :]]
    header = (
        ["tag", "gold turns"]
        + [f"{n} vs gold F1 (kappa)" for n in names]
        + [f"{a} vs {b} F1 (kappa)" for a, b in pairs]
        + ["model vs gold F1"]
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for tag in AGENT_TAGS:
        cells = [tag, str(sum(tag in r for r in reference))]
        for n in names:
            f1, kappa = tag_f1(reference, [annotators[n][i] for i in ids], tag)
            cells.append(f"{f1:.3f} ({kappa:.2f})")
        for a, b in pairs:
            f1, kappa = tag_f1([annotators[a][i] for i in ids], [annotators[b][i] for i in ids], tag)
            cells.append(f"{f1:.3f} ({kappa:.2f})")
        cells.append(f"{tag_f1(reference, predicted, tag)[0]:.3f}")
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
