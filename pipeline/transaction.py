"""One DuckDB transaction: committed when the block ends, rolled back when it raises.

Every write to the warehouse (a migration, a load, label corrections, a purge) goes through it,
so a failure or a killed process leaves the file as it was. A rollback that fails itself (the
connection is already gone) never hides the error that caused it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
