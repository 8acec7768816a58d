"""职工子女暑托班: classes and children per year (annual flows)."""
from __future__ import annotations

import pandas as pd

from dashboard.queries import fetch, unit_digits


def headline(con, prefix: str, first_year: int, last_year: int) -> pd.DataFrame:
    """One row: classes, children_enrolled, new_form_children, capacity for the years."""
    return fetch(con, """
        SELECT count(*) AS classes,
               sum(children_enrolled)::BIGINT AS children_enrolled,
               sum(new_form_children)::BIGINT AS new_form_children,
               sum(capacity)::BIGINT AS capacity
        FROM summer_camps
        WHERE starts_with(town_code, $prefix) AND year BETWEEN $first_year AND $last_year
    """, {"prefix": prefix, "first_year": first_year, "last_year": last_year})


def by_year(con, prefix: str, last_year: int) -> pd.DataFrame:
    """Every year up to ``last_year`` with classes in the region:
    year, classes, children_enrolled, new_form_children, new_form_share,
    record_children, record_classes.

    A year is a record (创历史新高) only when it is strictly above every earlier
    year on record; the first year on record is not a record, and tying the
    previous best is not one either.
    """
    return fetch(con, """
        WITH yearly AS (
            SELECT year, count(*) AS classes, sum(children_enrolled)::BIGINT AS children_enrolled,
                   sum(new_form_children)::BIGINT AS new_form_children
            FROM summer_camps
            WHERE starts_with(town_code, $prefix) AND year <= $last_year
            GROUP BY year
        )
        SELECT year, classes, children_enrolled, new_form_children,
               round(new_form_children / children_enrolled, 4) AS new_form_share,
               coalesce(children_enrolled > max(children_enrolled) OVER earlier, false) AS record_children,
               coalesce(classes > max(classes) OVER earlier, false) AS record_classes
        FROM yearly
        WINDOW earlier AS (ORDER BY year ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        ORDER BY year
    """, {"prefix": prefix, "last_year": last_year})


# Per town, or per city or province above a city: the unit the town lies in,
# $digits long (queries.unit_digits; rpad would cut a 9-digit town code).
_BY_AREA_SQL = """
    SELECT u.code AS unit_code, u.name_zh, u.name_en,
           count(*) AS classes,
           sum(c.children_enrolled)::BIGINT AS children_enrolled,
           sum(c.new_form_children)::BIGINT AS new_form_children,
           sum(c.capacity)::BIGINT AS capacity,
           round(sum(c.children_enrolled) FILTER (WHERE c.capacity IS NOT NULL)
                 / nullif(sum(c.capacity)::BIGINT, 0), 4) AS fill_rate
    FROM summer_camps AS c
    JOIN org_units AS u
      ON u.code = CASE WHEN $digits = 9 THEN c.town_code ELSE rpad(left(c.town_code, $digits), 6, '0') END
    WHERE starts_with(c.town_code, $prefix) AND c.year BETWEEN $first_year AND $last_year
    GROUP BY u.code, u.name_zh, u.name_en
    ORDER BY children_enrolled DESC, u.code
"""


def by_town(con, prefix: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Towns with classes in the years, most children first: town_code, name_zh,
    name_en, classes, children_enrolled, new_form_children, capacity, fill_rate
    (children / capacity over the classes that state a capacity)."""
    return by_unit(con, prefix, first_year, last_year, "town").rename(columns={"unit_code": "town_code"})


def by_unit(con, prefix: str, first_year: int, last_year: int, level: str) -> pd.DataFrame:
    """by_town summed to the units at ``level`` (a province's cities, the
    nation's provinces): unit_code and the same columns."""
    return fetch(con, _BY_AREA_SQL, {"prefix": prefix, "first_year": first_year, "last_year": last_year,
                                     "digits": unit_digits(level)})


def class_list(con, prefix: str, first_year: int, last_year: int,
               limit: int | None = None) -> pd.DataFrame:
    """One row per class: year, town_zh, town_en, class_name, host_org, class_type,
    start_date, end_date, children_enrolled, new_form_children, capacity, meal_fee_yuan;
    the most recent year first, then by town code and class name (the rows' key).

    ``limit``: at most this many rows, the first in that order (None: all),
    cut by DuckDB.  A table asks for one row more than it shows
    (widgets.table_fetch_limit): that row's presence says the list was cut."""
    return fetch(con, """
        SELECT c.year, u.name_zh AS town_zh, u.name_en AS town_en, c.class_name, c.host_org,
               c.class_type, c.start_date, c.end_date, c.children_enrolled, c.new_form_children,
               c.capacity, c.meal_fee_yuan::DOUBLE AS meal_fee_yuan
        FROM summer_camps AS c
        JOIN org_units AS u ON u.code = c.town_code
        WHERE starts_with(c.town_code, $prefix) AND c.year BETWEEN $first_year AND $last_year
        ORDER BY c.year DESC, c.town_code, c.class_name
        LIMIT $limit
    """, {"prefix": prefix, "first_year": first_year, "last_year": last_year, "limit": limit})
