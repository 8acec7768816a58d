"""The audit log: who did what, when, and how it ended.

Every login (success and failure), upload, rollback, export, deck and account
change is one row.  The app can only append: this module offers ``record``
and ways to read, and no code anywhere updates or deletes a row
(tests/test_audit.py holds the code base to that).

The log and the accounts live in the *access* file
(``settings.access_db_path()``, ``access.duckdb`` beside the warehouse), not
in the warehouse: a rejected upload, a login or an export is logged without
changing the warehouse by a byte, without invalidating the dashboards'
caches, and without waiting for a long load to finish.  The access file is
opened like the warehouse (``etl.warehouse``: short connections, the same
cross-process locking).
"""
from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from etl import scope as scopes
from etl import settings, warehouse

# The access file's tables.  accounts is etl/accounts.py's; it is created
# here with the log so that whichever is written first sets up the file.
ACCESS_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username             VARCHAR PRIMARY KEY,   -- lower case, [a-z0-9_.-]
    display_name         VARCHAR NOT NULL,      -- 张三 / 安海镇工会
    role                 VARCHAR NOT NULL CHECK (role IN ('viewer', 'uploader', 'admin')),
    scope_code           VARCHAR NOT NULL,      -- an org unit; covers its subtree
    email                VARCHAR,               -- lower case; maps a single sign-on identity here
    password_hash        VARCHAR,               -- argon2id; NULL: single sign-on only
    disabled             BOOLEAN NOT NULL DEFAULT false,
    created_at           TIMESTAMP NOT NULL,
    created_by           VARCHAR NOT NULL,
    changed_at           TIMESTAMP,
    password_changed_at  TIMESTAMP
);
CREATE SEQUENCE IF NOT EXISTS audit_ids START 1;
CREATE TABLE IF NOT EXISTS audit_log (
    event_id    BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
    logged_at   TIMESTAMP NOT NULL,
    actor       VARCHAR NOT NULL,   -- the account; the OS user on the command line;
                                    -- what was typed, for a failed login
    action      VARCHAR NOT NULL,   -- see ACTIONS
    outcome     VARCHAR NOT NULL,   -- see OUTCOMES
    target      VARCHAR,            -- file names, a batch, an account, an export's title
    detail      VARCHAR,
    scope_code  VARCHAR,            -- whose data or account it concerns (admins see their subtree)
    source      VARCHAR NOT NULL    -- app | cli | sso
);
-- Added later (an existing access file gains it on its next write): the
-- address a sign-in attempt came from, for throttling per address too.
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS client VARCHAR;
"""

ACTIONS = ("login", "logout", "upload", "rollback", "export", "deck", "account")
OUTCOMES = ("success", "failure", "refused", "throttled", "rejected", "duplicate")
COLUMNS = ["event_id", "logged_at", "actor", "action", "outcome", "target", "detail", "scope_code",
           "source", "client"]
# What a row may hold: a typed-in user name or a file name is cut, not trusted.
_MAX_TEXT = 500


@contextlib.contextmanager
def access_write():
    """A read-write connection to the access file (created on first use).
    The caller owns any transaction."""
    with warehouse.write(settings.access_db_path()) as con:
        con.execute(ACCESS_SCHEMA)
        yield con


@contextlib.contextmanager
def access_read():
    """A read-only connection to the access file, or None while there is none."""
    path = settings.access_db_path()
    if not path.exists():
        yield None
        return
    with warehouse.read(path) as con:
        yield con


def access_version() -> tuple[int, int]:
    """Changes whenever the access file is written (a cache key)."""
    return warehouse.data_version(settings.access_db_path())


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\x00", "")
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT - 1] + "…"


@dataclass(frozen=True)
class Event:
    actor: str
    action: str
    outcome: str
    target: str | None = None
    detail: str | None = None
    scope_code: str | None = None
    source: str = "app"
    client: str | None = None       # the address a sign-in attempt came from


INSERT_SQL = """
    INSERT INTO audit_log (logged_at, actor, action, outcome, target, detail, scope_code, source,
                           client)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    RETURNING event_id
"""


def append(con: duckdb.DuckDBPyConnection, event: Event, at: datetime | None = None) -> int:
    """Append ``event`` on an open access connection (inside the caller's
    transaction, e.g. with the account change it records)."""
    if event.action not in ACTIONS:
        raise ValueError(f"unknown audit action {event.action!r}")
    if event.outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {event.outcome!r}")
    rows = con.execute(INSERT_SQL, [at or datetime.now(), _text(event.actor) or "-",
                                    event.action, event.outcome, _text(event.target),
                                    _text(event.detail), event.scope_code, event.source,
                                    _text(event.client)]).fetchall()
    return int(rows[0][0])


def record(actor: str, action: str, outcome: str, *, target: str | None = None,
           detail: str | None = None, scope_code: str | None = None, source: str = "app",
           at: datetime | None = None, client: str | None = None) -> int:
    """Append one event in its own short transaction; returns its id."""
    event = Event(actor, action, outcome, target, detail, scope_code, source, client)
    with access_write() as con:
        return append(con, event, at)


def record_on(con: duckdb.DuckDBPyConnection, actor: str, action: str, outcome: str, *,
              target: str | None = None, detail: str | None = None,
              scope_code: str | None = None, source: str = "app") -> int | None:
    """``record_quietly`` through a connection that is already open (a
    load's, once its transaction has ended): the access file is attached to
    it rather than opened anew."""
    event = Event(actor, action, outcome, target, detail, scope_code, source)
    try:
        with warehouse.attached(con, settings.access_db_path(), "access_log") as access:
            access.execute(ACCESS_SCHEMA)
            return append(access, event)
    except Exception as exc:  # noqa: BLE001 - reported, never swallowed silently
        print(f"audit log not written: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


def record_quietly(*args, **kwargs) -> int | None:
    """``record``, for events logged after the fact they describe has
    happened (a load that has committed): a busy or broken access file must
    not turn a done load into an error; it is said on stderr instead."""
    try:
        return record(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported, never swallowed silently
        print(f"audit log not written: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


# Reading -------------------------------------------------------------------------
# SELECT *: a log from before a column existed lacks it (entries() fills it in).
ENTRIES_SQL = """
    SELECT *
    FROM audit_log
    WHERE logged_at >= $since AND logged_at < $until
      AND ($action IS NULL OR action = $action)
      AND ($actor IS NULL OR actor = $actor)
    ORDER BY event_id DESC
"""


def entries(*, since: datetime | None = None, until: datetime | None = None,
            action: str | None = None, actor: str | None = None,
            scope: str | None = None) -> pd.DataFrame:
    """The log, newest first.  ``scope``: only entries about that subtree
    (an admin of 晋江市 sees 晋江市's uploads and accounts, not 洛江区's, and
    not the failed logins of unknown names, which concern nobody's scope)."""
    params = {"since": since or datetime(2000, 1, 1), "until": until or datetime(9999, 1, 1),
              "action": action, "actor": actor}
    with access_read() as con:
        if con is None or not _has_log(con):
            return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
        log = con.execute(ENTRIES_SQL, params).df().reindex(columns=COLUMNS)
    log = log.astype(object).where(log.notna(), None)
    if scope is not None:
        log = log[[scopes.within(code, scope) if isinstance(code, str) else False
                   for code in log["scope_code"]]]
    return log.reset_index(drop=True)


def _has_log(con: duckdb.DuckDBPyConnection) -> bool:
    return warehouse.has_table(con, "audit_log")


LOGINS_SQL = """
    SELECT logged_at, outcome FROM audit_log
    WHERE action = 'login' AND actor = ? AND logged_at >= ?
    ORDER BY logged_at, event_id
"""


CLIENT_LOGINS_SQL = """
    SELECT logged_at, outcome FROM audit_log
    WHERE action = 'login' AND client = ? AND logged_at >= ?
    ORDER BY logged_at, event_id
"""


def failures_since_success(actor: str, now: datetime, window: timedelta, *,
                           client: str | None = None) -> list[datetime]:
    """When ``actor``'s failed logins within ``window`` before ``now``
    happened, counting only those after their last successful login; with
    ``client``, the failed logins from that address instead, whatever the
    name, after the last success from it."""
    with access_read() as con:
        if con is None or not _has_log(con):
            return []
        if client is not None:
            if not warehouse.has_column(con, "audit_log", "client"):
                return []       # an access file from before addresses were kept
            rows = con.execute(CLIENT_LOGINS_SQL, [_text(client), now - window]).fetchall()
        else:
            rows = con.execute(LOGINS_SQL, [_text(actor), now - window]).fetchall()
    failures: list[datetime] = []
    for at, outcome in rows:
        if outcome == "success":
            failures = []
        elif outcome == "failure":
            failures.append(at)
    return failures
