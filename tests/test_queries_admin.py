"""数据管理 queries on the fixture warehouse (tests/fixture_warehouse.py):

* 43 batches: 19 mutual-aid (one a month 2023-01..2024-06, loaded on the 5th
  of the next month at 09:00, plus a first, wrong 2024-03 report loaded on
  2024-04-03 and superseded two days later), 3 summer-camp, 2 contract, one
  station register, 18 station-visit batches (loaded on the 6th at 10:00).
* 安海 and 磁灶 report mutual aid every month to 2024-06; 万安 stops after
  2024-05; 陈埭 and 罗溪 never report.  罗溪 and 陈埭 have no station, so they
  owe no station-visits report.
"""
from __future__ import annotations

import shutil
from datetime import date, datetime

import pandas as pd
import pytest

from dashboard.queries import admin
from etl import load as loader
from etl import warehouse
from tests.fixture_warehouse import (ANHAI, CHENDAI, CIZAO, LUOXI, WANAN, fixture_con,  # noqa: F401
                                     fixture_db)

QUANZHOU = "3505"
TODAY = date(2026, 11, 23)


def status_of(frame: pd.DataFrame, dataset: str, town: str, month: str) -> str:
    row = frame[(frame["dataset"] == dataset) & (frame["town_code"] == town)
                & (frame["month"] == month)]
    assert len(row) == 1, (dataset, town, month)
    return row["status"].iloc[0]


def test_the_batch_list_is_newest_first_and_keeps_superseded_batches(fixture_con):  # noqa: F811
    batches = admin.batch_list(fixture_con)
    assert len(batches) == 43
    assert batches["batch_id"].iloc[0] == 43
    assert batches.iloc[0][["dataset", "file_name", "row_count", "loaded_at", "loaded_by",
                            "status"]].tolist() == [
        "station_visits", "驿站服务人次2024-06.xlsx", 3, pd.Timestamp(2024, 7, 6, 10), "fixture",
        "active"]
    first_march = batches[batches["file_name"] == "医疗互助月报2024-03（初报）.xlsx"].iloc[0]
    assert first_march["status"] == "superseded"
    assert list(first_march["units"]) == [ANHAI]
    assert list(first_march["periods"]) == ["2024-03"]


def test_a_batch_file_names_its_archived_original(fixture_con):  # noqa: F811
    assert admin.batch_file(fixture_con, 1).iloc[0].tolist() == [
        "医疗互助月报2023-01.xlsx", "fixture-mutual_aid-医疗互助月报2023-01.xlsx"]


def test_reporting_status_for_2024_names_who_reported_and_who_did_not(fixture_con):  # noqa: F811
    status = admin.reporting_status(fixture_con, QUANZHOU, 2024, today=TODAY, due_day=10)
    # 5 towns × 12 months × 2 monthly reports
    assert len(status) == 120
    assert status_of(status, "mutual_aid", ANHAI, "2024-06") == "reported"
    assert status_of(status, "mutual_aid", ANHAI, "2024-07") == "missing"
    assert status_of(status, "mutual_aid", WANAN, "2024-05") == "reported"
    assert status_of(status, "mutual_aid", WANAN, "2024-06") == "missing"
    assert status_of(status, "mutual_aid", LUOXI, "2024-01") == "missing"
    assert status_of(status, "station_visits", CIZAO, "2024-06") == "missing"
    assert status_of(status, "station_visits", LUOXI, "2024-06") == "not_expected"
    first = status[(status["dataset"] == "mutual_aid") & (status["town_code"] == ANHAI)
                   & (status["month"] == "2024-06")]["first_loaded_at"].iloc[0]
    assert first == pd.Timestamp(2024, 7, 5, 9)


def test_a_report_first_loaded_after_the_due_day_is_late(fixture_con):  # noqa: F811
    # Mutual-aid reports arrive on the 5th; with the 4th as the due day they are late,
    # except 安海's March: its first (since superseded) report came on 3 April.
    status = admin.reporting_status(fixture_con, QUANZHOU, 2024, today=TODAY, due_day=4)
    assert status_of(status, "mutual_aid", ANHAI, "2024-02") == "late"
    assert status_of(status, "mutual_aid", ANHAI, "2024-03") == "reported"
    assert status_of(status, "mutual_aid", CIZAO, "2024-03") == "late"
    on_time = admin.reporting_status(fixture_con, QUANZHOU, 2024, today=TODAY, due_day=5)
    assert status_of(on_time, "mutual_aid", ANHAI, "2024-02") == "reported"
    assert status_of(on_time, "station_visits", ANHAI, "2024-02") == "late"   # sent on the 6th


def test_a_month_not_yet_due_is_pending_and_later_months_are_left_out(fixture_con):  # noqa: F811
    status = admin.reporting_status(fixture_con, QUANZHOU, 2024, today=date(2024, 7, 8),
                                    due_day=10)
    assert sorted(status["month"].unique())[-1] == "2024-06"
    assert status_of(status, "mutual_aid", WANAN, "2024-06") == "pending"
    assert status_of(status, "mutual_aid", CHENDAI, "2024-05") == "missing"
    assert status_of(status, "mutual_aid", ANHAI, "2024-06") == "reported"
    after_due = admin.reporting_status(fixture_con, QUANZHOU, 2024, today=date(2024, 7, 11),
                                       due_day=10)
    assert status_of(after_due, "mutual_aid", WANAN, "2024-06") == "missing"


def test_a_year_with_no_month_ended_has_no_status(fixture_con):  # noqa: F811
    status = admin.reporting_status(fixture_con, QUANZHOU, 2027, today=TODAY, due_day=10)
    assert status.empty
    assert list(status.columns) == ["dataset", "town_code", "name_zh", "name_en", "month",
                                    "status", "first_loaded_at"]
    assert admin.status_counts(status).empty


def test_the_region_limits_the_towns(fixture_con):  # noqa: F811
    status = admin.reporting_status(fixture_con, "350504", 2024, today=TODAY, due_day=10)
    assert sorted(status["town_code"].unique()) == [WANAN, LUOXI]


def test_status_counts_list_the_towns_to_call_first(fixture_con):  # noqa: F811
    status = admin.reporting_status(fixture_con, QUANZHOU, 2024, today=TODAY, due_day=10)
    counts = admin.status_counts(status)
    assert list(counts.columns) == ["dataset", "town_code", "name_zh", "name_en", "reported",
                                    "late", "missing", "pending", "not_expected"]
    mutual_aid = counts[counts["dataset"] == "mutual_aid"]
    assert mutual_aid[["name_zh", "reported", "missing"]].values.tolist() == [
        ["罗溪镇", 0, 12], ["陈埭镇", 0, 12], ["万安街道", 5, 7], ["安海镇", 6, 6], ["磁灶镇", 6, 6]]
    visits = counts[counts["dataset"] == "station_visits"]
    assert visits.iloc[0][["name_zh", "missing"]].tolist() == ["万安街道", 12]


@pytest.fixture
def writable_copy(fixture_db, tmp_path, monkeypatch):  # noqa: F811
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_db, db)
    monkeypatch.setenv("UNION_DB", str(db))
    return db


def correct_march_batch(db) -> tuple[int, int]:
    with warehouse.read(db) as con:
        rows = con.execute("""SELECT batch_id, status FROM load_batches
                              WHERE file_name IN ('医疗互助月报2024-03.xlsx', '医疗互助月报2024-03（初报）.xlsx')
                              ORDER BY batch_id""").fetchall()
    (wrong, wrong_status), (right, right_status) = rows
    assert (wrong_status, right_status) == ("superseded", "active")
    return wrong, right


def test_the_rollback_preview_says_what_comes_back_and_changes_nothing(writable_copy):
    wrong, right = correct_march_batch(writable_copy)
    before = warehouse.data_version(writable_copy)
    with warehouse.write(writable_copy) as con:
        preview = admin.rollback_preview(con, right)
    assert (preview.batch_id, preview.dataset, preview.file) == (
        right, "mutual_aid", "医疗互助月报2024-03.xlsx")
    assert (preview.removed, preview.restored, preview.reactivated) == (4, 1, [wrong])
    assert warehouse.data_version(writable_copy) == before
    assert correct_march_batch(writable_copy) == (wrong, right)


def test_the_rollback_preview_refuses_a_batch_already_rolled_back(writable_copy):
    _, right = correct_march_batch(writable_copy)
    with warehouse.write(writable_copy) as con:
        con.execute("BEGIN")
        loader.rollback_batch(con, right, now=datetime(2026, 11, 23, 9, 0))
        con.execute("COMMIT")
    with warehouse.write(writable_copy) as con, pytest.raises(loader.AlreadyRolledBack) as raised:
        admin.rollback_preview(con, right)
    assert raised.value.issue.message_zh == f"批次 {right} 已于 2026-11-23 09:00 撤销过，无需再次撤销"


def test_due_date_is_the_due_day_of_the_following_month():
    assert admin.due_date(date(2024, 12, 1), 10) == date(2025, 1, 10)
    assert admin.due_date(date(2024, 6, 1), 10) == date(2024, 7, 10)
