"""Uploading, loading and rolling back in the real app, and a command-line
load while the app is open.

The files are tests/fixtures/upload/ (make_fixtures_upload.py): 安海镇's
mutual-aid report for June 2024, once with 补助金额 written in words in F3,
once corrected (住院 21 claims, ¥61,200; 女职工 1 claim, ¥4,235), and May 2024
as a GBK CSV (¥70,800 + ¥4,240).  What the warehouse held before is read
from it, so the tests run on the demo warehouse and on the fixture one.

The session's warehouse is shared with the other browser tests, so every
batch loaded here is rolled back before the test ends.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from etl import pipeline, warehouse
from etl.accounts import AccountError
from tests.signed_in import account_in, sign_in_page

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "upload"
WRONG = "安海镇医疗互助2024年6月_有错.xlsx"
RIGHT = "安海镇医疗互助2024年6月.xlsx"
MAY_CSV = "安海镇医疗互助2024年5月.csv"
ANHAI = "350582101"
HOSPITAL = "职工住院医疗互助"
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'


def month_view(month: str) -> str:
    return f"/mutual_aid?region={ANHAI}&from={month}&to={month}"


def paid_card(page) -> str:
    """The 互助金支付 card's value on the mutual-aid page."""
    card = page.locator('[data-testid="stMetric"]').filter(has_text="互助金支付")
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def current(db: Path, month: str) -> dict:
    """What 安海镇's month holds now: rows, total paid, the 住院 claims and yuan."""
    with warehouse.read(db) as con:
        rows, paid = con.execute(
            "SELECT count(*), sum(claims_paid_yuan)::DOUBLE FROM mutual_aid "
            "WHERE town_code = ? AND month = ?::DATE", [ANHAI, f"{month}-01"]).fetchone()
        hospital = con.execute(
            "SELECT claims, claims_paid_yuan::DOUBLE FROM mutual_aid "
            "WHERE town_code = ? AND month = ?::DATE AND scheme = ?",
            [ANHAI, f"{month}-01", HOSPITAL]).fetchone()
    return {"rows": rows, "paid": paid, "hospital": hospital}


def yuan(value: float) -> str:
    return f"¥{value:,.0f}" if abs(value - round(value)) < 0.005 else f"¥{value:,.2f}"


def amount(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 0.005 else f"{value:,.2f}"


@pytest.fixture
def cleanup(browser_warehouse):
    """Rolls back whatever the test loaded from these fixture files."""
    db, _ = browser_warehouse
    # Uploading and rolling back need a signed-in uploader (a page load is a
    # new session, so each opened page signs in).
    try:
        account_in(db, STAFF, "uploader", "350500")
    except AccountError:
        pass  # made by an earlier test of the session, on the same warehouse
    yield db
    with warehouse.read(db) as con:
        left = [b for (b,) in con.execute(
            "SELECT batch_id FROM load_batches WHERE file_name IN (?, ?) AND status <> 'rolled_back'",
            [RIGHT, MAY_CSV]).fetchall()]
    for batch_id in left:
        pipeline.rollback(batch_id, db=db)


STAFF = "browser-staff"


def open_signed_in(app, path: str) -> None:
    app.open(path)
    sign_in_page(app.page, STAFF)
    app.wait_for_rerun()


def upload(app, name: str) -> None:
    app.page.locator(UPLOAD_INPUT).set_input_files(str(FIXTURES / name))
    app.page.get_by_text(name).first.wait_for()
    app.wait_for_rerun()


def test_an_upload_is_checked_previewed_loaded_shown_and_rolled_back(app, cleanup):
    db = cleanup
    before = current(db, "2024-06")
    page = app.page

    # A file with an error: the report names the cell, and nothing can be loaded.
    open_signed_in(app, "/upload")
    upload(app, WRONG)
    page.get_by_text("2 个错误，0 个警告").wait_for()
    report = page.locator('[data-testid="stTable"]').first
    assert "F3" in report.inner_text()
    assert "「六万一千二」不是有效的金额" in report.inner_text()
    commit = page.get_by_role("button", name="确认导入（2 行）")
    assert commit.is_disabled()
    app.screenshot("upload-error")

    # The corrected file: the preview shows the replaced values, old -> new.
    open_signed_in(app, "/upload")
    upload(app, RIGHT)
    page.get_by_text("导入预览").wait_for()
    old_claims, old_paid = before["hospital"]
    changes = page.locator('[data-testid="stTable"]').nth(1).inner_text()
    if old_paid != 61200:
        assert f"{amount(old_paid)} → 61,200" in changes
    if old_claims != 21:
        assert f"{old_claims} → 21" in changes
    assert current(db, "2024-06") == before          # nothing written yet
    acknowledge = page.get_by_text(re.compile("我已核对以上 \\d+ 个警告"))
    if acknowledge.count():
        acknowledge.click()
        app.wait_for_rerun()
    app.screenshot("upload-preview")
    page.get_by_role("button", name="确认导入（2 行）").click()
    app.wait_for_rerun()
    page.get_by_text(re.compile(r"导入成功：批次 \d+，共 2 行。")).wait_for()
    batch_id = int(re.search(r"批次 (\d+)", page.get_by_text(re.compile("导入成功")).inner_text()).group(1))
    assert current(db, "2024-06")["hospital"] == (21, 61200.0)

    # The link opens the dashboard on that town and month, with the new number.
    page.get_by_text("在「职工医疗互助」中查看导入的数据").click()
    page.wait_for_url(re.compile(r"/mutual_aid\?.*region=350582101"))
    app.wait_for_rerun()
    assert "from=2024-06" in page.url and "to=2024-06" in page.url
    assert paid_card(page) == "¥65,435"
    assert app.exceptions() == []

    # Roll it back from 数据管理: the dialog says what comes back.
    open_signed_in(app, "/admin")
    page.get_by_role("button", name="撤销此批次").click()
    dialog = page.locator('[role="dialog"]')
    dialog.get_by_text(f"撤销批次 {batch_id}（职工医疗互助，「{RIGHT}」）：将移除它的 2 行当前数据，"
                       f"恢复 {before['rows']} 行被它替换的数据。").wait_for()
    app.screenshot("admin-rollback-dialog")
    dialog.get_by_role("button", name="确认撤销").click()
    app.wait_for_rerun()
    page.get_by_text(f"已撤销批次 {batch_id}：移除 2 行，恢复 {before['rows']} 行。").wait_for()
    assert current(db, "2024-06") == before

    app.open(month_view("2024-06"))
    assert paid_card(page) == yuan(before["paid"])


def test_a_command_line_load_while_the_app_is_open_shows_after_a_reload(app, cleanup):
    db = cleanup
    before = current(db, "2024-05")
    app.open(month_view("2024-05"))
    assert paid_card(app.page) == yuan(before["paid"])

    loaded = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(FIXTURES / MAY_CSV), "--accept-warnings"],
        cwd=ROOT, env={**os.environ, "UNION_DB": str(db)}, capture_output=True, text=True,
        timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert current(db, "2024-05")["hospital"] == (24, 70800.0)

    app.page.reload(wait_until="domcontentloaded")
    app.wait_for_rerun()
    assert paid_card(app.page) == "¥75,040"
    assert app.exceptions() == []
