"""Every page of the real app in Chromium: it opens without an exception box,
draws its charts, reads the published 安海镇 figures, and asks no host but
the app's own for anything."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dashboard.strings import t

ROOT = Path(__file__).resolve().parents[2]
# Every page in pages/, by url path (the file's name).  The default page
# (overview) is served at "/" only.  The programme pages draw plotly charts;
# the others (upload, admin, accounts, the presentation's title slide …) are
# checked for exceptions only.
PRESENT = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))
CHART_PAGES = {"overview", "mutual_aid", "summer_camps", "contracts", "stations"}
ANHAI_2024 = "?region=350582101&from=2024-01&to=2024-12"
ANHAI_2024_H1 = "?region=350582101&from=2024-01&to=2024-06"


def url(page: str, query: str = "") -> str:
    return ("/" if page == "overview" else f"/{page}") + query


def metrics(page) -> dict[str, str]:
    """KPI cards as {label: value}, as the reader sees them."""
    return {label: value for label, (value, _) in metric_cards(page).items()}


def metric_cards(page) -> dict[str, tuple[str, str]]:
    """KPI cards as {label: (value, the line under it)}, once they have all
    arrived: a run can look idle to the test a moment before its cards are
    drawn (seen once in CI as an empty dict)."""
    page.wait_for_selector('[data-testid="stMetricValue"]')
    count = -1
    while page.locator('[data-testid="stMetric"]').count() != count:
        count = page.locator('[data-testid="stMetric"]').count()
        page.wait_for_timeout(300)
    cards = {}
    for card in page.locator('[data-testid="stMetric"]').all():
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        value = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
        delta = card.locator('[data-testid="stMetricDelta"]')
        cards[label] = (value, delta.inner_text().strip() if delta.count() else "")
    return cards


@pytest.mark.parametrize("name", PRESENT)
def test_every_page_opens_without_an_exception_and_draws(app, name):
    app.open(url(name, ANHAI_2024))
    if name in CHART_PAGES:
        app.page.wait_for_selector(app.PLOTLY_CHART)
    assert app.exceptions() == []
    assert app.page.locator(app.EXCEPTION).count() == 0
    if name in CHART_PAGES:
        assert app.page.locator(app.PLOTLY_CHART).count() >= 1
    app.screenshot(f"page-{name}")


def test_every_page_opens_at_its_default_view(app):
    # What a visitor sees first: the whole city, this year, no parameters.
    failures = {}
    for name in PRESENT:
        app.open(url(name))
        if app.exceptions():
            failures[name] = app.exceptions()
    assert failures == {}


# A card's label and number each sit in boxes that clip them with an
# ellipsis: compare each box's full width with the width it is given.
CUT_OFF_KPIS_JS = """
() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')]
        .filter(part => [part, ...part.querySelectorAll('div, p')]
                        .some(box => box.scrollWidth > box.clientWidth + 1))
        .map(part => part.innerText)
"""


@pytest.mark.parametrize("query", ["", ANHAI_2024, "?lang=en"])
def test_no_kpi_number_or_label_is_cut_off(app, query):
    # Streamlit cuts a number wider than its card to "¥847,3…", and a label
    # to "有效集体合同（企业 + 区域/行…".  The city's default view has the
    # largest numbers (members 595,432, ¥35 million paid), the overview the
    # narrowest cards (four to a half) and English the longest labels; at a
    # 1400 px wide window every number and label must be read whole.
    cut_off = {}
    for name in sorted(CHART_PAGES):
        app.open(url(name, query))
        app.page.wait_for_selector('[data-testid="stMetricValue"]')
        shown = app.page.evaluate(CUT_OFF_KPIS_JS)
        if shown:
            cut_off[name] = shown
    assert cut_off == {}


def test_stations_page_draws_the_map_canvas_quickly(app):
    started = time.perf_counter()
    app.page.goto(url("stations", ANHAI_2024), wait_until="domcontentloaded")
    app.page.wait_for_selector(app.DECK_CANVAS, state="visible")
    to_canvas = time.perf_counter() - started
    app.page.wait_for_selector(app.IDLE)
    app.page.wait_for_timeout(1500)   # let deck.gl draw the layers and labels
    print(f"\ngoto -> map canvas: {to_canvas:.2f} s")
    assert app.exceptions() == []
    assert to_canvas < 15
    box = app.page.locator(app.DECK_CANVAS).first.bounding_box()
    assert box["width"] > 400 and box["height"] > 400
    app.screenshot("stations-anhai-2024")


def test_anhai_2024_reads_the_published_figures(app):
    app.open(url("overview", ANHAI_2024))
    overview = metrics(app.page)
    assert overview["住院互助 参保人数"] == "10,995"
    assert overview["女职工特疾互助 参保人数"] == "1,623"
    assert overview["参加儿童"] == "579"
    assert overview["开班数"] == "21"
    assert overview["有效合同（企业 + 区域/行业）"] == "285 + 1"
    assert overview["覆盖职工（企业合同）"] == "17,580"
    assert overview["驿站数"] == "18"

    app.open(url("contracts", ANHAI_2024))
    area_workers, area_enterprises = metric_cards(app.page)[t("kpi.area_workers", "zh")]
    assert area_workers == "24,346"
    assert area_enterprises == t("kpi.area_enterprises", "zh", enterprises="963")


def test_anhai_first_half_of_2024_paid_130_claims_385435_yuan(app):
    app.open(url("mutual_aid", ANHAI_2024_H1))
    cards = metrics(app.page)
    assert cards["补助人次"] == "130"
    assert cards["互助金支付"] == "¥385,435"


def test_english_on_request(app):
    app.open(url("stations", ANHAI_2024 + "&lang=en"))
    app.page.wait_for_selector(app.DECK_CANVAS)
    assert app.page.get_by_role("heading", name="Rest stations").count() >= 1
    assert metrics(app.page)["Stations"] == "18"
    assert app.exceptions() == []
    app.screenshot("stations-anhai-2024-en")


def test_nothing_is_fetched_from_outside_the_app(app, requests_seen, base_url):
    sockets: list[str] = []
    app.page.on("websocket", lambda ws: sockets.append(ws.url))
    for name in PRESENT:
        app.open(url(name, ANHAI_2024))
        if name == "stations":
            app.page.wait_for_selector(app.DECK_CANVAS)
            app.page.get_by_text("热力图").click()        # the heat map layer too
            app.wait_for_rerun()
            app.page.wait_for_timeout(1500)
    app.open(url("stations"))                            # the whole city: outlines, county labels
    app.page.wait_for_selector(app.DECK_CANVAS)
    app.page.wait_for_timeout(1500)
    app.screenshot("stations-city")
    network = [u for u in requests_seen + sockets if urlsplit(u).scheme not in ("data", "blob")]
    assert network, "no request was recorded at all"
    outside = sorted({u for u in network if urlsplit(u).hostname != "127.0.0.1"})
    assert outside == []
    assert any(u.endswith("/app/static/basemap.json") for u in network)


# Streamlit 1.67 starts a fresh server in its old pages/-directory mode; a
# deep link opened first would run pages/<name>.py without app.py.  The pages
# reroute through app.py (dashboard/ui/entry.py); this pins it.
def test_a_deep_link_on_a_fresh_server_runs_through_app_py(app, start_app):
    with start_app() as fresh_url:
        app.open(fresh_url + "/stations" + ANHAI_2024)
        navigation = app.page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "总览" in navigation and "app" not in navigation.split()


def click_first_ranking_bar(app, region_pattern: str) -> str:
    """Click the top bar of the page's ranking (its second chart) and return
    the region the URL then names (it must match ``region_pattern``)."""
    import re

    ranking = app.page.locator(".js-plotly-plot").nth(1)
    ranking.wait_for()
    # Plotly listens on its drag layer above the bars: click where a bar is drawn.
    first_bar = ranking.locator(".barlayer .point path").first
    first_bar.scroll_into_view_if_needed()
    bar = first_bar.bounding_box()
    app.page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    # The URL changes in place (no navigation): poll it.
    app.page.wait_for_function(f"() => /region={region_pattern}(&|$)/.test(location.search)", timeout=30000)
    app.wait_for_rerun()
    return re.search(f"region=({region_pattern})(&|$)", app.page.url).group(1)


def view_caption(app) -> str:
    return app.page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()


def test_clicking_a_town_in_the_ranking_narrows_the_view_to_it(app):
    # 晋江市 in 2024: the ranking of its towns.  A click on a bar makes that
    # town the view: the URL says so (it can be sent on) and the page reads it.
    from etl import reference

    app.open("/?region=350582&from=2024-01&to=2024-12")
    town = click_first_ranking_bar(app, "350582[0-9]{3}")
    names = reference.read_org_units().set_index("code")["name_zh"]
    assert view_caption(app).startswith(f"{names[town]} · 2024-01 至 2024-12")
    assert app.exceptions() == []


def test_clicking_a_county_in_the_citys_ranking_narrows_the_view_to_it(app):
    # 泉州市 ranks its counties; a click on one makes it the view, whose
    # ranking then lists its towns.
    from etl import reference

    app.open("/?region=350500&from=2024-01&to=2024-12")
    county = click_first_ranking_bar(app, "3505[0-9]{2}")
    names = reference.read_org_units().set_index("code")["name_zh"]
    assert view_caption(app).startswith(f"{names[county]} · 2024-01 至 2024-12")
    assert app.page.get_by_text("镇街排名 · 互助金支付（元）").count() >= 1
    assert app.exceptions() == []


def test_the_yuan_axis_beside_the_claims_counts_reads_in_round_numbers(app):
    # 安海's claims and yuan paid share one chart, yuan on the right-hand axis.
    # Left to plotly.js that axis put its ticks at the left axis's gridlines
    # and labelled them 18,017.4030429.
    import re

    app.open(url("mutual_aid", ANHAI_2024))
    app.page.wait_for_selector(".y2tick text")
    ticks = app.page.evaluate(
        "() => [...document.querySelectorAll('.y2tick text')].map(tick => tick.textContent)")
    assert ticks and all(re.fullmatch(r"\d{1,3}(,\d{3})*", tick) for tick in ticks), ticks
    assert ticks[0] == "0"
