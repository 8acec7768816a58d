"""The four programme pages run headless (AppTest) on the fixture warehouse:
given this URL, the reader sees these cards, notices and stamp."""
import json
import re
from pathlib import Path

import pytest
from tests.fixture_warehouse import fixture_db  # noqa: F401  (pytest fixture)
from streamlit.testing.v1 import AppTest

from dashboard.strings import STRINGS

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
ANHAI = {"region": "350582101"}


@pytest.fixture
def app(fixture_db, monkeypatch):
    """An AppTest of app.py reading the fixture warehouse; call it with the URL's parameters."""
    monkeypatch.setenv("UNION_DB", str(fixture_db))

    def start(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(params)
        at.run()
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return start


def cards(at: AppTest) -> dict[str, tuple[str, str]]:
    """label -> (value, delta) of every st.metric on the page."""
    return {m.label: (m.value, m.delta) for m in at.metric}


def captions(at: AppTest) -> list[str]:
    """Captions of the page itself (not the sidebar's): the view first, the stamp last."""
    return [c.value for c in at.main.caption]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


# Overview ---------------------------------------------------------------------------------

def test_the_default_view_is_quanzhou_this_year_compared_with_last_year(app):
    at = app()
    assert at.title[0].value == "总览"
    assert captions(at)[0] == "泉州市 · 2024-01 至 2024-06 · 同比：2023-01 至 2023-06"
    assert cards(at) == {
        # 万安 has not reported June, so the city's June stock lacks its 3,000 members.
        "住院互助 参保人数": ("16,355", "-2,065 (-11.2%)"),
        "女职工特疾互助 参保人数": ("1,623", "+63 (+4.0%)"),
        "互助金支付": ("¥545,435", "+¥59,435 (+12.2%)"),
        "参加儿童": ("699", "+129 (+22.6%)"),
        "开班数": ("25", "+4 (+19.0%)"),
        "有效合同（企业 + 区域/行业）": ("289 + 2", "+100 (+52.9%)"),
        "覆盖职工（企业合同）": ("18,780", "+6,480 (+52.7%)"),
        "驿站数": ("21", "+6 (+40.0%)"),
        "服务人次": ("3,700", "+220 (+6.3%)"),
    }
    # The URL now spells the view out, so it can be shared.
    assert at.query_params == {"region": "350500", "from": "2024-01", "to": "2024-06", "cmp": "yoy",
                               "lang": "zh"}
    assert captions(at)[-1] == "数据截至 2024-06 · 来源：16 个上传批次 · 最近导入 2024-07-06 10:00"


def test_anhai_shows_the_published_2024_figures(app):
    at = app(**ANHAI)
    values = {label: value for label, (value, _) in cards(at).items()}
    assert values == {
        "住院互助 参保人数": "10,995", "女职工特疾互助 参保人数": "1,623", "互助金支付": "¥385,435",
        "参加儿童": "579", "开班数": "21",
        "有效合同（企业 + 区域/行业）": "285 + 1", "覆盖职工（企业合同）": "17,580",
        "驿站数": "18", "服务人次": "3,300",
    }


def test_the_overview_draws_trends_ranking_and_reporting_progress(app):
    at = app(region="350582")
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]
    assert titles == ["月度走势", "镇街排名 · 互助金支付（元）", "报送进度"]
    ranking = chart_specs(at)[1]["data"][0]
    assert (ranking["y"], ranking["customdata"]) == (["安海镇", "磁灶镇", "陈埭镇"],
                                                     ["350582101", "350582102", "350582103"])
    page_text = [m.value for m in at.markdown]
    assert "- 医疗互助月报：陈埭镇" in page_text
    assert "- 驿站服务人次月报：磁灶镇" in page_text


def test_the_citys_reporting_progress_is_one_row_per_county(app):
    # A city's 160-odd towns would make the chart thousands of pixels tall:
    # the city view sums them per county and says how to see the towns.
    at = app()
    reporting = chart_specs(at)[2]
    assert reporting["layout"]["title"]["text"] == "报送进度（按县（市、区））"
    assert reporting["data"][0]["y"] == ["洛江区", "晋江市"]
    assert reporting["data"][0]["text"][1][-1] == "1"   # 晋江: 陈埭 has not reported June
    assert "红格中的数字为未报送的镇街数；在左侧选择县（市、区）可查看其各镇街。" in [c.value for c in at.caption]


def test_the_city_ranks_its_counties_and_can_rank_its_towns(app):
    at = app()
    ranking = chart_specs(at)[1]
    assert ranking["layout"]["title"]["text"] == "县区排名 · 互助金支付（元）"
    assert ranking["data"][0]["y"] == ["晋江市", "洛江区"]
    assert "点击柱子可切换到该县（市、区）。" in [c.value for c in at.caption]
    at.radio(key="overview_ranking_unit").set_value("town").run()
    ranking = chart_specs(at)[1]
    assert ranking["layout"]["title"]["text"] == "镇街排名 · 互助金支付（元）"
    assert ranking["data"][0]["y"] == ["安海镇", "磁灶镇", "万安街道", "罗溪镇", "陈埭镇"]  # ties by code


def test_a_county_ranks_its_towns_with_no_unit_choice(app):
    at = app(region="350582")
    assert not [r for r in at.radio if r.key == "overview_ranking_unit"]


def test_the_ranking_metric_can_be_switched(app):
    at = app(region="350582")
    at.radio(key="overview_ranking_metric").set_value("workers_covered").run()
    ranking = chart_specs(at)[1]
    assert ranking["layout"]["title"]["text"] == "镇街排名 · 集体合同覆盖职工（人）"
    assert ranking["data"][0]["x"] == [17_580, 900, 300]


def test_bad_link_values_fall_back_with_visible_notices(app):
    at = app(region="999999", **{"from": "2024-13"}, lang="fr")
    assert [w.value for w in at.warning] == [
        "链接中的语言「fr」不受支持，已显示中文。",
        "链接中的地区代码「999999」无法识别，已改为显示泉州市。",
        "链接中的起始月份「2024-13」无效（应为 YYYY-MM），已改用默认时段。",
    ]
    assert cards(at)["互助金支付"][0] == "¥545,435"
    assert at.query_params == {"region": "350500", "from": "2024-01", "to": "2024-06", "cmp": "yoy",
                               "lang": "zh"}


def test_a_future_period_says_there_is_no_data_yet(app):
    at = app(**{"from": "2025-01", "to": "2025-03"})
    assert [i.value for i in at.info] == ["所选时段（2025-01 至 2025-03）还没有数据：已导入的数据截至 2024-06。"]
    assert not at.metric and not at.get("plotly_chart")
    assert captions(at)[-1] == "当前视图没有已导入的数据。"


def test_english(app):
    at = app(**ANHAI, lang="en")
    assert at.title[0].value == "Overview"
    assert captions(at)[0] == "Anhai Town · 2024-01 to 2024-06 · Year on year: 2023-01 to 2023-06"
    assert cards(at)["Hospital aid: members"] == ("10,995", "+695 (+6.7%)")
    assert cards(at)["Aid paid"] == ("¥385,435", "+¥67,435 (+21.2%)")
    assert cards(at)["In force (enterprise + area)"][0] == "285 + 1"
    assert at.metric[0].proto.delta_description == "Year on year"
    assert captions(at)[-1] == "Data as of 2024-06 · Source: 16 upload batches · Last import 2024-07-06 10:00"
    assert chart_specs(at)[0]["layout"]["title"]["text"] == "Monthly trends"


# Filters through the URL and the sidebar -------------------------------------------------

def test_a_filter_change_in_the_url_changes_the_view(app):
    at = app(**ANHAI)
    at.query_params.update({"from": "2024-03", "cmp": "mom"})
    at.run()
    # 2024-03..06 against 2023-11..2024-02: 住院 10,995 vs 10,795 (Feb).
    assert cards(at)["住院互助 参保人数"] == ("10,995", "+200 (+1.9%)")
    assert cards(at)["互助金支付"][0] == "¥256,955"
    assert captions(at)[0] == "安海镇 · 2024-03 至 2024-06 · 环比：2023-11 至 2024-02"


def test_sidebar_widgets_write_the_url(app):
    at = app(**ANHAI)
    at.radio(key="filter_cmp").set_value("mom").run()
    assert at.query_params["cmp"] == "mom"
    at.selectbox(key="filter_pick").set_value("last_year").run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2023-01", "2023-12")
    assert cards(at)["互助金支付"][0] == "¥636,000"            # 12 × (50,000 + 3,000)
    at.selectbox(key="filter_county").set_value("350504").run()
    assert at.query_params["region"] == "350504"
    assert captions(at)[0].startswith("洛江区 · 2023-01 至 2023-12")
    at.radio(key="filter_lang").set_value("en").run()
    assert at.query_params["lang"] == "en" and at.title[0].value == "Overview"


def test_a_start_month_after_the_end_month_moves_the_end_along(app):
    at = app(**ANHAI)
    at.selectbox(key="filter_from").set_value("2024-06").run()
    at.selectbox(key="filter_to").set_value("2024-04").run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2024-04", "2024-04")


def test_switching_pages_keeps_the_view(app):
    at = app(**ANHAI, cmp="mom")
    at.query_params.clear()          # the sidebar's page links carry no query string
    at.switch_page("pages/mutual_aid.py").run()
    assert captions(at)[0] == "安海镇 · 2024-01 至 2024-06 · 环比：2023-07 至 2023-12"
    assert at.query_params["region"] == "350582101"


# Programme pages --------------------------------------------------------------------------

def test_mutual_aid_page(app):
    at = app("pages/mutual_aid.py", **ANHAI)
    assert at.title[0].value == "职工医疗互助"
    assert cards(at) == {
        "住院互助 参保人数": ("10,995", "+695 (+6.7%)"),
        "女职工特疾互助 参保人数": ("1,623", "+63 (+4.0%)"),
        "互助金支付": ("¥385,435", "+¥67,435 (+21.2%)"),
        "补助人次": ("130", "+16 (+14.0%)"),
        "人均补助": ("¥2,964.88", "+¥175.41 (+6.3%)"),
    }
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]
    assert titles == ["参保人数（按互助项目）", "补助人次与金额", "人均补助金额", "镇街排名 · 互助金支付（元）"]
    assert all(spec["layout"]["xaxis"]["type"] == "category" for spec in chart_specs(at)[:3])
    table = at.dataframe[0].value
    assert list(table.columns) == ["月份", "县（市、区）", "镇（街道）", "互助项目", "参保人数", "新增参保人数",
                                   "补助人次", "补助金额（元）"]
    assert len(table) == 12 and table.iloc[0].tolist()[:4] == ["2024-06", "晋江市", "安海镇", "职工住院医疗互助"]
    assert [b.proto.label for b in at.get("download_button")] == ["下载 CSV", "下载 Excel"]
    assert captions(at)[-1] == "数据截至 2024-06 · 来源：6 个上传批次 · 最近导入 2024-07-05 09:00"


def test_mutual_aid_for_a_town_that_never_reported(app):
    at = app("pages/mutual_aid.py", region="350582103")
    assert [i.value for i in at.info] == ["陈埭镇在所选时段没有职工医疗互助数据。"]
    assert not at.get("plotly_chart")


def test_summer_camps_page(app):
    at = app("pages/summer_camps.py", **ANHAI)
    assert cards(at) == {"参加儿童": ("579", "+99 (+20.6%)"), "开班数": ("21", "+3 (+16.7%)"),
                         "新就业形态子女占比": ("21.8%", "")}
    by_year = chart_specs(at)[0]
    assert [a["text"] for a in by_year["layout"]["annotations"]] == ["创历史新高"]   # 2024, the year shown
    assert by_year["data"][0]["y"] == [420, 480, 579]
    assert len(at.dataframe[0].value) == 21
    assert captions(at)[-1] == "数据截至 2024-06 · 来源：1 个上传批次 · 最近导入 2024-07-05 08:00"
    # The class list's year reads 2024, not 2,024; counts keep their separators.
    formats = {name: column["type_config"].get("format")
               for name, column in json.loads(at.dataframe[0].proto.columns).items() if "type_config" in column}
    assert formats["年度"] == "plain" and formats["报名人数"] == "localized"


def test_a_town_with_no_camps_says_so(app):
    at = app("pages/summer_camps.py", region="350582103")
    assert [i.value for i in at.info] == ["陈埭镇在 2024 年没有举办暑托班的记录。"]
    assert not at.metric and not at.get("plotly_chart")


def test_contracts_page(app):
    at = app("pages/contracts.py", **ANHAI)
    assert cards(at) == {
        "有效合同（企业 + 区域/行业）": ("285 + 1", "+100 (+54.1%)"),
        "覆盖职工（企业合同）": ("17,580", "+6,480 (+58.4%)"),
        "区域/行业合同覆盖职工": ("24,346", "覆盖 963 家企业"),
        "期间签订合同": ("100", "+99 (+9900.0%)"),
    }
    assert [s.value for s in at.subheader if "到期" in s.value] == ["2024-06-30 后 90 天内到期（续签待办）"]
    renewals = at.dataframe[0].value
    assert len(renewals) == 10
    assert renewals.iloc[0][["合同编号", "剩余天数"]].tolist() == ["AH-A-001", 45]


def test_contracts_page_in_english(app):
    at = app("pages/contracts.py", **ANHAI, lang="en")
    assert cards(at)["Workers under area/industry contracts"] == ("24,346", "963 enterprises covered")
    renewals = at.dataframe[0].value
    assert list(renewals.columns)[:3] == ["Contract no.", "Town", "Contract type"]
    assert renewals.iloc[0]["Contract type"] == "Wage collective contract"
    assert captions(at)[-1] == "Data as of 2024-06 · Source: 2 upload batches · Last import 2024-07-02 09:00"


# Tables are bounded ----------------------------------------------------------------------
# A province or the nation would send hundreds of thousands of rows: a table
# shows at most settings.table_row_limit() (UNION_TABLE_ROW_LIMIT) and says so.

@pytest.fixture
def downloads(monkeypatch):
    """What each download button of the last run would hand the browser, by
    label: Streamlit keeps a deferred download's callable in its media file
    manager until the click, so record the callables as they are registered."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    registered = {}
    add_deferred = MediaFileManager.add_deferred

    def recording(self, data_callable, *args, **kwargs):
        file_id = add_deferred(self, data_callable, *args, **kwargs)
        registered[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return lambda at: {b.proto.label: registered[b.proto.deferred_file_id]()
                       for b in at.get("download_button")}


def test_a_table_longer_than_the_limit_shows_its_first_rows_and_says_so(app, downloads, monkeypatch):
    import io

    import openpyxl

    monkeypatch.setenv("UNION_TABLE_ROW_LIMIT", "2")
    at = app("pages/mutual_aid.py", **ANHAI)      # 12 rows: 6 months × 2 schemes
    table = at.dataframe[0].value
    assert table[["月份", "互助项目", "补助人次"]].values.tolist() == [["2024-06", "职工住院医疗互助", 20],
                                                                 ["2024-06", "女职工特殊疾病互助", 1]]
    assert captions(at)[1] == "仅列出前 2 行（最近月份在前）；请缩小地区或时间段查看全部。"
    # The downloads hold the rows shown, and the workbook says it is not all of them.
    files = downloads(at)
    csv = files["下载 CSV"].decode("utf-8-sig").splitlines()
    assert csv[1:] == ["2024-06,晋江市,安海镇,职工住院医疗互助,10995,50,20,60000.0",
                       "2024-06,晋江市,安海镇,女职工特殊疾病互助,1623,10,1,4235.0"]
    book = openpyxl.load_workbook(io.BytesIO(files["下载 Excel"]))
    stamp = {row[0]: row[1] for row in book["筛选条件"].iter_rows(min_row=2, values_only=True)}
    assert stamp["说明"] == "仅列出前 2 行（最近月份在前）；请缩小地区或时间段查看全部。"
    assert len(list(book["职工医疗互助"].iter_rows(values_only=True))) == 1 + 2


def test_a_table_that_fits_the_limit_is_whole_and_says_nothing(app, downloads, monkeypatch):
    monkeypatch.setenv("UNION_TABLE_ROW_LIMIT", "12")
    at = app("pages/mutual_aid.py", **ANHAI)
    assert len(at.dataframe[0].value) == 12
    assert not [c for c in captions(at) if c.startswith("仅列出前")]
    assert len(downloads(at)["下载 CSV"].decode("utf-8-sig").splitlines()) == 1 + 12


def test_the_class_list_keeps_the_latest_classes_first(app, monkeypatch):
    monkeypatch.setenv("UNION_TABLE_ROW_LIMIT", "2")
    at = app("pages/summer_camps.py", region="350500", **{"from": "2023-01", "to": "2024-06"})
    assert at.dataframe[0].value[["年度", "班级名称"]].values.tolist() == [[2024, "安海镇暑托班01班"],
                                                                      [2024, "安海镇暑托班02班"]]
    assert "仅列出前 2 行（最近年度在前）；请缩小地区或时间段查看全部。" in captions(at)


def test_the_renewal_list_keeps_the_soonest_in_english(app, monkeypatch):
    monkeypatch.setenv("UNION_TABLE_ROW_LIMIT", "3")
    at = app("pages/contracts.py", region="350500", lang="en")      # 11 contracts expire within 90 days
    assert list(at.dataframe[0].value["Contract no."]) == ["AH-A-001", "AH-A-002", "AH-A-003"]
    assert "Showing the first 3 rows (soonest to expire first); narrow the region or the period to see the rest." \
        in captions(at)


# Strings -------------------------------------------------------------------------------

_KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def test_every_literal_string_key_used_by_these_pages_exists():
    sources = [*ROOT.joinpath("dashboard", "ui").glob("*.py"), ROOT / "dashboard" / "charts.py",
               *(ROOT / "pages" / f"{name}.py" for name in ("overview", "mutual_aid", "summer_camps", "contracts"))]
    used = {key for path in sources for key in _KEY_USE.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 40
    assert sorted(used - set(STRINGS)) == []


# Exports -------------------------------------------------------------------------------

def test_a_table_exports_as_csv_and_as_a_stamped_workbook(fixture_db):
    import io
    from datetime import date

    import openpyxl
    from tests.fixture_warehouse import ORG_UNITS

    from dashboard import filters
    from dashboard.queries import contracts
    from dashboard.ui import widgets
    from etl import warehouse

    vf = filters.parse_view(ANHAI, filters.regions_from_units(ORG_UNITS), date(2024, 6, 1))
    with warehouse.read(fixture_db) as con:
        expiring = contracts.expiring(con, **vf.at_end(), days=90)
    shown = widgets.localised(expiring, "zh", value_columns=("contract_type",))

    csv = widgets.csv_bytes(shown).decode("utf-8-sig").splitlines()
    assert csv[0] == "合同编号,镇（街道）,合同类型,企业名称（区域/行业）,签订日期,到期日期,剩余天数,覆盖企业数,覆盖职工人数"
    assert csv[1] == "AH-A-001,安海镇,工资集体合同,安海甲001鞋业有限公司,2021-08-15,2024-08-14,45,1,60"
    assert len(csv) == 11

    book = openpyxl.load_workbook(io.BytesIO(widgets.xlsx_bytes(shown, vf, "集体合同")))
    assert book.sheetnames == ["筛选条件", "集体合同"]
    stamp = {row[0]: row[1] for row in book["筛选条件"].iter_rows(min_row=2, values_only=True)}
    assert stamp["地区"] == "安海镇" and stamp["时段"] == "2024-01 至 2024-06" and stamp["数据截至"] == "2024-06"
    rows = list(book["集体合同"].iter_rows(values_only=True))
    assert rows[1][:3] == ("AH-A-001", "安海镇", "工资集体合同") and len(rows) == 11


# Chart images ---------------------------------------------------------------------------

def test_every_chart_saves_a_png_named_after_its_title_and_the_view(app):
    # The chart's camera button (下载图片) is plotly's own, drawn in the browser;
    # what we control is its file name: the chart's title, region and period.
    at = app("pages/mutual_aid.py", **ANHAI, **{"from": "2024-01", "to": "2024-06"})
    configs = [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]
    names = [c["toImageButtonOptions"]["filename"] for c in configs]
    assert "补助人次与金额_安海镇_2024-01_2024-06" in names
    assert all(c["toImageButtonOptions"]["format"] == "png" for c in configs)
    assert all(name.endswith("_安海镇_2024-01_2024-06") for name in names)
