"""The synthetic warehouses (etl/synthetic.py), at a tiny scale: three
provinces (福建 with the real 泉州市, 北京, 天津), two cities each, two
counties a city, three towns a county, 14 months ending 2026-10.

Given that warehouse, the codes nest as real ones do, every dataset has the
rows its rules say, a second build is identical, and the dashboard's
queries and pages read it as they read a real one.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.queries import camps, mutual_aid, overview, stations
from etl import reference, synthetic, warehouse
from tests.conftest import TINY_NATION

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
TINY = synthetic.Scale("tiny", **TINY_NATION)
QUANZHOU = "3505"
THIS_YEAR = {"first": date(2026, 1, 1), "last": date(2026, 10, 1)}


@pytest.fixture(scope="module")
def tiny_db(tiny_nation_db) -> Path:
    return tiny_nation_db


def rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    with warehouse.read(db) as con:
        return con.execute(sql, params or {}).fetchall()


def quanzhou_ordinals(db: Path) -> np.ndarray:
    """The town ordinals t (code order) of 泉州市's towns."""
    codes = [code for (code,) in rows(db, "SELECT code FROM org_units WHERE level = 'town' ORDER BY code")]
    return np.array([t for t, code in enumerate(codes) if code.startswith(QUANZHOU)])


# The world ------------------------------------------------------------------

def test_codes_nest_as_real_ones_do(tiny_db):
    units = rows(tiny_db, "SELECT code, level, parent_code FROM org_units")
    by_code = {code: (level, parent) for code, level, parent in units}
    prefix = {"city": 2, "county": 4, "town": 6}
    length = {"province": 6, "city": 6, "county": 6, "town": 9}
    parent_level = {"city": "province", "county": "city", "town": "county"}
    for code, (level, parent) in by_code.items():
        assert len(code) == length[level] and code.isdigit(), code
        if level == "province":
            assert parent is None and code.endswith("0000")
            continue
        assert by_code[parent][0] == parent_level[level], code
        assert code[:prefix[level]] == parent[:prefix[level]], (code, parent)
    assert {code for code, (level, _) in by_code.items() if level == "province"} == \
        {"350000", "110000", "120000"}


def test_quanzhou_is_the_real_one_inside_fujian(tiny_db):
    real = reference.read_org_units()
    ours = rows(tiny_db, """
        SELECT code, level, name_zh, parent_code FROM org_units
        WHERE starts_with(code, '3505') ORDER BY code""")
    assert [(c, lvl, n) for c, lvl, n, _ in ours] == \
        sorted(zip(real["code"], real["level"], real["name_zh"]))
    assert dict((c, p) for c, _, _, p in ours)["350500"] == "350000"
    assert dict((c, p) for c, _, _, p in ours)["350582101"] == "350582"   # 安海镇 in 晋江市


def test_every_dataset_has_the_rows_its_rules_say(tiny_db):
    expected = synthetic.expected_rows(TINY, TODAY)
    for dataset, sql in synthetic.ROW_COUNT_SQL.items():
        assert rows(tiny_db, sql)[0][0] == expected[dataset], dataset
    levels = dict(rows(tiny_db, "SELECT level, count(*) FROM org_units GROUP BY level"))
    # 3 provinces x 2 cities, one of them 泉州市; 5 x 2 made-up counties + 泉州's 12; 3 towns each + 168
    assert levels == synthetic.unit_counts(TINY) == {"province": 3, "city": 6, "county": 22, "town": 198}
    assert expected["stations"] == 741          # 198 towns, STATIONS_PER_TOWN cycling over t % 8


def test_the_months_end_at_the_last_full_month(tiny_db):
    assert rows(tiny_db, "SELECT min(month), max(month), count(DISTINCT month) FROM station_visits") == \
        [(date(2025, 9, 1), date(2026, 10, 1), 14)]


def test_every_row_belongs_to_an_active_demo_batch_of_its_dataset(tiny_db):
    orphans = rows(tiny_db, """
        SELECT 'station_visits', count(*) FROM station_visits_rows AS r
        LEFT JOIN load_batches AS b ON b.batch_id = r.batch_id AND b.dataset = 'station_visits'
        WHERE b.batch_id IS NULL
        UNION ALL
        SELECT 'collective_contracts', count(*) FROM collective_contracts_rows AS r
        LEFT JOIN load_batches AS b ON b.batch_id = r.batch_id AND b.dataset = 'collective_contracts'
        WHERE b.batch_id IS NULL""")
    assert dict(orphans) == {"station_visits": 0, "collective_contracts": 0}
    assert rows(tiny_db, "SELECT DISTINCT loaded_by, status FROM load_batches") == [("demo", "active")]
    # A load after the generator gets a fresh batch id.
    with warehouse.write(tiny_db) as con:
        (top,) = con.execute("SELECT max(batch_id) FROM load_batches").fetchone()
        con.execute("BEGIN")
        (next_id,) = con.execute("SELECT nextval('batch_ids')").fetchone()
        con.execute("ROLLBACK")
    assert next_id > top


def test_a_second_build_is_identical(tiny_db, tmp_path):
    again = tmp_path / "again.duckdb"
    synthetic.build(again, TINY, today=TODAY)
    fingerprint = """
        SELECT (SELECT bit_xor(hash(u)) FROM org_units AS u),
               (SELECT bit_xor(hash(s)) FROM stations_rows AS s),
               (SELECT bit_xor(hash(v)) FROM station_visits_rows AS v),
               (SELECT bit_xor(hash(m)) FROM mutual_aid_rows AS m),
               (SELECT bit_xor(hash(c)) FROM summer_camps_rows AS c),
               (SELECT bit_xor(hash(k)) FROM collective_contracts_rows AS k),
               (SELECT bit_xor(hash(b)) FROM load_batches AS b)
    """
    assert rows(again, fingerprint) == rows(tiny_db, fingerprint)


def test_a_warehouse_with_real_loads_is_never_replaced(tmp_path):
    db = tmp_path / "real.duckdb"
    with warehouse.write(db) as con:
        warehouse.create_schema(con)
        con.execute("""INSERT INTO load_batches (dataset, file_name, sha256, row_count, loaded_at,
                                                 loaded_by, status)
                       VALUES ('mutual_aid', '7月.xlsx', 'x', 1, now(), '陈丽华', 'active')""")
    with pytest.raises(synthetic.SyntheticError):
        synthetic.build(db, TINY, today=TODAY)
    assert rows(db, "SELECT loaded_by FROM load_batches") == [("陈丽华",)]


# The dashboard on it -------------------------------------------------------------

def test_quanzhou_counts_its_own_stations_and_visits_only(tiny_db):
    ordinals = quanzhou_ordinals(tiny_db)
    assert len(ordinals) == 168
    per_town = np.asarray(synthetic.STATIONS_PER_TOWN)[ordinals % 8]
    with warehouse.read(tiny_db) as con:
        headline = overview.stations_headline(con, QUANZHOU, **THIS_YEAR).iloc[0]
        by_group = stations.visits_by_group(con, QUANZHOU, **THIS_YEAR)
        summary = stations.station_summary(con, QUANZHOU, **THIS_YEAR)
        everywhere = overview.stations_headline(con, "", **THIS_YEAR).iloc[0]
    # Every station has opened by 2026-10 (late openers open inside the 14 months).
    assert headline["stations"] == per_town.sum() == len(summary)
    assert everywhere["stations"] == synthetic.expected_rows(TINY, TODAY)["stations"]
    assert by_group["visits"].sum() == headline["visits"] == summary["visits"].sum() > 0
    assert summary["town_code"].str.startswith(QUANZHOU).all()


def test_quanzhou_headlines_add_up(tiny_db):
    ordinals = quanzhou_ordinals(tiny_db)
    with warehouse.read(tiny_db) as con:
        aid = mutual_aid.headline(con, QUANZHOU, **THIS_YEAR)
        claims = mutual_aid.claims_by_month(con, QUANZHOU, **THIS_YEAR)
        classes = camps.headline(con, QUANZHOU, 2026, 2026).iloc[0]
        ranking = overview.town_ranking(con, QUANZHOU, **THIS_YEAR)
    total = aid[aid["scheme"].isna()].iloc[0]
    assert total["claims"] == claims["claims"].sum() > 0
    assert total["claims_paid_yuan"] == pytest.approx(claims["claims_paid_yuan"].sum())
    hospital = aid[aid["scheme"] == "职工住院医疗互助"].iloc[0]
    assert hospital["stock_month"] == "2026-10" and hospital["members_enrolled"] > 0
    assert classes["classes"] == synthetic.camp_classes(ordinals, 2026).sum()
    assert len(ranking) == 168 and (ranking["visits"] > 0).all()


def test_the_town_that_has_not_reported_the_last_month_is_listed(tiny_db):
    # Town t = 7 (t % 1999 == 7) has not sent 2026-10: both monthly reports are missing.
    (code,) = rows(tiny_db, "SELECT code FROM org_units WHERE level = 'town' ORDER BY code LIMIT 1 OFFSET 7")[0]
    with warehouse.read(tiny_db) as con:
        missing = overview.missing_reports(con, "", date(2026, 10, 1))
    assert set(zip(missing["dataset"], missing["town_code"])) == \
        {("mutual_aid", code), ("station_visits", code)}


def test_the_stations_page_maps_quanzhou_on_a_nation_sized_warehouse(tiny_db, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tiny_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/stations.py").run()
    assert not at.exception, [e.message for e in at.exception]
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    points = next(layer for layer in spec["layers"] if layer["id"] == "stations")["data"]
    ordinals = quanzhou_ordinals(tiny_db)
    assert len(points) == np.asarray(synthetic.STATIONS_PER_TOWN)[ordinals % 8].sum()
    assert all(point["station_id"].startswith(QUANZHOU) for point in points)


def test_the_sql_helpers_agree_with_the_numpy_rules():
    con = duckdb.connect()
    synthetic.create_macros(con)
    t, m = np.meshgrid(np.arange(4000), np.arange(60))
    flags = con.execute("SELECT syn_missing(t, m, 60) FROM (SELECT unnest($t) AS t, unnest($m) AS m)",
                        {"t": t.ravel().tolist(), "m": m.ravel().tolist()}).fetchall()
    assert [f for (f,) in flags] == synthetic.missed_report(t.ravel(), m.ravel(), 60).tolist()
