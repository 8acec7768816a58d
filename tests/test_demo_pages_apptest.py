"""Every page on the real city demo, as a newcomer first sees it.

The fixture warehouse is small and tidy; the demo has all 163 towns, two towns
called 官桥镇, GBK files, superseded batches.  A page that works on the first
and fails on the second is the bug a user meets first (the overview once did).
"""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

PAGES = [None, "pages/mutual_aid.py", "pages/summer_camps.py", "pages/contracts.py",
         "pages/stations.py", "pages/present.py", "pages/upload.py", "pages/admin.py"]


@pytest.fixture
def demo_app(demo_city_db, monkeypatch):
    monkeypatch.setenv("UNION_DB", str(demo_city_db))

    def open_page(page, **params):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params.update(params)
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    return open_page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_on_the_city_demo_without_an_error(demo_app, page):
    at = demo_app(page)
    assert [e.message for e in at.exception] == []
    assert [e.value for e in at.error] == []


def test_the_default_view_reads_the_citys_latest_month_from_the_data(demo_app):
    at = demo_app(None)
    # The demo runs to the last full month before 2026-11-23; the default period
    # is this year up to it, compared with the same months of last year.
    assert at.main.caption[0].value == "泉州市 · 2026-01 至 2026-10 · 同比：2025-01 至 2025-10"
    assert at.main.caption[-1].value.startswith("数据截至 2026-10")


def test_anhai_2024_shows_the_published_figures(demo_app):
    at = demo_app(None, region="350582101", **{"from": "2024-01", "to": "2024-12"})
    values = {m.label: m.value for m in at.metric}
    assert {label: values[label] for label in (
        "住院互助 参保人数", "女职工特疾互助 参保人数", "参加儿童", "开班数",
        "有效合同（企业 + 区域/行业）", "覆盖职工（企业合同）", "驿站数")} == {
        "住院互助 参保人数": "10,995", "女职工特疾互助 参保人数": "1,623",  # apart, not summed
        "参加儿童": "579", "开班数": "21",
        "有效合同（企业 + 区域/行业）": "285 + 1", "覆盖职工（企业合同）": "17,580",
        "驿站数": "18"}


def test_anhai_first_half_of_2024_shows_the_published_claims(demo_app):
    at = demo_app(None, region="350582101", **{"from": "2024-01", "to": "2024-06"})
    at.switch_page("pages/mutual_aid.py").run()
    values = {m.label: m.value for m in at.metric}
    assert (values["补助人次"], values["互助金支付"]) == ("130", "¥385,435")
