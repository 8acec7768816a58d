"""The overview page: station headline, monthly trends per programme, the town
ranking and the reporting progress (报送进度) matrix.

The other programmes' headlines live in their own modules (mutual_aid.headline,
camps.headline, contracts.in_force); the station headline is here because the
overview is the only page of this module set that needs it.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.queries import fetch, unit_digits
from etl.specs import ENTERPRISE_CONTRACT_TYPES

# Datasets that every town reports monthly, in the matrix's order.
MONTHLY_DATASETS = ("mutual_aid", "station_visits")


def stations_headline(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """One row: stations (a stock: opened by the end of ``last``, or on an
    unknown date) and visits (a flow: summed over the period)."""
    return fetch(con, """
        SELECT
            (SELECT count(*) FROM stations
             WHERE starts_with(town_code, $prefix)
               AND (opened_date IS NULL OR opened_date <= last_day($last::DATE))) AS stations,
            (SELECT sum(visits)::BIGINT FROM station_visits
             WHERE starts_with(town_code, $prefix) AND month BETWEEN $first AND $last) AS visits
    """, {"prefix": prefix, "first": first, "last": last})


def monthly_trends(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """programme, month ('YYYY-MM'), value — one flow per programme, by month:
    mutual_aid yuan paid, summer_camps children by the month classes start,
    collective_contracts contracts signed, stations visits."""
    return fetch(con, """
        WITH span AS (SELECT $first::DATE AS first_day, last_day($last::DATE) AS last_day)
        SELECT 'mutual_aid' AS programme, strftime(month, '%Y-%m') AS month,
               sum(claims_paid_yuan)::DOUBLE AS value
        FROM mutual_aid, span
        WHERE starts_with(town_code, $prefix) AND month BETWEEN first_day AND last_day
        GROUP BY month
        UNION ALL
        SELECT 'summer_camps', strftime(start_date, '%Y-%m'), sum(children_enrolled)::DOUBLE
        FROM summer_camps, span
        WHERE starts_with(town_code, $prefix) AND start_date BETWEEN first_day AND last_day
        GROUP BY strftime(start_date, '%Y-%m')
        UNION ALL
        SELECT 'collective_contracts', strftime(signed_date, '%Y-%m'), count(*)::DOUBLE
        FROM collective_contracts, span
        WHERE starts_with(town_code, $prefix) AND signed_date BETWEEN first_day AND last_day
        GROUP BY strftime(signed_date, '%Y-%m')
        UNION ALL
        SELECT 'stations', strftime(month, '%Y-%m'), sum(visits)::DOUBLE
        FROM station_visits, span
        WHERE starts_with(town_code, $prefix) AND month BETWEEN first_day AND last_day
        GROUP BY month
        ORDER BY programme, month
    """, {"prefix": prefix, "first": first, "last": last})


# Every town under $prefix with one column per ranking metric (0 when none).
_TOWN_RANKING_SQL = """
        WITH span AS (SELECT $first::DATE AS first_day, last_day($last::DATE) AS last_day),
        aid AS (
            SELECT town_code, sum(claims_paid_yuan)::DOUBLE AS claims_paid_yuan
            FROM mutual_aid, span
            WHERE starts_with(town_code, $prefix) AND month BETWEEN first_day AND last_day
            GROUP BY town_code
        ),
        camps AS (
            SELECT town_code, sum(children_enrolled)::BIGINT AS children_enrolled
            FROM summer_camps, span
            WHERE starts_with(town_code, $prefix) AND year BETWEEN year(first_day) AND year(last_day)
            GROUP BY town_code
        ),
        contracts AS (
            SELECT town_code, sum(workers_covered)::BIGINT AS workers_covered
            FROM collective_contracts, span
            WHERE starts_with(town_code, $prefix) AND list_contains($enterprise_types, contract_type)
              AND signed_date <= last_day AND expiry_date >= last_day
            GROUP BY town_code
        ),
        visits AS (
            SELECT town_code, sum(visits)::BIGINT AS visits
            FROM station_visits, span
            WHERE starts_with(town_code, $prefix) AND month BETWEEN first_day AND last_day
            GROUP BY town_code
        )
        SELECT u.code AS town_code, u.name_zh, u.name_en,
               coalesce(aid.claims_paid_yuan, 0) AS claims_paid_yuan,
               coalesce(camps.children_enrolled, 0) AS children_enrolled,
               coalesce(contracts.workers_covered, 0) AS workers_covered,
               coalesce(visits.visits, 0) AS visits
        FROM org_units AS u
        LEFT JOIN aid ON aid.town_code = u.code
        LEFT JOIN camps ON camps.town_code = u.code
        LEFT JOIN contracts ON contracts.town_code = u.code
        LEFT JOIN visits ON visits.town_code = u.code
        WHERE u.level = 'town' AND starts_with(u.code, $prefix)
        ORDER BY u.code
    """


def _ranking_params(prefix: str, first: date, last: date) -> dict:
    return {"prefix": prefix, "first": first, "last": last,
            "enterprise_types": list(ENTERPRISE_CONTRACT_TYPES)}


def town_ranking(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """Every town under ``prefix`` with one column per ranking metric (0 when
    none): town_code, name_zh, name_en, claims_paid_yuan (period), children_enrolled
    (the period's years), workers_covered (enterprise contracts in force at the
    period end), visits (period).  The chart sorts by the metric it shows."""
    return fetch(con, _TOWN_RANKING_SQL, _ranking_params(prefix, first, last))


def unit_ranking(con, prefix: str, first: date, last: date, level: str) -> pd.DataFrame:
    """The town ranking summed to the units at ``level`` (province, city or
    county): unit_code, name_zh, name_en and the same metrics, one row per
    unit with towns under ``prefix`` — what a city, a province or the nation
    ranks one level below itself.  A unit whose towns file no reports
    (金门县) is left out, not ranked last."""
    return fetch(con, """
        WITH towns AS (""" + _TOWN_RANKING_SQL + """)
        SELECT u.code AS unit_code, u.name_zh, u.name_en,
               sum(towns.claims_paid_yuan)::DOUBLE AS claims_paid_yuan,
               sum(towns.children_enrolled)::BIGINT AS children_enrolled,
               sum(towns.workers_covered)::BIGINT AS workers_covered,
               sum(towns.visits)::BIGINT AS visits
        FROM towns
        JOIN org_units AS town ON town.code = towns.town_code
        -- 350582101 -> 350582 (county), 350500 (city), 350000 (province)
        JOIN org_units AS u ON u.code = rpad(left(towns.town_code, $digits), 6, '0')
        GROUP BY u.code, u.name_zh, u.name_en
        HAVING bool_or(town.reporting)
        ORDER BY u.code
    """, {**_ranking_params(prefix, first, last), "digits": unit_digits(level)})


# A town is expected to send the mutual-aid report every month, and the
# station-visits report for every month in which it has a station open (a
# station with an unknown opening date counts as open).  Towns that file no
# reports at all (org_units.reporting: 金门县's) are not listed.
_REPORTING_SQL = """
    WITH months AS (
        SELECT unnest(generate_series($first::DATE, $last::DATE, INTERVAL 1 MONTH))::DATE AS month
    ),
    towns AS (
        SELECT code, name_zh, name_en FROM org_units
        WHERE level = 'town' AND reporting AND starts_with(code, $prefix)
    ),
    datasets AS (SELECT unnest($datasets) AS dataset),
    reported AS (
        SELECT DISTINCT 'mutual_aid' AS dataset, town_code, month FROM mutual_aid
        WHERE starts_with(town_code, $prefix) AND month BETWEEN $first AND $last
        UNION
        SELECT DISTINCT 'station_visits', town_code, month FROM station_visits
        WHERE starts_with(town_code, $prefix) AND month BETWEEN $first AND $last
    ),
    with_station AS (
        SELECT DISTINCT s.town_code, m.month
        FROM stations AS s, months AS m
        WHERE starts_with(s.town_code, $prefix)
          AND (s.opened_date IS NULL OR s.opened_date <= last_day(m.month))
    ),
    matrix AS (
        SELECT d.dataset, t.code AS town_code, t.name_zh, t.name_en,
               strftime(m.month, '%Y-%m') AS month,
               CASE WHEN r.town_code IS NOT NULL THEN 'reported'
                    WHEN d.dataset = 'mutual_aid' OR w.town_code IS NOT NULL THEN 'missing'
                    ELSE 'not_expected' END AS status
        FROM towns AS t
        CROSS JOIN months AS m
        CROSS JOIN datasets AS d
        LEFT JOIN reported AS r
               ON r.dataset = d.dataset AND r.town_code = t.code AND r.month = m.month
        LEFT JOIN with_station AS w
               ON d.dataset = 'station_visits' AND w.town_code = t.code AND w.month = m.month
    )
"""


def reporting_matrix(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """dataset, town_code, name_zh, name_en, month, status ('reported', 'missing',
    'not_expected') for every town under ``prefix``, month of first..last and
    monthly dataset."""
    return fetch(con, _REPORTING_SQL + """
        SELECT * FROM matrix
        ORDER BY list_position($datasets, dataset), town_code, month
    """, {"prefix": prefix, "first": first, "last": last, "datasets": list(MONTHLY_DATASETS)})


def reporting_by_unit(con, prefix: str, first: date, last: date, level: str) -> pd.DataFrame:
    """dataset, unit_code, name_zh, name_en, month, towns_expected,
    towns_reported: the reporting matrix summed to one row per unit at
    ``level`` (province, city or county) per month per monthly dataset — a
    city's 160-odd towns fit no screen, its counties do, and a nation's
    provinces.  Units whose towns owe nothing (金门县) have no rows."""
    return fetch(con, _REPORTING_SQL + """
        SELECT m.dataset, u.code AS unit_code, u.name_zh, u.name_en, m.month,
               count(*) FILTER (WHERE m.status <> 'not_expected') AS towns_expected,
               count(*) FILTER (WHERE m.status = 'reported') AS towns_reported
        FROM matrix AS m
        JOIN org_units AS u ON u.code = rpad(left(m.town_code, $digits), 6, '0')
        GROUP BY m.dataset, u.code, u.name_zh, u.name_en, m.month
        ORDER BY list_position($datasets, m.dataset), u.code, m.month
    """, {"prefix": prefix, "first": first, "last": last, "datasets": list(MONTHLY_DATASETS),
          "digits": unit_digits(level)})


def missing_reports(con, prefix: str, month: date) -> pd.DataFrame:
    """dataset, town_code, name_zh, name_en: the towns that owe ``month``'s report."""
    return fetch(con, _REPORTING_SQL + """
        SELECT dataset, town_code, name_zh, name_en FROM matrix
        WHERE status = 'missing'
        ORDER BY list_position($datasets, dataset), town_code
    """, {"prefix": prefix, "first": month, "last": month, "datasets": list(MONTHLY_DATASETS)})
