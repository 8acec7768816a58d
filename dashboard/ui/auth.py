"""Who is looking: sign-in, sessions, and the scope every query is cut to.

Two modes (``settings.require_login()``):

* demo default: anyone on the machine may view the dashboards (all of
  泉州市, read-only); the upload, data management and accounts pages ask for
  a sign-in first;
* ``require_login``: nothing is shown before a sign-in.

A sign-in is an account name and password (etl/accounts.py: argon2 hashes,
slowed after repeated failures, every attempt audited) or, when ``[auth]``
is configured in ``.streamlit/secrets.toml``, single sign-on through
``st.login`` whose e-mail maps to an account.

The session holds only the account name and two times, sealed with an HMAC
under a key that lives in this server process: the role and scope are read
from the accounts table on every run, so a disabled account is out at its
next click and nothing written into the session can widen a scope.  A
session ends after ``session_idle_minutes`` without a click or
``session_max_hours`` in all.  A browser reload starts a new session; a
password sign-in survives it through a cookie sealed the same way (see
"Surviving a reload" below); signing out ends it for good.

``viewing_scope()`` is what dashboard/ui/data.py cuts every query to.
Both are worked out once per run (dashboard/ui/per_run.py).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import sys
import time
from dataclasses import dataclass
from typing import Mapping

import streamlit as st

from dashboard.filters import Notice, Region, ViewFilter
from dashboard.strings import md_safe  # noqa: F401  (re-exported for pages)
from dashboard.strings import t
from dashboard.ui import per_run
from etl import accounts, audit, settings, warehouse
from etl import scope as scopes
from etl.accounts import Account

K_SESSION = "_union_signed_in"       # {"username", "issued", "seen", "seal"}
K_NOTICE = "_union_auth_notice"      # a strings key to show on the next login form
K_SSO_LOGGED = "_union_sso_logged"   # the e-mail whose sign-on was audited already
K_COOKIE_AT = "_union_cookie_at"     # when this session last wrote its cookie
K_COOKIE_CLEAR = "_union_cookie_clear"  # signed out: clear the cookie on the next run
K_BROWSER_COOKIE = "_union_browser_cookie"  # the cookie this session's browser sent
COOKIE = "union_session"


# Sessions --------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _session_key() -> bytes:
    # Per server process: sessions live in its memory and end with it anyway.
    return secrets.token_bytes(32)


def _seal(username: str, issued: float) -> str:
    message = f"{username}\n{issued!r}".encode()
    return hmac.new(_session_key(), message, hashlib.sha256).hexdigest()


def open_session(username: str, now: float | None = None) -> dict:
    """The session record of a successful sign-in."""
    now = time.time() if now is None else now
    return {"username": username, "issued": now, "seen": now, "seal": _seal(username, now)}


# Surviving a reload ------------------------------------------------------------------
# A browser reload starts a new Streamlit session with an empty session_state.
# So that a password sign-in survives it, the browser keeps a cookie naming
# the sign-in, sealed like the session (same per-process key: a server
# restart ends it too) and rewritten while the user is active.  It carries
# no role or scope (those are read afresh), expires after the idle time, and
# is refused once its sign-in was signed out.
def _cookie_seal(username: str, issued: float, written: float) -> str:
    message = f"cookie\n{username}\n{issued!r}\n{written!r}".encode()
    return hmac.new(_session_key(), message, hashlib.sha256).hexdigest()


def session_cookie(session: Mapping, now: float) -> str:
    """The cookie value for a session record, written at ``now``."""
    username, issued = session["username"], session["issued"]
    return f"{issued!r}:{now!r}:{_cookie_seal(username, issued, now)}:{username}"


@st.cache_resource(show_spinner=False)
def _signed_out() -> set[tuple[str, float]]:
    """(username, issued) of the sign-ins signed out in this server process."""
    return set()


def resume(cookie: object, now: float) -> dict | None:
    """The session record a cookie stands for; None for no cookie, a forged,
    expired or signed-out one."""
    if not isinstance(cookie, str) or cookie.count(":") < 3:
        return None
    issued_text, written_text, seal, username = cookie.split(":", 3)
    try:
        issued, written = float(issued_text), float(written_text)
    except ValueError:
        return None
    if not hmac.compare_digest(seal, _cookie_seal(username, issued, written)):
        return None
    if (now - issued > settings.session_max_hours() * 3600
            or now - written > settings.session_idle_minutes() * 60
            or (username, issued) in _signed_out()):
        return None
    return {"username": username, "issued": issued, "seen": now, "seal": _seal(username, issued)}


def _set_cookie(value: str, max_age_s: int) -> None:
    # A script in the page itself (not an iframe), so the cookie is the app's;
    # the element is empty and takes no space.
    st.html(f"<script>document.cookie = {json.dumps(f'{COOKIE}={value}')} + "
            f"'; Path=/; Max-Age={max_age_s}; SameSite=Strict';</script>",
            unsafe_allow_javascript=True)


def keep_cookie(principal: "Principal") -> None:
    """Write (or, every third of the idle time, rewrite) the cookie of a
    password sign-in; clear it after a sign-out."""
    if st.session_state.pop(K_COOKIE_CLEAR, False):
        _set_cookie("", 0)
    if principal.via != "password":
        return
    now = time.time()
    idle_s = settings.session_idle_minutes() * 60
    if now - st.session_state.get(K_COOKIE_AT, 0.0) < idle_s / 3:
        return
    _set_cookie(session_cookie(st.session_state[K_SESSION], now), int(idle_s))
    st.session_state[K_COOKIE_AT] = now


def _valid(session: object, now: float) -> str | None:
    """The account name of a sealed, unexpired session record; None (and
    the reason in K_NOTICE for an expired one) otherwise."""
    if not isinstance(session, Mapping):
        return None
    username, issued, seen = session.get("username"), session.get("issued"), session.get("seen")
    if not isinstance(username, str) or not isinstance(issued, float) or not isinstance(seen, float):
        return None
    if not hmac.compare_digest(str(session.get("seal", "")), _seal(username, issued)):
        return None
    if (now - issued > settings.session_max_hours() * 3600
            or now - seen > settings.session_idle_minutes() * 60):
        st.session_state[K_NOTICE] = "auth.expired"
        return None
    return username


@st.cache_data(show_spinner=False, max_entries=500)
def _account(username: str, access_version: tuple[int, int]) -> Account | None:
    # access_version keys the cache: a disabled account is seen at once.
    return accounts.get(username)


@st.cache_data(show_spinner=False, max_entries=500)
def _account_by_email(email: str, access_version: tuple[int, int]) -> Account | None:
    return accounts.by_email(email)


@st.cache_data(show_spinner=False, max_entries=4)
def _has_admin(access_version: tuple[int, int]) -> bool:
    return accounts.has_admin()


@st.cache_data(show_spinner=False, max_entries=4)
def _root_scope(reference_key: str) -> str:
    return accounts.root_scope()


def root_scope() -> str:
    return _root_scope(str(settings.REFERENCE_DIR))


@st.cache_data(show_spinner=False, max_entries=4)
def _unit_names(reference_key: str) -> dict[str, str]:
    return accounts.known_units()


def unit_name(code: str) -> str:
    """An org unit's Chinese name (its code if unknown)."""
    return _unit_names(str(settings.REFERENCE_DIR)).get(code, code)


def sso_configured() -> bool:
    """``[auth]`` in .streamlit/secrets.toml."""
    try:
        from streamlit.auth_util import get_secrets_auth_section
        return bool(get_secrets_auth_section())
    except Exception:  # no secrets file, or a Streamlit without auth support
        return False


@dataclass(frozen=True)
class Principal:
    """Who is looking: an account (by password or single sign-on), or nobody."""
    account: Account | None
    via: str = "anonymous"          # password | sso | anonymous | sso_unknown
    email: str | None = None        # the single sign-on e-mail, also when unknown

    @property
    def signed_in(self) -> bool:
        return self.account is not None

    def has_role(self, role: str) -> bool:
        return self.account is not None and self.account.has_role(role)


def current() -> Principal:
    """The principal of this session, checked afresh on every run (once)."""
    return per_run.once("principal", _current)


def current_scope() -> str | None:
    """``viewing_scope(current())``, once per run: every query asks."""
    return per_run.once("scope", lambda: viewing_scope(current()))


def _current() -> Principal:
    now = time.time()
    session = st.session_state.get(K_SESSION)
    if session is None:
        session = _resumed(now)
    if session is not None:
        username = _valid(session, now)
        account = _account(username, audit.access_version()) if username else None
        if account is None or account.disabled:
            st.session_state.pop(K_SESSION, None)
        else:
            st.session_state[K_SESSION] = {**session, "seen": now}
            return Principal(account, "password")
    if sso_configured():
        return _sso_principal()
    return Principal(None)


def _resumed(now: float) -> dict | None:
    """The sign-in this browser's cookie carries over from before a reload
    (audited as such), or None."""
    cookie = _browser_cookie()
    if cookie is None:
        return None
    session = resume(cookie, now)
    if session is None:
        return None
    account = _account(session["username"], audit.access_version())
    if account is None or account.disabled:
        return None
    st.session_state[K_SESSION] = session
    st.session_state[K_COOKIE_AT] = 0.0        # rewrite it: the idle time starts again
    audit.record_quietly(account.username, "login", "success", detail="resumed after a reload",
                         scope_code=account.scope_code, source="app")
    return session


def _browser_cookie() -> str | None:
    """The sign-in cookie the browser sent when this session connected.
    Streamlit's cookies are those of the session's first request and never
    change, so they are read once per session, not on every run."""
    if K_BROWSER_COOKIE not in st.session_state:
        try:
            cookie = st.context.cookies.get(COOKIE)
        except Exception:  # no browser behind this run (a script, a test)
            cookie = None
        st.session_state[K_BROWSER_COOKIE] = cookie
    return st.session_state[K_BROWSER_COOKIE]


def _sso_principal() -> Principal:
    try:
        signed_on = bool(st.user.is_logged_in)
        email = str(st.user.get("email") or "").strip().lower() if signed_on else ""
    except Exception:  # no identity in this session
        return Principal(None)
    if not signed_on:
        return Principal(None)
    account = _account_by_email(email, audit.access_version()) if email else None
    if st.session_state.get(K_SSO_LOGGED) != email:
        # Log each single sign-on once per session, with its outcome.
        st.session_state[K_SSO_LOGGED] = email
        accounts.sign_on(email)
        account = _account_by_email(email, audit.access_version()) if email else None
    if account is None or account.disabled:
        return Principal(None, "sso_unknown", email)
    return Principal(account, "sso", email)


def viewing_scope(principal: Principal) -> str | None:
    """The org unit whose data this principal may see: their account's;
    for nobody, all of it in the demo default and nothing (None) when every
    page needs a login or a single sign-on identity has no account."""
    if principal.account is not None:
        return principal.account.scope_code
    if principal.via == "sso_unknown" or settings.require_login():
        return None
    return warehouse_top()


def warehouse_top() -> str:
    """The widest unit of the warehouse the app reads: 泉州市 in the city
    demo, 福建省 in a province's, the nation above a national one.  (The
    reference table's root would hide the rest of a bigger warehouse.)"""
    from dashboard.ui.data import top_code  # data.py imports this module
    try:
        return top_code()
    except warehouse.WarehouseMissing:
        return root_scope()


# The view, cut to the scope (pure) ------------------------------------------------
def scope_region(regions: Mapping[str, Region], scope: str) -> Region:
    if scope in regions:
        return regions[scope]
    level = scopes.level_of(scope) or "town"
    return Region(scope, level, scope, scope, None)


def clamp_view(vf: ViewFilter, regions: Mapping[str, Region], scope: str,
               requested: str | None = None) -> ViewFilter:
    """``vf`` with its region inside ``scope``.  A region outside it becomes
    the scope's own unit, with a notice when the link asked for it
    (``requested``); a county above a town the scope holds alone is dropped,
    so the town ranking ranks only what may be seen."""
    region, county, notices = vf.region, vf.county, list(vf.notices)
    if not scopes.within(region.code, scope):
        region = scope_region(regions, scope)
        county = (regions.get(region.parent_code)
                  if region.level == "town" and region.parent_code else None)
        if any(n.key == "notice.bad_region" for n in notices):
            notices = [Notice("notice.bad_region_scoped", n.value) if n.key == "notice.bad_region"
                       else n for n in notices]
        elif requested is not None:
            notices.append(Notice("notice.outside_scope", requested))
    if county is not None and not scopes.within(county.code, scope):
        county = None
    return vf.replace(region=region, county=county, notices=tuple(notices))


def notice_text(notice: Notice, vf: ViewFilter) -> str:
    """A notice's words; the link's value is shown as typed, never as markdown."""
    if notice.key in ("notice.outside_scope", "notice.bad_region_scoped"):
        return t(notice.key, vf.lang, value=md_safe(notice.value), scope=vf.region.name(vf.lang))
    return t(notice.key, vf.lang, value=md_safe(notice.value))


# The login form ------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _setup_token(access_path: str) -> dict:
    """The one-time token for creating the first admin from the app, made
    and printed to the server's console at the first start without one."""
    token = accounts.new_setup_token()
    print("\n没有管理员账户。一次性初始化口令 / No administrator yet. One-time setup token:\n"
          f"    {token}\n"
          "在“数据上传”页面的登录框下用它创建第一个管理员，或运行 python -m etl users add … --role admin\n"
          "Use it under the sign-in form of the upload page to create the first administrator, "
          "or run python -m etl users add … --role admin\n", file=sys.stderr, flush=True)
    return {"token": token}


def first_start() -> None:
    """Print the setup token if no admin exists yet (once per server process)."""
    if not _has_admin(audit.access_version()):
        _setup_token(str(settings.access_db_path()))


def login_form(lang: str, reason: str = "auth.login_needed") -> None:
    """The sign-in form (and single sign-on, and the first admin's setup)."""
    st.subheader(t("auth.login_title", lang))
    notice = st.session_state.pop(K_NOTICE, None)
    if notice:
        st.info(t(notice, lang))
    st.caption(t(reason, lang))
    with st.form("auth_login", clear_on_submit=False):
        username = st.text_input(t("auth.username", lang), key="auth_username")
        password = st.text_input(t("auth.password", lang), type="password", key="auth_password")
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if submitted:
        _sign_in(username, password, lang)
    if sso_configured():
        _sso_button(lang)
    if not _has_admin(audit.access_version()):
        _first_admin_form(lang)


def _sign_in(username: str, password: str, lang: str) -> None:
    try:
        result = accounts.authenticate(username, password, client=_client_address())
    except warehouse.WarehouseBusy:
        st.error(t("warehouse.busy", lang))
        return
    if result.ok:
        st.session_state[K_SESSION] = open_session(result.account.username)
        st.rerun()
    elif result.outcome == "throttled":
        st.error(t("auth.throttled", lang, seconds=math.ceil(result.wait_s)))
    elif result.outcome == "disabled":
        st.error(t("auth.disabled", lang))
    else:
        st.error(t("auth.failed", lang))


def _client_address() -> str | None:
    """The address the browser connects from (per-address throttling)."""
    try:
        return st.context.ip_address
    except Exception:  # no browser behind this run
        return None


def _sso_button(lang: str) -> None:
    try:
        import authlib  # noqa: F401  (st.login needs it)
    except ImportError:
        st.caption(t("auth.sso_unavailable", lang))
        return
    if st.button(t("auth.sso", lang), key="auth_sso"):
        st.login()


def _first_admin_form(lang: str) -> None:
    with st.expander(t("auth.setup_title", lang)):
        st.caption(t("auth.setup_hint", lang))
        with st.form("auth_setup"):
            token = st.text_input(t("auth.setup_token", lang), type="password", key="auth_setup_token")
            username = st.text_input(t("auth.username", lang), key="auth_setup_username")
            display = st.text_input(t("auth.display_name", lang), key="auth_setup_name")
            password = st.text_input(t("auth.password", lang), type="password", key="auth_setup_password")
            again = st.text_input(t("auth.password_again", lang), type="password", key="auth_setup_again")
            submitted = st.form_submit_button(t("auth.setup_submit", lang))
    if not submitted:
        return
    holder = _setup_token(str(settings.access_db_path()))
    try:
        if password != again:
            raise accounts.AccountError("passwords_differ")
        made = accounts.create_first_admin(token, holder.get("token") or "", username, password,
                                           display_name=display)
    except accounts.AccountError as refused:
        st.error(refused.message(lang))
        return
    holder["token"] = None      # one time only
    st.success(t("auth.setup_done", lang, username=made.username))


# Gates ---------------------------------------------------------------------------
def gate(lang: str) -> Principal:
    """app.py, before the navigation: the principal of this run; with
    ``require_login`` (or an unknown single sign-on identity) nothing but
    the sign-in is shown to nobody."""
    first_start()
    principal = current()
    keep_cookie(principal)
    if principal.via == "sso_unknown":
        st.error(t("auth.sso_unknown", lang, email=md_safe(principal.email or "")))
        if st.button(t("auth.logout", lang), key="auth_sso_logout"):
            st.logout()
        st.stop()
    if settings.require_login() and not principal.signed_in:
        st.title(t("app.title", lang))
        login_form(lang, "auth.login_required_everywhere")
        st.stop()
    return principal


def require(role: str, lang: str) -> Account:
    """A page's first line: the signed-in account if it has ``role``; else
    the sign-in form, or a refusal, and the page stops."""
    principal = current()
    if not principal.signed_in:
        login_form(lang)
        st.stop()
    if not principal.has_role(role):
        st.error(t("auth.role_needed", lang, role=t(f"role.{principal.account.role}", lang),
                   needed=t(f"role.{role}", lang)))
        st.stop()
    return principal.account


def _logout(principal: Principal) -> None:
    if principal.account is not None:
        audit.record_quietly(principal.account.username, "logout", "success",
                             scope_code=principal.account.scope_code,
                             source="sso" if principal.via == "sso" else "app")
    session = st.session_state.pop(K_SESSION, None)
    if isinstance(session, Mapping) and principal.via == "password":
        _signed_out().add((session.get("username"), session.get("issued")))
        st.session_state[K_COOKIE_CLEAR] = True
        st.session_state.pop(K_COOKIE_AT, None)


def sidebar_status(principal: Principal, lang: str) -> None:
    """Who is signed in, and the sign-out button (nothing for nobody)."""
    if not principal.signed_in:
        return
    account = principal.account
    with st.sidebar:
        st.caption(t("auth.signed_in", lang, name=md_safe(account.display_name),
                     role=t(f"role.{account.role}", lang),
                     scope=unit_name(account.scope_code)))
        if st.button(t("auth.logout", lang), key="auth_logout"):
            _logout(principal)
            if principal.via == "sso":
                st.logout()
            st.rerun()


def record(action: str, what: str, *, outcome: str = "success", detail: str | None = None) -> None:
    """Log an export or a deck by whoever is looking (the demo's nobody as
    'anonymous')."""
    principal = current()
    account = principal.account
    audit.record_quietly(account.username if account else "anonymous", action, outcome,
                         target=what, detail=detail,
                         scope_code=account.scope_code if account else viewing_scope(principal),
                         source="sso" if principal.via == "sso" else "app")
