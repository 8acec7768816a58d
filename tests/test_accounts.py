"""Accounts: argon2 hashes, roles and scopes that nobody can widen, disabled
accounts, slowed repeated failures, the first admin (etl/accounts.py and
``python -m etl users``)."""
from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import duckdb
import pytest

from etl import accounts, audit, cli, settings
from etl.accounts import AccountError

QUANZHOU, JINJIANG, LUOJIANG = "350500", "350582", "350504"
ANHAI, CIZAO, WANAN = "350582101", "350582102", "350504001"
PASSWORD = "Quanzhou-2026-test"
T0 = datetime(2026, 11, 23, 9, 0, 0)


@pytest.fixture
def access(tmp_path, monkeypatch):
    """A fresh access file beside a (not yet existing) warehouse."""
    monkeypatch.setenv("UNION_DB", str(tmp_path / "warehouse.duckdb"))
    return tmp_path / "access.duckdb"


def make(name, role, scope, by=None, **kwargs):
    return accounts.add(name, PASSWORD, role=role, scope_code=scope, by=by, **kwargs)


def refused(code, work):
    with pytest.raises(AccountError) as caught:
        work()
    assert caught.value.code == code
    return caught.value


# Passwords ------------------------------------------------------------------------

def test_a_password_is_kept_only_as_an_argon2id_hash(access):
    make("lihua", "uploader", ANHAI)
    con = duckdb.connect(str(access), read_only=True)
    (stored,) = con.execute("SELECT password_hash FROM accounts WHERE username = 'lihua'").fetchone()
    con.close()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD.encode() not in access.read_bytes()


def test_there_is_no_account_and_no_default_password_before_someone_makes_one(access):
    assert len(accounts.list_accounts()) == 0
    assert not accounts.has_admin()
    for name, password in [("admin", "admin"), ("admin", ""), ("root", "root"), ("admin", "123456")]:
        assert accounts.authenticate(name, password, now=T0).outcome == "failure"


@pytest.mark.parametrize("password, code", [
    ("short1!", "password_too_short"),
    ("lihua-2026-long", "password_has_username"),
    ("aaaaaaaaaaaa", "password_too_simple"),
])
def test_weak_passwords_are_refused_with_the_rule_they_break(access, password, code):
    error = refused(code, lambda: accounts.add("lihua", password, role="viewer",
                                               scope_code=ANHAI, by=None))
    assert {"password_too_short": "密码至少 10 个字符",
            "password_has_username": "密码不能包含用户名",
            "password_too_simple": "密码太简单：至少要有 4 个不同的字符"}[code] == error.message("zh")
    assert len(accounts.list_accounts()) == 0


def test_a_hostile_user_name_is_refused_before_it_reaches_a_table(access):
    error = refused("username_invalid", lambda: make("x'); DROP TABLE accounts; --", "viewer", ANHAI))
    assert error.message("en") == (
        "User name 'x'); DROP TABLE accounts; --' is not valid: use 2-40 lower-case letters, "
        "digits or _ . -, starting with a letter or digit")


# Signing in -------------------------------------------------------------------------

def test_the_right_password_signs_in_and_a_wrong_one_or_name_does_not_say_which(access):
    make("lihua", "uploader", ANHAI)
    good = accounts.authenticate("LiHua ", PASSWORD, now=T0)
    assert good.ok and good.account.username == "lihua" and good.account.scope_code == ANHAI
    assert accounts.authenticate("lihua", "wrong-password", now=T0).outcome == "failure"
    assert accounts.authenticate("nobody", PASSWORD, now=T0).outcome == "failure"


def test_a_disabled_account_cannot_sign_in_even_with_its_password_and_can_again_once_enabled(access):
    make("lihua", "uploader", ANHAI)
    accounts.set_disabled("lihua", True, by=None)
    assert accounts.authenticate("lihua", PASSWORD, now=T0).outcome == "disabled"
    accounts.set_disabled("lihua", False, by=None)
    assert accounts.authenticate("lihua", PASSWORD, now=T0 + timedelta(seconds=1)).ok


def test_a_new_password_replaces_the_old_one(access):
    make("lihua", "uploader", ANHAI)
    accounts.set_password("lihua", "Anhai-spring-2027", by=None)
    assert accounts.authenticate("lihua", PASSWORD, now=T0).outcome == "failure"
    assert accounts.authenticate("lihua", "Anhai-spring-2027", now=T0).ok


def test_the_wait_after_failures_doubles_from_the_third_and_stops_at_five_minutes():
    failures = [T0 + timedelta(seconds=i) for i in range(2)]
    assert accounts.throttle_wait(failures, T0 + timedelta(seconds=2)) == 0
    failures.append(T0 + timedelta(seconds=2))
    assert accounts.throttle_wait(failures, T0 + timedelta(seconds=2)) == 5
    assert accounts.throttle_wait(failures, T0 + timedelta(seconds=4)) == 3
    assert accounts.throttle_wait(failures, T0 + timedelta(seconds=7)) == 0
    many = [T0 + timedelta(seconds=i) for i in range(12)]
    assert accounts.throttle_wait(many, T0 + timedelta(seconds=11)) == 300
    # Failures older than the 15-minute window no longer count.
    assert accounts.throttle_wait(many, T0 + timedelta(minutes=16)) == 0


def test_repeated_failures_are_slowed_even_for_the_right_password_then_it_works(access):
    make("lihua", "uploader", ANHAI)
    for second in range(3):
        assert accounts.authenticate("lihua", "guess-number-x", now=T0 + timedelta(seconds=second)
                                     ).outcome == "failure"
    slowed = accounts.authenticate("lihua", PASSWORD, now=T0 + timedelta(seconds=3))
    assert (slowed.outcome, slowed.wait_s) == ("throttled", 4.0)
    # Attempts while waiting are refused unseen, and do not lengthen the wait.
    assert accounts.authenticate("lihua", "guess-number-y", now=T0 + timedelta(seconds=4)
                                 ).outcome == "throttled"
    assert accounts.authenticate("lihua", PASSWORD, now=T0 + timedelta(seconds=8)).ok
    # A success starts the count again.
    assert accounts.authenticate("lihua", "guess-number-z", now=T0 + timedelta(seconds=9)
                                 ).outcome == "failure"
    assert accounts.authenticate("lihua", PASSWORD, now=T0 + timedelta(seconds=10)).ok


def test_one_address_trying_many_names_is_slowed_after_its_tenth_failure(access):
    # Password spraying: one wrong guess per name never slows any one name.
    make("lihua", "uploader", ANHAI)
    sprayer, office = "203.0.113.7", "198.51.100.20"
    for second in range(10):
        assert accounts.authenticate(f"guess{second}", "Spring-2026!", client=sprayer,
                                     now=T0 + timedelta(seconds=second)).outcome == "failure"
    slowed = accounts.authenticate("lihua", PASSWORD, client=sprayer,
                                   now=T0 + timedelta(seconds=10))
    assert (slowed.outcome, slowed.wait_s) == ("throttled", 4.0)
    # Someone at another address is not held up, and the log keeps the addresses.
    assert accounts.authenticate("lihua", PASSWORD, client=office,
                                 now=T0 + timedelta(seconds=11)).ok
    logins = audit.entries(action="login")
    assert logins["client"].value_counts().to_dict() == {sprayer: 11, office: 1}


# Who may grant what ----------------------------------------------------------------

def test_a_county_admin_grants_within_the_county_and_never_above_it(access):
    county = make("jj-admin", "admin", JINJIANG)
    made = make("anhai-staff", "uploader", ANHAI, by=county)
    assert (made.role, made.scope_code, made.created_by) == ("uploader", ANHAI, "jj-admin")
    error = refused("grant_scope_too_wide", lambda: make("city-viewer", "viewer", QUANZHOU, by=county))
    assert error.message("zh") == "不能授予自身权限范围（晋江市）以外的范围：泉州市"
    refused("grant_scope_too_wide", lambda: make("wanan-staff", "uploader", WANAN, by=county))
    refused("grant_scope_too_wide", lambda: accounts.update("anhai-staff", by=county,
                                                            scope_code=LUOJIANG))
    assert accounts.get("anhai-staff").scope_code == ANHAI


def test_only_admins_grant_and_an_admin_cannot_touch_an_account_above_their_scope(access):
    city = make("city-admin", "admin", QUANZHOU)
    county = make("jj-admin", "admin", JINJIANG, by=city)
    staff = make("anhai-staff", "uploader", ANHAI, by=county)
    error = refused("not_an_admin", lambda: make("friend", "viewer", ANHAI, by=staff))
    assert error.message("en") == "Only administrators manage accounts"
    refused("grant_scope_too_wide", lambda: accounts.set_disabled("city-admin", True, by=county))
    refused("grant_scope_too_wide", lambda: accounts.set_password("city-admin", "Taken-over-2026",
                                                                   by=county))
    assert accounts.authenticate("city-admin", PASSWORD, now=T0).ok
    # Nobody changes their own role, scope or state.
    refused("cannot_change_self", lambda: accounts.set_disabled("jj-admin", True, by=county))
    refused("cannot_change_self", lambda: accounts.update("jj-admin", by=county, scope_code=ANHAI))


def test_an_admin_lists_only_the_accounts_of_their_scope(access):
    make("city-admin", "admin", QUANZHOU)
    make("jj-admin", "admin", JINJIANG)
    make("anhai-staff", "uploader", ANHAI)
    make("wanan-staff", "uploader", WANAN)
    assert list(accounts.list_accounts(scope=JINJIANG)["username"]) == ["anhai-staff", "jj-admin"]
    assert len(accounts.list_accounts(scope=QUANZHOU)) == 4


def test_an_unknown_scope_or_role_is_refused(access):
    error = refused("scope_unknown", lambda: make("x1", "viewer", "350599"))
    assert error.message("zh") == "未知的组织单位代码「350599」"
    refused("role_unknown", lambda: make("x1", "superuser", ANHAI))


# Single sign-on ---------------------------------------------------------------------

def test_a_sign_on_email_maps_to_its_account_and_an_unknown_one_to_nothing(access):
    make("lihua", "viewer", ANHAI, email="LiHua@Example.org")
    assert accounts.sign_on("lihua@example.org", now=T0).account.username == "lihua"
    assert accounts.sign_on("stranger@example.org", now=T0).outcome == "failure"
    accounts.set_disabled("lihua", True, by=None)
    assert accounts.sign_on("lihua@example.org", now=T0).outcome == "disabled"
    refused("email_taken", lambda: make("other", "viewer", CIZAO, email="lihua@example.org"))


# The first admin --------------------------------------------------------------------

def test_the_first_admin_needs_the_printed_token_and_there_is_only_one_first(access):
    token = accounts.new_setup_token()
    refused("setup_token_wrong", lambda: accounts.create_first_admin("guess", token, "boss",
                                                                     PASSWORD))
    assert not accounts.has_admin()
    boss = accounts.create_first_admin(token, token, "boss", PASSWORD, display_name="市总工会")
    assert (boss.role, boss.scope_code, boss.created_by) == ("admin", QUANZHOU, "setup-token")
    refused("first_admin_exists", lambda: accounts.create_first_admin(token, token, "boss2", PASSWORD))


# The command line -------------------------------------------------------------------

def run_cli(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_users_add_list_passwd_disable_from_the_command_line(access, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "users", "add", "boss", "--role", "admin",
                           "--scope", QUANZHOU, "--name", "市总工会", "--password-stdin",
                           stdin=PASSWORD + "\n")
    assert (code, out.strip()) == (0, "已创建用户 boss（admin，范围：泉州市 350500） / "
                                      "User boss created (admin, scope: 泉州市 350500)")
    run_cli(monkeypatch, capsys, "users", "add", "lihua", "--role", "uploader", "--scope", ANHAI,
            "--password-stdin", stdin=PASSWORD + "\n")
    code, out, _ = run_cli(monkeypatch, capsys, "users", "list", "--json")
    assert json.loads(out) == {"users": [
        {"username": "boss", "display_name": "市总工会", "role": "admin", "scope": QUANZHOU,
         "email": None, "disabled": False},
        {"username": "lihua", "display_name": "lihua", "role": "uploader", "scope": ANHAI,
         "email": None, "disabled": False}]}
    code, out, _ = run_cli(monkeypatch, capsys, "users", "passwd", "lihua", "--password-stdin",
                           stdin="Anhai-spring-2027\n")
    assert out.strip() == "用户 lihua 的密码已更改 / The password of lihua was changed"
    code, out, _ = run_cli(monkeypatch, capsys, "users", "disable", "lihua")
    assert (code, out.strip()) == (0, "用户 lihua 已停用 / User lihua is disabled")
    assert accounts.authenticate("lihua", "Anhai-spring-2027", now=T0).outcome == "disabled"
    code, _, err = run_cli(monkeypatch, capsys, "users", "add", "x1", "--role", "viewer",
                           "--scope", "999999", "--sso-only")
    assert (code, err.strip()) == (2, "未知的组织单位代码「999999」 / Unknown org unit code '999999'")
    # The command line's changes are in the audit log as its operator.
    log = audit.entries(action="account")
    assert list(log["detail"])[::-1] == ["add role=admin scope=350500",
                                         "add role=uploader scope=350582101", "password", "disable"]
    assert set(log["source"]) == {"cli"} and all(a.startswith("cli:") for a in log["actor"])


def test_the_access_file_sits_beside_the_warehouse(access):
    assert settings.access_db_path() == access
