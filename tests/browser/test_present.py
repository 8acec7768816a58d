"""汇报模式 in the browser: ``/?present=1`` opens the slides of the view full
screen (no sidebar, no toolbar); 下一页 walks to the last slide, whose
indicator reads "N / N"; nothing is fetched from outside 127.0.0.1."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

VIEW = "region=350582101&from=2024-01&to=2024-12&cmp=yoy&lang=zh"
INDICATOR = ".present-indicator"


def test_present_mode_walks_to_the_last_slide(app, requests_seen):
    app.open(f"/?present=1&{VIEW}")
    page = app.page
    assert app.exceptions() == []
    page.wait_for_selector(INDICATOR)
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.locator('[data-testid="stToolbar"]').is_hidden()
    assert page.locator(".present-cover h1").inner_text() == "安海镇工会工作数据汇报"

    first = page.locator(INDICATOR).inner_text().strip()
    match = re.fullmatch(r"1 / (\d+)", first)
    assert match, first
    pages = int(match.group(1))
    assert pages == 8
    next_button = page.get_by_role("button", name="下一页")
    for number in range(2, pages + 1):
        next_button.click()
        page.wait_for_function(
            "([selector, text]) => document.querySelector(selector)?.innerText.trim() === text",
            arg=[INDICATOR, f"{number} / {pages}"])
        app.settle()
        assert app.exceptions() == []
    assert page.locator(INDICATOR).inner_text().strip() == f"{pages} / {pages}"
    assert next_button.is_disabled()
    assert "slide=8" in page.url
    app.screenshot("present_last_slide")
    outside = [url for url in requests_seen if urlsplit(url).hostname not in ("127.0.0.1", None)]
    assert outside == []


def test_arrow_keys_move_between_slides(app):
    app.open(f"/?present=1&{VIEW}&slide=3")
    page = app.page
    page.wait_for_selector(INDICATOR)
    assert page.locator(INDICATOR).inner_text().strip() == "3 / 8"
    page.locator("body").press("ArrowLeft")
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.innerText.trim() === text",
        arg=[INDICATOR, "2 / 8"])
    app.settle()
    assert page.locator(".present-kpis .present-kpi").count() == 8


def test_the_citys_kpi_slide_writes_every_number_on_one_line_within_its_card(app):
    # The city's numbers are the widest (1,663,297 人次, ¥35 million): on a
    # projector a number broken over two lines or running out of its card
    # is misread.
    app.open("/?present=1&slide=2")
    app.page.wait_for_selector(".present-kpi .value")
    misfits = app.page.evaluate("""() => [...document.querySelectorAll('.present-kpi .value')]
        .filter(value => value.getClientRects().length !== 1
                         || value.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(value).lineHeight)
                         || value.scrollWidth > value.parentElement.clientWidth)
        .map(value => value.innerText)""")
    assert misfits == []
