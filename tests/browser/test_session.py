"""A password sign-in in the real browser: a reload keeps it (the page's
cookie), signing out ends it for good, also for a reload."""
from __future__ import annotations

from etl.accounts import AccountError
from tests.signed_in import account_in, sign_in_page

NAME = "browser-reload"
SIGNED_IN = f"已登录：{NAME}"


def test_a_reload_keeps_the_sign_in_and_signing_out_ends_it(app, browser_warehouse):
    db, _ = browser_warehouse
    try:
        account_in(db, NAME, "uploader", "350500")
    except AccountError:
        pass    # made by an earlier run on the same warehouse
    app.open("/upload")
    sign_in_page(app.page, NAME)
    app.wait_for_rerun()

    app.page.reload(wait_until="domcontentloaded")
    app.settle()
    assert app.page.get_by_text(SIGNED_IN).count() == 1
    assert app.page.get_by_label("密码").count() == 0
    assert app.page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 1
    assert app.exceptions() == []

    app.page.get_by_role("button", name="退出登录").click()
    app.wait_for_rerun()
    assert app.page.get_by_label("密码").count() >= 1
    app.page.reload(wait_until="domcontentloaded")
    app.settle()
    assert app.page.get_by_text(SIGNED_IN).count() == 0
    assert app.page.get_by_label("密码").count() >= 1
