"""The 工会驿站 map in Chromium: a click on a station narrows the view to it
and its town, the heat map draws, and a link to an unknown station says so.

Where to click is worked out as the page works it out: the map frames the
stations of the town (geo.view_bounds, maps.view_of), so a station's pixel
is its Web-Mercator offset from the view's centre."""
from __future__ import annotations

import http.server
import io
import math
import threading
from datetime import date
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageDraw

from dashboard import geo, maps
from dashboard.queries import meta, stations
from etl import warehouse

ANHAI = "350582101"
ANHAI_2024 = f"?region={ANHAI}&from=2024-01&to=2024-12"


@pytest.fixture(scope="module")
def anhai_map(browser_warehouse):
    """安海镇's stations in 2024 and the view the page frames them in."""
    db, _ = browser_warehouse
    with warehouse.read(db) as con:
        summary = stations.station_summary(con, ANHAI, date(2024, 1, 1), date(2024, 12, 1))
        units = meta.org_units(con)
    bounds = geo.view_bounds(geo.county_outlines(), units, ANHAI, summary["lon"], summary["lat"])
    return summary, maps.view_of(bounds)


def clear_target(summary, view) -> dict:
    """The most visited station whose circle no other circle covers."""
    lon0, lat0, zoom = view
    centre = maps.world_px(lon0, lat0, zoom)
    placed = [(row, maps.world_px(row.lon, row.lat, zoom)) for row in summary.itertuples()]
    for row, (x, y) in placed:
        if row.visits == 0:
            continue
        alone = all(math.hypot(x - ox, y - oy) > maps.max_radius_px(len(summary)) + 4
                    for other, (ox, oy) in placed if other.station_id != row.station_id)
        if alone:
            return {"station_id": row.station_id, "station_name": row.station_name,
                    "dx": x - centre[0], "dy": y - centre[1]}
    pytest.fail("every visited station is covered by another one")


def click_station(app, target: dict) -> None:
    canvas = app.page.locator(app.DECK_CANVAS).first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x = box["x"] + box["width"] / 2 + target["dx"]
    y = box["y"] + box["height"] / 2 + target["dy"]
    app.page.mouse.move(x, y)
    app.page.wait_for_selector(".deck-tooltip", state="visible")
    tooltip = app.page.locator(".deck-tooltip").inner_text()
    assert target["station_name"] in tooltip
    app.page.mouse.click(x, y)
    app.wait_for_rerun()


def open_map(app, path: str) -> None:
    app.open(path)
    app.page.wait_for_selector(app.DECK_CANVAS, state="visible")
    app.page.wait_for_timeout(1500)   # deck.gl draws after the canvas appears


def test_clicking_a_station_narrows_the_view_to_it(app, anhai_map):
    summary, view = anhai_map
    target = clear_target(summary, view)
    open_map(app, "/stations" + ANHAI_2024)
    click_station(app, target)
    assert f"station={target['station_id']}" in app.page.url
    assert app.page.get_by_text(f"已选驿站：{target['station_name']}（安海镇）").count() == 1
    assert app.exceptions() == []
    app.page.wait_for_selector(app.DECK_CANVAS, state="visible")
    app.screenshot("stations-selected")

    app.page.get_by_role("button", name="显示全部驿站").click()
    app.wait_for_rerun()
    assert "station=" not in app.page.url
    assert app.page.get_by_text("已选驿站").count() == 0


def test_a_station_link_opens_the_station_and_its_town(app, anhai_map):
    summary, _ = anhai_map
    station = summary.iloc[0]
    app.open(f"/stations?from=2024-01&to=2024-12&station={station.station_id}&region={ANHAI}")
    assert app.page.get_by_text(f"已选驿站：{station.station_name}（安海镇）").count() == 1
    assert app.exceptions() == []


def test_a_link_to_an_unknown_station_says_so_and_shows_all(app):
    app.open("/stations" + ANHAI_2024 + "&station=NO-SUCH")
    assert app.page.get_by_text("链接中的驿站「NO-SUCH」不在当前地区").count() == 1
    assert "station=" not in app.page.url
    app.page.wait_for_selector(app.DECK_CANVAS, state="visible")     # all stations, on the map


def test_the_heat_map_draws(app):
    open_map(app, "/stations" + ANHAI_2024)
    app.page.get_by_text("热力图").click()
    app.wait_for_rerun()
    app.page.wait_for_selector(app.DECK_CANVAS, state="visible")
    app.page.wait_for_timeout(1500)
    assert app.exceptions() == []
    app.screenshot("stations-heatmap")


# An optional basemap -----------------------------------------------------------------

class _TileHandler(http.server.BaseHTTPRequestHandler):
    """Every path is a tile: a pale green square with a darker border."""
    tile_png = b""
    paths: list[str] = []

    def do_GET(self):
        type(self).paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(self.tile_png)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tile_server():
    """An XYZ tile server on 127.0.0.1 (a stand-in for an intranet one);
    yields (template, the paths it was asked for)."""
    image = Image.new("RGB", (256, 256), (204, 232, 204))
    ImageDraw.Draw(image).rectangle([0, 0, 255, 255], outline=(110, 150, 110), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    _TileHandler.tile_png, _TileHandler.paths = buffer.getvalue(), []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png", _TileHandler.paths
    finally:
        server.shutdown()
        server.server_close()


def test_a_tile_server_in_union_tile_url_draws_a_basemap(app, start_app, tile_server,
                                                         requests_seen):
    template, asked = tile_server
    tile_host = urlsplit(template).netloc
    with start_app(UNION_TILE_URL=template) as tiled_url:
        app.open(tiled_url + "/stations" + ANHAI_2024)
        app.page.wait_for_selector(app.DECK_CANVAS, state="visible")
        app.page.wait_for_timeout(2500)
        app.screenshot("stations-with-tiles")
        assert app.exceptions() == []
    tiles = [urlsplit(u).path for u in requests_seen if urlsplit(u).netloc == tile_host]
    assert tiles, "the browser asked the tile server for nothing"
    # The tiles asked for are the Web-Mercator tiles around 安海镇 (118.47 E, 24.72 N).
    for path in tiles:
        z, x, y = (int(part) for part in path.removesuffix(".png").strip("/").split("/"))
        anhai_x, anhai_y = (int(v / 256) for v in maps.world_px(118.47, 24.72, z - 1))
        assert abs(x - anhai_x) <= 3 and abs(y - anhai_y) <= 3, path
    assert "/{}/{}/{}.png".format(maps.PROBE_ZOOM, *maps.PROBE_TILE) in asked   # the app's probe
    assert {urlsplit(u).hostname for u in requests_seen if urlsplit(u).scheme in ("http", "https")} \
        == {"127.0.0.1"}

