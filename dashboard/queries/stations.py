"""工会驿站 queries: where the stations are, who visits them, how often.

Every function takes a DuckDB connection and the view — ``prefix`` (the
region's town-code prefix, see ``queries.region_prefix``), ``first`` and
``last`` month (first-of-month dates, as ``ViewFilter.span()`` gives them),
optionally one station — and returns a DataFrame.

Visits per station-day: a station's visits in the period divided by the days
it was open in the period, i.e. from the later of the period's first day and
its opening date to the period's last day.  The period ends at the end of
the last month any station reported, so a view that runs into months not yet
reported does not count empty days against every station.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from dashboard.queries import unit_digits
from etl.specs import STATION_SERVICES

# A station whose visits per station-day are below this share of the median
# station in the view is flagged as little used (and so is one with no
# visits at all in the period).
LOW_USE_SHARE_OF_MEDIAN = 0.25

# The most stations a map draws one by one; larger views are drawn as one
# bubble per town (see town_summary), so the page never sends the browser
# more than this many stations (about 1.3 MB of deck JSON).
MAX_POINTS = 5000


def _month_start(month: date | str) -> date:
    """A first-of-month date from a date or a 'YYYY-MM' string."""
    year, mon = str(month)[:7].split("-")
    return date(int(year), int(mon), 1)


def _params(sql: str, prefix: str, first: date | str, last: date | str,
            station_id: str | None) -> dict:
    """The view's parameters that ``sql`` uses (DuckDB rejects unused ones)."""
    values = {
        "prefix": prefix,
        "first_month": _month_start(first),
        "last_month": _month_start(last),
        "station": station_id,
        "low_share": LOW_USE_SHARE_OF_MEDIAN,
    }
    return {name: value for name, value in values.items() if f"${name}" in sql}


# The view's stations with the days each was open in the period.  Shared by
# the summaries below; its parameters are named, not positional.
_STATIONS_IN_VIEW = """
    period AS (
        SELECT CAST($first_month AS DATE) AS first_day,
               LEAST(last_day(CAST($last_month AS DATE)),
                     (SELECT last_day(max(month)) FROM station_visits)) AS last_day
    ),
    in_view AS (
        SELECT s.station_id, s.station_name, s.town_code, s.address, s.host_type,
               s.opened_date, s.lon_wgs84 AS lon, s.lat_wgs84 AS lat,
               GREATEST(0, date_diff('day',
                   GREATEST(p.first_day, COALESCE(s.opened_date, p.first_day)),
                   p.last_day) + 1) AS open_days
        FROM stations s, period p
        WHERE starts_with(s.town_code, $prefix)
          AND ($station IS NULL OR s.station_id = $station)
    ),
    group_visits AS (
        SELECT v.station_id, v.visitor_group, CAST(sum(v.visits) AS BIGINT) AS visits
        FROM station_visits v, period p
        WHERE v.month BETWEEN p.first_day AND p.last_day
          AND v.station_id IN (SELECT station_id FROM in_view)
        GROUP BY v.station_id, v.visitor_group
    ),
    per_station AS (
        SELECT station_id, CAST(sum(visits) AS BIGINT) AS visits,
               -- ties go to the group first in name order, so reruns agree
               first(visitor_group ORDER BY visits DESC, visitor_group) AS top_group
        FROM group_visits
        GROUP BY station_id
    ),
    summary AS (
        SELECT i.*, COALESCE(ps.visits, 0) AS visits, ps.top_group,
               COALESCE(ps.visits, 0) / i.open_days AS visits_per_day
        FROM in_view i LEFT JOIN per_station ps USING (station_id)
        WHERE i.open_days > 0
    ),
    flagged AS (
        SELECT *, median(visits_per_day) OVER () AS median_per_day,
               $low_share * median(visits_per_day) OVER () AS low_use_threshold,
               -- a station nobody visited is little used even when the median is 0
               visits = 0 OR visits_per_day < $low_share * median(visits_per_day) OVER ()
                   AS low_use
        FROM summary
    )
"""


def station_summary(con: duckdb.DuckDBPyConnection, prefix: str, first: date,
                    last: date, station_id: str | None = None) -> pd.DataFrame:
    """One row per station open during the period in the region: where it is,
    visits, days open, visits per station-day, top visitor group, and the
    low-use flag with the numbers behind it (``median_per_day`` of the view,
    ``low_use_threshold`` = LOW_USE_SHARE_OF_MEDIAN × median, ``low_use``).
    Stations opened after the period are left out.  Most visited first."""
    sql = f"""
        WITH {_STATIONS_IN_VIEW}
        SELECT f.station_id, f.station_name, f.town_code,
               t.name_zh AS town_name_zh, t.name_en AS town_name_en,
               f.address, f.host_type, f.opened_date, f.lon, f.lat,
               f.visits, f.open_days, f.visits_per_day, f.top_group,
               f.median_per_day, f.low_use_threshold, f.low_use
        FROM flagged f LEFT JOIN org_units t ON t.code = f.town_code
        ORDER BY f.visits DESC, f.station_id
    """
    return con.execute(sql, _params(sql, prefix, first, last, station_id)).df()


def town_summary(con: duckdb.DuckDBPyConnection, prefix: str, first: date,
                    last: date) -> pd.DataFrame:
    """One row per town with stations open in the period: how many stations,
    their visits and station-days, visits per station-day, how many are
    flagged as little used (against the median station of the whole view),
    and where to draw the town (the mean of its stations' positions)."""
    sql = f"""
        WITH {_STATIONS_IN_VIEW}
        SELECT f.town_code, t.name_zh AS town_name_zh, t.name_en AS town_name_en,
               count(*) AS stations, CAST(sum(f.visits) AS BIGINT) AS visits,
               sum(f.open_days) AS station_days,
               sum(f.visits) / sum(f.open_days) AS visits_per_day,
               count(*) FILTER (WHERE f.low_use) AS low_use_stations,
               avg(f.lon) AS lon, avg(f.lat) AS lat
        FROM flagged f LEFT JOIN org_units t ON t.code = f.town_code
        GROUP BY f.town_code, t.name_zh, t.name_en
        ORDER BY visits DESC, f.town_code
    """
    return con.execute(sql, _params(sql, prefix, first, last, None)).df()


def area_summary(con: duckdb.DuckDBPyConnection, prefix: str, first: date,
                 last: date, level: str) -> pd.DataFrame:
    """town_summary one level up: one row per unit at ``level`` (province,
    city or county) with stations open in the period — what the map of a
    province or the nation draws, since 40,000 town bubbles (9 MB of deck
    JSON) say nothing on one screen.  Columns: unit_code, unit_name_zh,
    unit_name_en, stations, visits, station_days, visits_per_day,
    low_use_stations, lon, lat (the mean of its stations' positions)."""
    sql = f"""
        WITH {_STATIONS_IN_VIEW}
        SELECT u.code AS unit_code, u.name_zh AS unit_name_zh, u.name_en AS unit_name_en,
               count(*) AS stations, CAST(sum(f.visits) AS BIGINT) AS visits,
               sum(f.open_days) AS station_days,
               sum(f.visits) / sum(f.open_days) AS visits_per_day,
               count(*) FILTER (WHERE f.low_use) AS low_use_stations,
               avg(f.lon) AS lon, avg(f.lat) AS lat
        -- 350582101 -> 350582 (county), 350500 (city), 350000 (province)
        FROM flagged f JOIN org_units u ON u.code = rpad(left(f.town_code, $digits), 6, '0')
        GROUP BY u.code, u.name_zh, u.name_en
        ORDER BY visits DESC, u.code
    """
    return con.execute(sql, {**_params(sql, prefix, first, last, None),
                             "digits": unit_digits(level)}).df()


def visits_by_group(con: duckdb.DuckDBPyConnection, prefix: str, first: date,
                    last: date, station_id: str | None = None) -> pd.DataFrame:
    """Visits per month and visitor group (month as 'YYYY-MM')."""
    sql = """
        SELECT strftime(v.month, '%Y-%m') AS month, v.visitor_group,
               CAST(sum(v.visits) AS BIGINT) AS visits
        FROM station_visits v JOIN stations s USING (station_id)
        WHERE v.month BETWEEN $first_month AND $last_month
          AND starts_with(s.town_code, $prefix)
          AND ($station IS NULL OR v.station_id = $station)
        GROUP BY ALL
        ORDER BY month, v.visitor_group
    """
    return con.execute(sql, _params(sql, prefix, first, last, station_id)).df()


# The service columns are the constants of specs.STATION_SERVICES, never input.
_SERVICE_SUMS = ", ".join(f"CAST(sum(v.{service}) AS BIGINT) AS {service}"
                          for service in STATION_SERVICES)
_SERVICE_COLUMNS = ", ".join(STATION_SERVICES)


def visits_by_service(con: duckdb.DuckDBPyConnection, prefix: str, first: date,
                    last: date, station_id: str | None = None) -> pd.DataFrame:
    """Visits per month and service (rest, meal_heating, drinking_water,
    charging, medical), long format.  Services nobody reported are absent."""
    sql = f"""
        WITH monthly AS (
            SELECT strftime(v.month, '%Y-%m') AS month, {_SERVICE_SUMS}
            FROM station_visits v JOIN stations s USING (station_id)
            WHERE v.month BETWEEN $first_month AND $last_month
              AND starts_with(s.town_code, $prefix)
              AND ($station IS NULL OR v.station_id = $station)
            GROUP BY ALL
        )
        SELECT month, service, visits
        FROM (UNPIVOT monthly ON {_SERVICE_COLUMNS} INTO NAME service VALUE visits)
        ORDER BY month, service
    """
    return con.execute(sql, _params(sql, prefix, first, last, station_id)).df()


def station_info(con: duckdb.DuckDBPyConnection, station_id: str) -> pd.DataFrame:
    """One station's register row with its town (empty if unknown)."""
    sql = """
        SELECT s.station_id, s.station_name, s.town_code, t.name_zh AS town_name_zh,
               t.name_en AS town_name_en, s.address, s.host_type, s.opened_date,
               s.facilities, s.lon_wgs84 AS lon, s.lat_wgs84 AS lat
        FROM stations s LEFT JOIN org_units t ON t.code = s.town_code
        WHERE s.station_id = $station
    """
    return con.execute(sql, {"station": station_id}).df()
