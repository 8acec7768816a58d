"""The 工会驿站 page, headless (AppTest): given this warehouse and URL, the
reader sees these cards, this map, these charts and this list of
little-used stations.

The fixture warehouse (tests/fixture_warehouse.py): 安海镇 has 18 stations,
AH-01..AH-12 open since 2022-06-01 and AH-13..AH-18 since 2024-03-01; in
January–June 2024 only AH-01 (外卖送餐员 300 + 快递员 100 a month) and AH-02
(环卫工人 150 a month) report visits: 3,300 in all.  So 16 stations had no
visit: the median station had 0 visits a day, and those 16 are little used.

Clicks on the map cannot be simulated here (see tests/browser/); a click's
result, ``?station=<id>``, can.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.fixture_warehouse import fixture_db  # noqa: F401  (pytest fixture)
from streamlit.testing.v1 import AppTest
from test_maps import build_crowded_warehouse

from dashboard import maps
from dashboard.queries import stations
from etl import reference, warehouse

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/stations.py"
ANHAI_H1 = {"region": "350582101", "from": "2024-01", "to": "2024-06"}
MAX_PAYLOAD_BYTES = 5 * 1024 * 1024


def open_page(db: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("UNION_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(params)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def stations_page(fixture_db, monkeypatch):
    def start(**params) -> AppTest:
        return open_page(fixture_db, monkeypatch, **params)
    return start


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deck(at: AppTest) -> tuple[dict, int]:
    """The map's spec as sent, and its size in bytes."""
    text = at.get("deck_gl_json_chart")[0].proto.json
    return json.loads(text), len(text.encode("utf-8"))


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def chart_traces(at: AppTest) -> list[list[str]]:
    """The series names of each plotly chart, in page order."""
    return [[trace.get("name") for trace in json.loads(chart.proto.spec)["data"]]
            for chart in at.get("plotly_chart")]


def test_anhai_first_half_of_2024(stations_page):
    at = stations_page(**ANHAI_H1)
    assert at.title[0].value == "工会驿站"
    assert cards(at) == {
        "驿站数": "18",
        "服务人次": "3,300",
        # 3,300 visits over 12 × 182 + 6 × 122 = 2,916 station-days
        "日均服务人次（每站每天）": "1.1",
        "使用偏少的驿站": "16",
    }


def test_the_map_shows_each_station_of_the_town_with_no_outside_style(stations_page):
    at = stations_page(**ANHAI_H1)
    spec, size = deck(at)
    assert spec["mapStyle"] == maps.LOCAL_STYLE_URL
    drawn = {s["station_id"]: s for s in layer(spec, maps.STATIONS_LAYER)["data"]}
    assert len(drawn) == 18
    assert drawn["AH-01"]["visits_text"] == "2,400"
    assert drawn["AH-01"]["radius"] == maps.MAX_RADIUS_PX
    # Nobody visited AH-03: drawn in the warning colour.
    assert drawn["AH-03"]["fill"][:3] == list(maps.USE_CLASS_COLOURS[0])
    assert "安海" in [label["label"] for label in layer(spec, maps.LABELS_LAYER)["data"]]
    assert "https://" not in json.dumps(spec) and "http://" not in json.dumps(spec)
    assert size < 200_000


def test_charts_by_visitor_group_and_by_service(stations_page):
    at = stations_page(**ANHAI_H1)
    assert chart_traces(at) == [["环卫工人", "快递员", "外卖送餐员"],
                                ["休息", "热饭", "饮水", "充电", "医疗/义诊"]]
    by_group = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    delivery = next(trace for trace in by_group if trace["name"] == "外卖送餐员")
    assert delivery["x"] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert delivery["y"] == [300] * 6


def test_little_used_stations_are_listed_with_the_reason(stations_page):
    at = stations_page(**ANHAI_H1)
    low_use = at.dataframe[1].value
    assert len(low_use) == 16
    reasons = dict(zip(low_use["驿站编号"], low_use["原因"]))
    assert reasons["AH-03"] == "本时段没有服务人次记录（开放 182 天）"
    assert reasons["AH-13"] == "本时段没有服务人次记录（开放 122 天）"
    assert "AH-01" not in reasons and "AH-02" not in reasons
    rule = [c.value for c in at.main.caption if c.value.startswith("日均服务人次低于")]
    assert rule == ["日均服务人次低于本视图各驿站中位数（0.0）的 25%，即低于 0.0 人次的驿站。"]


def test_the_station_table_lists_every_station_with_its_numbers(stations_page):
    at = stations_page(**ANHAI_H1)
    table = at.dataframe[0].value.set_index("驿站编号")
    assert len(table) == 18
    assert list(table.columns[:2]) == ["驿站名称", "镇（街道）"]
    assert table.loc["AH-01", "服务人次"] == 2400
    assert table.loc["AH-01", "开放天数"] == 182
    assert table.loc["AH-01", "日均服务人次"] == pytest.approx(13.2)
    assert table.loc["AH-01", "主要服务对象"] == "外卖送餐员"
    assert table.loc["AH-13", "开放天数"] == 122


def test_the_station_tables_are_cut_to_the_table_limit_and_say_so(stations_page, monkeypatch):
    # The page hands widgets.table whole frames (18 stations, 16 of them little
    # used); the table itself keeps the first rows, most visited first.
    monkeypatch.setenv("UNION_TABLE_ROW_LIMIT", "2")
    at = stations_page(**ANHAI_H1)
    assert [list(frame.value["驿站编号"]) for frame in at.dataframe] == [["AH-01", "AH-02"], ["AH-03", "AH-04"]]
    cut = [c.value for c in at.main.caption if c.value.startswith("仅列出前")]
    assert cut == ["仅列出前 2 行；请缩小地区或时间段查看全部。"] * 2


def test_a_station_in_the_link_narrows_the_charts_and_marks_it_on_the_map(stations_page):
    at = stations_page(**ANHAI_H1, station="AH-02")
    assert [m.value for m in at.markdown if m.value.startswith("已选驿站")] == \
        ["已选驿站：安海镇工会驿站02（安海镇）"]
    assert chart_traces(at)[0] == ["环卫工人"]
    spec, _ = deck(at)
    drawn = {s["station_id"]: s for s in layer(spec, maps.STATIONS_LAYER)["data"]}
    assert drawn["AH-02"]["line"] == list(maps.SELECTED_LINE)
    assert drawn["AH-01"]["line"] != list(maps.SELECTED_LINE)

    at.button[0].click().run()                     # 显示全部驿站
    assert "station" not in at.query_params
    assert chart_traces(at)[0] == ["环卫工人", "快递员", "外卖送餐员"]


def test_a_link_to_an_unknown_station_is_corrected(stations_page):
    at = stations_page(**ANHAI_H1, station="NO-SUCH")
    assert [w.value for w in at.warning] == ["链接中的驿站「NO-SUCH」不在当前地区，已显示全部驿站。"]
    assert "station" not in at.query_params
    assert len(layer(deck(at)[0], maps.STATIONS_LAYER)["data"]) == 18


def test_a_link_cannot_smuggle_a_markdown_link_onto_the_page(stations_page):
    # The station id comes from the URL and is shown back: it must read as
    # typed, not become a clickable link to somewhere else.
    at = stations_page(**ANHAI_H1, station="[点此](http://evil.example)")
    (warning,) = [w.value for w in at.warning]
    assert warning == r"链接中的驿站「\[点此\](http:\/\/evil.example)」不在当前地区，已显示全部驿站。"


def test_a_town_without_stations_says_so(stations_page):
    at = stations_page(region="350504100", **{"from": "2024-01", "to": "2024-06"})      # 罗溪镇
    assert [i.value for i in at.info] == ["罗溪镇在所选时段没有工会驿站数据。"]
    assert not at.get("deck_gl_json_chart")


def test_a_station_opened_after_the_last_reported_visits_is_not_counted_yet(empty_db, monkeypatch):
    # 罗溪镇's first station opened on 2024-07-10; visits are reported up to June only.
    with warehouse.write(empty_db) as con:
        con.execute("""
            INSERT INTO stations_rows (batch_id, station_id, station_name, town_code, lon, lat, crs,
                                       lon_wgs84, lat_wgs84, opened_date)
            VALUES (1, 'LX-01', '罗溪工会驿站', '350504100', 118.635, 25.185, 'WGS84',
                    118.635, 25.185, DATE '2024-07-10'),
                   (1, 'CZ-01', '磁灶工会驿站', '350582102', 118.500, 24.831, 'WGS84',
                    118.500, 24.831, DATE '2023-01-01')""")
        con.execute("""
            INSERT INTO station_visits_rows (batch_id, month, station_id, town_code, visitor_group,
                                             visits)
            VALUES (2, DATE '2024-06-01', 'CZ-01', '350582102', '快递员', 120)""")
    at = open_page(empty_db, monkeypatch, region="350504100", **{"from": "2024-07", "to": "2024-07"})
    assert cards(at)["驿站数"] == "1"
    assert [i.value for i in at.info] == [
        "罗溪镇在所选时段（2024-07）没有可统计的工会驿站：没有驿站开放，或服务人次尚未报送（已报送至 2024-06）。"]
    assert not at.get("deck_gl_json_chart")


def test_the_heat_map_toggle_adds_a_heat_layer(stations_page):
    at = stations_page(**ANHAI_H1)
    at.toggle[0].set_value(True).run()
    ids = [item["id"] for item in deck(at)[0]["layers"]]
    assert maps.HEAT_LAYER in ids and maps.STATIONS_LAYER in ids


def test_a_rerun_of_the_same_view_draws_the_map_it_already_built(stations_page, monkeypatch):
    # Building a deck and its labels was a fifth of the page's warm rerun: it
    # is built once per view, language and choice, then shared.
    from dashboard.ui import widgets
    widgets._station_deck.clear()
    built = []
    real = maps.station_deck
    monkeypatch.setattr(maps, "station_deck", lambda *a, **k: built.append(k["lang"]) or real(*a, **k))

    at = stations_page(**ANHAI_H1)
    first = deck(at)
    at.run()
    assert deck(at) == first and built == ["zh"]
    at.toggle[0].set_value(True).run()           # the heat map: another deck
    assert built == ["zh", "zh"] and maps.HEAT_LAYER in [item["id"] for item in deck(at)[0]["layers"]]
    at.toggle[0].set_value(False).run()          # back: the first one again
    assert deck(at) == first and built == ["zh", "zh"]


def test_an_unreachable_tile_server_leaves_the_plain_map(stations_page, monkeypatch):
    monkeypatch.setenv(maps.TILE_URL_ENV, "http://127.0.0.1:9/{z}/{x}/{y}.png")  # nobody answers
    at = stations_page(**ANHAI_H1)
    assert "底图服务器 127.0.0.1:9 无法访问，地图不显示底图。" in [c.value for c in at.main.caption]
    assert deck(at)[0]["mapStyle"] == maps.LOCAL_STYLE_URL


def test_in_english(stations_page):
    at = stations_page(**ANHAI_H1, lang="en")
    assert at.title[0].value == "Rest stations"
    assert cards(at)["Visits per station-day"] == "1.1"
    spec, _ = deck(at)
    ah01 = next(s for s in layer(spec, maps.STATIONS_LAYER)["data"] if s["station_id"] == "AH-01")
    assert (ah01["town_name"], ah01["top_group_text"]) == ("Anhai Town", "Food delivery riders")
    assert chart_traces(at)[0] == ["Sanitation workers", "Couriers", "Food delivery riders"]


# Scale --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def crowded_db(tmp_path_factory):
    return build_crowded_warehouse(tmp_path_factory.mktemp("crowded_page") / "warehouse.duckdb",
                                   reference.read_org_units())


def test_a_city_with_12000_stations_is_mapped_as_town_bubbles(crowded_db, monkeypatch):
    at = open_page(crowded_db, monkeypatch, **{"from": "2024-01", "to": "2024-01"})
    spec, size = deck(at)
    ids = [item["id"] for item in spec["layers"]]
    assert maps.TOWNS_LAYER in ids and maps.STATIONS_LAYER not in ids
    towns = layer(spec, maps.TOWNS_LAYER)["data"]
    assert len(towns) == 168          # every town of 泉州 has some of the stations
    assert maps.feature_count(spec) < stations.MAX_POINTS
    assert size < MAX_PAYLOAD_BYTES
    assert any("按镇街汇总显示" in c.value for c in at.main.caption)
    assert cards(at)["驿站数"] == "12,000"


def test_a_town_with_6000_stations_draws_the_5000_most_visited(crowded_db, monkeypatch):
    at = open_page(crowded_db, monkeypatch, region="350582101", **{"from": "2024-01", "to": "2024-01"})
    spec, size = deck(at)
    assert len(layer(spec, maps.STATIONS_LAYER)["data"]) == stations.MAX_POINTS
    assert size < MAX_PAYLOAD_BYTES
    assert any(c.value == "本视图驿站较多，地图只显示服务人次最多的 5,000 个（共 6,000 个）。"
               for c in at.main.caption)
