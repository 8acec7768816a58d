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
