"""The 数据管理 page in Streamlit's AppTest, on a copy of the fixture warehouse
(tests/fixture_warehouse.py): 43 batches, the newest the station visits of
June 2024; 2024-03's mutual-aid report was loaded twice (batch 15, wrong,
superseded by batch 16); 21 stations; in 2024 安海 and 磁灶 reported mutual aid
January–June, 万安 January–May, 陈埭 and 罗溪 never.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import load as loader
from etl import pipeline, warehouse
from etl.specs import DATASETS
from tests.fixture_warehouse import fixture_db  # noqa: F401  (a pytest fixture)
from tests.signed_in import account, sign_in

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "upload"
BATCHES, REPORTING, DICTIONARY, REGISTER = 0, 1, 2, 3   # the page's dataframes, in order


@pytest.fixture
def db(fixture_db, tmp_path, monkeypatch):  # noqa: F811
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_db, copy)
    monkeypatch.setenv("UNION_DB", str(copy))
    monkeypatch.delenv("UNION_REPORT_DUE_DAY", raising=False)
    account("staff", "uploader", "350500")      # the page needs a signed-in uploader
    return copy


def open_admin(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if lang != "zh":
        at.query_params["lang"] = lang
    sign_in(at, "staff").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def status_of_batch(batch_id: int) -> str:
    with warehouse.read() as con:
        return con.execute("SELECT status FROM load_batches WHERE batch_id = ?",
                           [batch_id]).fetchone()[0]


def test_the_page_has_batches_reporting_dictionary_and_register(db):
    at = open_admin()
    assert at.title[0].value == "数据管理"
    assert [tab.label for tab in at.tabs] == ["导入批次", "报送进度", "数据字典", "驿站名册"]


def test_the_batch_list_says_who_loaded_what_when_and_keeps_superseded_batches(db):
    at = open_admin()
    batches = at.dataframe[BATCHES].value
    assert list(batches.columns) == ["批次", "数据集", "文件", "行数", "镇街", "期间", "导入时间", "导入人",
                                     "状态", "撤销时间"]
    assert len(batches) == 43
    assert batches.iloc[0].tolist() == [43, "驿站服务人次", "驿站服务人次2024-06.xlsx", 3, "安海镇",
                                        "2024-06", "2024-07-06 10:00", "fixture", "有效", "—"]
    assert batches[batches["批次"] == 42]["镇街"].iloc[0] == "安海镇、磁灶镇"
    assert batches[batches["批次"] == 15]["状态"].iloc[0] == "已被替换"
    picker = at.selectbox(key="admin_batch")
    assert picker.value == 43
    assert "批次 15 · 职工医疗互助 · 医疗互助月报2024-03（初报）.xlsx · 已被替换" in picker.options
    # The fixture's batches were inserted directly: no original in the archive.
    assert "原始文件不在归档中。" in [c.value for c in at.caption]


def test_a_loaded_file_can_be_downloaded_as_it_was_uploaded(db):
    data = (FIXTURES / "安海镇医疗互助2024年6月.xlsx").read_bytes()
    assert pipeline.load([("安海镇医疗互助2024年6月.xlsx", data)], loaded_by="zhangsan").batch_ids == [44]
    at = open_admin()
    assert at.selectbox(key="admin_batch").value == 44
    assert at.dataframe[BATCHES].value.iloc[0][["批次", "导入人", "状态"]].tolist() == [44, "zhangsan", "有效"]
    assert [b.label for b in at.get("download_button")][0] == "下载原始文件"
    with warehouse.read() as con:
        sha, name = con.execute("SELECT sha256, file_name FROM load_batches WHERE batch_id = 44").fetchone()
    assert loader.archive_path(sha, name).read_bytes() == data


def test_the_rollback_dialog_says_what_will_be_restored_and_cancel_changes_nothing(db):
    at = open_admin()
    at.selectbox(key="admin_batch").set_value(16).run()
    at.button(key="admin_rollback_16").click().run()
    assert markdown_texts(at)[-2:] == [
        "撤销批次 16（职工医疗互助，「医疗互助月报2024-03.xlsx」）：将移除它的 4 行当前数据，恢复 1 行被它替换的数据。",
        "批次 15 将重新生效。"]
    assert "撤销后该批次仍保留在列表中（状态“已撤销”），原始文件也保留。" in [c.value for c in at.caption]
    assert at.button(key="admin_confirm").label == "确认撤销"
    at.button(key="admin_cancel").click().run()
    assert "admin_confirm" not in [b.key for b in at.button]
    assert (status_of_batch(16), status_of_batch(15)) == ("active", "superseded")


def test_confirming_the_rollback_restores_the_replaced_batch_and_keeps_both_listed(db):
    at = open_admin()
    at.selectbox(key="admin_batch").set_value(16).run()
    at.button(key="admin_rollback_16").click().run()
    at.button(key="admin_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == "已撤销批次 16：移除 4 行，恢复 1 行。"
    assert (status_of_batch(16), status_of_batch(15)) == ("rolled_back", "active")
    batches = at.dataframe[BATCHES].value
    assert batches[batches["批次"] == 16]["状态"].iloc[0] == "已撤销"
    assert batches[batches["批次"] == 15]["状态"].iloc[0] == "有效"
    assert any(c.value.startswith("此批次已于 ") and c.value.endswith(" 撤销。") for c in at.caption)
    assert "admin_rollback_16" not in [b.key for b in at.button]
    with warehouse.read() as con:   # the first, wrong March report is current again
        assert con.execute("""SELECT claims FROM mutual_aid WHERE town_code = '350582101'
                              AND month = DATE '2024-03-01' AND scheme = '职工住院医疗互助'""").fetchone() == (99,)


def test_the_rollback_dialog_speaks_english(db):
    at = open_admin("en")
    at.selectbox(key="admin_batch").set_value(43).run()
    at.button(key="admin_rollback_43").click().run()
    assert markdown_texts(at)[-2:] == [
        "Rolling back batch 43 (Station visits, '驿站服务人次2024-06.xlsx') removes its 3 current rows "
        "and restores 0 rows it had replaced.",
        "No other batch becomes active again."]


def test_reporting_progress_shows_each_town_and_month_and_whom_to_call(db):
    at = open_admin()
    assert at.selectbox(key="admin_year").value == 2024
    assert "逾期：次月 10 日之后才首次导入。统计到 2024-12（已结束的月份）。" in [c.value for c in at.caption]
    grid = at.dataframe[REPORTING].value
    assert list(grid.columns) == ["镇（街道）", *[f"2024-{m:02d}" for m in range(1, 13)]]
    anhai = grid[grid["镇（街道）"] == "安海镇"].iloc[0].tolist()
    assert anhai == ["安海镇", *["已报送"] * 6, *["未报送"] * 6]
    to_call = at.table[0].value
    assert list(to_call.columns) == ["镇（街道）", "未报送", "逾期报送", "已报送"]
    assert to_call.values.tolist() == [["罗溪镇", 12, 0, 0], ["陈埭镇", 12, 0, 0], ["万安街道", 7, 0, 5],
                                       ["安海镇", 6, 0, 6], ["磁灶镇", 6, 0, 6]]
    assert "下载报送进度（Excel）" in [b.label for b in at.get("download_button")]


def test_the_due_day_is_a_setting_and_later_reports_are_late(db, monkeypatch):
    # The fixture's mutual-aid reports arrive on the 5th; 安海's March first came on 3 April.
    monkeypatch.setenv("UNION_REPORT_DUE_DAY", "4")
    at = open_admin()
    assert "逾期：次月 4 日之后才首次导入。统计到 2024-12（已结束的月份）。" in [c.value for c in at.caption]
    anhai = at.dataframe[REPORTING].value.set_index("镇（街道）").loc["安海镇"]
    assert anhai[["2024-02", "2024-03", "2024-07"]].tolist() == ["逾期报送", "已报送", "未报送"]
    # Most missing first, then most late: 磁灶 (6 late) before 安海 (5 late).
    assert at.table[0].value.values.tolist()[3:] == [["磁灶镇", 6, 6, 0], ["安海镇", 6, 5, 1]]


def test_station_visits_progress_leaves_out_towns_without_stations(db):
    at = open_admin()
    at.radio(key="admin_report_dataset").set_value("station_visits").run()
    grid = at.dataframe[REPORTING].value.set_index("镇（街道）")
    assert grid.loc["罗溪镇"].unique().tolist() == ["无需报送"]
    assert grid.loc["磁灶镇", "2024-06"] == "未报送"
    assert at.table[0].value.values.tolist()[0] == ["万安街道", 12, 0, 0]


def test_the_data_dictionary_lists_every_field_of_every_dataset(db):
    at = open_admin()
    dictionary = at.dataframe[DICTIONARY].value
    assert len(dictionary) == sum(len(spec.columns) for spec in DATASETS.values())
    paid = dictionary[dictionary["字段"] == "claims_paid_yuan"].iloc[0]
    assert paid["表头"] == "补助金额（元）"
    assert "金额(元)" in paid["可用别名"].split("、")
    assert paid["取值范围"] == "≥ 0"
    assert "下载数据字典（CSV）" in [b.label for b in at.get("download_button")]


def test_the_station_register_lists_coordinates_and_their_system(db):
    at = open_admin()
    assert "共 21 个驿站。" in [c.value for c in at.caption]
    register = at.dataframe[REGISTER].value
    assert register.iloc[1].tolist() == ["AH-01", "安海镇工会驿站01", "安海镇", "晋江市安海镇第1网格",
                                         118.444, 24.702, "GCJ02", 118.4392, 24.7046, "党建+邻里中心",
                                         "2022-06-01", "泉州范围内"]


def test_the_station_register_flags_coordinates_outside_quanzhou(db):
    with warehouse.write() as con:   # a row loaded before the ETL checked coordinates
        con.execute("UPDATE stations_rows SET lon = 24.702, lat = 118.444 WHERE station_id = 'AH-01'")
        con.execute("UPDATE stations_rows SET lon = 116.4, lat = 39.9 WHERE station_id = 'AH-02'")
    at = open_admin()
    register = at.dataframe[REGISTER].value.set_index("驿站编号")
    assert register.loc["AH-01", "坐标检查"] == "经纬度可能颠倒"
    assert register.loc["AH-02", "坐标检查"] == "不在泉州范围内"
