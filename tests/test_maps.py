"""The station map: what the deck sends to the browser.

Decks are checked as the JSON st.pydeck_chart sends (``deck.to_json()``):
where it draws, how much it sends, and that it asks nothing of the internet.
"""
from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest

from dashboard import geo, maps
from dashboard.queries import region_prefix
from dashboard.queries import stations as q
from etl import reference, warehouse

QUANZHOU, JINJIANG, ANHAI = "350500", "350582", "350582101"
JAN, JUN = date(2024, 1, 1), date(2024, 6, 1)
MAX_PAYLOAD_BYTES = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return reference.read_org_units()


def points(rows) -> pd.DataFrame:
    """station_summary-shaped rows: (id, name, lon, lat, visits, per_day, top_group)."""
    frame = pd.DataFrame(rows, columns=["station_id", "station_name", "lon", "lat", "visits",
                                        "visits_per_day", "top_group"])
    frame["town_code"] = ANHAI
    frame["town_name_zh"], frame["town_name_en"] = "安海镇", "Anhai Town"
    frame["median_per_day"] = frame["visits_per_day"].median()
    frame["low_use_threshold"] = frame["median_per_day"] * q.LOW_USE_SHARE_OF_MEDIAN
    frame["low_use"] = frame["visits_per_day"] < frame["low_use_threshold"]
    return frame


THREE_STATIONS = points([
    ("AH-01", "安海星塔社区工会驿站", 118.4671, 24.7162, 2730, 15.0, "快递员"),
    ("AH-02", "安海新街工会驿站", 118.4702, 24.7201, 976, 8.0, "外卖送餐员"),
    ("AH-03", "安海码头工会驿站", 118.4598, 24.7055, 18, 0.1, "其他户外劳动者"),
])


def deck_spec(deck) -> dict:
    return json.loads(deck.to_json())


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def anhai_deck(units, lang="zh", **options):
    outlines = geo.outlines_for_region(geo.county_outlines(), units, ANHAI, lang)
    bounds = geo.view_bounds(outlines, units, ANHAI, THREE_STATIONS["lon"], THREE_STATIONS["lat"])
    return maps.station_deck(THREE_STATIONS, outlines=outlines, bounds=bounds,
                             labels=geo.label_points(units, ANHAI, lang), lang=lang, **options)


def test_each_station_is_a_circle_sized_by_visits_and_coloured_by_use(units):
    stations = layer(deck_spec(anhai_deck(units)), maps.STATIONS_LAYER)["data"]
    by_id = {s["station_id"]: s for s in stations}
    # Median 8.0 a day: AH-03 (0.1) is below 25 % of it and drawn in the warning colour.
    assert by_id["AH-03"]["fill"][:3] == list(maps.USE_CLASS_COLOURS[0])
    assert by_id["AH-02"]["fill"][:3] == list(maps.USE_CLASS_COLOURS[2])     # 100 % of median
    assert by_id["AH-01"]["fill"][:3] == list(maps.USE_CLASS_COLOURS[3])     # 188 % of median
    circles = layer(deck_spec(anhai_deck(units)), maps.STATIONS_LAYER)
    assert circles["radiusUnits"] == "pixels"        # not "@@=pixels": sizes on screen, not metres
    assert circles["getRadius"] == "@@=radius"
    assert by_id["AH-01"]["radius"] == maps.MAX_RADIUS_PX                   # most visited
    assert by_id["AH-01"]["radius"] > by_id["AH-02"]["radius"] > by_id["AH-03"]["radius"]
    assert (by_id["AH-01"]["lon"], by_id["AH-01"]["lat"]) == (118.4671, 24.7162)


def test_tooltip_shows_name_town_visits_and_top_visitor_group(units):
    spec = deck_spec(anhai_deck(units, lang="en"))
    ah01 = layer(spec, maps.STATIONS_LAYER)["data"][0]
    assert (ah01["station_name"], ah01["town_name"], ah01["visits_text"]) == \
        ("安海星塔社区工会驿站", "Anhai Town", "2,730")
    assert ah01["top_group_text"] == "Couriers"
    tooltip = anhai_deck(units, lang="zh")._tooltip
    for field in ("{station_name}", "{town_name}", "{visits_text}", "{top_group_text}"):
        assert field in tooltip["html"]
    assert "主要服务对象" in tooltip["html"]


def test_the_map_asks_no_outside_host_for_anything(units, monkeypatch):
    monkeypatch.delenv(maps.TILE_URL_ENV, raising=False)
    spec = deck_spec(anhai_deck(units, tiles=maps.tile_url()))
    assert spec["mapStyle"] == "/app/static/basemap.json"
    text = json.dumps(spec)
    assert "http://" not in text and "https://" not in text and "cartocdn" not in text
    assert json.loads((geo.settings.ROOT / "static" / "basemap.json").read_text()) == {
        "version": 8, "sources": {},
        "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#eef2f5"}}]}


def test_every_layer_has_an_id_so_clicks_can_be_read(units):
    spec = deck_spec(anhai_deck(units, heatmap=True))
    ids = [item["id"] for item in spec["layers"]]
    # Names are drawn last, over the circles, and cannot be clicked.
    assert ids == [maps.OUTLINES_LAYER, maps.HEAT_LAYER, maps.STATIONS_LAYER, maps.LABELS_LAYER]
    assert layer(spec, maps.LABELS_LAYER)["pickable"] is False
    assert layer(spec, maps.STATIONS_LAYER)["pickable"] is True
    assert layer(spec, maps.HEAT_LAYER)["@@type"] == "HeatmapLayer"
    assert layer(spec, maps.HEAT_LAYER)["getWeight"] == "@@=visits"


def test_place_names_are_chinese_text_the_browser_can_draw(units):
    spec = deck_spec(anhai_deck(units))
    labels = layer(spec, maps.LABELS_LAYER)
    assert labels["characterSet"] == "auto"          # not "@@=auto", an undefined variable
    assert labels["fontFamily"].startswith('"Noto Sans CJK SC"')
    names = [item["label"] for item in labels["data"]]
    # 安海镇 is a town of 晋江市: the map names the towns of 晋江市 around it.
    assert "安海" in names and "磁灶" in names and "罗溪" not in names
    assert "安海" in maps.CompactDeck.to_json(anhai_deck(units))   # UTF-8, not \\u escapes


def test_a_name_the_first_views_edge_would_cut_is_left_out(units):
    # Framing 泉州's mainland, 金门 sits on the map's lower edge: its name was
    # drawn cut in half.  Names wholly outside the view stay (磁灶 around
    # 安海, above), for a user who pans.
    labels = geo.label_points(units, QUANZHOU, "zh")
    lon, lat, zoom = maps.view_of(maps.QUANZHOU_MAINLAND)
    assert "金门" in set(maps.declutter(labels, zoom)["label"])
    shown = set(maps.declutter(labels, zoom, centre=(lon, lat))["label"])
    assert "金门" not in shown and {"晋江", "南安", "德化", "惠安"} <= shown


def test_county_outlines_frame_the_region(units):
    spec = deck_spec(anhai_deck(units))
    features = layer(spec, maps.OUTLINES_LAYER)["data"]["features"]
    focus = {f["properties"]["code"]: f["properties"]["focus"] for f in features}
    assert focus[JINJIANG] == 1 and focus["350504"] == 0
    assert len(features) == len(units[units["level"] == "county"])     # one outline per county
    view = spec["initialViewState"]
    assert 118.45 < view["longitude"] < 118.48 and 24.70 < view["latitude"] < 24.73


def test_a_county_is_framed_whole_and_a_town_by_its_stations(units):
    outlines = geo.county_outlines()
    west, south, east, north = geo.view_bounds(outlines, units, JINJIANG, [], [])
    assert 118.35 < west < 118.45 and 118.65 < east < 118.75      # 晋江市's outline
    assert 24.45 < south < 24.55 and 24.85 < north < 24.95
    city = geo.view_bounds(outlines, units, QUANZHOU, [], [])
    assert city[0] < 117.6 and city[2] > 119.0                        # 安溪 to 泉港
    stations = geo.view_bounds(outlines, units, ANHAI, THREE_STATIONS["lon"], THREE_STATIONS["lat"])
    assert stations == pytest.approx((118.4498, 24.6955, 118.4802, 24.7301))
    # A town without stations: a box around its centre (安海镇 118.466, 24.714).
    assert geo.view_bounds(outlines, units, ANHAI, [], []) == pytest.approx(
        (118.466 - geo.TOWN_HALF_SPAN_DEG, 24.714 - geo.TOWN_HALF_SPAN_DEG,
         118.466 + geo.TOWN_HALF_SPAN_DEG, 24.714 + geo.TOWN_HALF_SPAN_DEG))


def test_a_national_view_frames_the_whole_country():
    # 全国's bubbles run from 新疆 (~75°E) to 黑龙江 (~135°E) and from 海南
    # (~18°N) to 53°N.  The zoom used to stop at 4, a city's floor, which cut
    # off 新疆, 黑龙江 and the south coast.
    west, south, east, north = 75.0, 18.2, 134.8, 53.5
    lon, lat, zoom = maps.view_of((west, south, east, north))
    centre_x, centre_y = maps.world_px(lon, lat, zoom)
    for corner in ((west, south), (east, north)):
        x, y = maps.world_px(*corner, zoom)
        assert abs(x - centre_x) <= maps.MAP_WIDTH_PX / 2
        assert abs(y - centre_y) <= maps.MAP_HEIGHT_PX / 2


def test_provinces_close_together_get_bubbles_that_mostly_keep_apart():
    # Province centres (approximate): the eastern ones stand 20-50 px apart
    # at the national zoom, where 35 px bubbles covered one another.
    centres = pd.DataFrame({
        "unit_code": ["110000", "120000", "130000", "310000", "320000", "330000", "340000", "350000",
                      "370000", "650000", "460000", "230000"],
        "unit_name_zh": ["北京", "天津", "河北", "上海", "江苏", "浙江", "安徽", "福建", "山东", "新疆",
                         "海南", "黑龙江"],
        "lon": [116.4, 117.2, 114.5, 121.5, 118.8, 120.2, 117.3, 119.3, 117.0, 87.6, 110.3, 126.6],
        "lat": [39.9, 39.1, 38.0, 31.2, 32.1, 30.3, 31.9, 26.1, 36.7, 43.8, 20.0, 45.8],
    })
    bounds = (75.0, 18.2, 134.8, 53.5)
    zoom = maps.view_of(bounds)[2]
    largest = maps.bubble_radius_px(centres["lon"], centres["lat"], zoom)
    assert maps.MIN_RADIUS_PX < largest < maps.BUBBLE_RADIUS_PX
    x, y = zip(*(maps.world_px(lon, lat, zoom) for lon, lat in zip(centres["lon"], centres["lat"])))
    gaps = [min(math.dist((x[i], y[i]), (x[j], y[j])) for j in range(len(x)) if j != i) for i in range(len(x))]
    # Half of the provinces are further from their nearest neighbour than two
    # of the largest bubbles are wide.
    assert sum(gap >= 2 * largest for gap in gaps) >= len(gaps) / 2
    # Spread out, as a city's towns are at its zoom, bubbles keep their full size.
    assert maps.bubble_radius_px([118.0, 118.5], [24.5, 25.0], 9.0) == maps.BUBBLE_RADIUS_PX


def test_city_view_names_counties(units):
    labels = geo.label_points(units, QUANZHOU, "zh")
    assert set(labels["level"]) == {"county"}
    assert "晋江" in set(labels["label"]) and "洛江" in set(labels["label"])
    assert set(geo.label_points(units, QUANZHOU, "en")["label"]) >= {"Jinjiang City"}


def test_the_province_with_more_towns_keeps_its_name_beside_a_smaller_one():
    # 四川 (code 51) comes after 重庆 (50) in code order; over the nation their
    # names overlap, and the one with more towns under it keeps its own.
    provinces = pd.DataFrame({
        "code": ["500000", "510000"], "level": "province", "parent_code": None,
        "short_zh": ["重庆", "四川"], "name_en": ["Chongqing", "Sichuan"],
        "lon": [106.5, 104.1], "lat": [29.6, 30.6]})
    towns = pd.DataFrame({
        "code": ["500101001", "500101002", "510104001", "510104002", "510104003"], "level": "town",
        "parent_code": ["500101", "500101", "510104", "510104", "510104"],
        "short_zh": ["甲", "乙", "丙", "丁", "戊"], "name_en": list("ABCDE"), "lon": 105.0, "lat": 30.0})
    labels = geo.label_points(pd.concat([provinces, towns], ignore_index=True), geo.NATION_CODE, "zh")
    assert list(labels["label"]) == ["四川", "重庆"]
    assert list(maps.declutter(labels, 3.0)["label"]) == ["四川"]


def test_names_that_would_overlap_give_way(units):
    labels = geo.label_points(units, QUANZHOU, "zh")
    city_zoom = maps.view_of(geo.view_bounds(geo.county_outlines(), units, QUANZHOU, [], []))[2]
    shown = set(maps.declutter(labels, city_zoom)["label"])
    # 鲤城区 and 丰泽区 are neighbouring districts 3 km apart: over the whole city one name;
    # little 石狮 gives way to 晋江, which has more towns.
    assert "鲤城" in shown and "丰泽" not in shown
    assert "晋江" in shown and "石狮" not in shown
    assert {"南安", "安溪", "德化", "惠安", "泉港"} <= shown
    assert set(maps.declutter(labels, 13)["label"]) == set(labels["label"])


def test_legend_reads_in_visits_per_station_day(units):
    entries = maps.legend(8.0, "zh")
    assert [colour for colour, _ in entries] == ["#%02x%02x%02x" % c for c in maps.USE_CLASS_COLOURS]
    assert entries[0][1] == "0.0–2.0（使用偏少）"      # 25 % of the median 8.0
    assert entries[-1][1] == "≥ 16.0"


def test_a_click_on_a_station_or_a_town_is_read_from_the_selection():
    click = {"selection": {"indices": {maps.STATIONS_LAYER: [1]},
                           "objects": {maps.STATIONS_LAYER: [{"station_id": "AH-02"}]}}}
    assert maps.selected_object(click) == {"station_id": "AH-02"}
    town = {"selection": {"indices": {maps.TOWNS_LAYER: [0]},
                          "objects": {maps.TOWNS_LAYER: [{"town_code": ANHAI}]}}}
    assert maps.selected_object(town) == {"town_code": ANHAI}
    assert maps.selected_object({"selection": {"indices": {}, "objects": {}}}) is None


def test_a_tile_template_becomes_a_raster_basemap_style():
    template = "http://tiles.example.lan/{z}/{x}/{y}.png"
    style = maps.basemap_style(template)
    assert style.startswith("data:application/json,")
    from urllib.parse import unquote
    parsed = json.loads(unquote(style.split(",", 1)[1]))
    assert parsed["sources"]["tiles"]["tiles"] == [template]
    assert maps.basemap_style(None) == maps.LOCAL_STYLE_URL
    assert maps.tile_host(template) == "tiles.example.lan"
    assert maps.tile_of(118.59, 24.91, 8) == (212, 109)      # 泉州 on the OSM tile grid


# Scale ----------------------------------------------------------------------

def build_crowded_warehouse(db, units: pd.DataFrame):
    """12,000 stations: 6,000 in 安海镇 and 6,000 spread over the other towns
    of 泉州, each with one month of visits (2024-01, 1..50 each)."""
    others = units[(units["level"] == "town") & (units["code"] != ANHAI)].reset_index(drop=True)
    others["n"] = range(len(others))
    with warehouse.write(db) as con:
        con.execute("BEGIN")
        warehouse.create_schema(con)
        reference.load_org_units(con, units)
        con.register("other_towns", others[["n", "code", "lon", "lat"]])
        con.execute("""
            INSERT INTO stations_rows (batch_id, station_id, station_name, town_code, lon, lat, crs,
                                       lon_wgs84, lat_wgs84, opened_date)
            WITH placed AS (
                SELECT i, CASE WHEN i < 6000 THEN '350582101' ELSE t.code END AS town_code,
                       CASE WHEN i < 6000 THEN 118.466 ELSE t.lon END AS lon,
                       CASE WHEN i < 6000 THEN 24.714 ELSE t.lat END AS lat
                FROM range(12000) r(i)
                LEFT JOIN other_towns t ON t.n = i % (SELECT count(*) FROM other_towns)
            )
            SELECT 1, 'S' || lpad(CAST(i AS VARCHAR), 5, '0'), '驿站' || i, town_code, lon, lat,
                   'WGS84', lon + (i % 97) * 0.0003, lat + (i % 89) * 0.0003, DATE '2023-01-01'
            FROM placed
        """)
        con.execute("""
            INSERT INTO station_visits_rows (batch_id, month, station_id, town_code, visitor_group,
                                             visits)
            SELECT 2, DATE '2024-01-01', station_id, town_code, '快递员',
                   1 + CAST(substr(station_id, 2) AS INTEGER) % 50
            FROM stations_rows
        """)
        con.execute("COMMIT")
    return db


@pytest.fixture(scope="module")
def crowded_db(tmp_path_factory, units):
    return build_crowded_warehouse(tmp_path_factory.mktemp("crowded") / "warehouse.duckdb", units)


def test_a_crowded_city_is_drawn_as_town_bubbles_under_5_mb(crowded_db, units):
    prefix = region_prefix(QUANZHOU, "city")
    with warehouse.read(crowded_db) as con:
        assert len(q.station_summary(con, prefix, JAN, JUN)) == 12000 > maps.MAX_POINTS
        towns = q.town_summary(con, prefix, JAN, JUN)
    outlines = geo.outlines_for_region(geo.county_outlines(), units, QUANZHOU, "zh")
    deck = maps.town_deck(towns, outlines=outlines, labels=geo.label_points(units, QUANZHOU, "zh"),
                          lang="zh", heatmap=True)
    deck_json = deck.to_json()
    spec = json.loads(deck_json)
    assert len(layer(spec, maps.TOWNS_LAYER)["data"]) == towns.shape[0] <= 168
    assert towns["stations"].sum() == 12000
    assert maps.feature_count(deck_json) < 2 * maps.MAX_POINTS
    assert len(deck_json.encode("utf-8")) < MAX_PAYLOAD_BYTES


def test_the_map_never_sends_more_than_max_points_stations(crowded_db, units):
    # 安海镇 alone holds 6,000 stations: one town, so stations are drawn, the
    # MAX_POINTS most visited, with a heat map on top: still under 5 MB.
    with warehouse.read(crowded_db) as con:
        anhai = q.station_summary(con, ANHAI, JAN, JUN)
    assert len(anhai) == 6000 > maps.MAX_POINTS
    outlines = geo.outlines_for_region(geo.county_outlines(), units, ANHAI, "zh")
    deck_json = maps.station_deck(anhai, outlines=outlines, labels=geo.label_points(units, ANHAI, "zh"),
                                  lang="zh", heatmap=True).to_json()
    spec = json.loads(deck_json)
    drawn = layer(spec, maps.STATIONS_LAYER)["data"]
    assert len(drawn) == maps.MAX_POINTS
    assert min(s["visits"] for s in drawn) >= anhai["visits"].iloc[maps.MAX_POINTS - 1]
    assert len(layer(spec, maps.HEAT_LAYER)["data"]) == maps.MAX_POINTS
    labels_and_outlines = len(layer(spec, maps.LABELS_LAYER)["data"]) + \
        len(layer(spec, maps.OUTLINES_LAYER)["data"]["features"])
    assert maps.feature_count(deck_json) == 2 * maps.MAX_POINTS + labels_and_outlines
    assert len(deck_json.encode("utf-8")) < MAX_PAYLOAD_BYTES
