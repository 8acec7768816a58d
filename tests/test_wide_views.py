"""Above the city: a province's and the nation's federation look at their
whole region.

Given the tiny national warehouse (tests/conftest.py ``tiny_nation_db``:
福建省 with the real 泉州市 and one made-up city, 北京市 and 天津市 with two
made-up cities each), the sidebar offers 全国 and each province, and a view
of the nation or a province ranks, tracks and maps the units one level below
it — never 40,000 towns at once.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import filters
from dashboard.queries import meta, overview, stations
from etl import warehouse

ROOT = Path(__file__).resolve().parent.parent
THIS_YEAR = {"first": date(2026, 1, 1), "last": date(2026, 10, 1)}
PROVINCES = ["北京市", "天津市", "福建省"]


@pytest.fixture
def app(tiny_nation_db, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(tiny_nation_db))

    def start(page: str, **params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return start


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_titled(at: AppTest, title: str) -> dict:
    return next(spec for spec in plotly_specs(at)
                if spec["layout"].get("title", {}).get("text", "").startswith(title))


# The queries ------------------------------------------------------------------

def test_the_nation_ranks_its_provinces_by_summing_their_towns(tiny_nation_db):
    with warehouse.read(tiny_nation_db) as con:
        provinces = overview.unit_ranking(con, prefix="", **THIS_YEAR, level="province")
        towns = overview.town_ranking(con, prefix="", **THIS_YEAR)
        cities = overview.unit_ranking(con, prefix="35", **THIS_YEAR, level="city")
    assert list(provinces["name_zh"]) == PROVINCES
    assert list(provinces["unit_code"]) == ["110000", "120000", "350000"]
    metrics = ["claims_paid_yuan", "children_enrolled", "workers_covered", "visits"]
    assert provinces[metrics].sum().tolist() == pytest.approx(towns[metrics].sum().tolist())
    # 福建's two cities: 化城市 (made up) and 泉州市, which 金门县 is part of.
    assert list(cities["name_zh"]) == ["化城市", "泉州市"]
    fujian = provinces.set_index("unit_code").loc["350000", metrics]
    assert fujian.tolist() == pytest.approx(cities[metrics].sum().tolist())


def test_the_nations_reporting_is_one_row_per_province_and_month(tiny_nation_db):
    with warehouse.read(tiny_nation_db) as con:
        by_province = overview.reporting_by_unit(con, prefix="", **THIS_YEAR, level="province")
        matrix = overview.reporting_matrix(con, prefix="", **THIS_YEAR)
    assert len(by_province) == 2 * 3 * 10          # datasets × provinces × months
    assert sorted(set(by_province["name_zh"])) == sorted(PROVINCES)
    assert by_province["towns_reported"].sum() == (matrix["status"] == "reported").sum()
    assert by_province["towns_expected"].sum() == (matrix["status"] != "not_expected").sum()


def test_a_provinces_map_is_one_bubble_per_city(tiny_nation_db):
    with warehouse.read(tiny_nation_db) as con:
        cities = stations.area_summary(con, prefix="35", **THIS_YEAR, level="city")
        every_station = stations.station_summary(con, prefix="35", **THIS_YEAR)
    assert sorted(cities["unit_name_zh"]) == ["化城市", "泉州市"]
    assert cities["stations"].sum() == len(every_station)
    assert cities["visits"].sum() == every_station["visits"].sum()


# The pages --------------------------------------------------------------------

def test_the_sidebar_climbs_from_quanzhou_to_the_nation(app):
    at = app("overview")
    province = at.selectbox(key="filter_province")
    assert province.options == ["全国", *PROVINCES] and province.value == "350000"
    assert at.selectbox(key="filter_city").options == ["福建省", "化城市", "泉州市"]
    assert at.selectbox(key="filter_city").value == "350500"
    assert at.selectbox(key="filter_county").value == "350500"   # the whole city

    province.set_value("100000").run()
    assert not at.exception
    assert at.query_params["region"] == "100000"
    assert at.title[0].value == "总览" and at.caption[0].value.startswith("全国 · ")
    # Below the nation there is only the province picker: nothing is chosen yet.
    assert [s.key for s in at.selectbox if s.key in ("filter_city", "filter_county")] == []


def test_the_nations_overview_ranks_and_tracks_provinces(app):
    at = app("overview", region="100000")
    ranking = chart_titled(at, "省份排名")
    assert sorted(ranking["data"][0]["y"]) == sorted(PROVINCES)
    assert sorted(ranking["data"][0]["customdata"]) == ["110000", "120000", "350000"]
    reporting = chart_titled(at, "报送进度（按省（区、市））")
    rows = {name for trace in reporting["data"] if trace["type"] == "heatmap" for name in trace["y"]}
    assert rows == set(PROVINCES)
    # The ranking can still list towns, the nation's top ones.
    at.radio(key="overview_ranking_unit").set_value("town").run()
    assert len(chart_titled(at, "镇街排名")["data"][0]["y"]) == 15


def test_a_provinces_overview_ranks_its_cities(app):
    at = app("overview", region="350000")
    ranking = chart_titled(at, "地市排名")
    assert sorted(ranking["data"][0]["y"]) == ["化城市", "泉州市"]
    assert at.radio(key="overview_ranking_unit").options == ["市（州）", "镇（街道）"]


def test_the_nations_station_map_draws_one_bubble_per_province(app):
    at = app("stations", region="100000")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert "stations" not in layers and "towns" not in layers
    bubbles = layers["areas"]["data"]
    assert sorted(b["town_name"] for b in bubbles) == sorted(PROVINCES)
    assert sorted(b["unit_code"] for b in bubbles) == ["110000", "120000", "350000"]
    # The labels name the provinces, not 泉州's counties.
    assert sorted(label["label"] for label in layers["place-labels"]["data"]) == ["北京", "天津", "福建"]


@pytest.mark.parametrize("region, name, units, titles", [
    ("100000", "全国", PROVINCES,
     {"mutual_aid": "省份排名 · 互助金支付（元）", "summer_camps": "各省（区、市）参加儿童",
      "contracts": "各省（区、市）覆盖职工"}),
    ("350000", "福建省", ["化城市", "泉州市"],
     {"mutual_aid": "地市排名 · 互助金支付（元）", "summer_camps": "各市（州）参加儿童",
      "contracts": "各市（州）覆盖职工"}),
])
def test_a_programme_page_ranks_the_units_one_level_below(app, region, name, units, titles):
    # The nation's or a province's towns run to thousands: its programme pages
    # rank its provinces or cities, and a click on a bar opens that unit.
    for page, title in titles.items():
        at = app(page, region=region)
        assert at.caption[0].value.startswith(f"{name} · "), page
        ranking = chart_titled(at, title)["data"][0]
        assert sorted(ranking["y"]) == sorted(units), page
        assert all(code.endswith("00") for code in ranking["customdata"]), page


def test_the_nations_meeting_deck_walks_every_slide_and_builds(app):
    at = app("present", region="100000")
    slides = [h.proto.body for h in at.get("html")]
    assert any("<h1>全国工会工作数据汇报</h1>" in body for body in slides)
    while not at.button(key="present-next").disabled:
        at.button(key="present-next").click().run()
        assert not at.exception
    at.button(key="deck-build").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("汇报PPT已生成")


def test_the_nations_deck_ranks_provinces_and_maps_them_as_bubbles(tiny_nation_db):
    from datetime import datetime

    from dashboard import report
    from dashboard.filters import parse_view, regions_from_units

    with warehouse.read(tiny_nation_db) as con:
        vf = parse_view({"region": "100000", "from": "2026-01", "to": "2026-10"},
                        regions_from_units(meta.org_units(con)), meta.latest_month(con))
        deck = report.build_report(con, vf, now=datetime(2026, 11, 23, 9, 0))
    slides = {slide.key: slide for slide in deck.slides}
    contracts = slides["collective_contracts"].figure
    assert contracts.layout.title.text == "各省（区、市）覆盖职工"
    assert sorted(contracts.data[0].y) == sorted(PROVINCES)
    bubbles = [name for trace in slides["map"].figure.data if trace.mode == "markers" for name in trace.text]
    assert sorted(bubbles) == sorted(PROVINCES)


def test_the_regions_of_a_city_warehouse_stop_at_the_city(fixture_units):
    regions = filters.regions_from_units(fixture_units)
    assert filters.top_of(regions).code == "350500"
    assert "100000" not in regions


@pytest.fixture
def fixture_units(tiny_nation_db):
    # 泉州市 alone, as the shipped reference data has it.
    with warehouse.read(tiny_nation_db) as con:
        units = meta.org_units(con)
    quanzhou = units[units["code"].str.startswith("3505")].copy()
    quanzhou.loc[quanzhou["code"] == "350500", "parent_code"] = None
    return quanzhou
