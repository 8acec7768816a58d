"""Validation rules, each shown on a few CSV lines written out in the test:
given these cells, the uploader sees this problem at this cell."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl import reference
from etl.model import Context
from etl.parse import parse_files
from etl.resolve import NotResolved, StationResolver, TownResolver
from etl.validate import MAX_LISTED, months_in_text

TODAY = date(2026, 11, 23)
ANHAI, CHIDIAN = "350582101", "350582107"
AID = "月份,镇（街道）,互助项目,参保人数,补助人次,补助金额（元）\n"
CAMPS = "年度,镇（街道）,班级名称,班级类型,开班日期,结班日期,报名人数,其中新就业形态劳动者子女,每日餐费（元）\n"
CONTRACTS = "合同编号,镇（街道）,合同类型,企业名称,签订日期,到期日期,覆盖企业数,覆盖职工人数\n"
VISITS = "月份,驿站编号,服务对象,服务人次\n"


def org_units() -> pd.DataFrame:
    return reference.read_org_units()


def town_rows() -> pd.DataFrame:
    units = org_units()
    return units.loc[units["level"] == "town", ["code", "name_zh", "short_zh", "parent_code"]]


STATIONS = pd.DataFrame({
    "station_id": ["JJ-AH-01", "JJ-CD-01"],
    "station_name": ["安海镇星塔社区工会驿站", "池店镇工会驿站"],
    "town_code": [ANHAI, CHIDIAN],
})


def make_context(**changes) -> Context:
    values = dict(towns=town_rows(), stations=STATIONS, today=TODAY)
    values.update(changes)
    return Context(**values)


def parse_csv(text: str, context: Context | None = None, name: str = "表.csv", dataset=None):
    tables, issues = parse_files([(name, text.encode("utf-8"))], context or make_context(),
                                 dataset=dataset)
    assert issues == []
    (table,) = tables
    return table


def found(table) -> list[tuple]:
    return [(i.code, i.cell) for i in table.issues]


# Types and bounds -----------------------------------------------------------------

def test_fractional_count_is_an_error():
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,10995,2.5,61200\n")
    assert found(table) == [("not_whole_number", "E2")]
    assert table.issues[0].message_zh == "应为整数：2.5"


def test_amount_with_three_decimals():
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,10995,23,61200.125\n")
    assert found(table) == [("too_many_decimals", "F2")]


def test_text_in_a_number_column():
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,约一万,23,61200\n")
    assert found(table) == [("bad_number", "D2")]
    assert table.issues[0].message_zh == "「约一万」不是有效的整数"


def test_blank_required_value():
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,,23,61200\n")
    assert found(table) == [("missing_value", "D2")]
    assert table.issues[0].message_zh == "「参保人数」不能为空"


def test_bounds_from_the_spec():
    # 每日餐费 is at most 200 yuan a day.
    table = parse_csv(CAMPS + "2024,安海镇,第1期,普通班,2024-07-08,2024-08-16,30,6,300\n")
    assert found(table) == [("out_of_range", "I2")]
    assert table.issues[0].message_zh == "数值 300 超出允许范围（0 至 200）"


def test_month_before_2000_and_unreadable_month():
    table = parse_csv(AID + "1999-12,安海镇,职工住院医疗互助,10995,23,61200\n"
                            "七月,安海镇,女职工特殊疾病互助,1623,2,8000\n")
    assert found(table) == [("month_too_early", "A2"), ("bad_month", "A3")]


def test_unknown_choice_lists_the_choices():
    table = parse_csv(AID + "2024-07,安海镇,大病互助,10995,23,61200\n")
    assert found(table) == [("bad_choice", "C2")]
    assert table.issues[0].message_zh == \
        "「大病互助」不是可选值，应为：职工住院医疗互助、女职工特殊疾病互助、职工意外伤害互助"


def test_every_problem_of_the_file_at_once_with_where_it_is():
    table = parse_csv(AID + "2024-07,安海真,职工住院医疗互助,10995,-1,61200\n"
                            "2030-01,安海镇,大病互助,1623,2,8000.001\n", name="安海7月.csv")
    assert sorted(found(table)) == sorted([
        ("unknown_town", "B2"), ("negative_value", "E2"), ("future_month", "A3"),
        ("bad_choice", "C3"), ("too_many_decimals", "F3")])
    negative = next(i for i in table.issues if i.code == "negative_value")
    assert (negative.file, negative.sheet, negative.row, negative.column) == \
        ("安海7月.csv", "", 2, "补助人次")


def test_a_wrong_column_of_many_rows_is_listed_fifty_times_then_counted():
    lines = "".join(f"2024-07,安海镇,项目{i},10995,23,61200\n" for i in range(MAX_LISTED + 7))
    table = parse_csv(AID + lines)
    assert [i.code for i in table.issues].count("bad_choice") == MAX_LISTED
    assert table.issues[-1].code == "more_issues"
    assert table.issues[-1].message_en.startswith("7 more problem(s)")


# Rules across columns ---------------------------------------------------------

def test_expiry_before_signing_and_fewer_workers_than_enterprises():
    table = parse_csv(CONTRACTS
                      + "JJAH-2024-001,安海镇,工资集体合同,某鞋业,2024-03-15,2023-03-14,1,120\n"
                      + "JJAH-2024-002,安海镇,区域性工资集体合同,安海镇,2024-03-15,2027-03-14,963,500\n")
    assert found(table) == [("expiry_before_signing", "F2"), ("workers_below_enterprises", "H3")]
    assert table.issues[0].message_zh == "到期日期 2023-03-14 早于签订日期 2024-03-15"
    assert table.issues[1].message_zh == "覆盖职工人数 500 少于覆盖企业数 963"


def test_more_new_form_children_than_children_and_end_before_start():
    table = parse_csv(CAMPS + "2024,安海镇,第1期,普通班,2024-07-08,2024-07-01,30,31,15\n")
    assert sorted(found(table)) == [("end_before_start", "F2"), ("new_form_exceeds_children", "H2")]


def test_more_claims_than_members():
    table = parse_csv(AID + "2024-07,安海镇,职工意外伤害互助,10,11,5000\n")
    assert found(table) == [("claims_exceed_members", "E2")]


def test_visits_to_an_unknown_station_suggest_a_known_one():
    table = parse_csv(VISITS + "2024-07,JJ-AH-1,快递员,60\n")
    assert found(table) == [("unknown_station", "B2")]
    assert "安海镇星塔社区工会驿站（JJ-AH-01）" in table.issues[0].message_zh


def test_summer_camp_dates_and_year():
    table = parse_csv(CAMPS + "2024年,安海镇,第1期,新就业形态,2024/7/8,2024年8月16日,30,6,15\n")
    assert table.issues == []
    row = table.frame.iloc[0]
    assert (row["year"], row["class_type"], row["start_date"], row["end_date"]) == \
        (2024, "新就业形态专班", date(2024, 7, 8), date(2024, 8, 16))
    assert str(table.frame["year"].dtype) == "Int64"


def test_contract_types_collective_and_ids_typed_full_width():
    table = parse_csv(CONTRACTS + "ＪＪＡＨ－２０２４－００１,安海镇,工资集体协议,某鞋业,"
                                  "2024-03-15,2027-03-14,1,120\n")
    assert table.issues == []
    assert table.frame.iloc[0]["contract_id"] == "JJAH-2024-001"
    assert table.frame.iloc[0]["contract_type"] == "工资集体合同"


# Totals -------------------------------------------------------------------------

def test_subtotals_add_up_their_own_group_and_the_grand_total_all_rows():
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,10995,23,61200\n"
                            "2024-07,安海镇,女职工特殊疾病互助,1623,2,8000\n"
                            "小计,,,12618,25,69200\n"
                            "2024-07,池店镇,职工住院医疗互助,8000,10,30000\n"
                            "小计,,,8000,11,30000\n"
                            "总计,,,20618,35,99200\n")
    # Only the second 小计 is wrong: 11 where its one row says 10.
    assert found(table) == [("total_mismatch", "E6")]
    assert table.frame["_row"].tolist() == [2, 3, 5]


def test_amounts_in_ten_thousands_by_header():
    table = parse_csv("月份,镇（街道）,互助项目,参保人数,补助人次,补助金额（万元）\n"
                      "2024-07,安海镇,职工住院医疗互助,10995,23,6.12\n")
    assert table.frame.iloc[0]["claims_paid_yuan"] == 61200.0


# Where the town and month come from ----------------------------------------------

def test_sheet_that_names_no_town_must_be_told():
    table = parse_csv("月份,互助项目,参保人数,补助人次,补助金额（元）\n"
                      "2024-07,职工住院医疗互助,10995,23,61200\n", name="互助.csv")
    assert [i.code for i in table.issues] == ["town_not_named"]
    assert "--unit" in table.issues[0].message_zh


def test_unit_names_the_town():
    table = parse_csv("月份,互助项目,参保人数,补助人次,补助金额（元）\n"
                      "2024-07,职工住院医疗互助,10995,23,61200\n",
                      context=make_context(unit="池店"), name="互助.csv")
    assert table.issues == [] and table.frame["town_code"].tolist() == [CHIDIAN]


def test_summer_camp_year_from_the_file_name():
    table = parse_csv("镇（街道）,班级名称,班级类型,开班日期,结班日期,报名人数\n"
                      "安海镇,第1期,普通班,2024-07-08,2024-08-16,30\n",
                      name="安海镇2024年暑托班.csv")
    assert table.issues == [] and table.frame["year"].tolist() == [2024]


@pytest.mark.parametrize("text, months", [
    ("安海镇2024年7月职工医疗互助情况统计表", {date(2024, 7, 1)}),
    ("安海_2024-07.xlsx", {date(2024, 7, 1)}),
    ("池店202408互助.xlsx", {date(2024, 8, 1)}),
    ("填报日期：2024年8月5日", set()),                      # a day, not the report's month
    ("安海镇2024年1-6月职工医疗互助情况统计表", set()),       # a half year
    ("2024年1月至2024年6月", set()),
])
def test_months_stated_in_titles(text, months):
    assert months_in_text(text) == months


def test_dataset_can_be_forced():
    # 编号 + 名称 could start a register; the caller says these are contracts.
    table = parse_csv("编号,镇（街道）,合同类型,企业名称,签订日期,到期日期,覆盖企业数,覆盖职工人数\n"
                      "JJAH-2024-001,安海镇,工资集体合同,某鞋业,2024-03-15,2027-03-14,1,120\n",
                      dataset="collective_contracts")
    assert table.dataset == "collective_contracts" and table.issues == []


def test_a_list_of_children_is_not_accepted_for_summer_camps():
    table = parse_csv("年度,镇（街道）,班级名称,班级类型,开班日期,结班日期,学生姓名,报名人数\n"
                      "2024,安海镇,第1期,普通班,2024-07-08,2024-08-16,陈小明,1\n")
    assert [i.code for i in table.issues] == ["roster_unsupported"]
    assert "陈小明" not in table.frame.to_csv() + repr(table.issues)


# The usual value ----------------------------------------------------------------

def history(claims_by_month: dict[str, int]) -> dict[str, pd.DataFrame]:
    months = [date.fromisoformat(m + "-01") for m in claims_by_month]
    return {"mutual_aid": pd.DataFrame({
        "month": months, "town_code": ANHAI, "scheme": "职工住院医疗互助",
        "members_enrolled": 10995, "new_enrolments": 0,
        "claims": list(claims_by_month.values()), "claims_paid_yuan": 60000.0})}


def test_claims_over_three_times_the_towns_median_warn():
    context = make_context(history=history({"2024-04": 20, "2024-05": 24, "2024-06": 22}))
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,10995,80,61200\n", context)
    (spike,) = table.issues
    assert (spike.code, spike.severity, spike.cell) == ("value_spike", "warning", "E2")
    assert spike.message_zh == "安海镇 2024-07 的数值 80 超过近 3 个月中位数 22 的 3 倍，请核实"


def test_a_small_median_needs_a_real_jump_before_it_warns():
    # 4 claims over a usual 1 is four times the median but only 3 claims more:
    # not worth making the uploader tick a box.
    context = make_context(history=history({"2024-04": 1, "2024-05": 1, "2024-06": 1}))
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,10995,4,12000\n", context)
    assert table.issues == []


def test_januarys_renewal_is_not_a_spike():
    # Enrolment renews in January: 10,995 new enrolments over a usual 0-20 is
    # the calendar, not a typo, so new_enrolments is never compared.
    renewals = history({"2023-10": 20, "2023-11": 22, "2023-12": 20})
    renewals["mutual_aid"]["new_enrolments"] = 15
    context = make_context(history=renewals)
    table = parse_csv("月份,镇（街道）,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）\n"
                      "2024-01,安海镇,职工住院医疗互助,10995,10995,21,60000\n", context)
    assert table.issues == []


def test_no_warning_with_less_than_three_months_of_history():
    context = make_context(history=history({"2024-05": 2, "2024-06": 2}))
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,10995,80,61200\n", context)
    assert table.issues == []


# Names to codes -------------------------------------------------------------------

def test_towns_by_code_full_name_short_name_county_prefix_and_union():
    towns = TownResolver(town_rows())
    for written in ("350582101", 350582101.0, "安海镇", "安海", "晋江市安海镇", "安海镇总工会",
                    " 安 海 镇 "):
        assert towns.resolve(written) == ANHAI


def test_county_prefix_settles_a_shared_name_when_counties_are_known():
    towns = TownResolver(org_units())
    assert towns.resolve("安溪县官桥镇") == "350524103"
    assert towns.resolve("南安官桥") == "350583118"
    with pytest.raises(NotResolved) as shared:
        towns.resolve("官桥镇")
    assert shared.value.ambiguous
    assert shared.value.candidates == ["官桥镇（安溪县，350524103）", "官桥镇（南安市，350583118）"]


def test_unknown_town_suggestions():
    with pytest.raises(NotResolved) as unknown:
        TownResolver(town_rows()).resolve("池店真")
    assert not unknown.value.ambiguous and unknown.value.candidates[0] == "池店镇"


def test_towns_named_in_titles_and_file_names():
    towns = TownResolver(org_units())
    assert towns.find_in_text("池店镇2024年8月统计表") == {CHIDIAN}
    assert towns.find_in_text("安海_2024-07.xlsx") == {ANHAI}
    # 丰泽区 is a district, not 丰泽街道; 晋江市 names no town.
    assert towns.find_in_text("丰泽区2024年7月") == set()
    assert towns.find_in_text("晋江市2024年7月统计表") == set()


def test_stations_by_id_or_name():
    stations = StationResolver(STATIONS)
    assert stations.resolve("JJ-AH-01").town_code == ANHAI
    assert stations.resolve("池店镇工会驿站").station_id == "JJ-CD-01"
    assert stations.resolve("jj-cd-01").station_id == "JJ-CD-01"


def test_station_visits_compare_the_towns_monthly_total():
    # 安海镇's stations had 100 visits a month in total; this file's two rows
    # for 2024-07 add up to 320 + 150 = 470, over 3 x 100.
    past = pd.DataFrame({
        "month": [date(2024, m, 1) for m in (3, 4, 5, 6) for _ in range(2)],
        "station_id": ["JJ-AH-01", "JJ-AH-02"] * 4, "town_code": ANHAI,
        "visitor_group": "快递员", "visits": 50})
    context = make_context(history={"station_visits": past})
    table = parse_csv(VISITS + "2024-07,JJ-AH-01,外卖骑手,320\n2024-07,JJ-AH-01,环卫工人,150\n",
                      context)
    (spike,) = table.issues
    assert (spike.code, spike.row, spike.cell) == ("value_spike", 2, "")
    assert spike.message_en == ("安海镇 2024-07: 470 is over 3 times the median of the last 4 "
                                "months (100); please check")


def test_history_older_than_twelve_months_does_not_count():
    context = make_context(history=history({"2023-01": 20, "2023-02": 20, "2023-03": 20}))
    table = parse_csv(AID + "2024-07,安海镇,职工住院医疗互助,10995,80,61200\n", context)
    assert table.issues == []


def test_summer_camps_compare_with_the_last_three_years():
    past = pd.DataFrame({"year": [2021, 2022, 2023], "town_code": ANHAI,
                         "class_name": "第1期", "children_enrolled": [150, 160, 170]})
    context = make_context(history={"summer_camps": past})
    table = parse_csv(CAMPS + "2024,安海镇,第1期,普通班,2024-07-08,2024-08-16,579,6,15\n",
                      context)
    assert [(i.code, i.cell) for i in table.issues] == [("value_spike", "G2")]
    assert "579" in table.issues[0].message_zh and "160" in table.issues[0].message_zh


def test_empty_rows_and_columns_and_notes_under_the_table_are_not_data():
    table = parse_csv("序号,月份,镇（街道）,,互助项目,参保人数,补助人次,补助金额（元）\n"
                      "1,2024-07,安海镇,,职工住院医疗互助,10995,23,61200\n"
                      ",,,,,,,\n"
                      "2,2024-07,安海镇,,女职工特殊疾病互助,1623,2,8000\n"
                      "注：补助金额含大病二次补助,,,,,,,\n"
                      "晋江市总工会制,,,,,,,\n"
                      "审核人：李华,,联系电话：0595-85661234,,,,,\n")
    assert table.issues == []
    assert table.frame["_row"].tolist() == [2, 4]
    assert "0595" not in table.frame.to_csv()


# Keys repeated within one load ------------------------------------------------------

def test_the_same_key_in_two_files_of_one_load_is_reported_in_the_later_file():
    files = [("安海7月.csv", (AID + "2024-07,安海镇,职工住院医疗互助,10995,23,61200\n").encode()),
             ("安海7月补报.csv", (AID + "2024-07,安海镇,女职工特殊疾病互助,1623,2,8000\n"
                               "2024年7月,安海,住院医疗互助,10995,23,61200\n").encode())]
    tables, issues = parse_files(files, make_context())
    assert issues == [] and tables[0].issues == []
    (repeated,) = tables[1].issues
    assert (repeated.code, repeated.row) == ("duplicate_key", 3)
    assert "「安海7月.csv」第 2 行" in repeated.message_zh


def test_rows_alike_only_where_a_key_is_blank_are_not_duplicates():
    # A blank scheme is its own error on each row, not "the same row twice".
    table = parse_csv(AID + "2024-07,安海镇,,10995,23,61200\n"
                            "2024-07,安海镇,,10995,23,61200\n")
    assert sorted({i.code for i in table.issues}) == ["missing_value"]
