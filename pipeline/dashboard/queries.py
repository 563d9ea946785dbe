"""Every query the dashboard runs, on a plain read-only DuckDB connection.

The pages never write SQL: they call these functions through :mod:`.snapshot`, which opens the
published snapshot and caches the answers. Aggregation happens here, in SQL on the marts
(``call_metrics``, ``aggression_exposure``, ``coaching_queue``, ``stg_runs`` ...), and every list
is limited, so a page stays cheap on a warehouse of millions of turns. User-supplied values are
always parameters (see :mod:`.filters`); only whitelisted names are written into the SQL text.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb
import pandas as pd

from .filters import Filters, grain

Con = duckdb.DuckDBPyConnection

# The rolled-up metrics of DOMAIN.md over any set of rows of call_metrics. Rates are recomputed
# from the summed counts, never averaged over calls (as in the marts).
METRICS_SQL = """
    count(*)                                                        AS calls,
    CAST(coalesce(sum(judged_turns), 0) AS BIGINT)                  AS judged_turns,
    CAST(coalesce(sum(appropriate), 0) AS BIGINT)                   AS appropriate,
    sum(appropriate) / nullif(sum(judged_turns), 0)                 AS dosing_score,
    CAST(coalesce(sum(empathy_opportunities), 0) AS BIGINT)         AS empathy_opportunities,
    sum(empathy_hits) / nullif(sum(empathy_opportunities), 0)       AS empathy_hit_rate,
    CAST(coalesce(sum(missed_empathy), 0) AS BIGINT)                AS missed_empathy,
    CAST(coalesce(sum(over_empathy), 0) AS BIGINT)                  AS over_empathy,
    CAST(coalesce(sum(missing_boundary), 0) AS BIGINT)              AS missing_boundary,
    CAST(coalesce(sum(dismissive), 0) AS BIGINT)                    AS dismissive,
    CAST(coalesce(sum(aggression_turns), 0) AS BIGINT)              AS aggression_turns,
    CAST(coalesce(sum(aggression_episodes), 0) AS BIGINT)           AS aggression_episodes,
    count(*) FILTER (WHERE aggression_turns > 0)                    AS calls_with_aggression,
    CAST(coalesce(sum(episodes_with_boundary), 0) AS BIGINT)        AS episodes_with_boundary,
    count(deescalated)                                              AS escalated_calls,
    count(*) FILTER (WHERE deescalated)                             AS deescalated_calls,
    count(*) FILTER (WHERE deescalated) / nullif(count(deescalated), 0) AS deescalation_rate
"""

OUTCOME_COLUMNS = ("missed_empathy", "over_empathy", "missing_boundary", "dismissive")
"""Outcome counts of call_metrics a call list can be narrowed to (also the coaching outcomes)."""

GRAINS = ("day", "week")
EXPOSURE_WEEKS = 8


def options(con: Con) -> dict[str, Any]:
    """The first and last call day and the values the sidebar offers for each filter."""
    row = con.execute(
        """
        SELECT min(call_date), max(call_date),
               list_sort(list(DISTINCT team) FILTER (WHERE team IS NOT NULL)),
               list_sort(list(DISTINCT queue) FILTER (WHERE queue IS NOT NULL)),
               list_sort(list(DISTINCT agent_id) FILTER (WHERE agent_id IS NOT NULL)),
               list_sort(list(DISTINCT language) FILTER (WHERE language IS NOT NULL)),
               count(*)
        FROM stg_calls
        """
    ).fetchone()
    assert row is not None
    first, last, teams, queues, agents, languages, calls = row
    return {
        "first_day": first,
        "last_day": last,
        "teams": teams or [],
        "queues": queues or [],
        "agents": agents or [],
        "languages": languages or [],
        "calls": calls,
    }


def headline(con: Con, filters: Filters) -> dict[str, Any]:
    """The headline metrics over the filtered calls (one row, as a dict)."""
    where, params = filters.where()
    cur = con.execute(f"SELECT {METRICS_SQL} FROM call_metrics WHERE {where}", params)
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def trend(con: Con, filters: Filters) -> pd.DataFrame:
    """The headline metrics per day (per week for long periods), column ``period``."""
    part = _grain(filters)
    where, params = filters.where()
    return con.execute(
        f"""
        SELECT CAST(date_trunc('{part}', call_date) AS DATE) AS period, {METRICS_SQL}
        FROM call_metrics WHERE {where} AND call_date IS NOT NULL
        GROUP BY period ORDER BY period
        """,
        params,
    ).df()


def by_team(con: Con, filters: Filters) -> pd.DataFrame:
    """The headline metrics per team over the filtered calls."""
    where, params = filters.where()
    return con.execute(
        f"SELECT coalesce(team, '(none)') AS team, {METRICS_SQL} FROM call_metrics WHERE {where} "
        "GROUP BY ALL ORDER BY team",
        params,
    ).df()


def agents(con: Con, filters: Filters) -> pd.DataFrame:
    """One row per agent: the metrics, a dosing-score trend (list), and the latest aggression exposure.

    The exposure comes from the ``aggression_exposure`` mart for the weeks that overlap the period,
    filtered by team and agent only: wellbeing is about everything the person took, whatever queue.
    """
    part = _grain(filters)
    where, params = filters.where()
    people, people_params = filters.people()
    week_from = "date_trunc('week', CAST(? AS DATE))" if filters.start else "DATE '0001-01-01'"
    week_to = "?" if filters.end else "DATE '9999-12-31'"
    exposure_params = [d for d in (filters.start, filters.end) if d is not None]
    return con.execute(
        f"""
        WITH m AS (SELECT * FROM call_metrics WHERE {where}),
        per_agent AS (SELECT agent_id, mode(team) AS team, {METRICS_SQL} FROM m GROUP BY agent_id),
        periods AS (
            SELECT agent_id, date_trunc('{part}', call_date) AS period,
                   sum(appropriate) / nullif(sum(judged_turns), 0) AS score
            FROM m GROUP BY ALL
        ),
        trend AS (
            SELECT agent_id, list(score ORDER BY period) FILTER (WHERE score IS NOT NULL) AS dosing_trend
            FROM periods GROUP BY agent_id
        ),
        exposure AS (
            SELECT agent_id,
                   max(week)                                         AS exposure_week,
                   arg_max(rolling_4w_exposure_rate, week)           AS rolling_4w_exposure_rate,
                   CAST(arg_max(rolling_4w_aggression_turns, week) AS BIGINT) AS rolling_4w_aggression_turns,
                   CAST(arg_max(high_weeks_4w, week) AS BIGINT)      AS high_weeks_4w,
                   arg_max(sustained_high_exposure, week)            AS sustained_high_exposure
            FROM aggression_exposure
            WHERE week >= {week_from} AND week <= {week_to} AND {people}
            GROUP BY agent_id
        )
        SELECT p.*, t.dosing_trend, e.* EXCLUDE (agent_id)
        FROM per_agent p
        LEFT JOIN trend t USING (agent_id)
        LEFT JOIN exposure e USING (agent_id)
        ORDER BY p.agent_id
        """,
        [*params, *exposure_params, *people_params],
    ).df()


def exposure_weeks(con: Con, filters: Filters) -> pd.DataFrame:
    """Weekly aggression exposure per agent (team and agent filters) over the weeks of the period,
    and at least the 8 weeks ending with it: sustained exposure is read over weeks."""
    people, params = filters.people()
    clauses = [people]
    if filters.end:
        start = filters.end - timedelta(weeks=EXPOSURE_WEEKS - 1)
        if filters.start:
            start = min(start, filters.start)
        clauses += ["week >= date_trunc('week', CAST(? AS DATE))", "week <= ?"]
        params += [start, filters.end]
    return con.execute(
        f"""
        SELECT agent_id, team, week, calls, calls_with_aggression,
               CAST(aggression_turns AS BIGINT) AS aggression_turns, exposure_rate,
               rolling_4w_exposure_rate, high_exposure, sustained_high_exposure
        FROM aggression_exposure WHERE {" AND ".join(clauses)}
        ORDER BY agent_id, week
        """,
        params,
    ).df()


def calls(con: Con, filters: Filters, search: str = "", outcome: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The newest filtered calls (at most ``limit``) and, in column ``matching``, how many match in all.

    ``search`` looks for a part of the call id or of the transcript text (case-insensitive);
    ``outcome`` keeps calls with at least one such outcome (``aggression`` for aggressive customers).
    """
    where, params = filters.where()
    if search:
        # The text scan is bounded by the filtered calls' id range: when ids grow with time (as
        # dated ids do), DuckDB skips the row groups of other days instead of reading every turn.
        where += (
            " AND (contains(lower(call_id), lower(?))"
            " OR call_id IN (SELECT call_id FROM turns WHERE call_id BETWEEN"
            f" (SELECT min(call_id) FROM stg_calls WHERE {where})"
            f" AND (SELECT max(call_id) FROM stg_calls WHERE {where})"
            " AND contains(lower(text), lower(?))))"
        )
        params += [search, *params, *params, search]
    if outcome:
        column = "aggression_turns" if outcome == "aggression" else outcome
        if column not in (*OUTCOME_COLUMNS, "aggression_turns"):
            raise ValueError(f"outcome {outcome!r} is not one of {[*OUTCOME_COLUMNS, 'aggression']}")
        where += f" AND {column} > 0"
    return con.execute(
        f"""
        SELECT call_id, started_at, agent_id, team, queue, language, duration_s, n_turns, dosing_score,
               missed_empathy, over_empathy, missing_boundary, dismissive, aggression_turns, deescalated,
               count(*) OVER () AS matching
        FROM call_metrics WHERE {where}
        ORDER BY started_at DESC NULLS LAST, call_id
        LIMIT ?
        """,
        [*params, int(limit)],
    ).df()


def call(con: Con, call_id: str) -> dict[str, Any] | None:
    """One call's metrics and load facts, or ``None`` when the id is not in the warehouse."""
    cur = con.execute(
        """
        SELECT m.*, c.source, c.policy_version, c.loaded_at, c.purged_at
        FROM call_metrics m JOIN stg_calls c USING (call_id)
        WHERE m.call_id = ?
        """,
        [call_id],
    )
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


def turns(con: Con, call_id: str) -> pd.DataFrame:
    """Every turn of one call with its labels, probabilities (JSON text) and judgement."""
    return con.execute(
        """
        SELECT turn_index, speaker, start_s, end_s, text, customer_state, agent_mode, tags,
               CAST(proba AS VARCHAR) AS proba, outcome, explanation, context_turn, policy_rule
        FROM stg_turns WHERE call_id = ? ORDER BY turn_index
        """,
        [call_id],
    ).df()


def feedback(con: Con, call_id: str) -> pd.DataFrame:
    """The label corrections people made on one call, oldest first."""
    return con.execute(
        """
        SELECT turn_index, field, corrected_value, old_value, who, "at"
        FROM feedback WHERE call_id = ? ORDER BY "at", turn_index
        """,
        [call_id],
    ).df()


def coaching(con: Con, filters: Filters, outcomes: tuple[str, ...] = (), limit: int = 50) -> pd.DataFrame:
    """The best-ranked coaching moments among the filtered calls, and in ``matching`` how many in all.

    ``coaching_queue`` reads the ranking the loader materialises, so filtering it is cheap.
    """
    where, params = filters.where()
    if outcomes:
        where += " AND list_contains(?, outcome)"
        params.append(list(outcomes))
    return con.execute(
        f"""
        SELECT rank, agent_rank, priority, call_id, turn_index, start_s, call_date, started_at, agent_id,
               team, queue, language, outcome, explanation, agent_text, customer_state, customer_text,
               count(*) OVER () AS matching
        FROM coaching_queue WHERE {where}
        ORDER BY rank
        LIMIT ?
        """,
        [*params, int(limit)],
    ).df()


def runs(con: Con, limit: int = 20) -> pd.DataFrame:
    """The last runs of the nightly job, newest first."""
    return con.execute("SELECT * FROM stg_runs ORDER BY started_at DESC NULLS LAST LIMIT ?", [int(limit)]).df()


def quarantine(con: Con, limit: int = 500) -> pd.DataFrame:
    """Quarantined inputs with their reasons, newest first, and in ``matching`` how many in all."""
    return con.execute(
        """
        SELECT stage, source, reason, quarantined_at, count(*) OVER () AS matching
        FROM stg_quarantine ORDER BY quarantined_at DESC, source LIMIT ?
        """,
        [int(limit)],
    ).df()


def quarantine_by_stage(con: Con) -> pd.DataFrame:
    return con.execute("SELECT stage, count(*) AS inputs FROM stg_quarantine GROUP BY stage ORDER BY stage").df()


def data_docs(con: Con) -> dict[str, Any] | None:
    """The newest run that wrote GX Data Docs: run_id, started_at, data_docs (index.html)."""
    row = con.execute(
        "SELECT run_id, started_at, data_docs FROM stg_runs WHERE data_docs IS NOT NULL "
        "ORDER BY started_at DESC NULLS LAST LIMIT 1"
    ).fetchone()
    return {"run_id": row[0], "started_at": row[1], "data_docs": row[2]} if row else None


def _grain(filters: Filters) -> str:
    part = grain(filters)
    if part not in GRAINS:  # never happens; it is written into the SQL text
        raise ValueError(f"grain {part!r} is not one of {GRAINS}")
    return part
