"""A national federation's dashboard in Chromium: the tiny national warehouse
(tests/conftest.py ``tiny_nation_db``: 福建省 with 泉州市, 北京市, 天津市)
served by its own app.  The nation's overview ranks its provinces and a click
on one opens that province, whose ranking lists its cities; the nation's map
is one bubble per province, drawn without asking any other host."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.test_pages import click_first_ranking_bar, view_caption

NATION_2026 = "?region=100000&from=2026-01&to=2026-10"


@pytest.fixture(scope="module")
def nation_url(tiny_nation_db, tmp_path_factory):
    from tests.browser.conftest import streamlit_app

    log_path = tmp_path_factory.mktemp("streamlit_nation") / "server.log"
    with streamlit_app(tiny_nation_db, log_path, UNION_TILE_URL=None) as url:
        yield url


def test_the_nation_ranks_its_provinces_and_a_click_opens_one(app, nation_url):
    app.open(nation_url + "/" + NATION_2026)
    assert view_caption(app).startswith("全国 · 2026-01 至 2026-10")
    assert app.page.get_by_text("省份排名 · 互助金支付（元）").count() >= 1
    assert app.page.get_by_text("报送进度（按省（区、市））").count() >= 1
    province = click_first_ranking_bar(app, "(11|12|35)0000")
    names = {"110000": "北京市", "120000": "天津市", "350000": "福建省"}
    assert view_caption(app).startswith(f"{names[province]} · 2026-01 至 2026-10")
    assert app.page.get_by_text("地市排名 · 互助金支付（元）").count() >= 1
    assert app.exceptions() == []


def test_the_nations_station_map_draws_province_bubbles_from_this_server_alone(app, nation_url,
                                                                                requests_seen):
    app.open(nation_url + "/stations" + NATION_2026)
    app.page.wait_for_selector(app.DECK_CANVAS, state="visible")
    app.page.wait_for_timeout(1500)   # deck.gl draws after the canvas appears
    assert app.page.get_by_text("全国视图按省（区、市）汇总显示").count() == 1
    assert app.exceptions() == []
    hosts = {urlsplit(url).netloc for url in requests_seen if url.startswith("http")}
    assert hosts == {urlsplit(nation_url).netloc}
    app.screenshot("nation-stations")
