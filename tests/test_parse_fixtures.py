"""Given this spreadsheet (tests/fixtures/etl/, made by
tests/fixtures/make_fixtures_etl.py), the parser returns these rows or
these problems."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import reference
from etl.model import Context
from etl.parse import parse_files

FIXTURES = Path(__file__).parent / "fixtures" / "etl"
TODAY = date(2026, 11, 23)
ANHAI, CHIDIAN = "350582101", "350582107"
JULY = date(2024, 7, 1)


def town_rows() -> pd.DataFrame:
    """What the loader passes as Context.towns: the town-level org units."""
    units = reference.read_org_units()
    return units.loc[units["level"] == "town", ["code", "name_zh", "short_zh", "parent_code"]]


STATIONS = pd.DataFrame({
    "station_id": ["JJ-AH-01", "JJ-AH-02", "JJ-CD-01"],
    "station_name": ["安海镇星塔社区工会驿站", "安海镇西安村工会驿站", "池店镇工会驿站"],
    "town_code": [ANHAI, ANHAI, CHIDIAN],
})


@pytest.fixture(scope="module")
def load_context() -> Context:
    return Context(towns=town_rows(), stations=STATIONS, today=TODAY)


def parse(load_context, *names, dataset=None):
    files = [(name, (FIXTURES / name).read_bytes()) for name in names]
    return parse_files(files, load_context, dataset=dataset)


def only_table(load_context, name):
    tables, file_issues = parse(load_context, name)
    assert file_issues == []
    assert len(tables) == 1
    return tables[0]


def rows(table, *columns):
    return [tuple(r) for r in table.frame[list(columns)].itertuples(index=False)]


def test_title_rows_above_and_notes_below_the_header(load_context):
    # Row 1 title, row 2 填报单位/填报日期, row 3 header, rows 4-5 data,
    # rows 7-8 填表人/联系电话/审核人: only rows 4 and 5 are data.
    table = only_table(load_context, "title_row.xlsx")
    assert table.dataset == "mutual_aid"
    assert table.title == "安海镇2024年7月职工医疗互助情况统计表"
    assert table.issues == []
    assert rows(table, "_row", "month", "town_code", "scheme", "members_enrolled", "claims",
                "claims_paid_yuan") == [
        (4, JULY, ANHAI, "职工住院医疗互助", 10995, 23, 61200.0),
        (5, JULY, ANHAI, "女职工特殊疾病互助", 1623, 2, 8000.0),
    ]
    assert "13905951234" not in table.frame.to_csv()


def test_two_row_merged_header_and_town_merged_down(load_context):
    # 补助情况 is merged over 人次 and 金额（元）; 安海 is merged over rows 4-5;
    # the month is only in the title (晋江市… names a county, not a town).
    table = only_table(load_context, "two_row_header.xlsx")
    assert table.issues == []
    assert table.columns["claims"] == ("补助情况/人次", "E")
    assert table.columns["claims_paid_yuan"] == ("补助情况/金额（元）", "F")
    assert table.columns["town_code"] == ("镇街", "B")
    assert rows(table, "_row", "month", "town_code", "scheme", "claims", "claims_paid_yuan") == [
        (4, JULY, ANHAI, "职工住院医疗互助", 23, 61200.0),
        (5, JULY, ANHAI, "女职工特殊疾病互助", 2, 8000.0),
        (6, JULY, CHIDIAN, "职工住院医疗互助", 10, 30000.5),
    ]


def test_an_excel_97_xls_reads_like_an_xlsx(load_context):
    # legacy.xls: 池店镇 only in the merged title, 补助情况 merged over 人次
    # and 金额（元）, "900人" typed as text, and a 合计 row that adds up.
    table = only_table(load_context, "legacy.xls")
    assert (table.dataset, table.sheet, table.issues) == ("mutual_aid", "7月", [])
    assert table.columns["claims_paid_yuan"] == ("补助情况/金额（元）", "E")
    assert rows(table, "_row", "month", "town_code", "scheme", "members_enrolled", "claims",
                "claims_paid_yuan") == [
        (4, JULY, CHIDIAN, "职工住院医疗互助", 8000, 10, 30000.5),
        (5, JULY, CHIDIAN, "女职工特殊疾病互助", 900, 1, 2000.0),
    ]


def test_total_row_that_adds_up_is_dropped_silently(load_context):
    table = only_table(load_context, "total_ok.csv")
    assert table.issues == []
    assert table.frame["_row"].tolist() == [2, 3]       # the 合计 row (4) is not data


def test_total_row_that_does_not_add_up_names_both_numbers_and_the_cell(load_context):
    # 合计 says 26 claims; the rows say 23 + 2 = 25.
    table = only_table(load_context, "total_bad.csv")
    assert [(i.code, i.row, i.cell, i.column) for i in table.issues] == [
        ("total_mismatch", 4, "E4", "补助人次")]
    message = table.issues[0].message_zh
    assert "26" in message and "25" in message
    assert table.issues[0].message_en == "The '合计' row says 26 but the 2 data rows add up to 25"


def test_gbk_csv_loads_with_chinese_intact(load_context):
    table = only_table(load_context, "gbk.csv")
    assert table.issues == []
    assert rows(table, "town_code", "scheme", "members_enrolled") == [
        (CHIDIAN, "职工住院医疗互助", 8000), (CHIDIAN, "女职工特殊疾病互助", 900)]


def test_numbers_typed_as_text_with_units_and_wan(load_context):
    # "10,995人", "23人次", "6.12万", "8,000元", "1.2万", "0.5万元"
    table = only_table(load_context, "text_numbers.csv")
    assert table.issues == []
    assert rows(table, "members_enrolled", "claims", "claims_paid_yuan") == [
        (10995, 23, 61200.0), (1623, 2, 8000.0), (12000, 0, 5000.0)]
    assert str(table.frame["members_enrolled"].dtype) == "Int64"


def test_months_written_six_ways(load_context):
    # 2024年7月, 2024年8月份, "2024.9", 202410, an Excel date cell, serial 45627.
    table = only_table(load_context, "chinese_months.xlsx")
    assert table.issues == []
    assert table.frame["month"].tolist() == [date(2024, m, 1) for m in range(7, 13)]


def test_full_width_digits_and_spaces(load_context):
    # "２０２４－０７", "６１，２００．５０", and a full-width space inside "安海　镇".
    table = only_table(load_context, "fullwidth.csv")
    assert table.issues == []
    assert rows(table, "month", "town_code", "members_enrolled", "claims", "claims_paid_yuan") == [
        (JULY, ANHAI, 10995, 23, 61200.5), (date(2024, 8, 1), ANHAI, 11020, 18, 45000.0)]


def test_unknown_town_suggests_the_closest_and_a_shared_name_lists_both(load_context):
    table = only_table(load_context, "unknown_town.csv")
    unknown, ambiguous = table.issues
    assert (unknown.code, unknown.cell) == ("unknown_town", "B2")
    assert unknown.message_zh == "未知的镇（街道）「安海真」，是否为：安海镇？"
    assert unknown.message_en == "Unknown town '安海真'; did you mean: 安海镇?"
    # 官桥镇 is in both 安溪县 (350524103) and 南安市 (350583118).
    assert (ambiguous.code, ambiguous.cell) == ("ambiguous_town", "B3")
    assert "350524103" in ambiguous.message_zh and "350583118" in ambiguous.message_zh


def test_future_month_is_an_error_the_current_month_is_not(load_context):
    # Today is 2026-11-23: 2026-11 (row 2) may be reported, 2026-12 (row 3) not yet.
    table = only_table(load_context, "future_month.csv")
    assert [(i.code, i.row, i.cell) for i in table.issues] == [("future_month", 3, "A3")]
    assert table.issues[0].message_zh == "月份 2026-12 晚于当前月份 2026-11"


def test_negative_count(load_context):
    table = only_table(load_context, "negative_count.csv")
    assert [(i.code, i.row, i.column, i.cell) for i in table.issues] == [
        ("negative_value", 2, "补助人次", "E2")]
    assert table.issues[0].message_zh == "不能为负数：-3"


def test_duplicate_key_written_differently_is_still_a_duplicate(load_context):
    # Row 4 is row 2 again, written 2024年7月 / 安海 / 住院医疗互助.
    table = only_table(load_context, "duplicate_key.csv")
    assert [(i.code, i.row) for i in table.issues] == [("duplicate_key", 4)]
    assert table.issues[0].message_zh == \
        "重复的行（2024-07 · 350582101 · 职工住院医疗互助），与第 2 行相同"


def test_duplicate_key_across_two_sheets_of_one_load(load_context):
    tables, _ = parse(load_context, "duplicate_across_sheets.xlsx")
    assert [t.issues for t in tables][0] == []
    (duplicate,) = tables[1].issues
    assert (duplicate.code, duplicate.sheet, duplicate.row) == ("duplicate_key", "7月(补报)", 2)
    assert "工作表「7月」第 2 行" in duplicate.message_zh


def test_missing_column_lists_what_is_missing_and_the_closest_alias(load_context):
    table = only_table(load_context, "missing_column.csv")
    (missing,) = table.issues
    assert missing.code == "missing_column"
    assert missing.message_zh == ("「职工医疗互助」表缺少必填列：「补助人次」。"
                                  "文件中未识别的列：「补助人数」（E 列，最接近「补助人次」）")


def test_text_file_renamed_xlsx(load_context):
    tables, issues = parse(load_context, "renamed_text.xlsx")
    assert tables == []
    assert [(i.code, i.file) for i in issues] == [("not_a_spreadsheet", "renamed_text.xlsx")]


def test_empty_file(load_context):
    tables, issues = parse(load_context, "empty.csv")
    assert tables == [] and [i.code for i in issues] == ["empty_file"]


def test_roster_with_id_numbers_is_aggregated_and_keeps_no_personal_data(load_context):
    # Four people paid in 安海镇 2024-07 (town and month from the title):
    # 3 住院 (3000 + 2500.5 + 1200), 1 女职工 (5000); their 合计 11700.5 adds up.
    table = only_table(load_context, "roster_claims.xlsx")
    assert table.issues == []
    assert table.roster_people == 4
    assert rows(table, "month", "town_code", "scheme", "claims", "claims_paid_yuan") == [
        (JULY, ANHAI, "职工住院医疗互助", 3, 6700.5),
        (JULY, ANHAI, "女职工特殊疾病互助", 1, 5000.0),
    ]
    # The stock is unknown from a list of people paid: left for the loader to carry over.
    assert table.frame["members_enrolled"].isna().all()
    everything = repr(table) + table.frame.to_csv() + repr(table.frame.to_dict())
    for personal in ("陈志强", "林美玲", "350582198001011234", "35058219850202234X",
                     "13905951111", "姓名", "身份证号", "联系电话"):
        assert personal not in everything
    assert set(table.frame.columns) == {"month", "town_code", "scheme", "members_enrolled",
                                        "new_enrolments", "claims", "claims_paid_yuan", "_row"}


def test_town_only_in_the_title(load_context):
    table = only_table(load_context, "town_in_title.xlsx")
    assert table.issues == []
    assert rows(table, "month", "town_code", "claims") == [(date(2024, 8, 1), CHIDIAN, 12)]


def test_town_and_month_from_the_file_name(load_context):
    table = only_table(load_context, "安海_2024-07.csv")
    assert table.issues == []
    assert rows(table, "month", "town_code", "claims") == [(JULY, ANHAI, 23)]


def test_half_year_title_names_no_month(load_context):
    table = only_table(load_context, "half_year_title.xlsx")
    assert [i.code for i in table.issues] == ["month_not_named"]
    assert table.frame["town_code"].tolist() == [ANHAI]


def test_town_from_unit_when_the_sheet_has_no_town_column(load_context):
    unit_context = Context(towns=load_context.towns, stations=STATIONS, today=TODAY, unit=CHIDIAN)
    table = only_table(unit_context, "half_year_title.xlsx")
    # --unit wins over the 安海镇 of the title.
    assert table.frame["town_code"].tolist() == [CHIDIAN]


def test_station_visits_by_station_name_carry_station_and_town(load_context):
    table = only_table(load_context, "station_visits_by_name.csv")
    assert table.issues == []
    assert rows(table, "station_id", "town_code", "visitor_group", "visits", "meal_heating",
                "charging") == [
        ("JJ-AH-01", ANHAI, "外卖送餐员", 320, 80, 40),     # 外卖骑手 is 外卖送餐员
        ("JJ-AH-01", ANHAI, "环卫工人", 150, 30, pd.NA),
        ("JJ-CD-01", CHIDIAN, "快递员", 95, 10, 20),
    ]


def test_station_registered_in_the_same_load_whatever_the_file_order(load_context):
    tables, issues = parse(load_context, "station_visits_new_station.csv", "stations_register.csv")
    visits, register = tables
    assert visits.issues == []
    assert rows(visits, "station_id", "town_code", "visits") == [("JJ-AH-09", ANHAI, 60)]
    # The register's own problems: lat/lon swapped (row 3), a point in Beijing (row 4).
    assert [(i.code, i.row) for i in register.issues] == [
        ("coords_swapped", 3), ("outside_quanzhou", 4)]
    # Blank 坐标系 means GCJ02 (picked on Amap); maps get WGS-84.
    first = register.frame.iloc[0]
    assert first["crs"] == "GCJ02"
    assert first["lon_wgs84"] == pytest.approx(118.46644, abs=1e-5)
    assert first["lat_wgs84"] == pytest.approx(24.72124, abs=1e-5)


def test_workbook_with_guide_sheet_and_two_datasets(load_context):
    tables, issues = parse(load_context, "two_sheets_with_guide.xlsx")
    assert issues == []
    assert [(t.sheet, t.dataset, len(t.frame)) for t in tables] == [
        ("互助", "mutual_aid", 1), ("驿站", "station_visits", 1)]


def test_workbook_with_no_table(load_context):
    tables, issues = parse(load_context, "guide_only.xlsx")
    assert tables == []
    assert [i.code for i in issues] == ["no_table_found"]
    assert "「填表说明」" in issues[0].message_zh


def test_damaged_workbook(load_context):
    tables, issues = parse(load_context, "truncated.xlsx")
    assert tables == [] and [i.code for i in issues] == ["unreadable_file"]


def test_known_headers_under_a_merged_group_header(load_context):
    # 本月情况 merged over 补助人次 and 补助金额（元）: the lower cells alone say it.
    table = only_table(load_context, "child_header.xlsx")
    assert table.issues == []
    assert table.columns["claims"] == ("本月情况/补助人次", "E")
    assert rows(table, "_row", "claims", "claims_paid_yuan") == [(3, 23, 61200.0)]


def test_this_month_and_cumulative_columns_are_not_guessed(load_context):
    # 补助人次 under both 本月 and 累计: the parser must not pick one silently.
    table = only_table(load_context, "month_and_cumulative.xlsx")
    (missing,) = [i for i in table.issues if i.code == "missing_column"]
    assert missing.message_zh == (
        "「职工医疗互助」表缺少必填列：「补助人次」、「补助金额（元）」。文件中未识别的列："
        "「本月/补助人次」（E 列，最接近「补助人次」）、「本月/补助金额（元）」（F 列，最接近「补助金额（元）」）、"
        "「累计/补助人次」（G 列，最接近「补助人次」）、「累计/补助金额（元）」（H 列，最接近「补助金额（元）」）")
    assert table.frame["_row"].tolist() == [3]
