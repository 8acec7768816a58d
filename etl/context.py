"""What validation needs to know about the warehouse, read once per load.

The towns come from ``org_units`` (or, before ``init``, the shipped reference
CSV), the stations from the current register, and the history that the
"far above the usual value" warning compares against from the current rows.

The history is read lazily, per dataset, on first use: a load of collective
contracts never reads the mutual-aid rows.  Which towns and months a file is
about is only known once it is parsed, and parsing needs the context, so the
history holds all current rows of the dataset, which covers the trailing 12
months of any month in any file.  Only when that is more than
HISTORY_ROW_LIMIT rows (a national warehouse) does it shrink to a window:
the 24 months before today (3 years for the yearly summer camps), which
still holds the trailing 12 months of anything reported in the past year.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from etl import reference
from etl.load import first_row
from etl.model import Context
from etl.specs import DATASETS

HISTORY_ROW_LIMIT = 500_000
HISTORY_MONTHS = 24
HISTORY_YEARS = 3
TOWN_COLUMNS = ["code", "name_zh", "short_zh", "parent_code"]
STATION_COLUMNS = ["station_id", "station_name", "town_code"]

# Per dataset: the column that dates a row and how far back the history goes.
# Contracts and the station register have no "usual value" to compare with.
_HISTORY_WINDOW = {
    "mutual_aid": "month",
    "station_visits": "month",
    "summer_camps": "year",
}


def first_of_month(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + (day.month - 1) - months_back
    return date(index // 12, index % 12 + 1, 1)


def history_start(dataset: str, today: date) -> date | int | None:
    """The oldest month (a date) or year (an int) the history holds."""
    period = _HISTORY_WINDOW.get(dataset)
    if period == "month":
        return first_of_month(today, HISTORY_MONTHS)
    if period == "year":
        return today.year - HISTORY_YEARS
    return None


HISTORY_SQL = {
    "all": "SELECT * EXCLUDE (batch_id) FROM {view}",
    "month": "SELECT * EXCLUDE (batch_id) FROM {view} WHERE month >= ?",
    "year": "SELECT * EXCLUDE (batch_id) FROM {view} WHERE year >= ?",
}
COUNT_SQL = "SELECT count(*) FROM {view}"


class History(dict):
    """``{dataset: current rows}``, each read from the warehouse on first use.

    Behaves as the plain dict ``Context.history`` is declared to be; the
    connection must stay open while the parser runs (the pipeline parses
    inside the same warehouse session that it builds the context in).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection | None, today: date):
        super().__init__()
        self._con = con
        self._today = today

    def __missing__(self, dataset: str) -> pd.DataFrame:
        if dataset not in DATASETS:
            raise KeyError(dataset)
        frame = self._read(dataset)
        self[dataset] = frame
        return frame

    def get(self, dataset, default=None):
        try:
            return self[dataset]
        except KeyError:
            return default

    def __contains__(self, dataset) -> bool:
        return dataset in DATASETS

    def _read(self, dataset: str) -> pd.DataFrame:
        spec = DATASETS[dataset]
        start = history_start(dataset, self._today)
        if self._con is None or start is None:
            return _empty_view_frame(spec.name)
        period = _HISTORY_WINDOW[dataset]
        # The view name comes from specs.py, never from input.
        (rows,) = first_row(self._con.execute(COUNT_SQL.format(view=spec.table)))
        if rows <= HISTORY_ROW_LIMIT:
            frame = self._con.execute(HISTORY_SQL["all"].format(view=spec.table)).df()
        else:
            frame = self._con.execute(HISTORY_SQL[period].format(view=spec.table), [start]).df()
        if period == "month":
            frame["month"] = frame["month"].dt.date
        return frame


def _empty_view_frame(dataset: str) -> pd.DataFrame:
    spec = DATASETS[dataset]
    return pd.DataFrame(columns=[c.name for c in spec.columns])


TOWNS_SQL = """
    SELECT code, name_zh, short_zh, parent_code
    FROM org_units
    WHERE level = 'town'
    ORDER BY code
"""

STATIONS_SQL = """
    SELECT station_id, station_name, town_code
    FROM stations
    ORDER BY station_id
"""


def read_towns(con: duckdb.DuckDBPyConnection | None) -> pd.DataFrame:
    """Town-level org units; from the shipped CSV when there is no warehouse
    yet or it has not been initialised."""
    if con is not None:
        towns = con.execute(TOWNS_SQL).df()
        if len(towns):
            return towns
    units = reference.read_org_units()
    towns = units.loc[units["level"] == "town", TOWN_COLUMNS]
    return towns.sort_values("code").reset_index(drop=True)


def read_stations(con: duckdb.DuckDBPyConnection | None) -> pd.DataFrame:
    if con is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in STATION_COLUMNS})
    return con.execute(STATIONS_SQL).df()


def build_context(con: duckdb.DuckDBPyConnection | None, *, today: date,
                  unit: str | None = None) -> Context:
    """The context for validating files against the warehouse behind ``con``
    (``None``: no warehouse yet; towns from the reference CSV, no stations,
    no history).  ``unit`` must already be a town code."""
    return Context(
        towns=read_towns(con),
        stations=read_stations(con),
        today=today,
        history=History(con, today),
        unit=unit,
    )


def resolve_town(towns: pd.DataFrame, text: str) -> str | None:
    """A town's code from its code, full name or short name; None if unknown
    or if the name is shared by several towns."""
    text = str(text).strip()
    for column in ("code", "name_zh", "short_zh"):
        match = towns.loc[towns[column] == text, "code"]
        if len(match) == 1:
            return str(match.iloc[0])
        if len(match) > 1:
            return None
    return None
