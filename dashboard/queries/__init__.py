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

# How many leading digits of a town's 9-digit code identify the unit above it
# (the nation: none, every town is in it).
_PREFIX_LENGTH = {"nation": 0, "province": 2, "city": 4, "county": 6}
# The org-unit levels from the widest down.
LEVELS = ("nation", "province", "city", "county", "town")
# The whole country, as DataV and GB/T 2260 tables write it.  No org_units row
# holds it: the dashboard puts it above the provinces when a warehouse has
# more than one (dashboard.filters.regions_from_units).
NATION_CODE = "100000"


def region_prefix(code: str, level: str) -> str:
    """泉州市 350500 (city) -> '3505'; 晋江市 350582 (county) -> '350582';
    安海镇 350582101 (town) -> '350582101' (its own code: exactly that town);
    the nation -> '' (every town)."""
    if level == "town":
        return code
    try:
        return code[:_PREFIX_LENGTH[level]]
    except KeyError:
        raise ValueError(f"unknown org unit level {level!r}") from None


def unit_digits(level: str) -> int:
    """How many leading digits of a town code name its unit at ``level``
    (province 2, city 4, county 6; a town all 9): what the queries that sum
    towns to the units one level below the view group by."""
    if level == "town":
        return 9
    if level not in ("province", "city", "county"):
        raise ValueError(f"towns are not summed to {level!r} units")
    return _PREFIX_LENGTH[level]


def child_level(level: str) -> str:
    """The level one below ``level`` (a town's is town: it has none)."""
    return LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]


def fetch(con, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run one parameterised statement and return its rows as a DataFrame."""
    return con.execute(sql, params or {}).df()
