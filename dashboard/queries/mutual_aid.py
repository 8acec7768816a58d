"""职工医疗互助: members enrolled (a stock), claims and yuan paid (flows).

Members are read at the latest month of the period that has rows in the
region, per scheme, and never added across months or schemes.  Claims, yuan
and new enrolments are summed over the period.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.queries import fetch, unit_digits
from etl.specs import SCHEMES


def headline(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """One row per scheme, then a total row (scheme NULL, members NULL):
    scheme, stock_month ('YYYY-MM'), members_enrolled, new_enrolments, claims,
    claims_paid_yuan.  No rows when the region reported nothing in the period."""
    return fetch(con, """
        WITH in_view AS (
            SELECT * FROM mutual_aid
            WHERE starts_with(town_code, $prefix) AND month BETWEEN $first AND $last
        ),
        stock AS (SELECT max(month) AS month FROM in_view)
        SELECT scheme,
               strftime((SELECT month FROM stock), '%Y-%m') AS stock_month,
               CASE WHEN GROUPING(scheme) = 0 THEN
                   (sum(members_enrolled) FILTER (WHERE month = (SELECT month FROM stock)))::BIGINT
               END AS members_enrolled,
               sum(new_enrolments)::BIGINT AS new_enrolments,
               sum(claims)::BIGINT AS claims,
               sum(claims_paid_yuan)::DOUBLE AS claims_paid_yuan
        FROM in_view
        GROUP BY GROUPING SETS ((scheme), ())
        HAVING count(*) > 0
        ORDER BY GROUPING(scheme), coalesce(list_position($schemes, scheme), 99), scheme
    """, {"prefix": prefix, "first": first, "last": last, "schemes": list(SCHEMES)})


def enrolment_by_scheme(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """month, scheme, members_enrolled: the region's members at each month end."""
    return fetch(con, """
        SELECT strftime(month, '%Y-%m') AS month, scheme,
               sum(members_enrolled)::BIGINT AS members_enrolled
        FROM mutual_aid
        WHERE starts_with(town_code, $prefix) AND month BETWEEN $first AND $last
        GROUP BY month, scheme
        ORDER BY month, coalesce(list_position($schemes, scheme), 99), scheme
    """, {"prefix": prefix, "first": first, "last": last, "schemes": list(SCHEMES)})


def claims_by_month(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """month, claims, claims_paid_yuan, average_payout_yuan (all schemes together)."""
    return fetch(con, """
        SELECT strftime(month, '%Y-%m') AS month,
               sum(claims)::BIGINT AS claims,
               sum(claims_paid_yuan)::DOUBLE AS claims_paid_yuan,
               round(sum(claims_paid_yuan)::DOUBLE / nullif(sum(claims)::BIGINT, 0), 2) AS average_payout_yuan
        FROM mutual_aid
        WHERE starts_with(town_code, $prefix) AND month BETWEEN $first AND $last
        GROUP BY month
        ORDER BY month
    """, {"prefix": prefix, "first": first, "last": last})


# Per town, or per city or province above a city: the unit the town lies in,
# $digits long (queries.unit_digits; rpad would cut a 9-digit town code).
_RANKING_SQL = """
    SELECT u.code AS unit_code, u.name_zh, u.name_en,
           sum(m.claims)::BIGINT AS claims,
           sum(m.claims_paid_yuan)::DOUBLE AS claims_paid_yuan
    FROM mutual_aid AS m
    JOIN org_units AS u
      ON u.code = CASE WHEN $digits = 9 THEN m.town_code ELSE rpad(left(m.town_code, $digits), 6, '0') END
    WHERE starts_with(m.town_code, $prefix) AND m.month BETWEEN $first AND $last
    GROUP BY u.code, u.name_zh, u.name_en
    ORDER BY claims_paid_yuan DESC, u.code
"""


def town_ranking(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """Every town of the region with rows in the period, most yuan first:
    town_code, name_zh, name_en, claims, claims_paid_yuan (all schemes: flows add up)."""
    return unit_ranking(con, prefix, first, last, "town").rename(columns={"unit_code": "town_code"})


def unit_ranking(con, prefix: str, first: date, last: date, level: str) -> pd.DataFrame:
    """town_ranking summed to the units at ``level`` (a province's cities, the
    nation's provinces): unit_code and the same columns."""
    return fetch(con, _RANKING_SQL, {"prefix": prefix, "first": first, "last": last,
                                     "digits": unit_digits(level)})


def detail(con, prefix: str, first: date, last: date, limit: int | None = None) -> pd.DataFrame:
    """The rows behind the page, one per month, town and scheme, for the table
    and its export: month, county_zh, county_en, town_zh, town_en, scheme,
    members_enrolled, new_enrolments, claims, claims_paid_yuan; the most
    recent month first, then by town code and scheme (the rows' key, so the
    order is total).

    ``limit``: at most this many rows, the first in that order (None: all).
    DuckDB cuts them (a top-N, not a sort of the whole view), so a nation's
    800,000 rows never reach pandas.  A table asks for one row more than it
    shows (widgets.table_fetch_limit): that row's presence says the view was
    cut, with no count query."""
    return fetch(con, """
        SELECT strftime(m.month, '%Y-%m') AS month,
               c.name_zh AS county_zh, c.name_en AS county_en,
               t.name_zh AS town_zh, t.name_en AS town_en,
               m.scheme, m.members_enrolled, m.new_enrolments, m.claims,
               m.claims_paid_yuan::DOUBLE AS claims_paid_yuan
        FROM mutual_aid AS m
        JOIN org_units AS t ON t.code = m.town_code
        LEFT JOIN org_units AS c ON c.code = t.parent_code
        WHERE starts_with(m.town_code, $prefix) AND m.month BETWEEN $first AND $last
        ORDER BY m.month DESC, m.town_code, coalesce(list_position($schemes, m.scheme), 99)
        LIMIT $limit
    """, {"prefix": prefix, "first": first, "last": last, "schemes": list(SCHEMES), "limit": limit})
