"""benchmarks/label_agreement.py: annotators against the gold labels, and clear errors on bad files."""

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.label_agreement import read_annotations, tag_f1

ROOT = Path(__file__).resolve().parent.parent


def test_bad_annotation_lines_name_the_file_line_and_field(tmp_path: Path):
    path = tmp_path / "annotator_x.jsonl"
    path.write_text('{"id": "t-1", "tags": ["empathy"]}\n{"id": "t-2", "tags": ["kind"]}\n', encoding="utf-8")
    with pytest.raises(SystemExit) as err:
        read_annotations(path, {"t-1", "t-2"})
    assert f"{path}:2: field 'tags'" in str(err.value) and "kind" in str(err.value)
    with pytest.raises(SystemExit) as err:
        read_annotations(path, {"t-2"})
    assert f"{path}:1: field 'id'" in str(err.value)


def test_tag_f1_counts_agreement_per_tag():
    gold = [frozenset({"dismissive"}), frozenset({"solution", "dismissive"}), frozenset(), frozenset({"empathy"})]
    other = [frozenset({"dismissive"}), frozenset({"solution"}), frozenset({"dismissive"}), frozenset({"empathy"})]
    f1, kappa = tag_f1(gold, other, "dismissive")
    assert f1 == pytest.approx(0.5) and kappa < 0.5  # one hit, one miss, one false alarm
    assert tag_f1(gold, other, "empathy") == (1.0, 1.0)


def test_the_committed_study_runs_and_reports_every_tag():
    out = subprocess.run(
        [sys.executable, "benchmarks/label_agreement.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("500 agent turns labelled by 2 annotators (a, b)")
    rows = {line.split(" | ")[0].strip("| "): line for line in out.splitlines() if line.startswith("| ")}
    assert {"empathy", "solution", "boundary", "commiseration", "dismissive", "open_question"} <= set(rows)
    assert rows["dismissive"].split(" | ")[1] == "125"
