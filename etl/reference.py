"""Reference data shipped under data/reference/, loaded into the warehouse."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl import settings

ORG_UNITS_CSV = "org_units.csv"


def read_org_units(reference_dir: Path | None = None) -> pd.DataFrame:
    """One row per unit of 泉州市: city, county-level divisions, towns."""
    path = Path(reference_dir or settings.REFERENCE_DIR) / ORG_UNITS_CSV
    units = pd.read_csv(path, dtype={"code": str, "parent_code": str}, encoding="utf-8")
    units["parent_code"] = units["parent_code"].where(units["parent_code"].notna(), None)
    units["reporting"] = units["reporting"].astype(bool)
    return units


def load_org_units(con: duckdb.DuckDBPyConnection, units: pd.DataFrame) -> int:
    """Replace org_units with ``units``; the caller owns the transaction.
    Without a ``reporting`` column every unit is taken to report."""
    if "reporting" not in units.columns:
        units = units.assign(reporting=True)
    con.execute("DELETE FROM org_units")
    con.register("units_in", units)
    con.execute(
        """
        INSERT INTO org_units (code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat,
                               reporting)
        SELECT code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat, reporting
        FROM units_in
        """
    )
    con.unregister("units_in")
    return len(units)
