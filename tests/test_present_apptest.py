"""Presentation mode in AppTest: the deck's slides one per screen for the view
in the URL, 上一页/下一页 with "n / N", the chrome hidden, and the 生成汇报PPT
button that hands over a .pptx.  Data: the fixture warehouse (published
安海镇 figures, latest month 2024-06)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from dashboard import report
from dashboard.filters import parse_view, regions_from_units
from dashboard.queries import meta, mutual_aid
from dashboard.strings import fmt_yuan
from dashboard.ui import present
from etl import warehouse
from tests.fixture_warehouse import ANHAI, fixture_db  # noqa: F401  (session fixture)

ROOT = Path(__file__).resolve().parent.parent
VIEW = {"region": ANHAI, "from": "2024-01", "to": "2024-06", "cmp": "yoy", "lang": "zh", "present": "1"}


@pytest.fixture
def app(fixture_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("UNION_DB", str(fixture_db))
    at = AppTest.from_file(str(ROOT / "pages" / "present.py"), default_timeout=90)
    for key, value in VIEW.items():
        at.query_params[key] = value
    return at.run()


def htmls(at) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def indicator(at) -> str:
    found = [body for body in htmls(at) if body.startswith("<div class='present-indicator'>")]
    assert len(found) == 1
    return found[0].split(">", 1)[1].split("<", 1)[0]


def test_opens_on_the_title_slide_with_the_chrome_hidden(app):
    assert not app.exception
    bodies = htmls(app)
    assert any('[data-testid="stSidebar"]' in b and "display: none" in b for b in bodies)
    assert any("<h1>安海镇工会工作数据汇报</h1>" in b and "<p>2024年1—6月</p>" in b for b in bodies)
    assert indicator(app) == "1 / 8"
    assert app.button(key="present-prev").disabled
    assert not app.button(key="present-next").disabled
    assert len(app.sidebar) == 0


def test_next_shows_the_kpis_of_the_dashboards_queries(app, fixture_db):  # noqa: F811
    app.button(key="present-next").click().run()
    assert indicator(app) == "2 / 8"
    assert app.query_params["slide"] == "2"
    with warehouse.read(fixture_db) as con:
        vf = parse_view(VIEW, regions_from_units(meta.org_units(con)), meta.latest_month(con))
        headline = mutual_aid.headline(con, **vf.span())
    paid = headline[headline["scheme"].isna()]["claims_paid_yuan"].iloc[0]
    kpis = next(b for b in htmls(app) if "present-kpis" in b)
    assert f"<div class='value'>{fmt_yuan(paid)}</div>" in kpis
    assert fmt_yuan(paid) == "¥385,435"


def test_walks_to_the_last_slide(app):
    pages = 8
    for number in range(2, pages + 1):
        app.button(key="present-next").click().run()
        assert indicator(app) == f"{number} / {pages}"
    assert app.button(key="present-next").disabled
    assert any("数据说明" in b for b in htmls(app))
    app.button(key="present-prev").click().run()
    assert indicator(app) == f"{pages - 1} / {pages}"
    # the map slide: a plotly figure of the stations, no tiles
    assert '"scatter"' in app.get("plotly_chart")[0].proto.spec


def test_a_slide_in_the_url_is_kept_within_the_deck(fixture_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("UNION_DB", str(fixture_db))
    at = AppTest.from_file(str(ROOT / "pages" / "present.py"), default_timeout=90)
    for key, value in {**VIEW, "slide": "99"}.items():
        at.query_params[key] = value
    at.run()
    assert indicator(at) == "8 / 8"


def test_generate_deck_button_hands_over_the_pptx(app, fixture_db):  # noqa: F811
    app.button(key="deck-build").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("汇报PPT已生成（8 页")
    download = app.get("download_button")[0]
    assert download.proto.label == "下载汇报PPT"
    with warehouse.read(fixture_db) as con:
        vf = parse_view(VIEW, regions_from_units(meta.org_units(con)), meta.latest_month(con))
    deck = Presentation(io.BytesIO(app.session_state[present.deck_state_key(vf)]))
    assert len(deck.slides) == 8
    assert report.deck_file_name(vf) == "工会工作汇报_安海镇_2024-01_2024-06.pptx"
    # Decks are union business leaving the system: the audit log names it.
    from etl import audit
    logged = audit.entries(action="deck")
    assert list(logged["target"]) == ["工会工作汇报_安海镇_2024-01_2024-06.pptx"]
    assert list(logged["actor"]) == ["anonymous"]


def test_chart_png_button_is_named_after_title_and_view(fixture_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("UNION_DB", str(fixture_db))

    def script():
        import plotly.graph_objects as go
        from dashboard.filters import parse_view, regions_from_units
        from dashboard.queries import meta
        from dashboard.ui.data import run
        from dashboard.ui.present import chart_png_button
        vf = parse_view({"region": "350582101", "from": "2024-01", "to": "2024-06"},
                        regions_from_units(run(meta.org_units)), run(meta.latest_month))
        chart_png_button(go.Figure(go.Bar(y=[1, 2])), vf, "医疗互助 · 补助金额")

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception
    button = at.get("download_button")[0]
    assert button.proto.label == "下载图片（PNG）"
    assert "医疗互助_补助金额_安海镇_2024-01_2024-06.png" in str(button.proto)
