"""Batch rows staged as Parquet files, so that workers can hand results to the one loader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def set_aside(
    rows: dict[str, pd.DataFrame], dropped: pd.DataFrame, reasons: list[str], stage: str, now: Any
) -> dict[str, pd.DataFrame]:
    """Take the calls in ``dropped`` (rows of ``calls``) out of every table and quarantine them.

    Each gets a quarantine row with its reason and ``stage``; quarantine rows already there stay.
    """
    ids = set(dropped["call_id"])
    quarantine = pd.DataFrame(
        {
            "source": dropped["source"],
            "reason": reasons,
            "stage": stage,
            "at": now,
            "source_sha256": dropped["source_sha256"],
        }
    )
    kept = {
        name: frame[~frame["call_id"].isin(ids)] if "call_id" in frame.columns else frame
        for name, frame in rows.items()
        if name != "quarantine"
    }
    previous = rows.get("quarantine")
    kept["quarantine"] = quarantine if previous is None or previous.empty else pd.concat([previous, quarantine])
    return kept
