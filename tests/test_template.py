"""Templates: what a staff member downloads, fills in and uploads."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from etl import pipeline, reference, template, warehouse
from etl.specs import DATASETS

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)


def sheets(data: bytes) -> dict[str, list[list]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def filled_in(dataset: str, row3: dict[str, object] | None = None,
              below: list[dict[str, object]] = ()) -> bytes:
    """The dataset's template as a staff member fills it in: ``row3``
    overwrites cells of the example row, ``below`` adds rows under it
    (both by Chinese header)."""
    book = openpyxl.load_workbook(io.BytesIO(template.build_template(DATASETS[dataset])))
    sheet = book[DATASETS[dataset].title_zh]
    headers = {cell.value: cell.column for cell in sheet[2]}
    for header, value in (row3 or {}).items():
        sheet.cell(row=3, column=headers[header], value=value)
    for offset, values in enumerate(below, start=1):
        for header, cell_value in values.items():
            sheet.cell(row=3 + offset, column=headers[header], value=cell_value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_mutual_aid_template_has_title_headers_and_an_example_row(tmp_path, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tmp_path / "none.duckdb"))
    data = template.build_template(DATASETS["mutual_aid"])
    book = sheets(data)

    assert list(book) == ["职工医疗互助", "下拉选项", "填表说明"]
    rows = book["职工医疗互助"]
    assert rows[0][0].startswith("职工医疗互助（每镇街每月每个互助项目一行）  红色表头为必填")
    assert rows[1] == ["月份", "镇（街道）", "互助项目", "参保人数", "新增参保人数", "补助人次",
                       "补助金额（元）"]
    assert rows[2] == ["2024-07", "安海镇", "职工住院医疗互助", 10995.0, 0.0, 23.0, 61200.0]


def test_required_headers_are_red_with_a_comment_and_optional_ones_grey(tmp_path, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tmp_path / "none.duckdb"))
    sheet = openpyxl.load_workbook(
        io.BytesIO(template.build_template(DATASETS["mutual_aid"])))["职工医疗互助"]

    members, new = sheet["D2"], sheet["E2"]
    assert (members.value, members.fill.fgColor.rgb, members.font.color.rgb) == (
        "参保人数", "FFC0392B", "FFFFFFFF")
    assert members.comment.text == "必填 / required\n月末在保人数（存量）\nmembers at month end (a stock)"
    assert (new.value, new.fill.fgColor.rgb) == ("新增参保人数", "FFD5D8DC")
    assert new.comment.text == "选填 / optional"
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["F"].width


def test_dropdowns_offer_the_towns_and_every_choice_column(tmp_path, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tmp_path / "none.duckdb"))
    book = openpyxl.load_workbook(io.BytesIO(template.build_template(DATASETS["mutual_aid"])))
    validations = {str(v.sqref): (v.type, v.formula1, v.errorStyle)
                   for v in book["职工医疗互助"].data_validations.dataValidation}
    assert validations == {"B3:B2003": ("list", "list_town_code", "warning"),
                           "C3:C2003": ("list", "list_scheme", "warning")}

    towns = reference.read_org_units().query("level == 'town'")
    lists = book["下拉选项"]
    assert lists.sheet_state == "hidden"
    assert book.defined_names["list_town_code"].attr_text == f"'下拉选项'!$A$1:$A${len(towns)}"
    assert book.defined_names["list_scheme"].attr_text == "'下拉选项'!$B$1:$B$3"
    assert [lists.cell(row=r, column=2).value for r in (1, 2, 3)] == [
        "职工住院医疗互助", "女职工特殊疾病互助", "职工意外伤害互助"]
    town_names = [lists.cell(row=r, column=1).value for r in range(1, len(towns) + 1)]
    assert "安海镇" in town_names and "洛江区" not in town_names


def test_the_station_visits_template_lists_the_registered_stations(empty_db):
    station_register = filled_in("stations", {"服务设施": "饮水机"})
    loaded = pipeline.load([("驿站名册.xlsx", station_register)], today=TODAY)
    assert loaded.status == "loaded", loaded.issues

    book = openpyxl.load_workbook(io.BytesIO(template.build_template(DATASETS["station_visits"])))
    validations = {str(v.sqref): v.formula1
                   for v in book["驿站服务人次"].data_validations.dataValidation}
    assert validations == {"B3:B2003": "list_station_id", "C3:C2003": "list_visitor_group"}
    assert book["下拉选项"]["A1"].value == "JJ-AH-01"
    assert book.defined_names["list_station_id"].attr_text == "'下拉选项'!$A$1:$A$1"


def test_the_guide_sheet_lists_every_column_in_chinese_and_english(tmp_path, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tmp_path / "none.duckdb"))
    guide = sheets(template.build_template(DATASETS["summer_camps"]))["填表说明"]

    assert guide[0][0] == "职工子女暑托班 填表说明 / Summer day camps for workers' children: how to fill in"
    header, *columns = guide[4:]
    assert header == ["表头 / header", "可用别名 / accepted aliases", "数据类型 / data type",
                      "计量单位 / unit of measure", "取值范围 / bounds", "必填 / required",
                      "说明 / note"]
    assert [row[0] for row in columns] == [c.header_zh for c in DATASETS["summer_camps"].columns]
    assert columns[-1] == ["每日餐费（元）",
                           "餐费（元/天）、餐费、每日餐费、meal fee、meal_fee_yuan、Daily meal fee",
                           "金额（最多两位小数） / amount (at most 2 decimals)", "元/天 / yuan/day",
                           "0 – 200", "否 / no", ""]
    assert columns[-3] == ["其中新就业形态劳动者子女",
                           "新就业形态劳动者子女、其中：新就业形态劳动者子女、新就业形态子女、"
                           "外卖快递网约车子女、new-form children、new_form_children、"
                           "Of whom children of new-form workers",
                           "非负整数 / whole number ≥ 0", "人 / people", "0 – 10,000,000", "否 / no",
                           "外卖、快递、网约车等新就业形态劳动者子女人数 / children of delivery "
                           "riders, couriers, ride-hailing drivers"]


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_only_the_data_sheet_of_a_template_is_read_as_a_table(tmp_path, monkeypatch, dataset):
    """The 填表说明 sheet quotes headers, units and types; none of its rows
    may pass for a header row."""
    monkeypatch.setenv("UNION_DB", str(tmp_path / "none.duckdb"))
    checked = pipeline.check([("模板.xlsx", template.build_template(DATASETS[dataset]))],
                             today=TODAY)
    assert [(t.dataset, t.sheet) for t in checked.tables] == [(dataset, DATASETS[dataset].title_zh)]


EXAMPLE_NOTE = ("{file}: 第 3 行是模板自带的示例行，未导入（请删除或改写示例行） / row 3 is the "
                "template's own example row and was not loaded (delete or overwrite it)")


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_a_template_uploaded_as_downloaded_loads_nothing_and_says_why(empty_db, dataset):
    # The grey example row holds 安海镇's sample figures; loaded, they would
    # pass for a real report.
    result = pipeline.load([("模板.xlsx", template.build_template(DATASETS[dataset]))],
                           today=TODAY)

    assert result.status == "rejected"
    assert [i.code for i in result.issues] == ["nothing_to_load"]
    assert EXAMPLE_NOTE.format(file="模板.xlsx") in result.notes
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM load_batches").fetchone() == (0,)


def test_rows_filled_in_below_the_example_load_without_it(empty_db):
    data = filled_in("mutual_aid", below=[
        {"月份": "2024-07", "镇（街道）": "东石镇", "互助项目": "职工住院医疗互助",
         "参保人数": 8200, "新增参保人数": 12, "补助人次": 17, "补助金额（元）": 40100}])
    result = pipeline.load([("东石7月.xlsx", data)], today=TODAY)

    assert (result.status, result.rows, result.units, result.issues) == (
        "loaded", 1, ["350582104"], [])
    assert EXAMPLE_NOTE.format(file="东石7月.xlsx") in result.notes
    with warehouse.read() as con:
        assert con.execute("SELECT town_code, members_enrolled, claims_paid_yuan "
                           "FROM mutual_aid").fetchall() == [("350582104", 8200, Decimal("40100.00"))]


@pytest.mark.parametrize("dataset, view, row3, expected", [
    ("mutual_aid", "mutual_aid", {"参保人数": 10996},
     ("2024-07-01", "350582101", "职工住院医疗互助", 10996, 0, 23, "61200.00")),
    ("summer_camps", "summer_camps", {"报名人数": 31},
     (2024, "350582101", "安海镇第1期暑托班", "安海镇总工会", "普通班", "2024-07-08",
      "2024-08-16", 31, 6, 40, "15.00")),
    ("collective_contracts", "collective_contracts", {"覆盖职工人数": 121},
     ("JJAH-2024-001", "350582101", "工资集体合同", "福建某某鞋业有限公司", "2024-03-15",
      "2027-03-14", 1, 121)),
])
def test_the_example_row_overwritten_with_a_report_loads_as_typed(empty_db, dataset, view,
                                                                  row3, expected):
    # The template's formats (dates, numbers, text) survive the round trip.
    result = pipeline.load([(f"{dataset}.xlsx", filled_in(dataset, row3))], today=TODAY)

    assert (result.status, result.rows, result.issues) == ("loaded", 1, [])
    with warehouse.read() as con:
        (row,) = con.execute(f"SELECT * EXCLUDE (batch_id) FROM {view}").fetchall()
    assert tuple(v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal)
                 else v for v in row) == expected


def test_station_register_then_visits_templates_load_in_that_order(empty_db):
    stations = pipeline.load([("驿站名册.xlsx", filled_in("stations", {"服务设施": "饮水机"}))],
                             today=TODAY)
    visits = pipeline.load([("驿站7月.xlsx", filled_in("station_visits", {"服务人次": 321}))],
                           today=TODAY)

    assert (stations.status, stations.issues, visits.status, visits.issues) == (
        "loaded", [], "loaded", [])
    assert (visits.units, visits.periods) == (["350582101"], ["2024-07"])


def test_the_cli_writes_a_template_where_asked(tmp_path):
    out = tmp_path / "互助模板.xlsx"
    done = subprocess.run([sys.executable, "-m", "etl", "template", "职工医疗互助", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "UNION_DB": str(tmp_path / "w.duckdb")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"模板已生成 / template written: {out}"
    assert sheets(out.read_bytes())["职工医疗互助"][1][0] == "月份"
