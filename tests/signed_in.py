"""Signing in, for page tests.

``account(name, role, scope)`` creates an account in the test's access file
(beside ``UNION_DB``) as the command line would; ``sign_in(at, name)`` puts a
sealed session for it into an AppTest's session state, exactly what the
login form stores after a correct password.  The seal's key lives in this
process, which is also the one AppTest runs the app in.
"""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.ui import auth
from etl import accounts

# A password that passes the rules and contains none of the names below.
PASSWORD = "Quanzhou-2026-test"


def account(name: str, role: str, scope: str, *, email: str | None = None) -> accounts.Account:
    return accounts.add(name, PASSWORD, role=role, scope_code=scope, by=None,
                        display_name=name, email=email)


def sign_in(at: AppTest, name: str) -> AppTest:
    at.session_state[auth.K_SESSION] = auth.open_session(name)
    return at


def session_for(name: str) -> dict:
    """The session record itself, for scripts that set it (AppTest.from_function)."""
    return auth.open_session(name)


# The real browser (tests/browser/): a page load starts a new Streamlit
# session, which a password sign-in survives through its cookie; a test
# calls ``sign_in_page`` after each ``app.open`` of a page that needs one.

def account_in(db, name: str, role: str, scope: str) -> accounts.Account:
    """``account`` in the access file beside the warehouse ``db`` (the
    browser tests' server reads that one, whatever this process's UNION_DB)."""
    import os

    saved = os.environ.get("UNION_DB")
    os.environ["UNION_DB"] = str(db)
    try:
        return account(name, role, scope)
    finally:
        if saved is None:
            os.environ.pop("UNION_DB", None)
        else:
            os.environ["UNION_DB"] = saved


def sign_in_page(page, name: str, password: str = PASSWORD) -> None:
    """Fill the page's sign-in form (the first, when the first-admin form
    is shown too) and wait until the page says who is signed in.  A page
    opened again in the same browser is signed in already (its cookie)."""
    if page.get_by_text(f"已登录：{name}").count():
        return
    page.get_by_label("用户名").first.fill(name)
    page.get_by_label("密码").first.fill(password)
    page.get_by_role("button", name="登录").first.click()
    page.get_by_text(f"已登录：{name}").wait_for()
