"""Batch rows staged as Parquet files, so that workers can hand results to the one loader."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def write_rows(rows: dict[str, pd.DataFrame], folder: str | Path) -> Path:
    """Write one Parquet file per non-empty table into ``folder``; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for table, frame in rows.items():
            target = folder / f"{table}.parquet"
            if frame.empty:
                target.unlink(missing_ok=True)
                continue
            con.register("frame", frame)
            # Write then rename, so a reader never sees half a file.
            partial = target.with_suffix(".parquet.partial")
            con.execute(f"COPY (SELECT * FROM frame) TO '{partial}' (FORMAT parquet)")
            partial.replace(target)
            con.unregister("frame")
    finally:
        con.close()
    return folder


def read_rows(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read back what :func:`write_rows` wrote."""
    con = duckdb.connect()
    try:
        return {
            file.name.removesuffix(".parquet"): con.execute("SELECT * FROM read_parquet(?)", [str(file)]).df()
            for file in sorted(Path(folder).glob("*.parquet"))
        }
    finally:
        con.close()
