"""Connections to the DuckDB warehouse, safe across processes.

DuckDB lets one process hold a read-write connection to a file, and while it
does, every other process fails to open the file at all, even read-only.  The
dashboard (readers) and the loader (a writer: the CLI or the upload page) run
in different processes, so:

* nobody keeps the file open: readers open it read-only per query batch,
  the writer per load, and both close it at once;
* a sidecar lock file (``<db>.lock``) orders them: readers take a shared
  ``flock``, the writer an exclusive one, each waiting a bounded time (and a
  waiting writer goes before readers who arrive after it).  So a
  reader never meets DuckDB's raw lock error, and never sees half a batch,
  because it cannot open the file until the writer's transaction has
  committed and the connection is closed.

Neither creates a DuckDB instance of its own: each attaches the file to one
empty in-memory instance that the process keeps (``_host_cursor``), under
a name of its own, and detaches it when done, which (for the writer)
checkpoints and closes the file as closing a connection would.  Creating an
instance and building DuckDB's catalog of built-in functions costs ~12 ms,
tearing it down ~3 ms, an ATTACH ~1 ms: a reader's batch of one query took
~26 ms on a connection of its own and takes ~3 ms attached, and a page's
first run asks for 9-16 such batches.  The file is held only between ATTACH
and DETACH, under the lock, exactly as by a connection of its own; the
instance keeps nothing of it afterwards, so nothing read before a write can
be served stale after it.  Readers in several threads may attach the same
file at once (read-only, each under its own name).  Since every warehouse
the process opens is attached to the same instance, catalog questions go
through ``has_table`` and ``has_column``, which ask about the connection's
own database.
"""
from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import threading
import time
from pathlib import Path

import duckdb

from etl import settings

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


class WarehouseBusy(RuntimeError):
    """The other side held the warehouse longer than the configured wait."""

    def __init__(self, path: Path, waited_s: float):
        self.message_zh = f"数据库正忙（正在导入数据），已等待 {waited_s:.0f} 秒，请稍后重试。"
        self.message_en = f"The warehouse is busy (a load is running); waited {waited_s:.0f} s, please retry."
        super().__init__(f"{self.message_en} ({path})")


class WarehouseMissing(FileNotFoundError):
    pass


def _lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _gate_path(db: Path) -> Path:
    return db.with_name(db.name + ".writer.lock")


def _acquire(path: Path, exclusive: bool, db: Path, start: float, timeout_s: float) -> int:
    """An open descriptor holding a flock on ``path``; closing it releases."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    delay = 0.005
    try:
        while True:
            try:
                fcntl.flock(fd, mode)
                return fd
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout_s:
                    raise WarehouseBusy(db, waited) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def _flock(db: Path, exclusive: bool, timeout_s: float):
    """Readers share ``<db>.lock``, the writer holds it alone.

    flock favours nobody, so dashboards querying back to back could keep a
    waiting writer out for ever.  Hence a gate in front (``<db>.writer.lock``):
    a reader passes through it (shared, for an instant), a writer closes it
    (exclusive, for the whole load), so readers who come after a waiting
    writer queue behind it while those already in finish."""
    db.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    gate = _acquire(_gate_path(db), exclusive, db, start, timeout_s)
    try:
        lock = _acquire(_lock_path(db), exclusive, db, start, timeout_s)
    except BaseException:
        os.close(gate)
        raise
    if not exclusive:
        os.close(gate)
    try:
        yield
    finally:
        os.close(lock)
        if exclusive:
            os.close(gate)


def _retrying_on_lock(db: Path, deadline: float, open_file):
    """``open_file()``, again while DuckDB says another process holds ``db``:
    a process outside our locking (an analyst's duckdb shell) may still hold
    the file, so its lock error is retried within the same bounded wait."""
    delay = 0.01
    while True:
        try:
            return open_file()
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                if "lock" in str(exc).lower():
                    raise WarehouseBusy(db, settings.lock_timeout_s()) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


@contextlib.contextmanager
def read(db: Path | None = None, timeout_s: float | None = None):
    """A short-lived read-only connection, the file attached read-only to the
    process's host instance.  Use it for one batch of queries."""
    db = Path(db or settings.db_path())
    timeout_s = settings.lock_timeout_s() if timeout_s is None else timeout_s
    if not db.exists():
        raise WarehouseMissing(str(db))
    with _flock(db, exclusive=False, timeout_s=timeout_s):
        con, alias = _attach(db, deadline=time.monotonic() + timeout_s, read_only=True)
        try:
            yield con
        finally:
            _detach(con, alias)


@contextlib.contextmanager
def write(db: Path | None = None, timeout_s: float | None = None):
    """The single writer.  The caller owns the transaction (BEGIN/COMMIT);
    one left open when the block ends is rolled back."""
    db = Path(db or settings.db_path())
    timeout_s = settings.lock_timeout_s() if timeout_s is None else timeout_s
    with _flock(db, exclusive=True, timeout_s=timeout_s):
        con, alias = _attach(db, deadline=time.monotonic() + timeout_s)
        try:
            yield con
        finally:
            _detach(con, alias)


# The process's host instance for readers and writers: in memory, empty,
# never holding a file between batches.  Each gets its own connection to it
# (a cursor: its own transaction, temporary views and default database) and
# attaches the file under a name of its own, so readers and writers in
# several threads (the app's sessions) never share a connection or a name;
# a writer of a file never overlaps its readers or another writer, because
# of the lock above.
_HOST: duckdb.DuckDBPyConnection | None = None
_HOST_PID: int | None = None
_HOST_LOCK = threading.Lock()
_ALIASES = itertools.count(1)


def _host_cursor() -> duckdb.DuckDBPyConnection:
    """A new connection to the host instance (created on first use, and
    again in a forked child, which must not share its parent's threads)."""
    global _HOST, _HOST_PID
    with _HOST_LOCK:
        if _HOST is None or _HOST_PID != os.getpid():
            _HOST = duckdb.connect(":memory:", config=_CONFIG)
            _HOST_PID = os.getpid()
        return _HOST.cursor()


def _unique_alias(stem: str) -> str:
    return f"{stem}_{os.getpid()}_{next(_ALIASES)}"


def _attach(db: Path, deadline: float, read_only: bool = False) -> tuple[duckdb.DuckDBPyConnection, str]:
    """``db`` attached (read-write, or read-only) to a new host connection and
    made its default database, so that unqualified names (tables, views,
    sequences) are the file's, as on a connection of its own."""
    alias = _unique_alias("reader" if read_only else "warehouse")
    con = _host_cursor()
    attach = "ATTACH ? AS " + _identifier(alias) + (" (READ_ONLY)" if read_only else "")
    try:
        _retrying_on_lock(db, deadline, lambda: con.execute(attach, [str(db)]))
        con.execute("USE " + _identifier(alias))
        con.execute("SET enable_progress_bar = false")
    except BaseException:
        _detach(con, alias)
        raise
    return con, alias


def _detach(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """Close the connection (which rolls back a transaction left open),
    then detach the file from the host: DuckDB checkpoints a file attached
    read-write and releases it, as closing a connection of its own would."""
    try:
        con.close()
    finally:
        other = _host_cursor()
        try:
            # IF EXISTS: after a failed ATTACH there is nothing to detach.
            other.execute("DETACH DATABASE IF EXISTS " + _identifier(alias))
        finally:
            other.close()


@contextlib.contextmanager
def attached(con: duckdb.DuckDBPyConnection, db: Path, alias: str,
             timeout_s: float | None = None):
    """``db`` attached read-write to an already open connection, as its
    writer (same locks as ``write``), and the default database until the
    block ends.  A DuckDB instance costs ~9 ms to create, an ATTACH ~1 ms:
    a load writes its audit entry this way.  ``alias`` is ours, never input;
    a number is added to it, since every writer of the process attaches to
    the same host instance (see ``write``), where names are shared."""
    timeout_s = settings.lock_timeout_s() if timeout_s is None else timeout_s
    alias = _unique_alias(alias)
    (home,) = con.execute("SELECT current_database()").fetchone()
    with _flock(db, exclusive=True, timeout_s=timeout_s):
        con.execute("ATTACH ? AS " + _identifier(alias), [str(db)])
        try:
            con.execute("USE " + _identifier(alias))
            yield con
        finally:
            con.execute("USE " + _identifier(home))
            con.execute("DETACH " + _identifier(alias))


def commit_to_file(con: duckdb.DuckDBPyConnection) -> None:
    """COMMIT the writer's transaction with its changes written straight
    into the database file (a checkpoint), not first into the write-ahead
    log and then, when the writer detaches, into the file a second time:
    for a load of 100,000 rows that is ~45 ms of ~150 ms spent writing.
    COMMIT returns once the checkpoint is on disk, as it returns once the
    log is; a checkpoint cut short leaves the file as it was before it.

    DuckDB checkpoints at COMMIT when the changes exceed
    ``checkpoint_threshold``, a setting of the whole instance: it is 0 only
    for the moment of this COMMIT.  (Left at 0, every statement of a bulk
    build would checkpoint: the synthetic province build took a third
    longer.)  Another writer of the process committing in that moment may
    checkpoint too, or this one may not if another resets it first; either
    is as durable, only the timing differs."""
    con.execute("SET GLOBAL checkpoint_threshold = '0b'")
    try:
        con.execute("COMMIT")
    finally:
        try:
            con.execute("RESET GLOBAL checkpoint_threshold")
        except duckdb.Error:
            # A connection whose COMMIT failed may take nothing but ROLLBACK:
            # reset through another connection to the same instance, and
            # never let the reset hide the error that matters.  (RESET, not
            # the value found before: two loads in two threads could then
            # put back each other's 0 for good.  The host sets no threshold
            # of its own, so DuckDB's default is what every writer had.)
            with contextlib.suppress(duckdb.Error), con.cursor() as other:
                other.execute("RESET GLOBAL checkpoint_threshold")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# Every warehouse the process opens is attached to the one host instance, so
# the catalog lists them all: these ask about the connection's own database.
HAS_TABLE_SQL = """
    SELECT count(*) > 0 FROM information_schema.tables
    WHERE table_catalog = current_database() AND table_name = ?
"""

HAS_COLUMN_SQL = """
    SELECT count(*) > 0 FROM duckdb_columns()
    WHERE database_name = current_database() AND table_name = ? AND column_name = ?
"""


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Does the connection's own database have ``table``?"""
    return bool(con.execute(HAS_TABLE_SQL, [table]).fetchone()[0])


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Does ``table`` of the connection's own database have ``column``?"""
    return bool(con.execute(HAS_COLUMN_SQL, [table, column]).fetchone()[0])


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def data_version(db: Path | None = None) -> tuple[int, int]:
    """Changes whenever a load commits (the file is rewritten on close).
    Cached queries take it as an argument so that a load from another
    process shows up on the next rerun without clearing anything by hand."""
    db = Path(db or settings.db_path())
    try:
        st = db.stat()
    except FileNotFoundError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)
