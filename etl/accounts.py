"""Accounts: who may sign in, with which role, over which part of the org tree.

* Roles, each including the one before: ``viewer`` (dashboards within the
  scope), ``uploader`` (+ upload and roll back within the scope), ``admin``
  (+ accounts and the audit log within the scope).
* A scope is an org unit code and covers its subtree (etl/scope.py).
* Nobody grants a role above their own or a scope outside their own, and
  only admins grant at all.  The command line (``python -m etl users``) is
  the machine's operator, who holds the files anyway: it may grant anything,
  and is how the first admin is made.  The other way is the one-time token
  the app prints to its console at a first start with no admin.
* Passwords are kept only as argon2id hashes (argon2-cffi).  There is no
  default password anywhere.
* Repeated failed logins are slowed: after THROTTLE_AFTER failures in a row,
  each next attempt must wait, doubling up to THROTTLE_MAX_S; attempts made
  while waiting are refused without looking at the password.  So is one
  address (the browser's) after THROTTLE_CLIENT_AFTER failures, whatever
  names it tries.  Every attempt is in the audit log, with its address.

Accounts live in the access file with the audit log (see etl/audit.py); an
account change and its audit row are written in one transaction.
"""
from __future__ import annotations

import getpass
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import argon2
import pandas as pd

from etl import audit, reference
from etl import scope as scopes
from etl.messages import issue

ROLES = ("viewer", "uploader", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD_LENGTH = 10
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_AFTER = 3          # failures in a row before attempts are slowed
THROTTLE_FIRST_S = 5.0
THROTTLE_MAX_S = 300.0
# One address trying many names (password spraying) is slowed too, later:
# an office's staff share one address behind its router.
THROTTLE_CLIENT_AFTER = 10

_USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{1,39}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HASHER = argon2.PasswordHasher()
# Verified against when the name is unknown, so that a wrong name takes as
# long to refuse as a wrong password and does not tell which names exist.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class AccountError(Exception):
    """A refused account operation; ``issue`` holds both languages."""

    def __init__(self, code: str, **params):
        self.code = code
        self.issue = issue(code, **params)
        super().__init__(f"{self.issue.message_zh} / {self.issue.message_en}")

    def message(self, lang: str) -> str:
        return self.issue.message_en if lang == "en" else self.issue.message_zh


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    scope_code: str
    email: str | None = None
    disabled: bool = False
    created_at: datetime | None = None
    created_by: str = ""

    def has_role(self, role: str) -> bool:
        return _RANK[self.role] >= _RANK[role]

    @property
    def can_upload(self) -> bool:
        return self.has_role("uploader")

    @property
    def is_admin(self) -> bool:
        return self.has_role("admin")

    def covers(self, code: str) -> bool:
        return scopes.within(code, self.scope_code)


# Rules, pure -----------------------------------------------------------------------
def normalise_username(text: str) -> str:
    return str(text or "").strip().lower()


def check_username(username: str) -> str:
    name = normalise_username(username)
    if not _USERNAME.fullmatch(name):
        raise AccountError("username_invalid", username=str(username)[:60])
    return name


def check_password(password: str, username: str) -> None:
    """At least MIN_PASSWORD_LENGTH characters, not the user name, not one
    character repeated."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short", length=MIN_PASSWORD_LENGTH)
    if username and username.lower() in password.lower():
        raise AccountError("password_has_username")
    if len(set(password)) < 4:
        raise AccountError("password_too_simple")


def check_email(email: str | None) -> str | None:
    if email is None or not str(email).strip():
        return None
    text = str(email).strip().lower()
    if not _EMAIL.fullmatch(text):
        raise AccountError("email_invalid", email=str(email)[:80])
    return text


def known_units() -> dict[str, str]:
    """Org unit code -> Chinese name, from the shipped reference table."""
    units = reference.read_org_units()
    return dict(zip(units["code"].astype(str), units["name_zh"]))


def root_scope() -> str:
    """The widest unit the reference table knows (泉州市)."""
    units = reference.read_org_units()
    for level in ("province", "city", "county"):
        found = units.loc[units["level"] == level, "code"]
        if len(found):
            return str(found.iloc[0])
    raise ValueError("the org unit table has no city")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError("role_unknown", role=str(role)[:40], choices=", ".join(ROLES))
    return role


def check_scope(code: str) -> str:
    code = str(code or "").strip()
    if code not in known_units():
        raise AccountError("scope_unknown", scope=code[:40])
    return code


def check_grant(by: Account | None, role: str, scope_code: str) -> None:
    """May ``by`` (None: the command line) give ``role`` over ``scope_code``?"""
    if by is None:
        return
    if not by.is_admin:
        raise AccountError("not_an_admin")
    if _RANK[role] > _RANK[by.role]:
        raise AccountError("grant_role_too_wide", role=role, own=by.role)
    if not scopes.grants_within(scope_code, by.scope_code):
        units = known_units()
        raise AccountError("grant_scope_too_wide", scope=units.get(scope_code, scope_code),
                           own=units.get(by.scope_code, by.scope_code))


def check_manage(by: Account | None, target: Account) -> None:
    """May ``by`` change ``target`` at all?  Only within their scope and rank."""
    check_grant(by, target.role, target.scope_code)


def throttle_wait(failures: list[datetime], now: datetime, after: int = THROTTLE_AFTER) -> float:
    """Seconds still to wait before the next attempt, given the failures in a
    row within the window: none for the first THROTTLE_AFTER - 1, then
    THROTTLE_FIRST_S after the last failure, doubling with each further
    failure up to THROTTLE_MAX_S."""
    recent = [at for at in failures if now - at <= THROTTLE_WINDOW]
    if len(recent) < after:
        return 0.0
    pause = min(THROTTLE_FIRST_S * 2 ** (len(recent) - after), THROTTLE_MAX_S)
    waited = (now - max(recent)).total_seconds()
    return max(pause - waited, 0.0)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password or "") and password_hash is not None
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def operator() -> str:
    """The command line's actor in the audit log: cli:<OS user>."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli:unknown"


def _actor(by: Account | None) -> tuple[str, str]:
    return (operator(), "cli") if by is None else (by.username, "app")


# Reading ---------------------------------------------------------------------------
ACCOUNT_COLUMNS = ["username", "display_name", "role", "scope_code", "email", "disabled",
                   "created_at", "created_by"]
SELECT_SQL = f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM accounts"


def _account(row) -> Account:
    return Account(*row)


def get(username: str) -> Account | None:
    with audit.access_read() as con:
        if con is None:
            return None
        rows = con.execute(f"{SELECT_SQL} WHERE username = ?",
                           [normalise_username(username)]).fetchall()
    return _account(rows[0]) if rows else None


def by_email(email: str) -> Account | None:
    """The account a single sign-on identity maps to (None: no such account)."""
    text = str(email or "").strip().lower()
    if not text:
        return None
    with audit.access_read() as con:
        if con is None:
            return None
        rows = con.execute(f"{SELECT_SQL} WHERE email = ?", [text]).fetchall()
    return _account(rows[0]) if len(rows) == 1 else None


def list_accounts(scope: str | None = None) -> pd.DataFrame:
    """Every account (within ``scope`` if given), by user name."""
    with audit.access_read() as con:
        if con is None:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in ACCOUNT_COLUMNS})
        frame = con.execute(f"{SELECT_SQL} ORDER BY username").df()
    if scope is not None:
        frame = frame[[scopes.within(code, scope) for code in frame["scope_code"]]]
    return frame.reset_index(drop=True)


def has_admin() -> bool:
    with audit.access_read() as con:
        if con is None:
            return False
        rows = con.execute("SELECT count(*) FROM accounts WHERE role = 'admin' AND NOT disabled"
                           ).fetchall()
    return rows[0][0] > 0


# Changing --------------------------------------------------------------------------
def _load(con, username: str) -> Account:
    rows = con.execute(f"{SELECT_SQL} WHERE username = ?", [username]).fetchall()
    if not rows:
        raise AccountError("account_unknown", username=username[:60])
    return _account(rows[0])


def _email_free(con, email: str | None, username: str) -> None:
    if email is None:
        return
    rows = con.execute("SELECT username FROM accounts WHERE email = ? AND username <> ?",
                       [email, username]).fetchall()
    if rows:
        raise AccountError("email_taken", email=email)


def _in_transaction(work):
    """Run ``work(con)`` in one transaction on the access file."""
    with audit.access_write() as con:
        con.execute("BEGIN")
        try:
            result = work(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return result


def add(username: str, password: str | None, *, role: str, scope_code: str,
        by: Account | None, display_name: str | None = None, email: str | None = None,
        now: datetime | None = None) -> Account:
    """A new account.  ``password`` None: single sign-on only (needs an e-mail)."""
    name = check_username(username)
    role = check_role(role)
    scope_code = check_scope(scope_code)
    check_grant(by, role, scope_code)
    email = check_email(email)
    if password is None and email is None:
        raise AccountError("password_or_email")
    if password is not None:
        check_password(password, name)
    now = now or datetime.now()
    actor, source = _actor(by)
    display = (display_name or "").strip() or name
    hashed = hash_password(password) if password is not None else None

    def work(con):
        if con.execute("SELECT count(*) FROM accounts WHERE username = ?", [name]).fetchall()[0][0]:
            raise AccountError("account_exists", username=name)
        _email_free(con, email, name)
        con.execute(
            """INSERT INTO accounts (username, display_name, role, scope_code, email, password_hash,
                                     disabled, created_at, created_by, password_changed_at)
               VALUES (?, ?, ?, ?, ?, ?, false, ?, ?, ?)""",
            [name, display, role, scope_code, email, hashed, now, actor,
             now if hashed else None])
        audit.append(con, audit.Event(actor, "account", "success", target=name,
                                      detail=f"add role={role} scope={scope_code}",
                                      scope_code=scope_code, source=source), now)
        return _load(con, name)

    return _in_transaction(work)


def update(username: str, *, by: Account | None, role: str | None = None,
           scope_code: str | None = None, display_name: str | None = None,
           email: str | None = ..., now: datetime | None = None) -> Account:
    """Change an account's role, scope, name or e-mail (``email=None`` clears it)."""
    name = normalise_username(username)
    now = now or datetime.now()
    actor, source = _actor(by)

    def work(con):
        target = _load(con, name)
        check_manage(by, target)
        new_role = check_role(role) if role is not None else target.role
        new_scope = check_scope(scope_code) if scope_code is not None else target.scope_code
        check_grant(by, new_role, new_scope)
        if by is not None and by.username == target.username and (
                new_role != target.role or new_scope != target.scope_code):
            raise AccountError("cannot_change_self")
        new_email = target.email if email is ... else check_email(email)
        _email_free(con, new_email, name)
        new_display = (display_name or "").strip() or target.display_name
        con.execute("""UPDATE accounts SET role = ?, scope_code = ?, email = ?, display_name = ?,
                                           changed_at = ?
                       WHERE username = ?""",
                    [new_role, new_scope, new_email, new_display, now, name])
        changes = [f"{field}: {old} -> {new}" for field, old, new in (
            ("role", target.role, new_role), ("scope", target.scope_code, new_scope),
            ("email", target.email, new_email), ("name", target.display_name, new_display))
            if old != new]
        audit.append(con, audit.Event(actor, "account", "success", target=name,
                                      detail="update " + ("; ".join(changes) or "nothing"),
                                      scope_code=new_scope, source=source), now)
        return _load(con, name)

    return _in_transaction(work)


def set_password(username: str, password: str, *, by: Account | None,
                 now: datetime | None = None) -> None:
    name = normalise_username(username)
    check_password(password, name)
    hashed = hash_password(password)
    now = now or datetime.now()
    actor, source = _actor(by)

    def work(con):
        target = _load(con, name)
        if by is None or by.username != target.username:
            check_manage(by, target)
        con.execute("UPDATE accounts SET password_hash = ?, password_changed_at = ?, changed_at = ? "
                    "WHERE username = ?", [hashed, now, now, name])
        audit.append(con, audit.Event(actor, "account", "success", target=name, detail="password",
                                      scope_code=target.scope_code, source=source), now)

    _in_transaction(work)


def set_disabled(username: str, disabled: bool, *, by: Account | None,
                 now: datetime | None = None) -> Account:
    name = normalise_username(username)
    now = now or datetime.now()
    actor, source = _actor(by)

    def work(con):
        target = _load(con, name)
        check_manage(by, target)
        if by is not None and by.username == target.username:
            raise AccountError("cannot_change_self")
        con.execute("UPDATE accounts SET disabled = ?, changed_at = ? WHERE username = ?",
                    [disabled, now, name])
        audit.append(con, audit.Event(actor, "account", "success", target=name,
                                      detail="disable" if disabled else "enable",
                                      scope_code=target.scope_code, source=source), now)
        return _load(con, name)

    return _in_transaction(work)


def refuse(by: Account | None, error: AccountError, target: str, now: datetime | None = None) -> None:
    """Log a refused account change (the change itself wrote nothing)."""
    actor, source = _actor(by)
    audit.record(actor, "account", "refused", target=target, detail=error.code,
                 scope_code=by.scope_code if by else None, source=source, at=now)


# Signing in ------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    outcome: str            # success | failure | disabled | throttled
    wait_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.account is not None


def authenticate(username: str, password: str, *, now: datetime | None = None,
                 source: str = "app", client: str | None = None) -> LoginResult:
    """Check a name and password; every attempt is logged, with the address
    it came from (``client``) when known."""
    now = now or datetime.now()
    name = normalise_username(username)[:80] or "-"
    wait = throttle_wait(audit.failures_since_success(name, now, THROTTLE_WINDOW), now)
    if client:
        wait = max(wait, throttle_wait(
            audit.failures_since_success(name, now, THROTTLE_WINDOW, client=client), now,
            after=THROTTLE_CLIENT_AFTER))
    account = get(name) if _USERNAME.fullmatch(name) else None
    scope_code = account.scope_code if account else None

    def log(outcome: str, detail: str | None = None) -> None:
        audit.record(name, "login", outcome, detail=detail, scope_code=scope_code, source=source,
                     at=now, client=client)

    if wait > 0:
        log("throttled", f"wait {wait:.0f} s")
        return LoginResult(None, "throttled", wait)
    password_hash = None
    if account is not None:
        with audit.access_read() as con:
            password_hash = con.execute("SELECT password_hash FROM accounts WHERE username = ?",
                                        [name]).fetchall()[0][0]
    if not _verify(password_hash, password):
        log("failure", "unknown user" if account is None else "wrong password")
        return LoginResult(None, "failure")
    if account.disabled:
        log("failure", "account disabled")
        return LoginResult(None, "disabled")
    if _HASHER.check_needs_rehash(password_hash):
        with audit.access_write() as con:
            con.execute("UPDATE accounts SET password_hash = ? WHERE username = ?",
                        [hash_password(password), name])
    log("success")
    return LoginResult(account, "success")


def sign_on(email: str, *, now: datetime | None = None) -> LoginResult:
    """A single sign-on identity (an e-mail the identity provider vouched
    for) to its account; an unknown or disabled one gets nothing."""
    now = now or datetime.now()
    text = str(email or "").strip().lower()
    account = by_email(text)
    if account is None:
        audit.record(text or "-", "login", "failure", detail="unknown e-mail", source="sso", at=now)
        return LoginResult(None, "failure")
    if account.disabled:
        audit.record(account.username, "login", "failure", detail="account disabled",
                     scope_code=account.scope_code, source="sso", at=now)
        return LoginResult(None, "disabled")
    audit.record(account.username, "login", "success", detail=text, scope_code=account.scope_code,
                 source="sso", at=now)
    return LoginResult(account, "success")


# The first admin -------------------------------------------------------------------
def new_setup_token() -> str:
    """A one-time token for creating the first admin from the app."""
    return secrets.token_urlsafe(18)


def create_first_admin(token: str, expected_token: str, username: str, password: str, *,
                       display_name: str | None = None, email: str | None = None,
                       now: datetime | None = None) -> Account:
    """The first admin, over the whole org tree, from the app: only with the
    token printed at start and only while no admin exists (checked in the
    same transaction that creates it, so two tabs cannot both succeed)."""
    if not expected_token or not hmac.compare_digest(str(token or "").strip().encode(),
                                                     expected_token.encode()):
        audit.record(normalise_username(username)[:80] or "-", "account", "refused",
                     detail="first admin: wrong token", at=now)
        raise AccountError("setup_token_wrong")
    name = check_username(username)
    check_password(password, name)
    email = check_email(email)
    scope_code = root_scope()
    hashed = hash_password(password)
    now = now or datetime.now()

    def work(con):
        if con.execute("SELECT count(*) FROM accounts WHERE role = 'admin'").fetchall()[0][0]:
            raise AccountError("first_admin_exists")
        if con.execute("SELECT count(*) FROM accounts WHERE username = ?", [name]).fetchall()[0][0]:
            raise AccountError("account_exists", username=name)
        con.execute(
            """INSERT INTO accounts (username, display_name, role, scope_code, email, password_hash,
                                     disabled, created_at, created_by, password_changed_at)
               VALUES (?, ?, 'admin', ?, ?, ?, false, ?, 'setup-token', ?)""",
            [name, (display_name or "").strip() or name, scope_code, email, hashed, now, now])
        audit.append(con, audit.Event(name, "account", "success", target=name,
                                      detail=f"first admin (setup token) scope={scope_code}",
                                      scope_code=scope_code), now)
        return _load(con, name)

    return _in_transaction(work)
