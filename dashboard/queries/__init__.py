"""Queries: plain functions ``(con, **params) -> pandas.DataFrame``.

Each function's SQL sits next to it, is parameterised, reads the current-row
views (mutual_aid, summer_camps, collective_contracts, stations,
station_visits; never the ``*_rows`` tables) and aggregates in DuckDB so that
the page receives only what it draws.

Region filter: every query takes ``prefix`` and keeps rows whose town code
starts with it (``starts_with(town_code, $prefix)``).  ``region_prefix`` turns
the chosen org unit into that prefix, so the whole subtree is one condition.
Months come back as 'YYYY-MM' strings: chart axes and tables show them as is.
"""
from __future__ import annotations

import pandas as pd

# How many leading digits of a town's 9-digit code identify the unit above it.
_PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6}


def region_prefix(code: str, level: str) -> str:
    """泉州市 350500 (city) -> '3505'; 晋江市 350582 (county) -> '350582';
    安海镇 350582101 (town) -> '350582101' (its own code: exactly that town)."""
    if level == "town":
        return code
    try:
        return code[:_PREFIX_LENGTH[level]]
    except KeyError:
        raise ValueError(f"unknown org unit level {level!r}") from None


def fetch(con, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run one parameterised statement and return its rows as a DataFrame."""
    return con.execute(sql, params or {}).df()
