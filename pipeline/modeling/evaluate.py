"""Measure a classifier on labelled turns: the report behind the model card and `evaluate`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from ..classify import TurnClassifier
from ..labels import AGENT_MODES, AGENT_TAGS, CUSTOMER_STATES, agent_mode
from .corpus import Example


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Weighted mean gap between confidence and accuracy over equal-width confidence bins."""
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            error += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return round(float(error), 4)


def _per_label(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict[str, dict[str, float]]:
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(labels), zero_division=0)
    return {
        label: {
            "precision": round(float(p[i]), 4),
            "recall": round(float(r[i]), 4),
            "f1": round(float(f[i]), 4),
            "support": int(s[i]),
        }
        for i, label in enumerate(labels)
    }


def _single_label(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    return {
        "n": len(gold),
        "macro_f1": round(float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0)), 4),
        "per_label": _per_label(gold, pred, labels),
        "confusion": {"labels": list(labels), "matrix": confusion_matrix(gold, pred, labels=list(labels)).tolist()},
    }


def evaluate(classifier: TurnClassifier, examples: Sequence[Example]) -> dict[str, Any]:
    """Per-label precision/recall/F1, confusion matrices and calibration error."""
    report: dict[str, Any] = {"model_version": classifier.version, "turns": len(examples)}
    customers = [e for e in examples if e.role == "customer" and e.customer_state]
    if customers:
        predicted = classifier.label_customer([e.text for e in customers])
        gold = [e.customer_state or "" for e in customers]
        pred = [p.state for p in predicted]
        confidence = np.array([p.proba[p.state] for p in predicted])
        report["customer_state"] = _single_label(gold, pred, CUSTOMER_STATES) | {
            "ece": expected_calibration_error(confidence, np.array(gold) == np.array(pred))
        }
    all_agents = [e for e in examples if e.role == "agent"]
    all_predicted = classifier.label_agent([e.text for e in all_agents])
    if all_agents:
        gold_modes = [e.gold_mode or agent_mode(e.tags) for e in all_agents]
        pred_modes = [p.mode for p in all_predicted]
        report["agent_mode"] = _single_label(gold_modes, pred_modes, AGENT_MODES)
    pairs = [(e, p) for e, p in zip(all_agents, all_predicted, strict=True) if e.gold_mode is None]
    if pairs:
        agents = [e for e, _ in pairs]
        predicted_tags = [p for _, p in pairs]
        tags: dict[str, Any] = {}
        for tag in AGENT_TAGS:
            y = np.array([tag in e.tags for e in agents])
            yhat = np.array([tag in p.tags for p in predicted_tags])
            proba = np.array([p.proba.get(tag, 0.0) for p in predicted_tags])
            tp, fp, fn = int((y & yhat).sum()), int((~y & yhat).sum()), int((y & ~yhat).sum())
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            tags[tag] = {
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "support": int(y.sum()),
                "confusion": [[int((~y & ~yhat).sum()), fp], [fn, tp]],
                "ece": expected_calibration_error(np.maximum(proba, 1 - proba), (proba >= 0.5) == y),
            }
        report["agent_tags"] = {
            "n": len(agents),
            "macro_f1": round(float(np.mean([t["f1"] for t in tags.values()])), 4),
            "per_tag": tags,
        }
    return report


def report_markdown(report: dict[str, Any]) -> str:
    """The evaluation report as Markdown tables (used in MODEL_CARD.md and by `evaluate --format md`)."""
    lines = [f"Model `{report['model_version']}`, {report['turns']} labelled turns.", ""]
    if "customer_state" in report:
        cs = report["customer_state"]
        lines += _single_label_md(
            f"customer_state (n={cs['n']}, macro-F1 {cs['macro_f1']:.3f}, ECE {cs['ece']:.3f})", cs
        )
    if "agent_tags" in report:
        at = report["agent_tags"]
        lines += [
            f"### agent tags (n={at['n']}, macro-F1 {at['macro_f1']:.3f})",
            "",
            "| tag | precision | recall | F1 | support | ECE | confusion [[tn, fp], [fn, tp]] |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} | "
            f"{v['ece']:.3f} | {v['confusion']} |"
            for k, v in at["per_tag"].items()
        ]
        lines.append("")
    if "agent_mode" in report:
        am = report["agent_mode"]
        lines += _single_label_md(f"agent_mode (derived from tags, n={am['n']}, macro-F1 {am['macro_f1']:.3f})", am)
    return "\n".join(lines)


def _single_label_md(title: str, section: dict[str, Any]) -> list[str]:
    lines = [f"### {title}", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [
        f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
        for k, v in section["per_label"].items()
    ]
    lines += ["", "Confusion (rows gold, columns predicted: " + ", ".join(section["confusion"]["labels"]) + "):", ""]
    lines += ["    " + " ".join(f"{n:5d}" for n in row) for row in section["confusion"]["matrix"]]
    return [*lines, ""]
