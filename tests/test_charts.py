"""Figures built from the fixture warehouse: their titles, axes and the numbers
in their traces, in Chinese and English."""
import json
from datetime import date

import pandas as pd
import pytest
from tests.fixture_warehouse import fixture_con, fixture_db  # noqa: F401  (pytest fixtures)

from dashboard import charts, theme
from dashboard.periods import Period
from dashboard.queries import camps, contracts, mutual_aid, overview

ANHAI, CIZAO, CITY = "350582101", "350582102", "3505"
H1_2024 = {"first": date(2024, 1, 1), "last": date(2024, 6, 1)}
MONTHS = Period(date(2024, 1, 1), date(2024, 6, 1)).month_labels()


def spec(fig) -> dict:
    """The figure as the browser receives it."""
    return json.loads(fig.to_json())


def axes(fig, prefix: str) -> list[dict]:
    layout = spec(fig)["layout"]
    return [value for key, value in layout.items() if key.startswith(prefix)]


def test_wan_ticks_label_exact_positions_in_wan():
    assert charts.wan_ticks(385_435) == ([0, 100_000, 200_000, 300_000, 400_000], ["0", "10", "20", "30", "40"])
    assert charts.wan_ticks(27_346_000)[1][-1] == "3,000"
    assert charts.wan_ticks(98_000)[1][:3] == ["0", "2", "4"]
    assert charts.wan_ticks(120_000)[1][:3] == ["0", "2.5", "5"]
    assert charts.wan_ticks(187_000_000)[1][-1] == "20,000"      # a province's month: 2亿 yuan


def test_trend_small_multiples(fixture_con):
    fig = charts.trend_small_multiples(overview.monthly_trends(fixture_con, prefix=CITY, **H1_2024), MONTHS, "zh")
    layout = spec(fig)["layout"]
    assert layout["title"]["text"] == "月度走势"
    # No tile has room for an axis title, so the amount's tile names its unit.
    assert [a["text"] for a in layout["annotations"][:4]] == [
        "医疗互助 · 支付金额（元）", "暑托班 · 开班儿童（按开班月）", "集体合同 · 新签份数", "工会驿站 · 服务人次"]
    assert all(axis["type"] == "category" and axis["categoryarray"] == MONTHS for axis in axes(fig, "xaxis"))
    aid, camp, signed, visits = spec(fig)["data"]
    assert aid["y"] == [92_240, 92_240, 92_240, 92_240, 92_240, 84_235]
    assert aid["marker"]["color"] == theme.PROGRAMME_COLOURS["mutual_aid"]
    assert camp["y"] == [None] * 6
    assert "本时段无数据" in [a["text"] for a in layout["annotations"]]
    assert signed["y"] == [17, 17, 18, 17, 16, 16]
    assert visits["y"] == [630, 630, 630, 630, 630, 550]


def test_a_citys_monthly_amounts_read_in_wan_and_the_tile_says_so():
    months = ["2026-09", "2026-10"]
    trends = pd.DataFrame({"programme": "mutual_aid", "month": months, "value": [3_012_345, 3_298_000]})
    fig = charts.trend_small_multiples(trends, months, "zh")
    assert fig.layout.annotations[0].text == "医疗互助 · 支付金额（万元）"
    assert list(fig.layout.yaxis.ticktext)[:3] == ["0", "100", "200"]
    english = charts.trend_small_multiples(trends, months, "en")
    assert english.layout.annotations[0].text == "Mutual aid · amount paid (yuan)"


def test_town_ranking_in_chinese_reads_in_wan(fixture_con):
    ranking = overview.town_ranking(fixture_con, prefix=CITY, **H1_2024)
    fig = charts.town_ranking(ranking, "claims_paid_yuan", "zh", highlight=ANHAI)
    bar = spec(fig)["data"][0]
    assert bar["y"] == ["安海镇", "磁灶镇", "万安街道", "罗溪镇", "陈埭镇"]
    assert bar["x"] == [385_435, 120_000, 40_000, 0, 0]
    assert bar["customdata"] == [ANHAI, CIZAO, "350504001", "350504100", "350582103"]
    assert bar["text"][:2] == ["¥385,435", "¥120,000"]
    # The highlighted town keeps the programme colour; the others are lighter.
    assert bar["marker"]["color"][:2] == [theme.PROGRAMME_COLOURS["mutual_aid"], theme.shade("mutual_aid", 3)]
    xaxis = spec(fig)["layout"]["xaxis"]
    assert xaxis["title"]["text"] == "金额（万元）"
    assert xaxis["ticktext"] == ["0", "10", "20", "30", "40"]
    assert spec(fig)["layout"]["title"]["text"] == "镇街排名 · 互助金支付（元）"


def test_town_ranking_in_english_shows_exact_yuan(fixture_con):
    ranking = overview.town_ranking(fixture_con, prefix=CITY, **H1_2024)
    fig = charts.town_ranking(ranking, "visits", "en", top=2)
    bar = spec(fig)["data"][0]
    assert bar["y"] == ["Anhai Town", "Cizao Town"]
    assert bar["x"] == [3_300, 400]
    assert bar["marker"]["color"] == [theme.PROGRAMME_COLOURS["stations"]] * 2
    assert spec(fig)["layout"]["title"]["text"] == "Town ranking · Station visits"
    assert spec(fig)["layout"]["xaxis"]["tickformat"] == ","


def test_a_county_ranking_carries_county_codes_for_the_click(fixture_con):
    ranking = overview.unit_ranking(fixture_con, prefix=CITY, first=date(2024, 1, 1), last=date(2024, 6, 1),
                                    level="county")
    fig = charts.town_ranking(ranking, "visits", "zh", title_key="overview.unit_ranking.county", code="unit_code")
    bar = spec(fig)["data"][0]
    assert (bar["y"], bar["customdata"], bar["x"]) == (["晋江市", "洛江区"], ["350582", "350504"], [3_700, 0])
    assert spec(fig)["layout"]["title"]["text"] == "县区排名 · 驿站服务人次"


def test_reporting_heatmap(fixture_con):
    matrix = overview.reporting_matrix(fixture_con, prefix=CITY, first=date(2023, 7, 1), last=date(2024, 6, 1))
    fig = charts.reporting_heatmap(matrix, "zh")
    aid, visits = [trace for trace in fig.data if trace.type == "heatmap"]
    assert list(aid.y) == ["万安街道", "罗溪镇", "安海镇", "磁灶镇", "陈埭镇"]
    assert aid.x[0] == "2023-07" and aid.x[-1] == "2024-06"
    # 2 reported, 1 missing, 0 not expected.
    assert list(aid.z[0]) == [2] * 11 + [1]
    assert list(visits.z[1]) == [0] * 12
    assert visits.customdata[3][-1] == "未报送"
    assert aid.text is None  # a town's cell says it by colour alone
    legend = [trace["name"] for trace in spec(fig)["data"] if trace["type"] == "scatter"]
    assert legend == ["已报送", "未报送", "无需报送"]
    assert spec(fig)["layout"]["title"]["text"] == "报送进度"


def test_a_citys_reporting_heatmap_has_a_row_per_county_with_counts_in_its_cells(fixture_con):
    by_county = overview.reporting_by_unit(fixture_con, prefix=CITY, first=date(2023, 7, 1),
                                           last=date(2024, 6, 1), level="county")
    fig = charts.reporting_by_unit_heatmap(by_county, "zh", "county")
    aid, visits = [trace for trace in fig.data if trace.type == "heatmap"]
    assert list(aid.y) == ["洛江区", "晋江市"]
    # June 2024: no 洛江 town and two of 晋江's three have reported.
    assert (aid.text[0][-1], aid.text[1][-1]) == ("2", "1")   # towns missing
    assert (aid.z[0][-1], aid.z[1][-1]) == (1, 1)              # red
    assert (visits.z[1][0], visits.text[1][0]) == (2, "")      # 2023-07: both 晋江 towns reported
    assert visits.customdata[1][-1] == "已报送 1/2 个镇街"
    legend = [trace["name"] for trace in spec(fig)["data"] if trace["type"] == "scatter"]
    assert legend == ["全部已报送", "有镇街未报送", "无需报送"]
    english = charts.reporting_by_unit_heatmap(by_county, "en", "county")
    assert spec(english)["layout"]["title"]["text"] == "Reporting progress by county"
    assert english.data[0].y[0] == "Luojiang District"
    assert english.data[1].customdata[1][-1] == "1 of 2 towns reported"


def test_a_county_where_no_town_owes_the_report_is_grey_and_blank():
    by_county = pd.DataFrame({"dataset": ["station_visits"], "unit_code": ["350504"],
                              "name_zh": ["洛江区"], "name_en": ["Luojiang District"],
                              "month": ["2024-06"], "towns_expected": [0], "towns_reported": [0]})
    heatmap = charts.reporting_by_unit_heatmap(by_county, "zh", "county").data[0]
    assert (heatmap.z[0][0], heatmap.text[0][0], heatmap.customdata[0][0]) == (0, "", "无需报送")


def test_a_years_average_payout_labels_only_its_highest_lowest_and_latest_month():
    # Twelve labels on a half-page line run into each other.
    averages = [3000.0, 3100.0, 2800.0, 3300.0, 3050.0, 2950.0, 3200.0, 3150.0, 3000.0, 3100.0, 2900.0, 3058.81]
    claims = pd.DataFrame({"month": TWELVE, "claims": [20] * 12, "claims_paid_yuan": [60_000.0] * 12,
                           "average_payout_yuan": averages})
    line = spec(charts.average_payout(claims, TWELVE, "zh"))["data"][0]
    assert [text for text in line["text"] if text] == ["¥2,800", "¥3,300", "¥3,058.81"]
    assert line["text"][2] == "¥2,800" and line["text"][3] == "¥3,300" and line["text"][11] == "¥3,058.81"


def test_a_highest_month_beside_the_latest_gives_way_to_the_latest():
    # A nation's flat line: the highest month is two before the latest, and
    # both labels stood above the line, one over the other.
    averages = [2850.0, 2849.0, 2851.0, 2850.5, 2849.5, 2850.2, 2847.67, 2850.0, 2852.51, 2850.3, 2851.87]
    claims = pd.DataFrame({"month": TWELVE[:11], "claims": [20] * 11, "claims_paid_yuan": [57_000.0] * 11,
                           "average_payout_yuan": averages})
    line = spec(charts.average_payout(claims, TWELVE[:11], "zh"))["data"][0]
    assert [text for text in line["text"] if text] == ["¥2,847.67", "¥2,851.87"]    # the lowest, the latest
    assert line["textposition"][6].startswith("bottom")


def test_enrolment_by_scheme_draws_one_line_per_scheme(fixture_con):
    fig = charts.enrolment_by_scheme(mutual_aid.enrolment_by_scheme(fixture_con, prefix=ANHAI, **H1_2024),
                                     MONTHS, "en")
    hospital, women = spec(fig)["data"]
    assert (hospital["name"], women["name"]) == ("Hospitalisation aid", "Women workers' critical illness aid")
    assert hospital["y"] == [10_745, 10_795, 10_845, 10_895, 10_945, 10_995]
    assert women["y"][-1] == 1_623
    assert spec(fig)["layout"]["xaxis"]["type"] == "category"
    assert spec(fig)["layout"]["title"]["text"] == "Members enrolled by scheme"


def test_claims_combo_puts_yuan_on_the_secondary_axis(fixture_con):
    fig = charts.claims_combo(mutual_aid.claims_by_month(fixture_con, prefix=ANHAI, **H1_2024), MONTHS, "zh")
    bars, line = spec(fig)["data"]
    assert (bars["type"], bars["name"], bars["y"]) == ("bar", "补助人次", [22, 22, 22, 22, 21, 21])
    assert (line["type"], line["yaxis"], line["y"][-1]) == ("scatter", "y2", 64_235)
    layout = spec(fig)["layout"]
    assert layout["xaxis"]["type"] == "category"
    assert layout["yaxis"]["title"]["text"] == "补助人次"
    assert layout["yaxis2"]["title"]["text"] == "金额（元）"   # under ¥100,000: plain yuan


def test_a_month_without_a_report_is_a_gap_on_a_full_axis(fixture_con):
    claims = mutual_aid.claims_by_month(fixture_con, prefix="350504001", **H1_2024)   # 万安: no June
    fig = charts.claims_combo(claims, MONTHS, "zh")
    assert spec(fig)["data"][0]["x"] == MONTHS
    assert spec(fig)["data"][0]["y"] == [5, 5, 5, 5, 5, None]


def test_average_payout(fixture_con):
    fig = charts.average_payout(mutual_aid.claims_by_month(fixture_con, prefix=ANHAI, **H1_2024), MONTHS, "zh")
    line = spec(fig)["data"][0]
    assert line["y"][-1] == 3_058.81
    assert line["text"][-1] == "¥3,058.81"


def test_record_years_are_annotated_only_when_strictly_highest(fixture_con):
    # 2023 and 2024 were each a record; the view is 2024, so only 2024 says so.
    city = charts.camps_by_year(camps.by_year(fixture_con, prefix=CITY, last_year=2024), "zh", [2024])
    annotations = spec(city)["layout"]["annotations"]
    assert [(a["text"], a["x"], a["y"]) for a in annotations] == [("创历史新高", 2, 699)]
    both = charts.camps_by_year(camps.by_year(fixture_con, prefix=CITY, last_year=2024), "zh", [2023, 2024])
    assert [a["x"] for a in spec(both)["layout"]["annotations"]] == [1, 2]
    bars, classes = spec(city)["data"]
    assert (bars["x"], bars["y"]) == (["2022", "2023", "2024"], [540, 570, 699])
    assert classes["y"] == [20, 21, 25] and classes["yaxis"] == "y2"
    assert spec(city)["layout"]["xaxis"]["type"] == "category"
    # 磁灶 2024 equals its 2022 best: no annotation.
    cizao = charts.camps_by_year(camps.by_year(fixture_con, prefix=CIZAO, last_year=2024), "zh", [2024])
    assert spec(cizao)["layout"].get("annotations", []) == []


def test_a_city_of_camp_children_is_labelled_in_wan_so_the_labels_keep_their_size():
    by_year = pd.DataFrame({"year": [2024, 2025, 2026], "children_enrolled": [29_658, 32_756, 35_985],
                            "classes": [930, 1_021, 1_123], "record_children": [False, False, True],
                            "record_classes": [False, False, True]})
    assert spec(charts.camps_by_year(by_year, "zh", [2026]))["data"][0]["text"] == ["3.0万", "3.3万", "3.6万"]
    assert spec(charts.camps_by_year(by_year, "en", [2026]))["data"][0]["text"] == ["30K", "33K", "36K"]
    # A town's hundreds stay exact.
    town = by_year.assign(children_enrolled=[540, 570, 699])
    assert spec(charts.camps_by_year(town, "zh", [2026]))["data"][0]["text"] == ["540", "570", "699"]


def test_record_high_in_english(fixture_con):
    fig = charts.camps_by_year(camps.by_year(fixture_con, prefix=ANHAI, last_year=2024), "en", [2024])
    assert {a["text"] for a in spec(fig)["layout"]["annotations"]} == {"Record high"}


def test_new_form_share(fixture_con):
    fig = charts.new_form_share(camps.by_year(fixture_con, prefix=CITY, last_year=2024), "zh")
    new_form, others = spec(fig)["data"]
    assert new_form["y"] == [20, 87, 146]
    assert others["y"] == [520, 483, 553]
    assert new_form["text"] == ["3.7%", "15.3%", "20.9%"]
    assert spec(fig)["layout"]["barmode"] == "stack"


def test_enrolment_vs_capacity(fixture_con):
    fig = charts.enrolment_vs_capacity(camps.by_town(fixture_con, prefix=CITY, first_year=2024, last_year=2024), "zh")
    children, capacity = spec(fig)["data"]
    # Names down the side (every one shown), most enrolled on top.
    assert children["y"] == ["安海镇", "磁灶镇"] and children["orientation"] == "h"
    assert spec(fig)["layout"]["yaxis"]["autorange"] == "reversed"
    assert (children["x"], capacity["x"]) == ([579, 120], [630, 140])
    assert children["text"] == ["91.9%", "85.7%"]
    # The fill rate beside the longest bar stays inside the chart.
    assert spec(fig)["layout"]["xaxis"]["range"][1] > 630 * 1.15


def test_contracts_signed_stack_by_type(fixture_con):
    fig = charts.contracts_signed(contracts.signed_by_month(fixture_con, prefix=CITY, **H1_2024), MONTHS, "en")
    wage, industry = spec(fig)["data"]
    assert wage["name"] == "Wage collective contract"
    assert wage["y"] == [17, 17, 17, 17, 16, 16]
    assert industry["y"] == [None, None, 1, None, None, None]
    assert spec(fig)["layout"]["xaxis"]["type"] == "category"
    assert spec(fig)["layout"]["title"]["text"] == "Contracts signed per month by type"


def test_coverage_and_types_in_force(fixture_con):
    coverage = charts.coverage_by_town(
        contracts.coverage_by_town(fixture_con, prefix=CITY, as_of=date(2024, 6, 30)), "zh")
    bar = spec(coverage)["data"][0]
    assert (bar["y"], bar["x"]) == (["安海镇", "陈埭镇", "磁灶镇"], [17_580, 900, 300])
    by_type = charts.contracts_in_force_by_type(
        contracts.in_force_by_type(fixture_con, prefix=ANHAI, as_of=date(2024, 6, 30)), "zh")
    bar = spec(by_type)["data"][0]
    assert (bar["y"], bar["x"]) == (["工资集体合同", "区域性工资集体合同"], [285, 1])


def test_long_english_contract_types_take_two_lines_and_leave_the_bars_room():
    by_type = pd.DataFrame({"contract_type": ["工资集体合同", "综合性集体合同", "女职工权益保护专项合同"],
                            "contracts": [11_054, 839, 1_266]})
    english = spec(charts.contracts_in_force_by_type(by_type, "en"))
    assert english["data"][0]["y"] == ["Wage collective<br>contract", "Comprehensive<br>collective contract",
                                       "Women workers'<br>rights contract"]
    # The margin is reserved for the longer line only.
    assert english["layout"]["margin"]["l"] < charts._text_px("Comprehensive collective contract")
    chinese = spec(charts.contracts_in_force_by_type(by_type, "zh"))
    assert chinese["data"][0]["y"] == ["工资集体合同", "综合性集体合同", "女职工权益保护专项合同"]


@pytest.mark.parametrize("build", [
    lambda con: charts.trend_small_multiples(overview.monthly_trends(con, prefix=CITY, **H1_2024), MONTHS, "zh"),
    lambda con: charts.camps_by_town(camps.by_town(con, prefix=CITY, first_year=2024, last_year=2024), "zh"),
])
def test_type_is_large_enough_for_a_projector(fixture_con, build):
    # Type comes from the charts' shared template unless a figure overrides it.
    layout = spec(build(fixture_con))["layout"]
    font = {**layout["template"]["layout"]["font"], **layout.get("font", {})}
    title_font = {**layout["template"]["layout"]["title"]["font"], **layout["title"].get("font", {})}
    assert font["size"] >= 16 and title_font["size"] >= 20
    assert font["family"].startswith("Noto Sans CJK SC")


def test_two_towns_with_one_name_stay_two_rows():
    # 官桥镇 is a town of 安溪县 and of 南安市.  The reporting heatmap of the whole
    # city once failed to pivot on the shared name; each must keep its own row.
    matrix = pd.DataFrame({
        "dataset": "mutual_aid", "month": ["2026-10"] * 2,
        "town_code": ["350524103", "350583118"], "name_zh": "官桥镇", "name_en": "Guanqiao Town",
        "status": ["reported", "missing"]})
    fig = charts.reporting_heatmap(matrix, "zh")
    assert list(fig.data[0].y) == ["官桥镇（350524103）", "官桥镇（350583118）"]
    assert [list(row) for row in fig.data[0].z] == [[2], [1]]  # reported, missing


# What the browser draws once: margins, template, click modes ---------------------------

TWELVE = Period(date(2024, 1, 1), date(2024, 12, 1)).month_labels()


def test_margins_leave_room_for_the_longest_town_name():
    # plotly widens a margin only after drawing, and then draws the chart again:
    # the room for the labels is reserved up front instead.
    short = pd.DataFrame({"town_code": ["1", "2"], "name_zh": ["安海镇", "磁灶镇"], "name_en": ["A", "B"],
                          "children_enrolled": [5, 3]})
    long = short.assign(name_zh=["安海镇", "经济技术开发区管委会"])
    narrow, wide = (spec(charts.camps_by_town(frame, "zh"))["layout"]["margin"]["l"] for frame in (short, long))
    assert wide - narrow >= 7 * theme.TICK_FONT_SIZE    # seven more characters, each an em wide
    assert wide >= 10 * theme.TICK_FONT_SIZE


def test_many_months_stand_at_45_degrees_with_room_below(fixture_con):
    claims = mutual_aid.claims_by_month(fixture_con, prefix=ANHAI, first=date(2024, 1, 1), last=date(2024, 12, 1))
    layout = spec(charts.average_payout(claims, TWELVE, "zh"))["layout"]
    assert layout["xaxis"]["tickangle"] == -45
    assert layout["margin"]["b"] >= 60          # '2024-12' at 45° is about 60 px tall
    few = spec(charts.average_payout(claims.head(6), MONTHS, "zh"))["layout"]
    assert "tickangle" not in few["xaxis"]      # six months stand upright


def test_eleven_months_beside_a_right_hand_axis_are_labelled_every_other_month(fixture_con):
    # The claims chart's second value axis narrows its plot: eleven 45° labels
    # ran into each other there.  Every month keeps its bar.
    eleven = TWELVE[:11]
    claims = mutual_aid.claims_by_month(fixture_con, prefix=ANHAI, first=date(2024, 1, 1), last=date(2024, 11, 1))
    xaxis = spec(charts.claims_combo(claims, eleven, "zh"))["layout"]["xaxis"]
    assert xaxis["tickvals"] == ["2024-01", "2024-03", "2024-05", "2024-07", "2024-09", "2024-11"]
    assert xaxis["categoryarray"] == eleven
    # With one value axis the same eleven months are all labelled.
    payout = spec(charts.average_payout(claims, eleven, "zh"))["layout"]["xaxis"]
    assert "tickvals" not in payout


def test_longer_periods_label_the_same_calendar_months_whatever_the_first():
    def months(first: str, count: int) -> list[str]:
        return [str(p) for p in pd.period_range(first, periods=count, freq="M")]
    # Two years: every other month, always the odd ones.
    assert charts.labelled_months(months("2024-12", 24), 320)[:3] == ["2025-01", "2025-03", "2025-05"]
    # Five years: January and July.
    assert charts.labelled_months(months("2022-03", 57), 320)[:3] == ["2022-07", "2023-01", "2023-07"]
    assert charts.labelled_months(months("2024-01", 12), 320) == months("2024-01", 12)


def test_a_bottom_legend_of_five_groups_gets_rows_of_room():
    from dashboard import charts_stations
    visits = pd.DataFrame({"month": "2024-01", "visitor_group": ["环卫工人", "快递员", "外卖送餐员",
                                                                   "网约车司机", "其他户外劳动者"],
                           "visits": [1, 2, 3, 4, 5]})
    layout = spec(charts_stations.visits_by_group(visits, ["2024-01"], "zh"))["layout"]
    assert layout["margin"]["b"] >= 3 * charts.LEGEND_ROW     # three rows of two at half width


def test_a_legend_of_three_rows_sits_below_the_title_not_on_it():
    # In English the contract types are too long to stand side by side at half
    # width: three rows above the plot.  The title keeps to the top edge, so
    # the rows added to the top margin go between it and the plot.
    signed = pd.DataFrame({"month": "2024-01", "contract_type": ["工资集体合同", "综合性集体合同",
                                                                 "女职工权益保护专项合同"],
                           "contracts": [3, 2, 1]})
    layout = spec(charts.contracts_signed(signed, ["2024-01"], "en"))["layout"]
    title = layout["template"]["layout"]["title"]
    assert (title["yref"], title["y"], title["yanchor"]) == ("container", 1, "top")
    title_bottom = title["pad"]["t"] + 1.5 * theme.TITLE_FONT_SIZE     # a line and a little
    legend_top = layout["margin"]["t"] - 3 * charts.LEGEND_ROW
    assert legend_top >= title_bottom


def test_the_template_carries_only_what_the_charts_draw(fixture_con):
    fig = charts.trend_small_multiples(overview.monthly_trends(fixture_con, prefix=CITY, **H1_2024), MONTHS, "zh")
    template = spec(fig)["layout"]["template"]
    assert set(template["data"]) == {"bar", "scatter", "heatmap"}
    assert not {"polar", "ternary", "scene", "geo"} & set(template["layout"])
    assert template["layout"]["plot_bgcolor"] == "white"      # still plotly_white underneath


def test_clickable_rankings_state_the_click_modes_streamlit_would_add(fixture_con):
    ranking = charts.camps_by_town(camps.by_town(fixture_con, prefix=CITY, first_year=2024, last_year=2024), "zh")
    layout = spec(ranking)["layout"]
    assert (layout["clickmode"], layout["hovermode"], layout["dragmode"]) == ("event+select", "closest", "pan")
    in_force = charts.contracts_in_force_by_type(
        contracts.in_force_by_type(fixture_con, prefix=ANHAI, as_of=date(2024, 6, 30)), "zh")
    assert "clickmode" not in spec(in_force)["layout"]        # not clickable: plotly's own modes


def test_a_city_sized_yuan_axis_reads_in_wan_as_its_title_says():
    claims = pd.DataFrame({"month": MONTHS, "claims": [1200] * 6, "claims_paid_yuan": [3_500_000.0] * 6,
                           "average_payout_yuan": [2916.67] * 6})
    axis = spec(charts.claims_combo(claims, MONTHS, "zh"))["layout"]["yaxis2"]
    assert axis["title"]["text"] == "金额（万元）"
    assert axis["tickmode"] == "array" and axis["ticktext"][-1] == "400"    # 4,000,000 yuan = 400 万


def test_a_city_sized_yuan_axis_reads_3_5m_in_english_and_leaves_the_plot_its_room():
    claims = pd.DataFrame({"month": MONTHS, "claims": [1200] * 6, "claims_paid_yuan": [3_500_000.0] * 6,
                           "average_payout_yuan": [2916.67] * 6})
    layout = spec(charts.claims_combo(claims, MONTHS, "en"))["layout"]
    # tickformat '' is plotly's own: 3.5M, not 3,500,000.
    assert (layout["yaxis2"]["title"]["text"], layout["yaxis2"]["tickformat"]) == ("Amount (yuan)", "")
    full = charts._text_px("3,675,000") + charts.AXIS_PAD + charts.TITLE_ROW
    assert layout["margin"]["r"] < full - 30
    # A town's thousands keep their separators.
    town = spec(charts.claims_combo(claims.assign(claims_paid_yuan=38_543.5), MONTHS, "en"))["layout"]
    assert town["yaxis2"]["tickformat"] == ","


def test_two_units_of_one_name_keep_their_own_rows_and_bars():
    # Made-up names repeat in a province's warehouse (two 德清市), and real
    # ones across a nation (城关镇): each keeps its own heatmap row and bar.
    by_unit = pd.DataFrame({"dataset": ["mutual_aid"] * 2, "unit_code": ["350300", "350700"],
                            "name_zh": ["德清市", "德清市"], "name_en": ["Deqing", "Deqing"],
                            "month": ["2024-06"] * 2, "towns_expected": [3, 3], "towns_reported": [3, 1]})
    heatmap = charts.reporting_by_unit_heatmap(by_unit, "zh", "city").data[0]
    assert list(heatmap.y) == ["德清市（350300）", "德清市（350700）"]
    ranking = by_unit.assign(claims_paid_yuan=[2.0, 1.0])
    bar = charts.town_ranking(ranking, "claims_paid_yuan", "zh", code="unit_code").data[0]
    assert list(bar.y) == ["德清市（350300）", "德清市（350700）"]
    english = charts.town_ranking(ranking, "claims_paid_yuan", "en", code="unit_code").data[0]
    assert list(english.y) == ["Deqing (350300)", "Deqing (350700)"]     # no full-width brackets
