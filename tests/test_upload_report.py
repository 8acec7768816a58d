"""What the upload page tells a user about the files they dropped in, before
anything is written: the limits, the report of every problem with its cell,
the preview of what a load adds and replaces, and where to look afterwards.

The files are tests/fixtures/upload/ (see make_fixtures_upload.py); they are
checked against the fixture warehouse (tests/fixture_warehouse.py), where
安海镇's June 2024 住院 row has 20 claims and ¥60,000.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard import upload_report as report
from etl import pipeline
from etl.messages import WARNING, Issue, issue
from tests.fixture_warehouse import fixture_db  # noqa: F401  (a pytest fixture)

FIXTURES = Path(__file__).parent / "fixtures" / "upload"
WRONG = "安海镇医疗互助2024年6月_有错.xlsx"
RIGHT = "安海镇医疗互助2024年6月.xlsx"
MAY_CSV = "安海镇医疗互助2024年5月.csv"
TODAY = date(2024, 7, 20)
TOWN_NAMES_EN = {"350582101": "Anhai Town"}


def fixture_file(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def wrong_check(fixture_db):  # noqa: F811
    return pipeline.check([fixture_file(WRONG)], db=fixture_db, today=TODAY)


@pytest.fixture(scope="module")
def right_check(fixture_db):  # noqa: F811
    return pipeline.check([fixture_file(RIGHT)], db=fixture_db, today=TODAY)


# Limits ------------------------------------------------------------------------------

def test_the_limits_default_to_20_mb_and_200000_rows(monkeypatch):
    monkeypatch.delenv("UNION_MAX_UPLOAD_MB", raising=False)
    monkeypatch.delenv("UNION_MAX_UPLOAD_ROWS", raising=False)
    assert report.UploadLimits.from_settings() == report.UploadLimits(20 * 1024 * 1024, 200_000)


def test_the_limits_follow_the_environment(monkeypatch):
    monkeypatch.setenv("UNION_MAX_UPLOAD_MB", "1.5")
    monkeypatch.setenv("UNION_MAX_UPLOAD_ROWS", "1000")
    assert report.UploadLimits.from_settings() == report.UploadLimits(1_572_864, 1000)


def test_a_file_over_the_size_limit_is_refused_in_both_languages_without_counting_rows():
    big = ("全市汇总.csv", b"a,b\n" * (6 * 1024 * 1024 // 4 + 1))
    problems = report.over_limits([big], report.UploadLimits(5 * 1024 * 1024, 10))
    assert problems == [report.LimitProblem("全市汇总.csv", "size", 6 * 1024 * 1024 + 4,
                                            5 * 1024 * 1024)]
    assert problems[0].message("zh") == "「全市汇总.csv」有 6 MB，超过上限 5 MB：请拆分后分批上传。"
    assert problems[0].bilingual("zh") == (
        "「全市汇总.csv」有 6 MB，超过上限 5 MB：请拆分后分批上传。 / "
        "'全市汇总.csv' is 6 MB, over the 5 MB limit: split it and upload the parts.")


def test_a_file_over_the_row_limit_is_refused_with_its_row_count():
    problems = report.over_limits([fixture_file(MAY_CSV), fixture_file(RIGHT)],
                                  report.UploadLimits(1024 * 1024, 4))
    assert problems == [report.LimitProblem(RIGHT, "rows", 5, 4)]
    assert problems[0].message("en") == (
        f"'{RIGHT}' has 5 rows, over the 4-row limit: split it and upload the parts.")
    assert problems[0].bilingual("en").endswith(
        f"「{RIGHT}」有 5 行，超过上限 4 行：请拆分后分批上传。")


def test_rows_are_counted_from_line_breaks_and_sheet_dimensions():
    assert report.row_count(*fixture_file(MAY_CSV)) == 3           # GBK CSV, CRLF
    assert report.row_count(*fixture_file(RIGHT)) == 5             # <dimension ref="A1:F5">
    assert report.row_count("x.csv", "a,b\n1,2".encode("utf-16")) == 2
    assert report.row_count("x.csv", b"a,b\n1,2\n3,4") == 3


def test_an_xlsx_without_dimension_tags_is_counted_by_calamine():
    source = zipfile.ZipFile(io.BytesIO(fixture_file(RIGHT)[1]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            target.writestr(item, data)
    assert b"<dimension" not in out.getvalue()
    assert report.row_count(RIGHT, out.getvalue()) == 5


def test_an_unreadable_workbook_has_no_row_count_and_is_left_to_the_parser():
    assert report.row_count("broken.xlsx", b"PK\x03\x04 not really a zip") is None
    assert report.over_limits([("broken.xlsx", b"PK\x03\x04 not really a zip")],
                              report.UploadLimits(1024, 1)) == []


# The report ----------------------------------------------------------------------------

def test_the_report_names_file_sheet_row_column_and_cell_of_each_error(wrong_check):
    frame = report.report_frame(wrong_check.issues, "zh")
    assert list(frame.columns) == ["类别", "文件", "工作表", "行号", "列（表头）", "单元格", "问题"]
    assert frame.iloc[0].tolist() == ["错误", WRONG, "6月", 3, "补助金额(元)", "F3",
                                      "「六万一千二」不是有效的金额"]
    assert frame["单元格"].tolist() == ["F3", "F5"]


def test_the_report_speaks_english_on_request(wrong_check):
    frame = report.report_frame(wrong_check.issues, "en")
    assert list(frame.columns) == ["Severity", "File", "Sheet", "Row", "Column (header)", "Cell",
                                   "Problem"]
    assert frame.iloc[0]["Severity"] == "Error"
    assert frame.iloc[0]["Cell"] == "F3"


def test_errors_come_before_warnings_and_file_level_problems_have_no_row():
    issues = [
        Issue("value_spike", WARNING, "安海镇 2024-06 的数值 612,000 偏高，请核实",
              "安海镇 2024-06: 612,000 is high; please check", file="b.xlsx", sheet="S", row=4,
              column="补助金额", cell="F4"),
        issue("empty_file", file="a.csv"),
    ]
    frame = report.report_frame(issues, "zh")
    assert frame["类别"].tolist() == ["错误", "警告"]
    assert frame["文件"].tolist() == ["a.csv", "b.xlsx"]
    assert pd.isna(frame["行号"].iloc[0])
    assert frame["行号"].iloc[1] == 4
    assert report.summary_line(issues, "zh") == "1 个错误，1 个警告"
    assert report.summary_line(issues, "en") == "1 error, 1 warning"


def test_the_summary_line_counts_the_errors(wrong_check):
    assert report.summary_line(wrong_check.issues, "zh") == "2 个错误，0 个警告"
    assert report.summary_line(wrong_check.issues, "en") == "2 errors, 0 warnings"


def test_the_report_workbook_lists_every_offending_cell(wrong_check):
    data = report.report_xlsx(wrong_check.issues, "zh", files=[WRONG],
                              checked_at=datetime(2024, 7, 20, 9, 30))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "检查报告"
    assert sheet["A1"].value == "数据上传检查报告"
    assert sheet["A2"].value == f"文件：{WRONG}"
    assert sheet["A3"].value == "检查时间：2024-07-20 09:30"
    assert sheet["A4"].value == "2 个错误，0 个警告"
    assert [c.value for c in sheet[6]] == ["类别", "文件", "工作表", "行号", "列（表头）", "单元格", "问题"]
    assert [c.value for c in sheet[7]] == ["错误", WRONG, "6月", 3, "补助金额(元)", "F3",
                                           "「六万一千二」不是有效的金额"]
    assert sheet["F8"].value == "F5"
    assert report.report_file_name([WRONG], "zh") == "检查报告_安海镇医疗互助2024年6月_有错.xlsx"


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised_in_the_report():
    issues = [issue("bad_number", file="x.csv", row=2, column="金额", cell="B2",
                    value="=HYPERLINK(1)", expected_zh="金额", expected_en="an amount")]
    sheet = openpyxl.load_workbook(io.BytesIO(report.report_xlsx(
        issues, "en", files=["x.csv"], checked_at=datetime(2024, 7, 20)))).active
    assert sheet["G7"].value == "'=HYPERLINK(1)' is not an amount"
    assert sheet["G7"].data_type == "s"


# The commit gate ------------------------------------------------------------------------

@pytest.mark.parametrize("errors, warnings, rows, accepted, expected", [
    (2, 0, 2, True, report.CommitGate(False, "upload.blocked_errors")),
    (0, 1, 2, False, report.CommitGate(False, "upload.blocked_warnings")),
    (0, 1, 2, True, report.CommitGate(True, None)),
    (0, 0, 0, False, report.CommitGate(False, "upload.blocked_nothing")),
    (0, 0, 2, False, report.CommitGate(True, None)),
])
def test_errors_block_and_warnings_block_until_acknowledged(errors, warnings, rows, accepted,
                                                             expected):
    assert report.commit_gate(errors, warnings, rows, accepted) == expected


# The preview ------------------------------------------------------------------------------

def test_the_preview_counts_rows_replaced_per_town_and_month(right_check):
    table = report.preview_table(right_check.preview, "zh")
    assert list(table.columns) == ["数据集", "文件", "镇（街道）", "期间", "文件行数", "新增", "替换",
                                   "不变", "删除"]
    assert table.iloc[0].tolist() == ["职工医疗互助", RIGHT, "安海镇", "2024-06", 2, 0, 2, 0, 0]


def test_replaced_values_read_old_to_new_with_thousands_separators(right_check):
    lines = report.change_lines(right_check.changes, "zh")
    assert "安海镇 2024-06 职工住院医疗互助 补助金额（元） 60,000 → 61,200" in lines
    assert "安海镇 2024-06 职工住院医疗互助 补助人次 20 → 21" in lines
    # The file leaves 新增参保人数 blank: the load clears it, and the preview says so.
    assert "安海镇 2024-06 职工住院医疗互助 新增参保人数 50 → —" in lines


def test_replaced_values_in_english_use_english_names(right_check):
    lines = report.change_lines(right_check.changes, "en", TOWN_NAMES_EN)
    assert "Anhai Town 2024-06 Hospitalisation aid Amount paid 60,000 → 61,200" in lines
    table = report.change_table(right_check.changes, "en", TOWN_NAMES_EN)
    assert list(table.columns) == ["Town", "Period", "Item", "Field", "Old", "New", "Change"]


@pytest.mark.parametrize("text, kind, shown", [
    ("52000.00", "amount", "52,000"),
    ("52000.50", "amount", "52,000.50"),
    ("10995", "count", "10,995"),
    ("", "count", "—"),
    ("2024-07-15", "date", "2024-07-15"),
    ("350582101", "town", "Anhai Town"),
])
def test_values_are_shown_as_people_read_them(text, kind, shown):
    assert report.format_value(text, kind, "en", TOWN_NAMES_EN) == shown


def test_a_station_register_becomes_map_points_in_wgs84_without_refused_coordinates():
    frame = pd.DataFrame({"station_id": ["AH-T1", "AH-T2"], "station_name": ["安海镇测试驿站一", "二"],
                          "town_code": ["350582101", "350582101"], "lon": [118.471, 24.722],
                          "lat": [24.719, 118.475], "lon_wgs84": [118.4662, None],
                          "lat_wgs84": [24.7216, None]})
    towns = pd.DataFrame({"code": ["350582101"], "name_zh": ["安海镇"], "name_en": ["Anhai Town"]})
    points = report.station_points([frame], towns)
    assert points[["station_id", "town_name_zh", "town_name_en", "lon", "lat"]].values.tolist() == [
        ["AH-T1", "安海镇", "Anhai Town", 118.4662, 24.7216]]
    assert pd.isna(points.iloc[0]["visits"])


# After the load ------------------------------------------------------------------------------

def test_the_link_after_a_load_opens_the_dataset_page_on_the_town_and_months_loaded():
    link = report.dashboard_link(["mutual_aid"], ["350582101"], ["2024-06", "2024-07"], "zh")
    assert link.page == "pages/mutual_aid.py"
    assert link.params == {"region": "350582101", "from": "2024-06", "to": "2024-07", "lang": "zh"}
    assert link.query_string == "region=350582101&from=2024-06&to=2024-07&lang=zh"
    assert link.label("zh") == "在「职工医疗互助」中查看导入的数据"
    assert link.label("en") == "See the loaded data on 'Mutual medical aid'"


@pytest.mark.parametrize("datasets, units, periods, params", [
    (["mutual_aid"], ["350582101", "350582102"], ["2024-06"],
     {"region": "350582", "from": "2024-06", "to": "2024-06", "lang": "en"}),
    (["station_visits"], ["350582101", "350504001"], ["2024-06"],
     {"region": "350500", "from": "2024-06", "to": "2024-06", "lang": "en"}),
    (["summer_camps"], ["350582101"], ["2024"],
     {"region": "350582101", "from": "2024-01", "to": "2024-12", "lang": "en"}),
    (["stations"], ["350582101"], ["register"], {"region": "350582101", "lang": "en"}),
])
def test_the_link_covers_every_town_and_period_loaded(datasets, units, periods, params):
    assert report.dashboard_link(datasets, units, periods, "en").params == params


def test_there_is_no_link_when_nothing_was_loaded():
    assert report.dashboard_link([], [], [], "zh") is None
