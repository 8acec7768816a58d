"""集体合同: contracts in force and workers covered (stocks at a date), contracts
signed (a flow).

A contract is in force on a day when it was signed on or before it and expires
on or after it.  Enterprise contracts (one enterprise each) and area contracts
(区域性/行业性: a region or industry, many enterprises) are counted apart, so
that the workers of an enterprise inside a regional contract are not added
twice; "workers covered" means by enterprise contracts.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.queries import fetch, unit_digits
from etl.specs import CONTRACT_TYPES, ENTERPRISE_CONTRACT_TYPES


def _params(**params) -> dict:
    return {**params, "enterprise_types": list(ENTERPRISE_CONTRACT_TYPES)}


def in_force(con, prefix: str, as_of: date) -> pd.DataFrame:
    """One row: enterprise_contracts, enterprise_workers, area_contracts,
    area_enterprises, area_workers — contracts in force on ``as_of``."""
    return fetch(con, """
        SELECT count(*) FILTER (WHERE is_enterprise) AS enterprise_contracts,
               coalesce(sum(workers_covered) FILTER (WHERE is_enterprise), 0)::BIGINT AS enterprise_workers,
               count(*) FILTER (WHERE NOT is_enterprise) AS area_contracts,
               coalesce(sum(enterprises_covered) FILTER (WHERE NOT is_enterprise), 0)::BIGINT AS area_enterprises,
               coalesce(sum(workers_covered) FILTER (WHERE NOT is_enterprise), 0)::BIGINT AS area_workers
        FROM (
            SELECT *, list_contains($enterprise_types, contract_type) AS is_enterprise
            FROM collective_contracts
            WHERE starts_with(town_code, $prefix) AND signed_date <= $as_of AND expiry_date >= $as_of
        )
    """, _params(prefix=prefix, as_of=as_of))


def signed_in(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """One row: contracts (signed in the period) and their workers_covered."""
    return fetch(con, """
        SELECT count(*) AS contracts, coalesce(sum(workers_covered)::BIGINT, 0) AS workers_covered
        FROM collective_contracts
        WHERE starts_with(town_code, $prefix)
          AND signed_date BETWEEN $first AND last_day($last::DATE)
    """, {"prefix": prefix, "first": first, "last": last})


def signed_by_month(con, prefix: str, first: date, last: date) -> pd.DataFrame:
    """month, contract_type, contracts, workers_covered — by the month signed."""
    return fetch(con, """
        SELECT strftime(signed_date, '%Y-%m') AS month, contract_type,
               count(*) AS contracts, sum(workers_covered)::BIGINT AS workers_covered
        FROM collective_contracts
        WHERE starts_with(town_code, $prefix)
          AND signed_date BETWEEN $first AND last_day($last::DATE)
        GROUP BY month, contract_type
        ORDER BY month, coalesce(list_position($types, contract_type), 99), contract_type
    """, {"prefix": prefix, "first": first, "last": last, "types": list(CONTRACT_TYPES)})


def in_force_by_type(con, prefix: str, as_of: date) -> pd.DataFrame:
    """contract_type, is_enterprise, contracts, enterprises_covered, workers_covered on ``as_of``."""
    return fetch(con, """
        SELECT contract_type, list_contains($enterprise_types, contract_type) AS is_enterprise,
               count(*) AS contracts, sum(enterprises_covered)::BIGINT AS enterprises_covered,
               sum(workers_covered)::BIGINT AS workers_covered
        FROM collective_contracts
        WHERE starts_with(town_code, $prefix) AND signed_date <= $as_of AND expiry_date >= $as_of
        GROUP BY contract_type
        ORDER BY coalesce(list_position($types, contract_type), 99), contract_type
    """, _params(prefix=prefix, as_of=as_of, types=list(CONTRACT_TYPES)))


# Per town, or per city or province above a city: the unit the town lies in,
# $digits long (queries.unit_digits; rpad would cut a 9-digit town code).
_COVERAGE_SQL = """
    SELECT u.code AS unit_code, u.name_zh, u.name_en,
           count(*) FILTER (WHERE list_contains($enterprise_types, c.contract_type))
               AS enterprise_contracts,
           coalesce(sum(c.workers_covered) FILTER (
               WHERE list_contains($enterprise_types, c.contract_type)), 0)::BIGINT AS enterprise_workers,
           count(*) FILTER (WHERE NOT list_contains($enterprise_types, c.contract_type))
               AS area_contracts
    FROM collective_contracts AS c
    JOIN org_units AS u
      ON u.code = CASE WHEN $digits = 9 THEN c.town_code ELSE rpad(left(c.town_code, $digits), 6, '0') END
    WHERE starts_with(c.town_code, $prefix) AND c.signed_date <= $as_of AND c.expiry_date >= $as_of
    GROUP BY u.code, u.name_zh, u.name_en
    ORDER BY enterprise_workers DESC, u.code
"""


def coverage_by_town(con, prefix: str, as_of: date) -> pd.DataFrame:
    """Towns with contracts in force on ``as_of``, most workers first: town_code,
    name_zh, name_en, enterprise_contracts, enterprise_workers, area_contracts."""
    return coverage_by_unit(con, prefix, as_of, "town").rename(columns={"unit_code": "town_code"})


def coverage_by_unit(con, prefix: str, as_of: date, level: str) -> pd.DataFrame:
    """coverage_by_town summed to the units at ``level`` (a province's cities,
    the nation's provinces): unit_code and the same columns."""
    return fetch(con, _COVERAGE_SQL, _params(prefix=prefix, as_of=as_of, digits=unit_digits(level)))


# Contracts in force on $as_of that expire within $days days after it: the
# renewal window, said once for the list and for its count.
_EXPIRING_WHERE = """
        WHERE starts_with(c.town_code, $prefix)
          AND c.signed_date <= $as_of
          AND c.expiry_date > $as_of
          AND c.expiry_date <= $as_of::DATE + to_days($days::INTEGER)
"""


def expiring(con, prefix: str, as_of: date, days: int = 90, limit: int | None = None) -> pd.DataFrame:
    """The renewal to-do list: contracts in force on ``as_of`` that expire within
    ``days`` days after it (as_of + 1 .. as_of + days), soonest first, then by
    contract number (the key): contract_id, town_zh, town_en, contract_type,
    party_name, signed_date, expiry_date, days_left, enterprises_covered,
    workers_covered.

    ``limit``: at most this many rows, the soonest (None: all), cut by DuckDB.
    A table asks for one row more than it shows (widgets.table_fetch_limit):
    that row's presence says the list was cut."""
    return fetch(con, """
        SELECT c.contract_id, u.name_zh AS town_zh, u.name_en AS town_en, c.contract_type,
               c.party_name, c.signed_date, c.expiry_date,
               date_diff('day', $as_of::DATE, c.expiry_date) AS days_left,
               c.enterprises_covered, c.workers_covered
        FROM collective_contracts AS c
        JOIN org_units AS u ON u.code = c.town_code
    """ + _EXPIRING_WHERE + """
        ORDER BY c.expiry_date, c.contract_id
        LIMIT $limit
    """, {"prefix": prefix, "as_of": as_of, "days": days, "limit": limit})


def expiring_count(con, prefix: str, as_of: date, days: int = 90) -> int:
    """How many contracts the renewal list ``expiring`` holds, counted in DuckDB
    (a nation has ~250,000 in a 90-day window: too many to fetch for a count)."""
    return int(con.execute("SELECT count(*) FROM collective_contracts AS c" + _EXPIRING_WHERE,
                           {"prefix": prefix, "as_of": as_of, "days": days}).fetchone()[0])
