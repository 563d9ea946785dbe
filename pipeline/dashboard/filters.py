"""The sidebar's filters as one value, turned into parameterised SQL.

Every user-supplied value goes into the query as a parameter; only fixed column names are
written into the SQL text, so a team called ``x' OR 1=1 --`` is just a team name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

# Filter field -> column name in call_metrics, coaching_queue and the other call-level views.
COLUMNS = {"teams": "team", "queues": "queue", "agents": "agent_id", "languages": "language"}


@dataclass(frozen=True)
class Filters:
    """Dates (inclusive, by the call's UTC day) and the chosen teams, queues, agents, languages.

    An empty tuple means "all"; ``None`` dates mean "no bound".
    """

    start: date | None = None
    end: date | None = None
    teams: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @property
    def days(self) -> int | None:
        """Length of the period in days, or ``None`` when it is open on one side."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before this one, with the same other filters."""
        days = self.days
        if days is None or self.start is None:
            return replace(self, start=None, end=None)
        end = self.start - timedelta(days=1)
        return replace(self, start=end - timedelta(days=days - 1), end=end)

    def where(self, date_column: str = "call_date", alias: str = "") -> tuple[str, list[Any]]:
        """A SQL condition and its parameters for views with call_date, team, queue, agent_id, language."""
        prefix = f"{alias}." if alias else ""
        clauses: list[str] = []
        params: list[Any] = []
        if self.start is not None:
            clauses.append(f"{prefix}{date_column} >= ?")
            params.append(self.start)
        if self.end is not None:
            clauses.append(f"{prefix}{date_column} <= ?")
            params.append(self.end)
        for field, column in COLUMNS.items():
            values = getattr(self, field)
            if values:
                clauses.append(f"list_contains(?, {prefix}{column})")
                params.append(list(values))
        return (" AND ".join(clauses) or "TRUE"), params

    def people(self, alias: str = "") -> tuple[str, list[Any]]:
        """Only the team and agent filters (for the wellbeing view, which is per person, not per queue)."""
        prefix = f"{alias}." if alias else ""
        clauses: list[str] = []
        params: list[Any] = []
        for field in ("teams", "agents"):
            values = getattr(self, field)
            if values:
                clauses.append(f"list_contains(?, {prefix}{COLUMNS[field]})")
                params.append(list(values))
        return (" AND ".join(clauses) or "TRUE"), params


def grain(filters: Filters) -> str:
    """Trend resolution: days for up to three months, weeks beyond (charts people read at a glance)."""
    days = filters.days
    return "day" if days is not None and days <= 92 else "week"
