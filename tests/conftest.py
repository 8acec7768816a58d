"""Shared fixtures.  Every test that touches a warehouse gets its own file
under tmp_path through ``UNION_DB``; nothing touches data/warehouse.duckdb."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl import reference, warehouse

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    """A warehouse with the schema and the shipped org units, and no facts."""
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("UNION_DB", str(db))
    with warehouse.write(db) as con:
        con.execute("BEGIN")
        warehouse.create_schema(con)
        reference.load_org_units(con, reference.read_org_units())
        con.execute("COMMIT")
    return db


@pytest.fixture(scope="session")
def demo_city_db(tmp_path_factory) -> Path:
    """The real city demo (all of 泉州市, 2022-01 .. 2026-10), built once per
    session through the same path as uploads (about 20 s)."""
    from datetime import date

    from etl.demo import build_demo_warehouse

    db = tmp_path_factory.mktemp("demo_city") / "warehouse.duckdb"
    build_demo_warehouse(db, scale="city", today=date(2026, 11, 23))
    return db


# Three provinces (福建 with the real 泉州市, 北京, 天津), two cities each, two
# counties a city, three towns a county, 14 months ending 2026-10.
TINY_NATION = dict(provinces=3, cities_per_province=2, counties_per_city=2, towns_per_county=3,
                   months=14)


@pytest.fixture(scope="session")
def tiny_nation_db(tmp_path_factory) -> Path:
    """A national warehouse in miniature (etl/synthetic.py, about 2 s): what
    a national federation's dashboard reads, small enough to test pages on."""
    from datetime import date

    from etl import synthetic

    db = tmp_path_factory.mktemp("tiny_nation") / "warehouse.duckdb"
    synthetic.build(db, synthetic.Scale("tiny", **TINY_NATION), today=date(2026, 11, 23))
    return db
