"""Human-readable run summaries for the command line and the demo."""

from __future__ import annotations

from .jobs import RunReport
from .labels import OUTCOMES


def format_run(report: RunReport, max_quarantine_lines: int = 20) -> str:
    t = report.totals
    score = "n/a" if t.get("dosing_score") is None else f"{t['dosing_score']:.2f}"
    outcomes = t.get("outcomes", {})
    lines = [
        f"Empathy Dial run {report.run_id}",
        f"  this run   : {report.inputs} inputs, {report.loaded} calls loaded, "
        f"{report.skipped} unchanged (skipped), {len(report.quarantined)} quarantined",
        f"  warehouse  : {report.warehouse}",
        f"  published  : {report.published}  (what readers and dashboards open)"
        if report.published
        else f"  published  : NOT published, readers still see the previous night: {report.publish_error}",
        f"  quality    : {report.gate_failures} calls failed the Great Expectations gate; "
        f"Data Docs: {report.data_docs or 'not written'}",
        f"  contents   : {t.get('calls', 0)} calls, {t.get('turns', 0)} turns, "
        f"{t.get('quarantined', 0)} quarantined inputs",
        f"  dosing score: {score}  (appropriate agent turns / judged agent turns)",
        "  outcomes   : " + ", ".join(f"{o} {outcomes.get(o, 0)}" for o in OUTCOMES),
    ]
    if report.timings:
        stages = ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in report.timings.items())
        lines.append(f"  time (s)   : {sum(report.timings.values()):.1f} ({stages})")
    if report.quarantined:
        lines.append("Quarantined in this run (fix the input and run again):")
        for q in report.quarantined[:max_quarantine_lines]:
            lines.append(f"  - [{q['stage']}] {q['reason']}")
        if len(report.quarantined) > max_quarantine_lines:
            lines.append(f"  ... and {len(report.quarantined) - max_quarantine_lines} more (table quarantine)")
    lines += [
        "Next:",
        "  empathy-dial analyze FILE.call.json          one call, turn by turn, with explanations",
        f'  empathy-dial query "SELECT * FROM agent_daily" --warehouse {report.warehouse}',
        "  any DuckDB client can open the published snapshot read-only (marts call_metrics, agent_daily,",
        "  team_weekly, aggression_exposure, coaching_queue, outcome_trend; see sql/README.md)",
    ]
    return "\n".join(lines)
