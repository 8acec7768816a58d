"""Writing parsed tables as batches: what the batch log says, what a reload
replaces, what it leaves alone.  Tables are built here as the parser hands
them over (canonical columns, dates as datetime.date, counts Int64)."""
from __future__ import annotations

import contextlib
import hashlib
from datetime import date, datetime
from pathlib import Path
from decimal import Decimal

import pandas as pd
import pytest

from etl import load as loader
from etl import pipeline, settings, warehouse
from etl.model import ParsedTable

ANHAI, DONGSHI = "350582101", "350582104"
HOSPITAL, WOMEN = "职工住院医疗互助", "女职工特殊疾病互助"
COUNTS = ("members_enrolled", "new_enrolments", "claims")


def mutual_aid(file: str, rows: list[tuple], *, sheet: str = "Sheet1",
               roster_people: int = 0) -> ParsedTable:
    """rows: (month 'YYYY-MM', town, scheme, members, new, claims, yuan)."""
    frame = pd.DataFrame(rows, columns=["month", "town_code", "scheme", *COUNTS,
                                        "claims_paid_yuan"])
    frame["month"] = [date.fromisoformat(f"{m}-01") for m in frame["month"]]
    for column in COUNTS:
        frame[column] = frame[column].astype("Int64")
    frame["claims_paid_yuan"] = frame["claims_paid_yuan"].astype("float64")
    frame["_row"] = range(3, 3 + len(frame))
    return ParsedTable("mutual_aid", file, sheet, frame, {}, roster_people=roster_people)


def table(dataset: str, file: str, records: list[dict], **dates) -> ParsedTable:
    frame = pd.DataFrame(records)
    for column in dates.get("date_columns", ()):
        frame[column] = [date.fromisoformat(v) for v in frame[column]]
    frame["_row"] = range(3, 3 + len(frame))
    return ParsedTable(dataset, file, "Sheet1", frame, {})


def write(tables: list[ParsedTable], *, by: str = "zhangsan", content: bytes | None = None):
    """Commit tables as pipeline.load does, each file's bytes being its name
    unless given."""
    payloads = {}
    for t in tables:
        data = content if content is not None else t.file.encode()
        payloads[t.file] = (data, loader.sha256_of(data))
    with warehouse.write() as con:
        con.execute("BEGIN")
        written = pipeline.write_tables(con, tables, payloads, loaded_by=by,
                                        loaded_at=datetime(2026, 11, 20, 9, 30))
        con.execute("COMMIT")
    return written


def query(sql: str, params=()) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(sql, list(params)).fetchall()


JULY_ANHAI = [("2024-07", ANHAI, HOSPITAL, 10995, 40, 23, 61200.0),
              ("2024-07", ANHAI, WOMEN, 1623, 5, 2, 8000.0)]


def test_a_batch_records_file_dataset_hash_sheets_units_and_periods(empty_db):
    june = mutual_aid("安海镇互助2024年6-7月.xlsx",
                      [("2024-06", ANHAI, HOSPITAL, 10950, 30, 21, 58000.0)], sheet="6月")
    july = mutual_aid("安海镇互助2024年6-7月.xlsx", JULY_ANHAI, sheet="7月")
    written = write([june, july], content=b"workbook bytes")

    assert [w.batch_id for w in written] == [1]
    assert query("""SELECT dataset, file_name, sha256, sheets, row_count, units, periods,
                           loaded_at, loaded_by, status, note FROM load_batches""") == [(
        "mutual_aid", "安海镇互助2024年6-7月.xlsx",
        hashlib.sha256(b"workbook bytes").hexdigest(), ["6月", "7月"], 3, [ANHAI],
        ["2024-06", "2024-07"], datetime(2026, 11, 20, 9, 30), "zhangsan", "active", None)]
    assert query("SELECT count(*), sum(claims), sum(claims_paid_yuan) FROM mutual_aid") == [
        (3, 46, Decimal("127200.00"))]


def test_reloading_a_town_month_replaces_it_instead_of_doubling(empty_db):
    write([mutual_aid("安海7月.xlsx", JULY_ANHAI)])
    corrected = [("2024-07", ANHAI, HOSPITAL, 10995, 40, 25, 63000.0),
                 ("2024-07", ANHAI, WOMEN, 1623, 5, 2, 8000.0)]
    write([mutual_aid("安海7月（更正）.xlsx", corrected)])

    assert query("""SELECT count(*), sum(members_enrolled), sum(claims), sum(claims_paid_yuan)
                    FROM mutual_aid WHERE month = DATE '2024-07-01'""") == [
        (2, 12618, 27, Decimal("71000.00"))]
    assert query("SELECT batch_id, status FROM load_batches ORDER BY 1") == [
        (1, "superseded"), (2, "active")]
    # The replaced rows are kept, marked with the batch that replaced them.
    assert query("SELECT batch_id, retired_by, claims FROM mutual_aid_rows ORDER BY 1, 3") == [
        (1, 2, 2), (1, 2, 23), (2, None, 2), (2, None, 25)]


def test_a_reload_replaces_every_scheme_of_the_town_month_and_nothing_else(empty_db):
    write([mutual_aid("泉州汇总.xlsx", [
        ("2024-06", ANHAI, HOSPITAL, 10950, 30, 21, 58000.0),
        *JULY_ANHAI,
        ("2024-07", DONGSHI, HOSPITAL, 8200, 12, 9, 21000.0),
    ])])
    # 安海's July comes again with one scheme only: the other scheme's July
    # row goes too, because the report is the town's whole month.
    write([mutual_aid("安海7月.xlsx", [("2024-07", ANHAI, HOSPITAL, 11002, 47, 24, 60500.0)])])

    assert query("""SELECT strftime(month, '%Y-%m'), town_code, scheme, claims, batch_id
                    FROM mutual_aid ORDER BY 1, 2, 3""") == [
        ("2024-06", ANHAI, HOSPITAL, 21, 1),
        ("2024-07", ANHAI, HOSPITAL, 24, 2),
        ("2024-07", DONGSHI, HOSPITAL, 9, 1),
    ]
    assert query("SELECT batch_id, status FROM load_batches ORDER BY 1") == [
        (1, "active"), (2, "active")]
    written = write([mutual_aid("安海6月.xlsx", [("2024-06", ANHAI, HOSPITAL, 1, 1, 1, 1.0)])])
    assert written[0].retired == 1 and written[0].superseded == []


def test_a_roster_leaves_members_enrolled_blank_and_keeps_the_replaced_value(empty_db):
    write([mutual_aid("安海7月.xlsx", JULY_ANHAI)])
    roster = mutual_aid("安海7月受助名单.xlsx",
                        [("2024-07", ANHAI, HOSPITAL, None, None, 37, 98765.43)],
                        roster_people=37)
    written = write([roster])

    assert written[0].note == ("名册：37 人已汇总，未保存个人信息 / "
                               "roster: 37 people aggregated, no personal data kept")
    assert query("""SELECT members_enrolled, new_enrolments, claims, claims_paid_yuan
                    FROM mutual_aid WHERE scheme = ?""", [HOSPITAL]) == [
        (10995, None, 37, Decimal("98765.43"))]
    assert query("SELECT note FROM load_batches WHERE batch_id = 2") == [(written[0].note,)]


def test_amounts_are_stored_to_the_fen(empty_db):
    write([mutual_aid("安海上半年.xlsx", [("2024-06", ANHAI, HOSPITAL, 10995, 0, 130, 385435.0)])])
    assert query("SELECT claims_paid_yuan::VARCHAR FROM mutual_aid") == [("385435.00",)]


def test_camps_are_replaced_per_town_and_year(empty_db):
    def camp(name, children, year=2024, town=ANHAI):
        return {"year": year, "town_code": town, "class_name": name, "host_org": "安海镇总工会",
                "class_type": "普通班", "start_date": f"{year}-07-08",
                "end_date": f"{year}-08-16", "children_enrolled": children,
                "new_form_children": 6, "capacity": 40, "meal_fee_yuan": 15.0}

    write([table("summer_camps", "暑托班2024.xlsx",
                 [camp("第1期", 30), camp("第2期", 28), camp("第1期", 25, year=2023)],
                 date_columns=("start_date", "end_date"))])
    write([table("summer_camps", "暑托班2024更正.xlsx", [camp("第1期", 31)],
                 date_columns=("start_date", "end_date"))])

    assert query("SELECT year, class_name, children_enrolled, start_date FROM summer_camps "
                 "ORDER BY 1, 2") == [(2023, "第1期", 25, date(2023, 7, 8)),
                                      (2024, "第1期", 31, date(2024, 7, 8))]
    assert query("SELECT periods FROM load_batches ORDER BY batch_id") == [
        (["2023", "2024"],), (["2024"],)]


def test_contracts_are_replaced_one_contract_at_a_time(empty_db):
    def contract(contract_id, workers, signed="2024-03-15"):
        return {"contract_id": contract_id, "town_code": ANHAI, "contract_type": "工资集体合同",
                "party_name": "福建某某鞋业有限公司", "signed_date": signed,
                "expiry_date": "2027-03-14", "enterprises_covered": 1,
                "workers_covered": workers}

    dated = {"date_columns": ("signed_date", "expiry_date")}
    write([table("collective_contracts", "合同台账.xlsx",
                 [contract("JJAH-2024-001", 120), contract("JJAH-2024-002", 80, "2024-05-06")],
                 **dated)])
    write([table("collective_contracts", "合同补录.xlsx", [contract("JJAH-2024-002", 95, "2024-05-06")],
                 **dated)])

    assert query("SELECT contract_id, workers_covered, batch_id FROM collective_contracts "
                 "ORDER BY 1") == [("JJAH-2024-001", 120, 1), ("JJAH-2024-002", 95, 2)]
    assert query("SELECT periods FROM load_batches ORDER BY batch_id") == [
        (["2024-03", "2024-05"],), (["2024-05"],)]


def station(station_id, name, lon=118.467, lat=24.716):
    return {"station_id": station_id, "station_name": name, "town_code": ANHAI,
            "address": "晋江市安海镇", "lon": lon, "lat": lat, "crs": "GCJ02",
            "lon_wgs84": lon - 0.005, "lat_wgs84": lat + 0.003, "host_type": "党建+邻里中心",
            "opened_date": None, "facilities": "饮水机"}


def test_the_station_register_is_replaced_per_station(empty_db):
    write([table("stations", "驿站名册.xlsx",
                 [station("JJ-AH-01", "星塔社区驿站"), station("JJ-AH-02", "安平驿站")])])
    write([table("stations", "驿站更正.xlsx", [station("JJ-AH-02", "安平桥驿站", lon=118.47)])])

    assert query("SELECT station_id, station_name, lon, lon_wgs84 FROM stations ORDER BY 1") == [
        ("JJ-AH-01", "星塔社区驿站", 118.467, pytest.approx(118.462)),
        ("JJ-AH-02", "安平桥驿站", 118.47, pytest.approx(118.465))]
    assert query("SELECT periods FROM load_batches ORDER BY batch_id") == [
        (["register"],), (["register"],)]


def test_station_visits_are_replaced_per_town_month_whatever_the_station(empty_db):
    def visits(station_id, group, count, month="2024-07"):
        return {"month": date.fromisoformat(f"{month}-01"), "station_id": station_id,
                "town_code": ANHAI, "visitor_group": group, "visits": count, "rest": None,
                "meal_heating": None, "drinking_water": None, "charging": None, "medical": None}

    write([table("station_visits", "驿站7月.xlsx",
                 [visits("JJ-AH-01", "外卖送餐员", 320), visits("JJ-AH-02", "快递员", 150),
                  visits("JJ-AH-01", "外卖送餐员", 300, month="2024-06")])])
    write([table("station_visits", "驿站7月更正.xlsx", [visits("JJ-AH-01", "外卖送餐员", 333)])])

    assert query("SELECT strftime(month, '%Y-%m'), station_id, visits FROM station_visits "
                 "ORDER BY 1, 2") == [("2024-06", "JJ-AH-01", 300), ("2024-07", "JJ-AH-01", 333)]


def test_the_original_file_is_archived_under_its_hash_not_its_name(empty_db):
    write([mutual_aid("安海镇 7月 报表.XLSX", JULY_ANHAI)], content=b"PK original bytes")

    sha = hashlib.sha256(b"PK original bytes").hexdigest()
    archived = settings.archive_dir() / f"{sha}.xlsx"
    assert archived.read_bytes() == b"PK original bytes"
    assert [p.name for p in settings.archive_dir().iterdir()] == [f"{sha}.xlsx"]


def test_an_odd_extension_is_not_used_in_the_archive_name():
    assert loader.archive_extension("报表.xlsx") == ".xlsx"
    assert loader.archive_extension("报表.CSV") == ".csv"
    assert loader.archive_extension("报表") == ""
    assert loader.archive_extension("x.../../../etc") == ""


def test_two_sheets_of_one_file_with_two_datasets_make_two_batches(empty_db):
    camps = table("summer_camps", "安海2024汇总.xlsx", [{
        "year": 2024, "town_code": ANHAI, "class_name": "第1期", "host_org": None,
        "class_type": "普通班", "start_date": "2024-07-08", "end_date": "2024-08-16",
        "children_enrolled": 30, "new_form_children": None, "capacity": None,
        "meal_fee_yuan": None}], date_columns=("start_date", "end_date"))
    written = write([mutual_aid("安海2024汇总.xlsx", JULY_ANHAI), camps], content=b"one workbook")

    assert [(w.batch_id, w.dataset, w.rows) for w in written] == [
        (1, "mutual_aid", 2), (2, "summer_camps", 1)]
    assert query("SELECT DISTINCT sha256 FROM load_batches") == [
        (hashlib.sha256(b"one workbook").hexdigest(),)]


# Through the pipeline, from the files a user gives -----------------------------
FIXTURES = Path(__file__).parent / "fixtures" / "load"
JULY = FIXTURES / "安海镇_医疗互助_2024-07.csv"
JULY_CORRECTED = FIXTURES / "安海镇_医疗互助_2024-07_更正.csv"
JULY_DONGSHI = FIXTURES / "东石镇_医疗互助_2024-07.csv"
TODAY = date(2026, 11, 23)


def given(*paths: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in paths]


def dump() -> dict[str, list[tuple]]:
    """Every row of every table, to tell whether anything changed."""
    with warehouse.read() as con:
        tables = [name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_type = 'BASE TABLE' "
            "ORDER BY 1").fetchall()]
        return {name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
                for name in tables}


def test_a_failure_half_way_through_a_load_leaves_the_warehouse_unchanged(empty_db, monkeypatch):
    pipeline.load(given(JULY), today=TODAY)
    before = dump()
    archived = sorted(p.name for p in settings.archive_dir().iterdir())

    real_insert, inserted = loader.insert_rows, []

    def insert_then_fail(con, spec, batch_id, columns):
        if inserted:
            raise OSError("磁盘已满 / disk full")
        real_insert(con, spec, batch_id, columns)
        inserted.append(batch_id)

    monkeypatch.setattr(loader, "insert_rows", insert_then_fail)
    with pytest.raises(OSError, match="disk full"):
        pipeline.load(given(JULY_CORRECTED, JULY_DONGSHI), today=TODAY)

    assert inserted == [2]          # the first table was written before the failure
    assert dump() == before
    assert sorted(p.name for p in settings.archive_dir().iterdir()) == archived
    assert len(before["load_batches"]) == 1 and len(before["mutual_aid_rows"]) == 2


def test_the_command_line_reports_a_failed_load_as_rolled_back(empty_db, monkeypatch, capsys):
    from etl import cli

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(loader, "insert_rows", fail)
    code = cli.main(["load", str(JULY)])

    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "导入失败，已整体回滚，数据库未作任何改变：OSError: disk full / The load failed and was "
        "rolled back; the warehouse is unchanged: OSError: disk full")
    assert query("SELECT count(*) FROM load_batches") == [(0,)]


def test_a_byte_identical_file_already_loaded_is_a_no_op(empty_db):
    first = pipeline.load(given(JULY), today=TODAY)
    again = pipeline.load(given(JULY), today=TODAY)

    assert (first.status, first.batch_ids) == ("loaded", [1])
    assert (again.status, again.batch_ids, again.rows) == ("duplicate", [1], 0)
    assert query("SELECT count(*), sum(claims) FROM mutual_aid") == [(2, 25)]


def test_a_file_whose_batch_was_rolled_back_can_be_loaded_again(empty_db):
    pipeline.load(given(JULY), today=TODAY)
    pipeline.rollback(1)
    again = pipeline.load(given(JULY), today=TODAY)

    assert (again.status, again.batch_ids) == ("loaded", [2])
    assert query("SELECT count(*), sum(claims) FROM mutual_aid") == [(2, 25)]


def test_a_large_upload_parsed_while_another_load_committed_is_examined_again(empty_db,
                                                                             monkeypatch):
    # A large upload is parsed under a read-only connection so the dashboard
    # keeps answering.  Here the same file is loaded by someone else between
    # that parse and the write: the load must see it under the write lock
    # and report a duplicate, not store the month twice.
    monkeypatch.setattr(pipeline, "EXAMINE_UNDER_WRITE_LOCK_BYTES", 0)
    real_write, examined = pipeline.warehouse.write, []
    real_examine = pipeline._examine

    def examine(con, *args, **kwargs):
        examined.append(con)
        return real_examine(con, *args, **kwargs)

    @contextlib.contextmanager
    def someone_else_loads_first(db):
        if len(examined) == 1:
            monkeypatch.setattr(pipeline.warehouse, "write", real_write)
            assert pipeline.load(given(JULY), today=TODAY, loaded_by="lisi").status == "loaded"
        with real_write(db) as con:
            yield con

    monkeypatch.setattr(pipeline, "_examine", examine)
    monkeypatch.setattr(pipeline.warehouse, "write", someone_else_loads_first)
    result = pipeline.load(given(JULY), today=TODAY, loaded_by="zhangsan")

    assert (result.status, result.batch_ids) == ("duplicate", [1])
    assert len(examined) == 3       # ours, lisi's (under his lock), ours again under the lock
    assert query("SELECT count(*), sum(claims) FROM mutual_aid") == [(2, 25)]


def test_a_small_upload_is_examined_once_under_the_write_lock(empty_db, monkeypatch):
    # Parsing a monthly sheet takes less than opening a second connection.
    examined = []
    real_examine = pipeline._examine

    def examine(con, *args, **kwargs):
        examined.append(con)
        return real_examine(con, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_examine", examine)
    result = pipeline.load(given(JULY), today=TODAY)

    assert result.status == "loaded" and len(examined) == 1


def test_check_previews_what_each_town_month_would_gain_and_lose(empty_db):
    pipeline.load(given(JULY), today=TODAY)
    checked = pipeline.check(given(JULY_CORRECTED, JULY_DONGSHI), today=TODAY)

    assert (checked.ok, checked.rows, checked.units) == (True, 3, [ANHAI, DONGSHI])
    assert checked.preview.to_dict("records") == [
        {"dataset": "mutual_aid", "file": "安海镇_医疗互助_2024-07_更正.csv", "town_code": ANHAI,
         "town_zh": "安海镇", "period": "2024-07", "rows": 2, "added": 0, "changed": 1,
         "unchanged": 1, "removed": 0},
        {"dataset": "mutual_aid", "file": "东石镇_医疗互助_2024-07.csv", "town_code": DONGSHI,
         "town_zh": "东石镇", "period": "2024-07", "rows": 1, "added": 1, "changed": 0,
         "unchanged": 0, "removed": 0},
    ]
    assert checked.changes[["key", "column_zh", "old", "new"]].values.tolist() == [
        ["2024-07 · 350582101 · 职工住院医疗互助", "补助人次", "23", "25"],
        ["2024-07 · 350582101 · 职工住院医疗互助", "补助金额（元）", "61200.00", "63000.00"],
    ]
    # A check writes nothing.
    assert query("SELECT count(*) FROM load_batches") == [(1,)]


def test_check_counts_rows_a_reload_would_remove(empty_db):
    pipeline.load(given(JULY), today=TODAY)
    hospital_only = ("月份,镇（街道）,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）\n"
                     "2024-07,安海镇,职工住院医疗互助,10995,40,23,61200\n").encode()
    checked = pipeline.check([("安海7月.csv", hospital_only)], today=TODAY)

    counts = checked.preview[["rows", "added", "changed", "unchanged", "removed"]]
    assert counts.values.tolist() == [[1, 0, 0, 1, 1]]
    assert checked.changes.empty


def test_check_reports_a_file_already_loaded(empty_db):
    pipeline.load(given(JULY), today=TODAY)
    checked = pipeline.check(given(JULY), today=TODAY)

    assert (checked.duplicates, checked.tables) == ({JULY.name: 1}, [])
    assert checked.notes == [f"「{JULY.name}」已导入过（批次 1），本次不重复导入 / "
                             f"'{JULY.name}' was already loaded as batch 1; nothing to do"]


def test_check_works_before_the_warehouse_exists(tmp_path, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tmp_path / "not_yet.duckdb"))
    checked = pipeline.check(given(JULY), today=TODAY)

    assert (checked.ok, checked.rows) == (True, 2)
    assert checked.preview[["town_zh", "added"]].values.tolist() == [["安海镇", 2]]
    assert not (tmp_path / "not_yet.duckdb").exists()


def test_a_first_load_into_a_new_file_sets_the_warehouse_up(tmp_path, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tmp_path / "fresh.duckdb"))
    result = pipeline.load(given(JULY), today=TODAY)

    assert result.status == "loaded"
    assert query("SELECT name_zh FROM org_units WHERE code = ?", [ANHAI]) == [("安海镇",)]


def test_unit_names_the_town_of_a_sheet_without_a_town_column(empty_db):
    no_town = ("月份,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）\n"
               "2024-07,职工住院医疗互助,10995,40,23,61200\n").encode()
    result = pipeline.load([("7月.csv", no_town)], unit="安海", today=TODAY)

    assert (result.status, result.units) == ("loaded", [ANHAI])


def test_two_different_files_with_the_same_name_are_told_apart(empty_db):
    result = pipeline.load([("7月.csv", JULY.read_bytes()), ("7月.csv", JULY_DONGSHI.read_bytes())],
                           today=TODAY)

    assert (result.status, result.batch_ids) == ("loaded", [1, 2])
    assert query("SELECT file_name, units FROM load_batches ORDER BY batch_id") == [
        ("7月.csv", [ANHAI]), ("7月 (2).csv", [DONGSHI])]


def test_the_same_file_given_twice_in_one_command_loads_once(empty_db):
    result = pipeline.load(given(JULY, JULY), today=TODAY)

    assert (result.status, result.batch_ids, result.rows) == ("loaded", [1], 2)
    assert result.notes[0] == (f"「{JULY.name}」与「{JULY.name}」内容完全相同，只导入一次 / "
                               f"'{JULY.name}' has the same content as '{JULY.name}'; loaded once")


def test_a_file_with_headers_and_no_rows_is_rejected(empty_db):
    headers_only = "月份,镇（街道）,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）\n".encode()
    result = pipeline.load([("空表.csv", headers_only)], today=TODAY)

    assert result.status == "rejected"
    assert [(i.code, i.file, i.message_zh) for i in result.issues] == [
        ("nothing_to_load", "空表.csv", "文件中没有找到可导入的数据行")]
    assert query("SELECT count(*) FROM load_batches") == [(0,)]


def test_no_files_at_all_is_rejected_not_loaded(empty_db):
    result = pipeline.load([], today=TODAY)
    assert (result.status, [i.code for i in result.issues]) == ("rejected", ["nothing_to_load"])


def test_checking_a_station_register_against_a_warehouse_that_has_one(empty_db):
    register = ("驿站编号,驿站名称,镇（街道）,经度,纬度,坐标系\n"
                "JJ-AH-01,星塔社区驿站,安海镇,118.467,24.716,GCJ02\n").encode()
    pipeline.load([("驿站名册.csv", register)], today=TODAY)
    moved = register.replace(b"118.467", b"118.470")
    checked = pipeline.check([("驿站名册更正.csv", moved)], today=TODAY)

    assert checked.changes[["key", "column_zh", "old", "new"]].values.tolist() == [
        ["JJ-AH-01", "经度", "118.467", "118.47"]]


def test_a_note_reads_both_languages_as_text_and_one_in_the_app():
    # The command line prints both; the app shows the user's language.
    import pickle

    from etl.messages import note

    said = note("file_repeated", file_name="7月.csv", first="七月.csv").about("7月.csv")
    assert said == ("7月.csv: 「7月.csv」与「七月.csv」内容完全相同，只导入一次 / "
                    "'7月.csv' has the same content as '七月.csv'; loaded once")
    assert said.text("en") == "7月.csv: '7月.csv' has the same content as '七月.csv'; loaded once"
    assert pickle.loads(pickle.dumps(said)).text("zh") == said.text("zh")


def test_a_warehouse_from_before_the_reporting_flag_is_upgraded_in_place(tmp_path):
    # A warehouse built by the first release has no org_units.reporting; the
    # app's first start after the upgrade adds it, with 金门县's towns not
    # reporting, and keeps every loaded row.
    import duckdb

    db = tmp_path / "old.duckdb"
    pipeline.init(db)
    pipeline.load(given(JULY), db=db, today=TODAY)
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE org_units DROP COLUMN reporting")

    assert pipeline.upgrade(db) is True
    assert pipeline.upgrade(db) is False            # once is enough
    with warehouse.read(db) as con:
        assert con.execute("SELECT code FROM org_units WHERE NOT reporting AND level = 'town' "
                           "ORDER BY code").fetchall() == [
            ("350527100",), ("350527101",), ("350527102",), ("350527200",), ("350527201",)]
        assert con.execute("SELECT count(*), sum(claims) FROM mutual_aid").fetchone() == (2, 25)
