"""MODEL_CARD.md, written from the measured metadata of one artifact."""

from __future__ import annotations

from typing import Any

from .evaluate import report_markdown

TARGETS = {"customer_state": 0.90, "empathy": 0.90, "boundary": 0.90, "dismissive": 0.90, "commiseration": 0.80}


def model_card(meta: dict[str, Any]) -> str:
    test = meta["scores"]["test"]
    dist = meta["distribution"]
    combination = (
        " A second agent head, a multinomial logistic regression over whole tag combinations on the same "
        "features, is blended with the per-tag models with a weight per tag tuned on the dev split "
        f"(`blend`: {meta['blend']}); a combination's probability counts for every tag it carries."
        if meta.get("blend")
        else ""
    )
    refit = (
        " Once thresholds and blend were tuned on the dev split, the agent models were fitted again on "
        "train + dev with them (the test split and the holdout stay unseen; the customer model is fitted on "
        "train); the dev scores are those of the models fitted on train alone."
        if meta["params"].get("agent_refit_on_train_and_dev")
        else ""
    )
    lines = [
        f"# Model card: `{meta['version']}`",
        "",
        "Two scikit-learn pipelines from raw turn text to labels (DOMAIN.md): `customer_state` (3 classes, "
        "logistic regression) and the agent behaviour tags (one-vs-rest logistic regression, thresholds tuned "
        "per tag on the dev split); `agent_mode` is derived from the tags. Features: TF-IDF of hashed word "
        "1-2-grams and within-word character 3-4-grams of normalised text (lowercase, no accents or "
        f"punctuation).{combination}{refit}",
        "",
        "## Provenance",
        "",
        f"- created {meta['created_at']}, code `{meta['code_version']}`, data sha256 `{meta['data_sha256'][:16]}...`",
        f"- libraries: {', '.join(f'{k} {v}' for k, v in meta['libraries'].items())}",
        f"- corpus: {', '.join(meta['corpus_files'])}",
        f"- feedback examples from the warehouse: {meta['feedback_examples']}",
        f"- split sizes (grouped by paraphrase family and shared text): {meta['split_sizes']}",
        f"- thresholds: {meta['thresholds']}",
        f"- parameters: {meta['params']}",
        "",
        "## Label distribution (whole corpus)",
        "",
        f"- customer_state: {dist['customer_state']}",
        f"- agent tags (turns carrying each; `(none)` = no tag): {dist['agent_tags']}",
        f"- language: {dist['lang']}",
        "",
        "## Scores on the held-out test split",
        "",
        report_markdown(test),
    ]
    if "holdout" in meta["scores"]:
        lines += [
            "## Scores on the independent holdout (`models/data/holdout/`)",
            "",
            "Written by a separate writer who never saw the training corpus; never used for training or tuning.",
            "",
            report_markdown(meta["scores"]["holdout"]),
        ]
    lines += [
        "## Targets",
        "",
        "| label | target F1 | measured | met |",
        "|---|---|---|---|",
    ]
    for label, target in TARGETS.items():
        value = (
            test["customer_state"]["macro_f1"]
            if label == "customer_state"
            else test["agent_tags"]["per_tag"][label]["f1"]
        )
        lines.append(f"| {label} | {target:.2f} | {value:.3f} | {'yes' if value >= target else 'no'} |")
    comparison = meta.get("comparison", {})
    lines += [
        "",
        "## Champion / challenger",
        "",
        f"Champion: `{comparison.get('champion')}`. "
        f"Decision: {'promote' if comparison.get('promote') else 'keep champion'} "
        f"({comparison.get('reason')}). Challenger: {comparison.get('challenger_scores')}; "
        f"champion: {comparison.get('champion_scores')}.",
        *_per_label_table(comparison.get("per_label_f1", {}), comparison.get("holdout_tolerance")),
        "",
        "## Known weaknesses",
        "",
        "- Trained and tested on a corpus written for this project (synthetic, one group of writers); the "
        "test split shares their style, so scores on calls and public data written by others will be lower. "
        "Measure on your own labelled calls with `empathy-dial evaluate --data FILE.jsonl`.",
    ]
    weak = [f"`{tag}` (F1 {v['f1']:.2f})" for tag, v in test["agent_tags"]["per_tag"].items() if v["f1"] < 0.9] + [
        f"`{s}` (F1 {v['f1']:.2f})" for s, v in test["customer_state"]["per_label"].items() if v["f1"] < 0.9
    ]
    if weak:
        lines.append("- Below 0.90 F1 on the test split: " + ", ".join(weak) + ".")
    lines += [
        "- Bag-of-n-grams: sarcasm, negation over long distances and context from earlier turns are not seen; "
        "each turn is labelled on its own text.",
        "- Dutch and English only; other languages fall back to character n-gram overlap and are unreliable.",
        *_prevalence_lines(meta.get("distribution", {})),
        "",
        "## Speed",
        "",
        "Measured by `benchmarks/classifier_speed.py`, which adds its figures here and to metadata.json.",
        "",
    ]
    if "speed" in meta:
        s = meta["speed"]
        lines += [f"- {k}: {v}" for k, v in s.items()]
        lines.append("")
    return "\n".join(lines)


def _per_label_table(per_label: dict[str, dict[str, dict[str, float]]], tolerance: float | None = None) -> list[str]:
    """F1 per label, champion against challenger, on the test split and the holdout."""
    if not per_label:
        return []
    sets = list(per_label)
    lines = [
        "",
        "F1 per label"
        + (
            f" (on the holdout a drop of more than {tolerance:.2f} on any label keeps the champion):"
            if tolerance is not None
            else " (written down, not deciding):"
        ),
        "",
        "| label | " + " | ".join(f"{s} champion | {s} challenger" for s in sets) + " |",
        "|---|" + "---:|---:|" * len(sets),
    ]
    for label in per_label[sets[0]]["challenger"]:
        cells = [
            f"{per_label[s]['champion'].get(label, float('nan')):.3f} | {per_label[s]['challenger'][label]:.3f}"
            for s in sets
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _prevalence_lines(distribution: dict[str, dict[str, int]]) -> list[str]:
    """The corpus's share of `dismissive`, likely far above real calls, and what that does to a night's counts."""
    tags = distribution.get("agent_tags", {})
    if not tags.get("dismissive"):
        return []
    share = tags["dismissive"] / sum(tags.values())
    return [
        f"- `dismissive` labels {share:.0%} of the corpus's agent tag assignments, likely far more than real "
        "calls hold; thresholds tuned at that share call some ordinary agent turns dismissive, so counts over a "
        "night are inflated (`benchmarks/synthetic_eval.py` measures it on turns written apart from the corpus)."
    ]
