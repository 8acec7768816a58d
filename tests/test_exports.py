"""Exports: a table leaves the dashboard as an .xlsx that says what it is and
cannot run anything; a chart leaves as a PNG named after its title and view."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import plotly.graph_objects as go

from dashboard import exports

HOSTILE = '=HYPERLINK("http://x","y")'


def _stamp(lang: str = "zh") -> exports.ExportStamp:
    return exports.ExportStamp(
        filters=[("地区", "安海镇"), ("时段", "2024-01 至 2024-06"), ("对比", "同比")],
        as_of="2026-10", exported_at=dt.datetime(2026, 11, 23, 9, 30, 5), lang=lang)


def _workbook(tables: dict[str, pd.DataFrame], lang: str = "zh") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(exports.tables_to_xlsx(tables, _stamp(lang))))


def test_a_hostile_cell_comes_out_as_inert_text():
    stations = pd.DataFrame({"station_name": [HOSTILE, "+SUM(1,2)", "-2+3", "@cmd", "\t=1+1",
                                              "安海镇星塔社区工会驿站"],
                             "visits": [1, 2, 3, 4, 5, 6]})
    sheet = _workbook({"驿站一览": stations})["驿站一览"]
    names = [sheet.cell(row=r, column=1) for r in range(2, 8)]
    assert [c.data_type for c in names] == ["s"] * 6
    assert names[0].value == "'" + HOSTILE
    assert [c.value for c in names[1:5]] == ["'+SUM(1,2)", "'-2+3", "'@cmd", "'\t=1+1"]
    assert names[5].value == "安海镇星塔社区工会驿站"
    assert not any(str(c.value).startswith("=") for c in names)
    # numbers stay numbers, not text
    assert [sheet.cell(row=r, column=2).value for r in range(2, 8)] == [1, 2, 3, 4, 5, 6]


def test_the_first_sheet_records_filters_as_of_month_and_export_time():
    book = _workbook({"医疗互助": pd.DataFrame({"town_code": ["350582101"], "claims": [130]})})
    assert book.sheetnames == ["筛选条件", "医疗互助"]
    rows = {r[0]: r[1] for r in book["筛选条件"].iter_rows(min_row=2, values_only=True)}
    assert rows["地区"] == "安海镇"
    assert rows["时段"] == "2024-01 至 2024-06"
    assert rows["对比"] == "同比"
    assert rows["数据截至"] == "2026-10"
    assert rows["导出时间"] == "2026-11-23 09:30:05"
    assert rows["包含表格"] == "医疗互助"


def test_english_export_and_spec_headers():
    frame = pd.DataFrame({"month": [dt.date(2024, 1, 1)], "claims_paid_yuan": [Decimal("385435.00")],
                          "claims": [130]})
    book = _workbook({"Mutual aid": frame}, lang="en")
    assert book.sheetnames[0] == "Filters"
    sheet = book["Mutual aid"]
    assert [c.value for c in sheet[1]] == ["Month", "Amount paid", "Claims paid"]
    assert sheet["A2"].value == dt.datetime(2024, 1, 1)
    assert sheet["B2"].value == 385435
    zh_sheet = _workbook({"医疗互助": frame})["医疗互助"]
    assert [c.value for c in zh_sheet[1]] == ["月份", "补助金额（元）", "补助人次"]


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert exports.sheet_name("a/b:c", taken) == "a_b_c"
    assert exports.sheet_name("A/B:C", taken) == "A_B_C(2)"
    assert len(exports.sheet_name("x" * 40, taken)) == 31


def test_chart_png_is_named_after_title_and_view():
    assert exports.export_file_name("医疗互助 · 补助金额", "安海镇", "2024-01", "2024-06", "png") \
        == "医疗互助_补助金额_安海镇_2024-01_2024-06.png"
    assert exports.export_file_name("Mutual aid: amount / month", "Anhai Town", "2024-01",
                                    "2024-06", "xlsx") \
        == "Mutual_aid_amount_month_Anhai_Town_2024-01_2024-06.xlsx"


def distinct_colours(png: bytes) -> int:
    from PIL import Image
    with Image.open(io.BytesIO(png)) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def test_a_chart_png_is_not_blank():
    figure = go.Figure(go.Bar(x=["安海镇", "磁灶镇", "东石镇"], y=[385435, 214020, 120400],
                              marker_color=["#B5121B", "#2171B5", "#6BAED6"]))
    figure.update_layout(title="医疗互助 · 补助金额")
    png = exports.figure_png(figure, width=600, height=400, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (600, 400)
    # text anti-aliasing and three bar colours: a blank image has one colour
    assert distinct_colours(png) > 50
