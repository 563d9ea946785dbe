"""The Great Expectations gate in front of every load.

Three suites (``calls``, ``turns``, ``call_metrics``) run on the rows a load is about to write.
A call that fails any expectation, in any of its rows, goes to quarantine (stage ``gate``) with
the expectations it failed; the rest loads. Each run writes GX Data Docs (HTML) into its own
folder, ``<warehouse dir>/data_docs/<run id>/index.html``.

Rows are checked as the loader will write them; the few figures an expectation needs that are
not a column (a turn's previous start, the smallest and largest probability, sums that must add
up) are derived here, in SQL, into the frames GX validates, never into the warehouse.
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .labels import AGENT_MODES, AGENT_TAGS, CUSTOMER_STATES, OUTCOMES, SPEAKERS
from .staging import set_aside

log = logging.getLogger(__name__)

SHARES = ("dosing_score", "empathy_hit_rate", "agent_talk_share", "customer_talk_share", "silence_share")
COUNTS = (
    "n_turns",
    "agent_turns",
    "customer_turns",
    "judged_turns",
    "empathy_opportunities",
    "empathy_hits",
    "aggression_turns",
    "aggression_episodes",
    "episodes_with_boundary",
    "overlap_count",
    *OUTCOMES,
)
_TAGS = "|".join(map(re.escape, AGENT_TAGS))
TAGS_PATTERN = rf"^(?:(?:{_TAGS})(?:,(?:{_TAGS}))*)?$"
ISO_TIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"


@dataclass
class GateReport:
    failures: dict[str, list[str]] = field(default_factory=dict)
    """call_id -> the expectations its rows failed."""
    expectations: int = 0
    data_docs: Path | None = None

    @property
    def passed(self) -> bool:
        return not self.failures


def check(rows: dict[str, pd.DataFrame], docs_dir: Path | None = None) -> GateReport:
    """Validate the rows of one load; Data Docs go to ``docs_dir`` when given."""
    calls = rows.get("calls")
    if calls is None or calls.empty:
        return GateReport()
    frames = _frames(rows)
    gx, context = _context(docs_dir)
    source = context.data_sources.add_pandas("load")
    definitions = []
    for name, expectations in _suites(gx).items():
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        for expectation in expectations:
            suite.add_expectation(expectation)
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
        definition = gx.ValidationDefinition(name=name, data=batch, suite=suite)
        definitions.append(context.validation_definitions.add(definition))
    report = GateReport(expectations=sum(len(d.suite.expectations) for d in definitions))
    failures: dict[str, set[str]] = defaultdict(set)
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["call_id"]}
    for definition in definitions:
        name = definition.name
        validation = definition.run(batch_parameters={"dataframe": frames[name]}, result_format=result_format)
        for outcome in validation.results:
            if outcome.success:
                continue
            label = _describe(name, outcome.expectation_config)
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                raise RuntimeError(f"gate: {label} could not run: {outcome.exception_info['exception_message']}")
            for item in outcome.result.get("unexpected_index_list") or []:
                failures[str(item["call_id"])].add(label)
    if docs_dir:
        try:
            context.build_data_docs()
        except OSError as exc:  # a report, not the gate: the verdict stands without it
            log.warning("GX Data Docs not written to %s: %s", docs_dir, exc)
            docs_dir = None
    report.failures = {call_id: sorted(labels) for call_id, labels in failures.items()}
    if docs_dir and (docs_dir / "index.html").is_file():
        report.data_docs = docs_dir / "index.html"
    return report


def split(rows: dict[str, pd.DataFrame], report: GateReport, now: Any) -> dict[str, pd.DataFrame]:
    """Drop the failed calls from every table and add them to the quarantine rows."""
    if report.passed:
        return rows
    failed = set(report.failures)
    calls = rows["calls"]
    bad = calls[calls["call_id"].isin(failed)].drop_duplicates("call_id")
    reasons = [
        f"{src}: call {cid}: failed the quality gate: {'; '.join(report.failures[cid])}"
        for src, cid in zip(bad["source"], bad["call_id"], strict=True)
    ]
    return set_aside(rows, bad, reasons, "gate", now)


def _frames(rows: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames GX validates: the rows plus the derived figures the expectations need."""
    calls, facts = rows["calls"], rows.get("call_facts")
    turns = rows.get("turns")
    con = duckdb.connect()
    try:
        con.register("calls", calls)
        con.register("facts", facts if facts is not None else pd.DataFrame({"call_id": pd.Series(dtype=str)}))
        frames = {
            "calls": con.execute(
                """
                SELECT c.call_id, c.duration_s, c.started_at_text, f.agent_turns
                FROM (SELECT *, CAST(started_at AS VARCHAR) AS started_at_text FROM calls) c
                LEFT JOIN facts f USING (call_id)
                """
            ).df(),
            "call_metrics": con.execute(
                f"""
                SELECT *,
                    agent_turns + customer_turns AS turns_added_up,
                    {" + ".join(OUTCOMES)} AS outcomes_added_up
                FROM facts
                """
            ).df(),
        }
        if turns is not None and not turns.empty:
            con.register("turns", turns)
            frames["turns"] = con.execute(
                """
                SELECT call_id, turn_index, speaker, start_s, end_s, text, customer_state, agent_mode, outcome,
                    array_to_string(tags, ',') AS tags_text,
                    list_min(map_values(CAST(CAST(proba AS JSON) AS MAP(VARCHAR, DOUBLE)))) AS proba_min,
                    list_max(map_values(CAST(CAST(proba AS JSON) AS MAP(VARCHAR, DOUBLE)))) AS proba_max,
                    lag(start_s) OVER (PARTITION BY call_id ORDER BY turn_index) AS previous_start_s,
                    CAST(row_number() OVER (PARTITION BY call_id ORDER BY turn_index) - 1 AS INTEGER) AS position
                FROM turns
                """
            ).df()
        else:
            frames["turns"] = pd.DataFrame(
                {c: pd.Series(dtype=object) for c in ("call_id", "turn_index", "speaker", "start_s", "end_s")}
            )
    finally:
        con.close()
    return frames


def _suites(gx: Any) -> dict[str, list[Any]]:
    e = gx.expectations
    calls = [
        e.ExpectColumnValuesToNotBeNull(column="call_id"),
        e.ExpectColumnValuesToBeUnique(column="call_id"),
        e.ExpectColumnValuesToBeBetween(column="duration_s", min_value=0, strict_min=True),
        e.ExpectColumnValuesToMatchRegex(column="started_at_text", regex=ISO_TIME),
        # "Agent present": the agent speaks in the call.
        e.ExpectColumnValuesToNotBeNull(column="agent_turns"),
        e.ExpectColumnValuesToBeBetween(column="agent_turns", min_value=1),
    ]
    turns = [
        e.ExpectColumnValuesToBeInSet(column="speaker", value_set=list(SPEAKERS)),
        e.ExpectColumnValuesToNotBeNull(column="speaker"),
        e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="end_s", column_B="start_s", or_equal=True),
        e.ExpectCompoundColumnsToBeUnique(column_list=["call_id", "turn_index"]),
        e.ExpectColumnPairValuesToBeEqual(column_A="turn_index", column_B="position"),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="start_s", column_B="previous_start_s", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
        e.ExpectColumnValuesToNotBeNull(column="text"),
        e.ExpectColumnValueLengthsToBeBetween(column="text", min_value=1),
        e.ExpectColumnValuesToBeInSet(column="customer_state", value_set=list(CUSTOMER_STATES)),
        e.ExpectColumnValuesToBeInSet(column="agent_mode", value_set=list(AGENT_MODES)),
        e.ExpectColumnValuesToBeInSet(column="outcome", value_set=list(OUTCOMES)),
        e.ExpectColumnValuesToMatchRegex(column="tags_text", regex=TAGS_PATTERN),
        e.ExpectColumnValuesToBeBetween(column="proba_min", min_value=0, max_value=1),
        e.ExpectColumnValuesToBeBetween(column="proba_max", min_value=0, max_value=1),
    ]
    metrics = [
        *(e.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1) for c in SHARES),
        *(e.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in COUNTS),
        e.ExpectColumnValuesToBeBetween(column="duration_s", min_value=0, strict_min=True),
        e.ExpectColumnPairValuesToBeEqual(column_A="turns_added_up", column_B="n_turns"),
        e.ExpectColumnPairValuesToBeEqual(column_A="outcomes_added_up", column_B="judged_turns"),
        e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="agent_turns", column_B="judged_turns", or_equal=True),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="empathy_opportunities", column_B="empathy_hits", or_equal=True
        ),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="aggression_episodes", column_B="episodes_with_boundary", or_equal=True
        ),
    ]
    return {"calls": calls, "turns": turns, "call_metrics": metrics}


def _describe(suite: str, config: Any) -> str:
    kwargs = config.kwargs
    columns = kwargs.get("column") or kwargs.get("column_list") or [kwargs.get("column_A"), kwargs.get("column_B")]
    if isinstance(columns, list | tuple):
        columns = ", ".join(str(c) for c in columns if c)
    return f"{suite}.{config.type}({columns})"


def _quiet_gx_loggers() -> None:
    """GX sets INFO on some of its own loggers (one announces every ephemeral docs site): keep
    them at WARNING unless the run asked for debug output (`--verbose`)."""
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        return
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("great_expectations") and isinstance(logger, logging.Logger):
            logger.setLevel(logging.WARNING)


def _context(docs_dir: Path | None) -> tuple[Any, Any]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet_gx_loggers()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(
            "run",
            {
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            },
        )
    return gx, context
