"""The demo data: 泉州's town unions' spreadsheets, 2022-01 to the last full
month, with 安海镇's published 2024 figures exactly.

The file tests read the generated spreadsheets back with python-calamine and
the csv module, not through the ETL, so they pin what the files say.  The
warehouse tests then load them through etl.pipeline, as an upload would be.
"""
from __future__ import annotations

import argparse
import csv
import io
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from etl import coords, demo, demo_files, pipeline

TODAY = date(2026, 11, 23)          # the last full month is 2026-10
ANHAI = "350582101"
FOLDER = "晋江市"                    # 安海镇's files sit in its county's folder


def sheet_rows(path: Path, sheet: str | None = None) -> list[list]:
    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name(sheet or book.sheet_names[0]).to_python(skip_empty_area=False)


def table(rows: list[list], first_header: str, header_rows: int = 1
          ) -> tuple[list[str], list[list], list | None]:
    """(header, data rows, the 合计 row) of the table whose header row starts
    with ``first_header``: rows up to the 合计 row or the first blank row."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    data, total = [], None
    for row in rows[start + header_rows:]:
        if row[0] == "合计":
            total = row
            break
        if all(cell == "" for cell in row):
            break
        data.append(row)
    return rows[start], data, total


def records(rows: list[list], first_header: str) -> list[dict]:
    header, data, _ = table(rows, first_header)
    return [dict(zip(header, row)) for row in data]


@pytest.fixture(scope="module")
def anhai_files(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo_town")
    demo.generate(out, scale="town", today=TODAY)
    return out


def anhai_own_report(folder: Path, month: int) -> Path:
    return folder / FOLDER / "安海镇" / f"安海镇2024年{month}月职工医疗互助情况统计表.xlsx"


# 安海镇's published 2024 figures, read from the files ----------------------------

def test_anhai_ran_21_summer_camp_classes_for_579_children_in_2024(anhai_files):
    camps = records(sheet_rows(anhai_files / FOLDER / "安海镇2024年职工子女暑托班情况统计表.xlsx"),
                    "年度")
    assert len(camps) == 21
    assert sum(c["报名人数"] for c in camps) == 579
    assert all(c["开班日期"].month == 7 and c["结班日期"].month == 8 for c in camps)
    assert all(25 <= c["报名人数"] <= 45 for c in camps)
    assert all(c["其中新就业形态劳动者子女"] <= c["报名人数"] for c in camps)
    assert {c["班级类型"] for c in camps} == {"普通班", "新就业形态专班"}


def test_anhai_members_enrolled_are_the_published_ones_in_every_month_of_2024(anhai_files):
    for month in range(1, 13):
        rows = sheet_rows(anhai_own_report(anhai_files, month))
        _, data, _ = table(rows, "互助项目", header_rows=2)
        members = {row[0]: row[1] for row in data}
        assert members == {"职工住院医疗互助": 10995, "女职工特殊疾病互助": 1623}, month


def test_anhai_paid_130_claims_and_385435_yuan_from_january_to_june_2024(anhai_files):
    claims, paid = 0, Decimal("0")
    for month in range(1, 7):
        _, data, total = table(sheet_rows(anhai_own_report(anhai_files, month)), "互助项目",
                               header_rows=2)
        claims += sum(int(row[3]) for row in data)
        paid += sum(Decimal(str(row[4])) for row in data)
        assert total[3] == sum(row[3] for row in data)          # the 合计 row adds up
    assert claims == 130
    assert paid == Decimal("385435.00")


def test_anhai_sends_its_own_monthly_form_with_the_town_only_in_the_title(anhai_files):
    path = anhai_own_report(anhai_files, 7)
    rows = sheet_rows(path)
    assert rows[0][0] == "安海镇2024年7月职工医疗互助情况统计表"
    assert rows[1][:4] == ["互助项目", "参保人数", "新增参保人数", "补助情况"]
    assert rows[2][3:5] == ["人次", "金额（元）"]
    with CalamineWorkbook.from_path(str(path)) as book:
        merged = book.get_sheet_by_name(book.sheet_names[0]).merged_cell_ranges
    assert ((1, 3), (1, 4)) in merged                             # 补助情况 spans both
    header_cells = {cell for row in rows[1:3] for cell in row}
    assert not header_cells & {"镇（街道）", "镇街", "乡镇", "月份"}
    _, data, total = table(rows, "互助项目", header_rows=2)
    assert [row[0] for row in data] == ["职工住院医疗互助", "女职工特殊疾病互助"]
    assert total[1:4] == [sum(row[c] for row in data) for c in (1, 2, 3)]
    assert any(str(row[0]).startswith("填表人：") for row in rows)


def test_anhai_had_285_wage_contracts_and_one_regional_contract_in_force_at_the_end_of_2024(
        anhai_files):
    register = records(sheet_rows(anhai_files / FOLDER / "安海镇集体合同备案台账.xlsx"), "序号")
    year_end = date(2024, 12, 31)
    in_force = [c for c in register if c["签订日期"] <= year_end <= c["到期日期"]]
    wage = [c for c in in_force if c["合同类型"] == "工资集体合同"]
    regional = [c for c in in_force if c["合同类型"] == "区域性工资集体合同"]
    assert len(wage) == 285
    assert all(c["覆盖企业数"] == 1 for c in wage)
    assert sum(c["覆盖职工人数"] for c in wage) == 17580
    assert [(c["覆盖企业数"], c["覆盖职工人数"]) for c in regional] == [(963, 24346)]
    assert len(in_force) == 286                                   # no other type in force
    assert len({c["合同编号"] for c in register}) == len(register)
    assert all(c["覆盖职工人数"] >= c["覆盖企业数"] for c in register)


def test_anhai_has_18_stations_all_opened_by_the_end_of_2024_near_the_town(anhai_files):
    stations = records(sheet_rows(anhai_files / "安海镇工会驿站名册.xlsx"), "驿站编号")
    assert [s["驿站编号"] for s in stations] == [f"JJ-AH-{n:02d}" for n in range(1, 19)]
    assert max(s["建成日期"] for s in stations) <= date(2024, 12, 31)
    assert stations[0]["驿站名称"] == "安海镇星塔社区工会驿站"
    for station in stations:
        crs = station["坐标系"] or "GCJ02"       # blank means picked on Amap
        lon, lat = coords.to_wgs84(station["经度"], station["纬度"], crs)
        assert abs(lon - 118.466) < 0.05 and abs(lat - 24.714) < 0.05, station["驿站编号"]
    captured_in = [coords.normalize_crs(s["坐标系"]) if s["坐标系"] else "GCJ02" for s in stations]
    assert captured_in.count("GCJ02") > len(stations) / 2


def test_station_visits_start_in_the_opening_month_and_peak_in_summer(anhai_files):
    stations = records(sheet_rows(anhai_files / "安海镇工会驿站名册.xlsx"), "驿站编号")
    opened = {s["驿站编号"]: s["建成日期"].replace(day=1) for s in stations}
    book = anhai_files / FOLDER / "安海镇2024年工会驿站服务人次月报.xlsx"
    visits_by_month = {}
    for month in range(1, 13):
        rows = sheet_rows(book, f"2024年{month}月")
        assert rows[0][0] == f"安海镇2024年{month}月工会驿站服务情况统计表"    # the month is in the title
        visits = records(rows, "驿站编号")
        assert all(opened[v["驿站编号"]] <= date(2024, month, 1) for v in visits)
        assert {v["服务对象"] for v in visits} == {"环卫工人", "快递员", "外卖送餐员",
                                                  "网约车司机", "其他户外劳动者"}
        visits_by_month[month] = sum(v["服务人次"] for v in visits)
    assert visits_by_month[8] > 1.3 * visits_by_month[2]         # Spring Festival: 2024-02-10


def test_the_last_full_month_is_the_last_month_generated(anhai_files):
    book = anhai_files / FOLDER / "安海镇2026年职工医疗互助月报.xlsx"
    with CalamineWorkbook.from_path(str(book)) as workbook:
        assert workbook.sheet_names[-1] == "2026年10月"
        assert len(workbook.sheet_names) == 10


# Other counties' files --------------------------------------------------------

@pytest.fixture(scope="module")
def yongchun_files() -> list[tuple[str, bytes]]:
    """永春县's first two towns, laid out as the city build lays them out."""
    towns, world, last_month = demo.build_world("city", TODAY, only=("350525100", "350525101"))
    return demo_files.build_files(world, towns, last_month, "city")


def test_yongchun_sends_gbk_csv_as_excel_saves_it(yongchun_files):
    name, data = next((n, d) for n, d in yongchun_files if n == "永春县/永春县2024年职工医疗互助月报.csv")
    text = data.decode("gbk")                                     # strict: it is GBK
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert "\r\n" in text
    assert rows[0][0] == "永春县2024年职工医疗互助情况汇总表"
    assert rows[1] == ["镇街", "统计月份", "险种", "在保人数", "新增人数", "受助人次", "补助金额"]
    data_rows = [r for r in rows[2:] if r[0] not in ("合计", "") and not r[0].startswith("填表人")]
    assert {r[1] for r in data_rows} == {f"2024年{m}月" for m in range(1, 13)}
    total = next(r for r in rows if r[0] == "合计")
    assert int(total[5]) == sum(int(r[5]) for r in data_rows)


def test_generation_is_deterministic(yongchun_files, anhai_files, tmp_path):
    towns, world, last_month = demo.build_world("city", TODAY, only=("350525100", "350525101"))
    assert demo_files.build_files(world, towns, last_month, "city") == yongchun_files
    paths = demo.generate(tmp_path, scale="town", today=TODAY)
    for path in paths:
        assert path.read_bytes() == (anhai_files / path.relative_to(tmp_path)).read_bytes(), path


def test_anhai_is_the_same_town_whether_generated_alone_or_with_its_neighbours():
    _, alone, _ = demo.build_world("town", TODAY)
    _, with_cizao, _ = demo.build_world("city", TODAY, only=(ANHAI, "350582102"))
    for dataset, frame in alone.items():
        ours = with_cizao[dataset][with_cizao[dataset]["town_code"] == ANHAI]
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), ours.reset_index(drop=True),
                                      obj=dataset)


def test_province_scale_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(demo.DemoError) as refused:
        demo.generate(tmp_path, scale="province", today=TODAY)
    assert "town" in refused.value.message_en and "city" in refused.value.message_en
    assert not any(tmp_path.iterdir())


# Through the pipeline ------------------------------------------------------------

def test_the_town_demo_loads_cleanly_and_shows_the_published_figures(tmp_path, monkeypatch, capsys):
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("UNION_DB", str(db))
    exit_code = demo.main(argparse.Namespace(scale="town", out=tmp_path / "demo"))
    printed = capsys.readouterr()
    assert exit_code == 0, printed.err
    assert "[100%]" in printed.err
    assert "演示数据库已建好 / demo warehouse built" in printed.out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), sum(children_enrolled) FROM summer_camps "
            "WHERE town_code = ? AND year = 2024", [ANHAI]).fetchone() == (21, 579)
        assert con.execute(
            "SELECT sum(claims), sum(claims_paid_yuan) FROM mutual_aid "
            "WHERE town_code = ? AND month BETWEEN DATE '2024-01-01' AND DATE '2024-06-01'",
            [ANHAI]).fetchone() == (130, Decimal("385435.00"))
        assert con.execute("SELECT count(*) FROM stations WHERE town_code = ?",
                           [ANHAI]).fetchone() == (18,)
        assert con.execute("SELECT DISTINCT loaded_by FROM load_batches").fetchall() == [("demo",)]


def test_the_build_reports_its_progress_from_start_to_finish(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("UNION_DB", str(db))
    reported: list[tuple[float, str]] = []
    summary = demo.build_demo_warehouse(db, scale="town", today=TODAY,
                                        progress=lambda f, m: reported.append((f, m)))
    fractions = [f for f, _ in reported]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert len(reported) >= 30                        # enough steps for a smooth bar
    assert all(" / " in message for _, message in reported)      # Chinese / English
    assert summary["files"] == 28
    assert summary["rows"]["stations"] == 18


def test_the_demo_never_replaces_a_warehouse_holding_uploads(tmp_path, monkeypatch, anhai_files):
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("UNION_DB", str(db))
    register = anhai_files / "安海镇工会驿站名册.xlsx"
    result = pipeline.load([(register.name, register.read_bytes())], loaded_by="王丽华", db=db,
                           today=TODAY)
    assert result.status == "loaded"
    with pytest.raises(demo.DemoError):
        demo.build_demo_warehouse(db, scale="town", today=TODAY)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM stations").fetchone() == (18,)


def test_the_city_demo_warehouse_shows_the_published_figures_for_anhai(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("UNION_DB", str(db))
    started = time.perf_counter()
    summary = demo.build_demo_warehouse(db, scale="city", today=TODAY)
    print(f"city demo: {summary['files']} files, {summary['rows']}, generate "
          f"{summary['generate_seconds']} s, total {time.perf_counter() - started:.1f} s")
    not_loaded = {p["file"]: sorted({i["code"] for i in p["issues"]}) or p["notes"]
                  for p in summary["problems"] if p["status"] != "loaded with warnings"}
    assert not_loaded == {}

    def one(sql: str, *params):
        return con.execute(sql, list(params)).fetchall()

    with duckdb.connect(str(db), read_only=True) as con:
        assert one("SELECT count(*), sum(children_enrolled) FROM summer_camps "
                   "WHERE town_code = ? AND year = 2024", ANHAI) == [(21, 579)]
        assert one("SELECT scheme, min(members_enrolled), max(members_enrolled), count(*) "
                   "FROM mutual_aid WHERE town_code = ? AND year(month) = 2024 "
                   "GROUP BY scheme ORDER BY scheme", ANHAI) == [
            ("女职工特殊疾病互助", 1623, 1623, 12), ("职工住院医疗互助", 10995, 10995, 12)]
        assert one("SELECT sum(claims), sum(claims_paid_yuan) FROM mutual_aid WHERE town_code = ? "
                   "AND month BETWEEN DATE '2024-01-01' AND DATE '2024-06-01'", ANHAI) == [
            (130, Decimal("385435.00"))]
        assert one("SELECT contract_type, count(*), sum(enterprises_covered), sum(workers_covered) "
                   "FROM collective_contracts WHERE town_code = ? "
                   "AND DATE '2024-12-31' BETWEEN signed_date AND expiry_date "
                   "GROUP BY contract_type ORDER BY contract_type", ANHAI) == [
            ("区域性工资集体合同", 1, 963, 24346), ("工资集体合同", 285, 285, 17580)]
        assert one("SELECT count(*) FROM stations WHERE town_code = ?", ANHAI) == [(18,)]
        # Camps only in July and August, every year from 2022 to 2026.
        assert one("SELECT DISTINCT month(start_date), month(end_date) "
                   "FROM summer_camps") == [(7, 8)]
        assert one("SELECT min(year), max(year) FROM summer_camps") == [(2022, 2026)]
        # Every reporting town of the city reports; three are late with 2026-10.
        assert one("SELECT count(DISTINCT town_code) FROM mutual_aid") == [(163,)]
        assert one("SELECT count(DISTINCT town_code) FROM mutual_aid "
                   "WHERE month = DATE '2026-10-01'") == [(160,)]
        assert one("SELECT max(month) FROM station_visits") == [(date(2026, 10, 1),)]
        assert one("SELECT count(*) FROM station_visits v JOIN stations s USING (station_id) "
                   "WHERE v.month < date_trunc('month', s.opened_date)") == [(0,)]
