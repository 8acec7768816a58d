"""Who sees and does what: for each role and scope, which pages open and which
rows come back; a viewer cannot upload; 安海镇's uploader cannot load 磁灶镇;
a disabled account cannot sign in; a tampered session or link does not
widen a scope.  On a copy of the fixture warehouse (tests/fixture_warehouse.py):
in 2024-01..06 安海 paid ¥385,435 of mutual aid, 磁灶 ¥120,000, 万安 ¥40,000
(泉州市 ¥545,435; 晋江市 ¥505,435)."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import auth
from etl import accounts, audit, pipeline, warehouse
from tests.fixture_warehouse import fixture_db  # noqa: F401  (a pytest fixture)
from tests.signed_in import PASSWORD, account, sign_in

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
UPLOADS = ROOT / "tests" / "fixtures" / "upload"
QUANZHOU, JINJIANG, ANHAI, CIZAO = "350500", "350582", "350582101", "350582102"
PAGES = ["pages/overview.py", "pages/mutual_aid.py", "pages/summer_camps.py", "pages/contracts.py",
         "pages/stations.py", "pages/present.py", "pages/upload.py", "pages/admin.py"]
ROLE_ZH = {"anhai-viewer": "查看员 · 安海镇", "anhai-up": "上传员 · 安海镇", "boss": "管理员 · 泉州市"}
LOGIN = "此页面需要登录：数据上传、数据管理和账户管理只对有账户的工作人员开放。"


@pytest.fixture
def db(fixture_db, tmp_path, monkeypatch):  # noqa: F811
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_db, copy)
    monkeypatch.setenv("UNION_DB", str(copy))
    monkeypatch.delenv("UNION_REQUIRE_LOGIN", raising=False)
    monkeypatch.setenv("UNION_CONFIG", str(tmp_path / "no-config.toml"))
    account("boss", "admin", QUANZHOU)
    account("jj-viewer", "viewer", JINJIANG)
    account("anhai-viewer", "viewer", ANHAI)
    account("anhai-up", "uploader", ANHAI)
    return copy


def open_app(user: str | None = None, page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    if user:
        sign_in(at, user)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def ranking(at: AppTest) -> list[str]:
    """The towns of the overview's ranking (a city view ranks counties until asked for towns)."""
    if [r for r in at.radio if r.key == "overview_ranking_unit"]:
        at.radio(key="overview_ranking_unit").set_value("town").run()
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(s["data"][0]["y"] for s in specs if s["layout"]["title"]["text"].startswith("镇街排名"))


def batch_count() -> int:
    with warehouse.read() as con:
        return con.execute("SELECT count(*) FROM load_batches").fetchone()[0]


# Which pages open ----------------------------------------------------------------

@pytest.mark.parametrize("user, upload, admin, accounts_page", [
    (None, "login", "login", False),
    ("anhai-viewer", "refused", "open", False),
    ("anhai-up", "open", "open", False),
    ("boss", "open", "open", True),
])
def test_each_role_opens_the_pages_it_may(db, user, upload, admin, accounts_page):
    at = open_app(user)
    signed = [c.value for c in at.sidebar.caption if c.value.startswith("已登录")]
    assert signed == ([] if user is None else [f"已登录：{user}（{ROLE_ZH[user]}）"])
    for page in PAGES[:5]:          # the dashboards: anyone, in the demo default
        at.switch_page(page).run()
        assert not at.exception and at.metric, page

    at.switch_page("pages/upload.py").run()
    shown = {"login": LOGIN in [c.value for c in at.caption],
             "refused": "您的角色（查看员）不能使用此页面：需要上传员。" in [e.value for e in at.error],
             "open": bool(at.get("file_uploader"))}
    assert [k for k, v in shown.items() if v] == [upload]

    at.switch_page("pages/admin.py").run()
    assert (LOGIN in [c.value for c in at.caption]) == (admin == "login")
    assert bool(at.tabs) == (admin == "open")

    # The accounts page is in the navigation only for admins; whoever reaches
    # it anyway (AppTest runs any page file) meets the page's own check.
    at.switch_page("pages/accounts.py").run()
    assert at.title[0].value == "账户管理" and not at.exception
    if accounts_page:
        assert at.dataframe and not at.error
    elif user is None:
        assert LOGIN in [c.value for c in at.caption] and not at.dataframe
    else:
        assert at.error[0].value.endswith("不能使用此页面：需要管理员。") and not at.dataframe


# Which rows come back ---------------------------------------------------------------

@pytest.mark.parametrize("user, region, paid, towns", [
    (None, "泉州市", "¥545,435", ["安海镇", "磁灶镇", "万安街道", "陈埭镇", "罗溪镇"]),
    ("boss", "泉州市", "¥545,435", ["安海镇", "磁灶镇", "万安街道", "陈埭镇", "罗溪镇"]),
    ("jj-viewer", "晋江市", "¥505,435", ["安海镇", "磁灶镇", "陈埭镇"]),
    ("anhai-viewer", "安海镇", "¥385,435", ["安海镇"]),
])
def test_each_scope_sees_its_own_subtree_and_ranks_only_its_towns(db, user, region, paid, towns):
    at = open_app(user)
    assert at.main.caption[0].value.startswith(f"{region} · 2024-01 至 2024-06")
    assert cards(at)["互助金支付"] == paid
    assert sorted(ranking(at)) == sorted(towns)


def test_a_town_account_sees_its_own_rows_in_every_table(db):
    at = open_app("anhai-viewer", "pages/mutual_aid.py")
    detail = at.dataframe[0].value
    assert set(detail["镇（街道）"]) == {"安海镇"}
    at.switch_page("pages/stations.py").run()
    assert len(at.dataframe[0].value) == 18          # 安海's 18 stations; 磁灶's and 万安's stay out


def run_script(user: str, query: str, params: dict) -> None:
    import streamlit as st

    from dashboard.queries import mutual_aid, overview
    from dashboard.ui.data import run
    from tests.signed_in import session_for

    st.session_state.setdefault("_union_signed_in", session_for(user))
    function = {"headline": mutual_aid.headline, "ranking": overview.town_ranking}[query]
    result = run(function, **params)
    st.write(f"rows={len(result)}")
    st.dataframe(result)


SPAN = {"first": "2024-01-01", "last": "2024-06-30"}


def test_the_query_runner_narrows_a_wider_prefix_and_refuses_a_neighbouring_one(db):
    at = AppTest.from_function(run_script, args=("anhai-viewer", "ranking", {"prefix": "3505", **SPAN}))
    at.run()
    assert list(at.dataframe[0].value["town_code"]) == [ANHAI]
    at = AppTest.from_function(run_script, args=("anhai-viewer", "ranking", {"prefix": CIZAO, **SPAN}))
    at.run()
    assert [e.value for e in at.error] == ["所请求的数据不在您的权限范围（安海镇）内。"]
    assert not at.dataframe


def deck_script(user: str) -> None:
    from datetime import date

    import streamlit as st

    from dashboard.filters import parse_view
    from dashboard.ui import present
    from dashboard.ui.sidebar import regions
    from tests.signed_in import session_for

    st.session_state.setdefault("_union_signed_in", session_for(user))
    city = parse_view({"region": "350500"}, regions(), date(2024, 6, 1))
    st.write(present.cached_report(city).title)


def test_a_deck_asked_for_the_whole_city_holds_only_the_accounts_town(db):
    at = AppTest.from_function(deck_script, args=("anhai-viewer",), default_timeout=120)
    at.run()
    assert "安海镇" in at.markdown[0].value and "泉州市" not in at.markdown[0].value


# Uploading and rolling back ----------------------------------------------------------

def commit_script(user: str | None, name: str) -> None:
    from pathlib import Path

    import streamlit as st

    from dashboard.ui import upload
    from tests.signed_in import session_for

    if user:
        st.session_state.setdefault("_union_signed_in", session_for(user))
    data = (Path("tests/fixtures/upload") / name).read_bytes()
    upload._commit([(name, data)], dataset=None, unit=None, accepted=True, lang="zh")


@pytest.mark.parametrize("user, message", [
    (None, LOGIN),
    ("anhai-viewer", "您的角色（查看员）不能使用此页面：需要上传员。"),
])
def test_a_viewer_or_nobody_cannot_load_even_by_calling_the_commit_directly(db, user, message):
    before = batch_count()
    at = AppTest.from_function(commit_script, args=(user, "安海镇医疗互助2024年6月.xlsx"))
    at.run()
    assert [e.value for e in at.error] == [message]
    assert batch_count() == before


CIZAO_CSV = ("镇街,月份,互助项目,参保人数,补助人次,补助金额\n"
             "安海镇,2024-06,职工住院医疗互助,10995,21,61200\n"
             "磁灶镇,2024-06,职工住院医疗互助,5360,11,22000\n")


def test_anhais_uploader_cannot_load_cizao_and_does_not_see_cizaos_numbers(db):
    files = [("安海磁灶6月.csv", CIZAO_CSV.encode("utf-8"))]
    checked = pipeline.check(files, scope=ANHAI)
    assert [(i.code, i.row, i.message_zh) for i in checked.errors] == [
        ("rows_outside_scope", 3, "第 3 行属于磁灶镇，不在您的权限范围（安海镇）内：整个文件不予导入")]
    # The preview compares only 安海's row: 磁灶's current ¥20,000 is not shown.
    assert set(checked.preview["town_code"]) == {ANHAI}
    assert "20,000" not in " ".join(checked.changes["old"].astype(str))
    before = batch_count()
    loaded = pipeline.load(files, scope=ANHAI, loaded_by="anhai-up", source="app")
    assert loaded.status == "rejected" and batch_count() == before
    # The same file is the city's to load.
    assert pipeline.load(files, scope=QUANZHOU, loaded_by="boss").status == "loaded"


def test_the_command_line_load_as_an_account_takes_its_scope(db, tmp_path, capsys):
    from etl import cli

    path = tmp_path / "安海磁灶6月.csv"
    path.write_text(CIZAO_CSV, encoding="utf-8")
    assert cli.main(["load", str(path), "--as", "anhai-up"]) == 1
    assert "第 3 行属于磁灶镇，不在您的权限范围（安海镇）内" in capsys.readouterr().out
    assert cli.main(["load", str(path), "--as", "anhai-viewer"]) == 2
    assert "不是上传员" in capsys.readouterr().err


def test_a_town_uploader_cannot_roll_back_a_batch_with_other_towns(db):
    # Batch 1..: the fixture's monthly mutual-aid batches hold 安海, 磁灶 and 万安.
    with pytest.raises(Exception) as refused:
        pipeline.rollback(1, scope=ANHAI, by="anhai-up", source="app")
    assert refused.value.issue.message_zh == (
        "批次 1 含有您权限范围（安海镇）以外的数据（万安街道、磁灶镇），不能撤销")
    assert pipeline.batches()["status"].iloc[0] == "active"
    # The batch list shows 安海's uploader only the batches wholly within 安海.
    log = pipeline.batches()
    own = [b for b, units in zip(log["batch_id"], log["units"]) if list(units) == [ANHAI]]
    assert own == [15, 43]      # the superseded first March report; June's station visits
    at = open_app("anhai-up", "pages/admin.py")
    assert len(at.dataframe[0].value) == len(own)


# Signing in --------------------------------------------------------------------------

def sign_in_with_form(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="auth_username").input(username)
    at.text_input(key="auth_password").input(password)
    at.button[0].click().run()
    return at


def test_the_login_form_signs_in_and_the_page_opens(db):
    at = open_app(None, "pages/upload.py")
    sign_in_with_form(at, "anhai-up", PASSWORD)
    assert at.get("file_uploader")
    assert list(audit.entries(action="login")["outcome"]) == ["success"]
    # 安海's uploader picks a town only among its own.
    assert at.selectbox(key="upload_unit").options == ["（表内已有镇街列）", "安海镇"]


def test_a_disabled_account_cannot_sign_in_and_a_live_session_ends_at_its_next_click(db):
    at = open_app("anhai-up", "pages/upload.py")
    assert at.get("file_uploader")
    accounts.set_disabled("anhai-up", True, by=None)
    at.run()
    assert LOGIN in [c.value for c in at.caption] and not at.get("file_uploader")
    sign_in_with_form(at, "anhai-up", PASSWORD)
    assert [e.value for e in at.error] == ["该账户已停用，请联系管理员。"]
    assert not at.get("file_uploader")


def who_is_looking_script() -> None:
    import streamlit as st

    from dashboard.ui import auth
    for _ in range(3):      # as a page's queries each ask
        principal = auth.current()
        st.write(principal.account.username if principal.signed_in else "nobody")


def test_who_is_looking_is_checked_once_per_run_and_afresh_at_the_next(db, monkeypatch):
    checks = []
    check = auth._current
    monkeypatch.setattr(auth, "_current", lambda: checks.append(1) or check())
    at = sign_in(AppTest.from_function(who_is_looking_script), "anhai-up")
    at.run()
    assert [m.value for m in at.markdown] == ["anhai-up"] * 3 and len(checks) == 1
    # Disabled by an admin between two clicks: out at the next run.
    accounts.set_disabled("anhai-up", True, by=None)
    at.run()
    assert [m.value for m in at.markdown] == ["nobody"] * 3 and len(checks) == 2


def test_wrong_passwords_are_slowed_after_the_third(db):
    at = open_app(None, "pages/upload.py")
    for _ in range(3):
        sign_in_with_form(at, "anhai-up", "not-the-password")
        assert [e.value for e in at.error] == ["用户名或密码不正确。"]
    sign_in_with_form(at, "anhai-up", PASSWORD)
    assert at.error[0].value.startswith("登录失败次数过多，请 ")
    assert not at.get("file_uploader")
    outcomes = list(audit.entries(action="login", actor="anhai-up")["outcome"])[::-1]
    assert outcomes == ["failure", "failure", "failure", "throttled"]


def test_a_session_ends_after_the_idle_time(db, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=60)
    long_ago = time.time() - 2 * 3600
    at.session_state[auth.K_SESSION] = {**auth.open_session("anhai-up", now=long_ago)}
    at.run()
    at.switch_page("pages/upload.py").run()
    assert "登录已过期，请重新登录。" in [i.value for i in at.info]
    assert not at.get("file_uploader")


# Surviving a reload: the cookie ----------------------------------------------------------
# A reload is a new Streamlit session; the browser's cookie names the sign-in
# (tests/browser/test_session.py reloads a real page).  Here, what the app
# makes of a cookie.

def test_a_sign_ins_cookie_resumes_it_after_a_reload():
    now = time.time()
    session = auth.open_session("anhai-up", now=now - 60)
    cookie = auth.session_cookie(session, now - 30)
    resumed = auth.resume(cookie, now)
    assert (resumed["username"], resumed["issued"], resumed["seen"]) == ("anhai-up", now - 60, now)
    assert auth._valid(resumed, now) == "anhai-up"


def test_a_forged_stale_or_signed_out_cookie_resumes_nothing(monkeypatch):
    monkeypatch.setenv("UNION_SESSION_IDLE_MINUTES", "30")
    now = time.time()
    session = auth.open_session("anhai-up", now=now - 60)
    cookie = auth.session_cookie(session, now - 30)
    issued, written, seal, name = cookie.split(":", 3)
    assert auth.resume(f"{issued}:{written}:{seal}:boss", now) is None        # another name
    assert auth.resume(f"{issued}:{float(written) + 3600!r}:{seal}:{name}", now) is None
    assert auth.resume("0" * 64, now) is None and auth.resume(None, now) is None
    assert auth.resume(auth.session_cookie(session, now - 31 * 60), now) is None   # idle
    auth._signed_out().add(("anhai-up", session["issued"]))
    assert auth.resume(cookie, now) is None


# Tampering ------------------------------------------------------------------------------

def test_a_forged_or_altered_session_gives_nobody_anything(db):
    forged = {"username": "boss", "issued": time.time(), "seen": time.time(), "seal": "0" * 64}
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth.K_SESSION] = forged
    at.run()
    at.switch_page("pages/upload.py").run()
    assert LOGIN in [c.value for c in at.caption]
    at.switch_page("pages/accounts.py").run()
    assert LOGIN in [c.value for c in at.caption] and not at.dataframe
    # A genuine session with a wider scope and role written into it: the
    # account's own, from the accounts table, is what counts.
    widened = {**auth.open_session("anhai-viewer"), "scope_code": QUANZHOU, "role": "admin"}
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth.K_SESSION] = widened
    at.run()
    assert cards(at)["互助金支付"] == "¥385,435"
    # A session sealed for one name and relabelled as another.
    relabelled = {**auth.open_session("anhai-viewer"), "username": "boss"}
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth.K_SESSION] = relabelled
    at.run()
    assert "已登录" not in " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("region", [CIZAO, JINJIANG, QUANZHOU])
def test_a_link_to_a_region_outside_the_scope_shows_the_scope_with_a_notice(db, region):
    at = open_app("anhai-viewer", region=region)
    assert [w.value for w in at.warning] == [f"链接中的地区「{region}」不在您的权限范围内，已改为显示安海镇。"]
    assert cards(at)["互助金支付"] == "¥385,435"
    assert at.query_params["region"] == ANHAI


def test_a_saved_view_in_the_session_cannot_widen_the_scope_either(db):
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, "anhai-viewer")
    at.session_state["_view_params"] = {"region": QUANZHOU, "from": "2024-01", "to": "2024-06",
                                        "cmp": "yoy", "lang": "zh"}
    at.run()
    assert cards(at)["互助金支付"] == "¥385,435"


def test_link_text_is_shown_as_typed_never_as_a_link(db):
    at = open_app("anhai-viewer", region="[点此](http://evil.example)<img src=x>")
    assert [w.value for w in at.warning] == [
        r"链接中的地区代码「\[点此\](http:\/\/evil.example)\<img src=x\>」无法识别，已改为显示安海镇。"]


def test_md_safe_disarms_links_images_html_math_and_bare_urls():
    assert auth.md_safe("[x](javascript:alert(1))") == r"\[x\](javascript:alert(1))"
    assert auth.md_safe("![](http://t.example/p.png)") == r"!\[\](http:\/\/t.example/p.png)"
    assert auth.md_safe("<script>") == r"\<script\>"
    assert auth.md_safe("$x^2$ :red[危险] www.evil.example") == r"\$x^2\$ :red\[危险\] www\.evil.example"
    assert auth.md_safe("安海镇医疗互助2024年6月_有错.xlsx") == "安海镇医疗互助2024年6月_有错.xlsx"


# Every page needs a login -----------------------------------------------------------------

def test_with_require_login_nobody_sees_anything_before_signing_in(db, monkeypatch):
    monkeypatch.setenv("UNION_REQUIRE_LOGIN", "1")
    at = open_app()
    assert at.title[0].value == "工会活动数据看板"
    assert "本系统需要登录后才能查看数据。" in [c.value for c in at.caption]
    assert not at.metric
    sign_in_with_form(at, "jj-viewer", PASSWORD)
    assert cards(at)["互助金支付"] == "¥505,435"
    # Even a page run without app.py's gate (AppTest runs a switched-to page
    # file by itself) gets no data: the query runner has no scope to give.
    alone = open_app()
    alone.switch_page("pages/mutual_aid.py").run()
    assert not alone.metric and not alone.dataframe
    assert [w.value for w in alone.warning] == ["没有可显示的数据：请先登录。"]


def test_require_login_can_be_set_in_the_config_file(db, tmp_path, monkeypatch):
    from etl import settings

    config = tmp_path / "union.toml"
    config.write_text("require_login = true\n", encoding="utf-8")
    monkeypatch.setenv("UNION_CONFIG", str(config))
    assert settings.require_login()
    monkeypatch.setenv("UNION_REQUIRE_LOGIN", "no")
    assert not settings.require_login()
    monkeypatch.setenv("UNION_REQUIRE_LOGIN", "maybe")
    assert settings.require_login()          # unreadable: closed, not open


# The accounts page ----------------------------------------------------------------------

def test_an_admin_creates_changes_and_disables_an_account_on_the_page_and_it_is_logged(db):
    at = open_app("boss", "pages/accounts.py")
    at.text_input(key="accounts_new_username").input("cizao-staff")
    at.text_input(key="accounts_new_name").input("磁灶镇工会")
    at.selectbox(key="accounts_new_role").set_value("uploader")
    at.selectbox(key="accounts_new_scope").set_value(CIZAO)
    at.text_input(key="accounts_new_password").input(PASSWORD)
    at.text_input(key="accounts_new_again").input(PASSWORD)
    at.button(key="accounts_create").click().run()
    assert [s.value for s in at.success] == ["已保存：cizao-staff"]
    made = accounts.get("cizao-staff")
    assert (made.role, made.scope_code, made.display_name, made.created_by) == (
        "uploader", CIZAO, "磁灶镇工会", "boss")

    at.selectbox(key="accounts_pick").set_value("cizao-staff").run()
    at.selectbox(key="accounts_edit_role:cizao-staff").set_value("viewer")
    at.button(key="accounts_save").click().run()
    assert accounts.get("cizao-staff").role == "viewer"
    at.selectbox(key="accounts_pick").set_value("cizao-staff").run()
    at.button(key="accounts_toggle").click().run()
    assert accounts.get("cizao-staff").disabled
    log = audit.entries(action="account", actor="boss")
    assert list(log["detail"])[::-1] == ["add role=uploader scope=350582102",
                                         "update role: uploader -> viewer", "disable"]


def test_a_county_admin_is_offered_only_the_county_and_its_towns(db):
    account("jj-admin", "admin", JINJIANG)
    at = open_app("jj-admin", "pages/accounts.py")
    scopes_offered = at.selectbox(key="accounts_new_scope").options
    assert scopes_offered[0] == "晋江市 350582" and len(scopes_offered) == 1 + 19
    assert not any("泉州市" in option or "洛江区" in option for option in scopes_offered)
    assert set(at.dataframe[0].value["用户名"]) == {"anhai-up", "anhai-viewer", "jj-admin", "jj-viewer"}
    # A weak password is refused with the rule, and the refusal is logged.
    at.text_input(key="accounts_new_username").input("chendai-staff")
    at.text_input(key="accounts_new_password").input("short")
    at.text_input(key="accounts_new_again").input("short")
    at.button(key="accounts_create").click().run()
    assert [e.value for e in at.error] == ["密码至少 10 个字符"]
    assert accounts.get("chendai-staff") is None
    assert list(audit.entries(action="account", actor="jj-admin")["outcome"]) == ["refused"]


def test_the_sidebar_offers_only_the_regions_within_the_scope(db):
    at = open_app("anhai-viewer")
    county, town = at.selectbox(key="filter_county"), at.selectbox(key="filter_town")
    assert (county.options, county.disabled) == (["晋江市"], True)
    assert (town.options, town.disabled) == (["安海镇"], True)
    at = open_app("jj-viewer")
    assert at.selectbox(key="filter_county").options == ["晋江市"]
    assert at.selectbox(key="filter_town").options == ["全部镇街", "安海镇", "磁灶镇", "陈埭镇"]
    at = open_app("boss")
    assert at.selectbox(key="filter_county").options == ["泉州市", "洛江区", "晋江市"]


# Single sign-on ---------------------------------------------------------------------------

@pytest.fixture
def sso(db, monkeypatch):
    """[auth] configured (the secrets file is the only thing stood in for)."""
    monkeypatch.setattr(auth, "sso_configured", lambda: True)
    account("lihua", "viewer", ANHAI)
    accounts.update("lihua", by=None, email="lihua@anhai.example.org")
    return db


def test_a_single_sign_on_email_maps_to_its_account_and_scope(sso):
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "email": "LiHua@anhai.example.org", "name": "李华"}
    at.run()
    assert cards(at)["互助金支付"] == "¥385,435"
    assert "已登录：lihua（查看员 · 安海镇）" in [c.value for c in at.sidebar.caption]
    logged = audit.entries(action="login")
    assert list(zip(logged["actor"], logged["outcome"], logged["source"])) == [
        ("lihua", "success", "sso")]


def test_an_unknown_single_sign_on_email_gets_no_data_even_in_the_demo_mode(sso):
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "email": "stranger@example.org"}
    at.run()
    assert [e.value for e in at.error] == [
        "stranger@example.org 没有对应的账户（或账户已停用），无权查看数据。请联系管理员开通。"]
    assert not at.metric
    logged = audit.entries(action="login")
    assert list(zip(logged["actor"], logged["outcome"], logged["detail"])) == [
        ("stranger@example.org", "failure", "unknown e-mail")]
