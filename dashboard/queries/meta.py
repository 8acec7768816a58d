"""What is loaded: org units, each dataset's months, the batches behind a view."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.queries import fetch

# The datasets reported every month; the month pickers reach back to the
# first of them.
MONTHLY_REPORTS = ("mutual_aid", "station_visits")


def org_units(con) -> pd.DataFrame:
    """Every unit of 泉州市 (city, counties, towns), in code order."""
    return fetch(con, """
        SELECT code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat
        FROM org_units
        ORDER BY code
    """)


def coverage(con) -> pd.DataFrame:
    """Per dataset: first and last month with current rows (dates), and the row count.

    Monthly reports count by their month, contracts by the month signed,
    stations by the month opened, summer camps by the month their classes end.
    """
    return fetch(con, """
        SELECT 'mutual_aid' AS dataset, min(month)::DATE AS first_month,
               max(month)::DATE AS last_month, count(*) AS row_count
        FROM mutual_aid
        UNION ALL
        SELECT 'station_visits', min(month), max(month), count(*) FROM station_visits
        UNION ALL
        SELECT 'collective_contracts', date_trunc('month', min(signed_date)),
               date_trunc('month', max(signed_date)), count(*)
        FROM collective_contracts
        UNION ALL
        SELECT 'stations', date_trunc('month', min(opened_date)),
               date_trunc('month', max(opened_date)), count(*)
        FROM stations
        UNION ALL
        SELECT 'summer_camps',
               date_trunc('month', min(coalesce(end_date, make_date(year, 12, 31)))),
               date_trunc('month', max(coalesce(end_date, make_date(year, 12, 31)))), count(*)
        FROM summer_camps
    """)


def first_report_month(coverage: pd.DataFrame) -> date | None:
    """The first month of any monthly report in a ``coverage`` frame (None
    before the first).  In numpy, not pandas filtering: the sidebar asks on
    every rerun, and the pandas way cost ~0.7 ms of it."""
    monthly = np.isin(coverage["dataset"].to_numpy(), MONTHLY_REPORTS)
    firsts = coverage["first_month"].to_numpy()[monthly]
    firsts = firsts[~pd.isna(firsts)]
    return pd.Timestamp(firsts.min()).date() if len(firsts) else None


def latest_month(con) -> date | None:
    """The latest loaded month: the newest month reported, contract signed or
    station opened (None for an empty warehouse).  Summer camps do not count:
    their classes' dates are a plan (a camp loaded in July ends in August)."""
    row = con.execute("""
        SELECT max(last_month)::DATE FROM (
            SELECT max(month) AS last_month FROM mutual_aid
            UNION ALL SELECT max(month) FROM station_visits
            UNION ALL SELECT date_trunc('month', max(signed_date)) FROM collective_contracts
            UNION ALL SELECT date_trunc('month', max(opened_date)) FROM stations
        )
    """).fetchone()
    return row[0]


def source_stamp(con, prefix: str, first: date, last: date, datasets: tuple[str, ...]) -> pd.DataFrame:
    """One row: as_of (the latest loaded month, see ``latest_month``), batches (active load
    batches with current rows in the region and period shown), last_loaded_at
    (the newest of those batches).

    A batch is behind the view when it holds rows of the region that the page
    reads for the period: monthly rows in the period, camp classes in its years,
    contracts in force at some point of it or signed in it, stations opened by
    its end (or on an unknown date).
    """
    return fetch(con, """
        WITH period AS (
            SELECT $first::DATE AS first_day, last_day($last::DATE) AS last_day
        ),
        behind AS (
            SELECT batch_id FROM mutual_aid, period
            WHERE list_contains($datasets, 'mutual_aid') AND starts_with(town_code, $prefix)
              AND month BETWEEN first_day AND last_day
            UNION
            SELECT batch_id FROM station_visits, period
            WHERE list_contains($datasets, 'station_visits') AND starts_with(town_code, $prefix)
              AND month BETWEEN first_day AND last_day
            UNION
            SELECT batch_id FROM summer_camps, period
            WHERE list_contains($datasets, 'summer_camps') AND starts_with(town_code, $prefix)
              AND year BETWEEN year(first_day) AND year(last_day)
            UNION
            SELECT batch_id FROM collective_contracts, period
            WHERE list_contains($datasets, 'collective_contracts') AND starts_with(town_code, $prefix)
              AND signed_date <= last_day AND expiry_date >= first_day
            UNION
            SELECT batch_id FROM stations, period
            WHERE list_contains($datasets, 'stations') AND starts_with(town_code, $prefix)
              AND (opened_date IS NULL OR opened_date <= last_day)
        )
        SELECT strftime($as_of::DATE, '%Y-%m') AS as_of,
               count(b.batch_id) AS batches,
               max(b.loaded_at) AS last_loaded_at
        FROM load_batches AS b
        JOIN behind USING (batch_id)
        WHERE b.status = 'active'
    """, {"prefix": prefix, "first": first, "last": last, "datasets": list(datasets),
          "as_of": latest_month(con)})
