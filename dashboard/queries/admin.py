"""The 数据管理 page: the batch log, what rolling a batch back would do, and
报送进度 — who reported which month, on time or late, and who has not.

The reporting matrix itself (which towns owe which monthly report, and which
have sent it) is the overview's ``reporting_matrix``; this module only adds
when each report first arrived, to tell on time from late.
"""
from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from dashboard.queries import fetch
from dashboard.queries.overview import MONTHLY_DATASETS, reporting_matrix
from etl import coords
from etl import load as loader

STATUS_ORDER = ("reported", "late", "missing", "pending", "not_expected")


def batch_list(con) -> pd.DataFrame:
    """The batch log (etl.load.list_batches: who loaded what, when, from
    which file, rows, units, periods, status), newest first.  Rolled-back and
    superseded batches stay listed."""
    batches = loader.list_batches(con)
    return batches.sort_values("batch_id", ascending=False, ignore_index=True)


def batch_file(con, batch_id: int) -> pd.DataFrame:
    """file_name and sha256 of one batch: the archived original's name."""
    return fetch(con, """
        SELECT file_name, sha256 FROM load_batches WHERE batch_id = $batch_id
    """, {"batch_id": batch_id})


def rollback_preview(con: duckdb.DuckDBPyConnection, batch_id: int) -> loader.RolledBack:
    """What rolling ``batch_id`` back would remove and restore, found by
    doing exactly that (etl.load.rollback_batch, the code the real rollback
    runs) inside a transaction that is then abandoned.  ``con`` must be a
    writing connection (etl.warehouse.write); the file is left unchanged.
    Raises etl.load.UnknownBatch / AlreadyRolledBack as the rollback would."""
    con.execute("BEGIN")
    try:
        return loader.rollback_batch(con, batch_id, now=datetime.now())
    finally:
        con.execute("ROLLBACK")


# When each monthly report first arrived.  Rows of superseded batches count
# (a report sent on time and corrected later was on time); rows of rolled-back
# batches do not (a withdrawn report was never sent).
_FIRST_LOADED_SQL = """
    SELECT 'mutual_aid' AS dataset, r.town_code, strftime(r.month, '%Y-%m') AS month,
           min(b.loaded_at) AS first_loaded_at
    FROM mutual_aid_rows AS r
    JOIN load_batches AS b USING (batch_id)
    WHERE b.status <> 'rolled_back' AND starts_with(r.town_code, $prefix)
      AND r.month BETWEEN $first AND $last
    GROUP BY r.town_code, r.month
    UNION ALL
    SELECT 'station_visits', r.town_code, strftime(r.month, '%Y-%m'), min(b.loaded_at)
    FROM station_visits_rows AS r
    JOIN load_batches AS b USING (batch_id)
    WHERE b.status <> 'rolled_back' AND starts_with(r.town_code, $prefix)
      AND r.month BETWEEN $first AND $last
    GROUP BY r.town_code, r.month
"""


def first_loaded(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """dataset, town_code, month ('YYYY-MM'), first_loaded_at: when each town's
    monthly report for each month first arrived."""
    return fetch(con, _FIRST_LOADED_SQL, {"prefix": prefix, "first": first, "last": last})


def due_date(month: date, due_day: int) -> date:
    """The last day a month's report is on time: ``due_day`` of the following month."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following.replace(day=due_day)


def reporting_status(con, prefix: str, year: int, *, today: date,
                     due_day: int) -> pd.DataFrame:
    """dataset, town_code, name_zh, name_en, month, status, first_loaded_at
    for every town under ``prefix``, monthly dataset and month of ``year``
    that has ended by ``today``.

    status: 'reported' (first loaded by ``due_day`` of the next month),
    'late' (first loaded after it), 'missing' (due and not loaded),
    'pending' (not loaded, not yet due), 'not_expected' (no station open).
    """
    first = date(year, 1, 1)
    last = min(date(year, 12, 1), _previous_month(today))
    columns = ["dataset", "town_code", "name_zh", "name_en", "month", "status",
               "first_loaded_at"]
    if last < first:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    matrix = reporting_matrix(con, prefix, first, last)
    arrived = first_loaded(con, prefix, first, last)
    status = matrix.merge(arrived, on=["dataset", "town_code", "month"], how="left")
    due = status["month"].map(lambda m: due_date(date.fromisoformat(f"{m}-01"), due_day))
    deadline = pd.to_datetime(due) + pd.Timedelta(days=1)
    reported = status["status"] == "reported"
    late = reported & (pd.to_datetime(status["first_loaded_at"]) >= deadline)
    not_due = (status["status"] == "missing") & (due >= today)
    status.loc[late, "status"] = "late"
    status.loc[not_due, "status"] = "pending"
    return status[columns]


def _previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def status_counts(status: pd.DataFrame) -> pd.DataFrame:
    """Per dataset and town: how many months are reported, late, missing …
    (one column per status, in STATUS_ORDER), the towns with the most missing
    first — the list of whom to call."""
    counts = (pd.crosstab([status["dataset"], status["town_code"], status["name_zh"],
                           status["name_en"]], status["status"])
              .reindex(columns=list(STATUS_ORDER), fill_value=0)
              .reset_index())
    counts.columns.name = None
    order = {d: i for i, d in enumerate(MONTHLY_DATASETS)}
    counts["_order"] = counts["dataset"].map(order)
    counts = counts.sort_values(["_order", "missing", "late", "town_code"],
                                ascending=[True, False, False, True])
    return counts.drop(columns="_order").reset_index(drop=True)


def station_register(con, prefix: str) -> pd.DataFrame:
    """The current 驿站 register under ``prefix``: id, name, town, address,
    coordinates as captured with their system, the WGS-84 ones the maps draw,
    host type, opening date, and ``coord_check``: 'ok', 'swapped' (latitude
    and longitude the wrong way round) or 'outside' (not in 泉州), by the
    ETL's own tests (etl.coords), for rows loaded before it checked them."""
    register = fetch(con, """
        SELECT s.station_id, s.station_name, s.town_code, u.name_zh, u.name_en, s.address,
               s.lon, s.lat, s.crs, s.lon_wgs84, s.lat_wgs84, s.host_type, s.opened_date
        FROM stations AS s
        LEFT JOIN org_units AS u ON u.code = s.town_code
        WHERE starts_with(s.town_code, $prefix)
        ORDER BY s.town_code, s.station_id
    """, {"prefix": prefix})
    lon, lat = register["lon"].to_numpy(dtype=float), register["lat"].to_numpy(dtype=float)
    check = pd.Series("ok", index=register.index, dtype="object")
    if len(register):
        check[~coords.in_quanzhou(lon, lat)] = "outside"
        check[coords.looks_swapped(lon, lat)] = "swapped"
    register["coord_check"] = check
    return register
