"""Writing parsed tables into the warehouse as batches, and undoing a batch.

A batch is what one file contributed to one dataset.  Loading it retires
(``retired_by`` = the new batch) the current rows that share its replace
scope (a town's month, a town's year, a contract, a station), then inserts
the new rows, a whole frame per statement.  Retired rows are kept, so that
rolling a batch back can bring back exactly what it replaced.

Every function here runs on a connection whose transaction the caller owns
(see etl/pipeline.py): nothing in this module commits.
Table and column names in the SQL come from specs.py and the schema, never
from input; values are always parameters.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from etl import settings
from etl.messages import Note, issue, note
from etl.model import ParsedTable
from etl.specs import DATASETS, Dataset

# Values a replacing row may leave blank to keep the value of the row it
# replaces: a per-person claims roster knows who was paid, not how many
# members the scheme has.
CARRY_OVER: dict[str, tuple[str, ...]] = {"mutual_aid": ("members_enrolled",)}

_NOT_DATA = {"batch_id", "retired_by"}


class BatchError(Exception):
    """A rollback request that cannot be done; carries the bilingual Issue."""

    def __init__(self, code: str, **params):
        self.issue = issue(code, **params)
        self.code = code
        super().__init__(f"{self.issue.message_zh} / {self.issue.message_en}")


class UnknownBatch(BatchError):
    pass


class AlreadyRolledBack(BatchError):
    pass


def first_row(cursor: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of a statement's result, fetching it to the end: DuckDB
    refuses to register a frame on a connection whose last result was only
    partly fetched, as ``fetchone()`` leaves it."""
    rows = cursor.fetchall()
    return rows[0] if rows else None


# Files -----------------------------------------------------------------------
def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_extension(file_name: str) -> str:
    """The original's extension, kept so the archived copy opens in Excel;
    anything odd is dropped because the name came from a user."""
    suffix = Path(file_name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def archive_path(sha256: str, file_name: str, db: Path | None = None) -> Path:
    return settings.archive_dir(db) / f"{sha256}{archive_extension(file_name)}"


def archive(data: bytes, sha256: str, file_name: str, db: Path | None = None) -> Path:
    """Keep the original under its content hash (never the user's name).
    Written before the commit and atomically: if the commit then fails, an
    unreferenced copy is left, which is harmless."""
    path = archive_path(sha256, file_name, db)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


ACTIVE_BATCH_OF_FILE_SQL = """
    SELECT min(batch_id) FROM load_batches WHERE sha256 = ? AND status = 'active'
"""


def active_batch_of_file(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The batch that already holds a byte-identical file, if any is active."""
    (batch_id,) = first_row(con.execute(ACTIVE_BATCH_OF_FILE_SQL, [sha256]))
    return batch_id


# What a batch is about ------------------------------------------------------
PERIOD_COLUMN = {"mutual_aid": "month", "station_visits": "month", "summer_camps": "year",
                 "collective_contracts": "signed_date"}


def period_labels(dataset: str, frame: pd.DataFrame) -> pd.Series:
    """Per row, the period it belongs to as the batch log names it:
    '2024-07' for monthly data, '2024' for camps, a contract's signing month,
    'register' for the station register."""
    column = PERIOD_COLUMN.get(dataset)
    if column is None:
        return pd.Series("register", index=frame.index, dtype="object")
    values = frame[column]
    # Label each distinct value once: a million rows hold a few dozen months.
    distinct = pd.Series(values.dropna().unique())
    labels = dict(zip(distinct, _labels(column, distinct)))
    return values.map(labels).astype("object")


def _labels(column: str, values: pd.Series) -> list[str]:
    if column == "year":
        return [str(int(v)) for v in values]
    return pd.to_datetime(values).dt.strftime("%Y-%m").tolist()


def batch_periods(dataset: str, frame: pd.DataFrame) -> list[str]:
    column = PERIOD_COLUMN.get(dataset)
    if column is None:
        return ["register"] if len(frame) else []
    distinct = pd.Series(frame[column].unique()).dropna()   # unique first: far fewer values
    return sorted(set(_labels(column, distinct)))


def batch_units(frame: pd.DataFrame) -> list[str]:
    return sorted(str(code) for code in frame["town_code"].unique() if not pd.isna(code))


def roster_note(people: int) -> Note:
    return note("roster_aggregated", people=people)


@dataclass
class BatchPlan:
    """One future batch: what one file holds for one dataset."""
    file: str
    dataset: str
    frame: pd.DataFrame
    sheets: list[str]
    roster_people: int = 0

    @property
    def note(self) -> Note | None:
        return roster_note(self.roster_people) if self.roster_people else None


def plan_batches(tables: list[ParsedTable]) -> list[BatchPlan]:
    """Group tables by (file, dataset), keeping the order they came in: two
    sheets of one workbook with the same dataset make one batch."""
    plans: dict[tuple[str, str], BatchPlan] = {}
    for table in tables:
        key = (table.file, table.dataset)
        if key not in plans:
            plans[key] = BatchPlan(table.file, table.dataset, table.frame, [],
                                   table.roster_people)
        else:
            plan = plans[key]
            plan.frame = pd.concat([plan.frame, table.frame], ignore_index=True)
            plan.roster_people += table.roster_people
        # A CSV has one nameless sheet: no name to log.
        if table.sheet and table.sheet not in plans[key].sheets:
            plans[key].sheets.append(table.sheet)
    return [p for p in plans.values() if len(p.frame)]


# Writing -------------------------------------------------------------------
@dataclass
class BatchWritten:
    batch_id: int
    dataset: str
    file: str
    rows: int
    units: list[str]
    periods: list[str]
    retired: int                       # current rows this batch replaced
    note: str | None = None
    superseded: list[int] = field(default_factory=list)  # batches now fully replaced


def rows_table(spec: Dataset) -> str:
    return f"{spec.table}_rows"


# pragma_table_info() rather than duckdb_columns(): the latter lists every
# column of every catalog, and the first time an instance asks it binds all of
# DuckDB's built-in views to do so (~14 ms, the largest fixed cost of a small
# load); pragma_table_info looks up the one table, in the connection's own
# database only.  The type comes as text: 'INTEGER', 'DECIMAL(14,2)'.
COLUMNS_SQL = "SELECT name, type FROM pragma_table_info(?) ORDER BY cid"
_INTEGER_BOUNDS = {"SMALLINT": 2 ** 15 - 1, "INTEGER": 2 ** 31 - 1, "BIGINT": 2 ** 63 - 1}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def _table_columns(con: duckdb.DuckDBPyConnection, spec: Dataset) -> list[tuple]:
    """(name, type, precision, scale) of the dataset's data columns, in schema
    order; precision and scale are None but for DECIMALs."""
    columns = []
    for name, data_type in con.execute(COLUMNS_SQL, [rows_table(spec)]).fetchall():
        if name in _NOT_DATA:
            continue
        decimal = _DECIMAL.fullmatch(data_type)
        precision, scale = (int(decimal[1]), int(decimal[2])) if decimal else (None, None)
        columns.append((name, data_type, precision, scale))
    return columns


def storable_bounds(con: duckdb.DuckDBPyConnection, spec: Dataset) -> dict[str, float]:
    """Per numeric column of the dataset's table, the largest magnitude its
    type holds (INTEGER 2,147,483,647; DECIMAL(14, 2) 999,999,999,999.99)."""
    bounds = {}
    for name, data_type, precision, scale in _table_columns(con, spec):
        if data_type in _INTEGER_BOUNDS:
            bounds[name] = float(_INTEGER_BOUNDS[data_type])
        elif precision is not None:
            bounds[name] = 10.0 ** (precision - scale) - 10.0 ** -scale
    return bounds


def unstorable(con: duckdb.DuckDBPyConnection, tables: list[ParsedTable]) -> list:
    """An out_of_range error for each value its column's type cannot hold,
    whatever validation let through: a number the warehouse cannot store
    must be refused as the uploader's error, not fail the INSERT."""
    found = []
    for table in tables:
        spec = DATASETS[table.dataset]
        frame = table.frame
        for name, high in storable_bounds(con, spec).items():
            if name not in frame.columns:
                continue
            values = pd.to_numeric(frame[name], errors="coerce").astype("float64")
            over = values.notna() & (values.abs() > high)
            header, letter = table.columns.get(name, (name, ""))
            for index in np.flatnonzero(over.to_numpy()):
                row = int(frame["_row"].iloc[index]) if "_row" in frame.columns else None
                found.append(issue("out_of_range", file=table.file, sheet=table.sheet, row=row,
                                   column=header, cell=f"{letter}{row}" if letter and row else "",
                                   value=_number_text(values.iloc[index]), low="0",
                                   high=_number_text(high)))
    return found


def _number_text(value: float) -> str:
    if not np.isfinite(value):
        return str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def stored_columns(con: duckdb.DuckDBPyConnection, spec: Dataset) -> list[str]:
    """The data columns of the dataset's *_rows table, in schema order: the
    schema, not the frame, decides what is stored (``_row`` and anything a
    parser adds for itself stay behind)."""
    return [name for name, *_ in _table_columns(con, spec)]


def storable_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The frame cut to the stored columns; date objects become datetime64
    so that DuckDB reads the column as a vector instead of object by object."""
    out = pd.DataFrame(index=frame.index)
    for name in columns:
        if name not in frame.columns:
            out[name] = None
            continue
        values = frame[name]
        if values.dtype == object and _holds_dates(values):
            values = pd.to_datetime(values)
        out[name] = values
    return out.reset_index(drop=True)


def _holds_dates(values: pd.Series) -> bool:
    # The first value that is there decides (found without copying the column).
    if len(values) and not pd.isna(values.iloc[0]):
        return isinstance(values.iloc[0], (date, datetime, pd.Timestamp))
    present = values.notna().to_numpy()
    first = int(present.argmax()) if len(present) else 0
    return bool(len(present) and present[first]) and isinstance(
        values.iloc[first], (date, datetime, pd.Timestamp))


def arrow_rows(frame: pd.DataFrame):
    """The frame as an Arrow table, which DuckDB scans much faster than
    object columns; the frame itself if a column will not convert."""
    try:
        # One thread: pyarrow would otherwise start a pool of Python threads
        # per call for a frame of over 100 rows per column, which costs more
        # than it saves on columns that convert in a few ms (and the object
        # columns hold the GIL anyway).
        return pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    except (pa.ArrowException, TypeError, ValueError):
        return frame


INSERT_BATCH_SQL = """
    INSERT INTO load_batches (dataset, file_name, sha256, sheets, row_count, units, periods,
                              loaded_at, loaded_by, status, note)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)
    RETURNING batch_id
"""


def write_batch(con: duckdb.DuckDBPyConnection, plan: BatchPlan, *, sha256: str,
                loaded_by: str, loaded_at: datetime) -> BatchWritten:
    """Log the batch, retire the current rows of its scope, insert its rows."""
    spec = DATASETS[plan.dataset]
    units = batch_units(plan.frame)
    periods = batch_periods(plan.dataset, plan.frame)
    (batch_id,) = first_row(con.execute(
        INSERT_BATCH_SQL,
        [plan.dataset, plan.file, sha256, plan.sheets, len(plan.frame), units, periods,
         loaded_at, loaded_by, plan.note],
    ))

    columns = stored_columns(con, spec)
    new_rows = storable_frame(plan.frame, columns)
    con.register("new_rows", arrow_rows(new_rows))
    try:
        retired = retire_scope(con, spec, batch_id)
        insert_rows(con, spec, batch_id, columns)
        carry_over(con, spec, batch_id)
    finally:
        # After a failed statement DuckDB refuses even this until ROLLBACK;
        # the caller's rollback drops the view, and the real error must
        # not be masked by "transaction is aborted".
        with contextlib.suppress(duckdb.TransactionException):
            con.unregister("new_rows")
    superseded = refresh_statuses(con, spec.name)
    return BatchWritten(batch_id, plan.dataset, plan.file, len(new_rows), units, periods,
                        retired, plan.note, superseded)


def _scope_match(spec: Dataset, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in spec.replace_scope)


def retire_scope(con: duckdb.DuckDBPyConnection, spec: Dataset, batch_id: int) -> int:
    """Retire the current rows sharing a scope with ``new_rows``."""
    scope = ", ".join(spec.replace_scope)
    sql = f"""
        UPDATE {rows_table(spec)} AS cur SET retired_by = ?
        FROM (SELECT DISTINCT {scope} FROM new_rows) AS incoming
        WHERE cur.retired_by IS NULL AND {_scope_match(spec, 'cur', 'incoming')}
    """
    (count,) = first_row(con.execute(sql, [batch_id]))
    return int(count)


def insert_rows(con: duckdb.DuckDBPyConnection, spec: Dataset, batch_id: int,
                columns: list[str]) -> None:
    """All of ``new_rows`` in one statement; DuckDB casts to the column types
    (amounts to DECIMAL with 2 places, counts to INTEGER)."""
    names = ", ".join(columns)
    con.execute(
        f"INSERT INTO {rows_table(spec)} (batch_id, retired_by, {names}) "
        f"SELECT ?, NULL, {names} FROM new_rows",
        [batch_id],
    )


def carry_over(con: duckdb.DuckDBPyConnection, spec: Dataset, batch_id: int) -> None:
    """Fill the blanks of CARRY_OVER columns from the row with the same key
    that this batch just retired."""
    table = rows_table(spec)
    key_match = " AND ".join(f"new.{c} = old.{c}" for c in spec.key)
    for column in CARRY_OVER.get(spec.name, ()):
        con.execute(
            f"""
            UPDATE {table} AS new SET {column} = old.{column}
            FROM {table} AS old
            WHERE new.batch_id = ? AND new.{column} IS NULL
              AND old.retired_by = ? AND old.batch_id <> ? AND {key_match}
            """,
            [batch_id, batch_id, batch_id],
        )


def refresh_statuses(con: duckdb.DuckDBPyConnection, dataset: str) -> list[int]:
    """A live batch is 'active' while any of its rows is current and
    'superseded' once all were replaced.  Returns the batches that just
    became superseded."""
    table = rows_table(DATASETS[dataset])
    rows = con.execute(
        f"""
        WITH live AS (SELECT DISTINCT batch_id FROM {table} WHERE retired_by IS NULL),
        wanted AS (
            SELECT b.batch_id,
                   CASE WHEN live.batch_id IS NULL THEN 'superseded' ELSE 'active' END AS status
            FROM load_batches b LEFT JOIN live USING (batch_id)
            WHERE b.dataset = ? AND b.status IN ('active', 'superseded')
        )
        UPDATE load_batches SET status = wanted.status
        FROM wanted
        WHERE load_batches.batch_id = wanted.batch_id AND load_batches.status <> wanted.status
        RETURNING load_batches.batch_id, load_batches.status
        """,
        [dataset],
    ).fetchall()
    return sorted(batch_id for batch_id, status in rows if status == "superseded")


# Rolling back ----------------------------------------------------------------
@dataclass
class RolledBack:
    batch_id: int
    dataset: str
    file: str
    removed: int        # the batch's rows that were current
    restored: int       # rows it had replaced that are current again
    reactivated: list[int] = field(default_factory=list)  # batches no longer superseded

    @property
    def message(self) -> Note:
        return note("batch_rolled_back", batch_id=self.batch_id, dataset=self.dataset,
                    file_name=self.file, removed=self.removed, restored=self.restored)


BATCH_SQL = """
    SELECT dataset, file_name, status, rolled_back_at FROM load_batches WHERE batch_id = ?
"""


def rollback_batch(con: duckdb.DuckDBPyConnection, batch_id: int, *,
                   now: datetime) -> RolledBack:
    """Undo batch ``batch_id``: its rows are retired (by itself), the rows it
    had replaced are current again unless a later batch now holds their
    scope (then they count as replaced by that batch)."""
    found = first_row(con.execute(BATCH_SQL, [batch_id]))
    if found is None:
        raise UnknownBatch("batch_unknown", batch_id=batch_id)
    dataset, file_name, status, rolled_back_at = found
    if status == "rolled_back":
        raise AlreadyRolledBack("batch_already_rolled_back", batch_id=batch_id,
                                when=f"{rolled_back_at:%Y-%m-%d %H:%M}")
    spec = DATASETS[dataset]
    table = rows_table(spec)
    before = _active_batches(con, dataset)

    # Its own rows go first, all of them (also those a later batch replaced):
    # retired_by = itself marks them dead for good, so rolling back that later
    # batch cannot bring them back.
    (removed,) = first_row(con.execute(
        f"SELECT count(*) FROM {table} WHERE batch_id = ? AND retired_by IS NULL", [batch_id]
    ))
    con.execute(f"UPDATE {table} SET retired_by = ? WHERE batch_id = ?", [batch_id, batch_id])

    # Rows it replaced whose scope a later batch now holds: replaced by that one.
    con.execute(
        f"""
        UPDATE {table} AS old SET retired_by = holder.batch_id
        FROM (SELECT {', '.join(spec.replace_scope)}, max(batch_id) AS batch_id
              FROM {table} WHERE retired_by IS NULL
              GROUP BY {', '.join(spec.replace_scope)}) AS holder
        WHERE old.retired_by = ? AND old.batch_id <> ? AND {_scope_match(spec, 'old', 'holder')}
        """,
        [batch_id, batch_id],
    )
    (restored,) = first_row(con.execute(
        f"UPDATE {table} SET retired_by = NULL WHERE retired_by = ? AND batch_id <> ?",
        [batch_id, batch_id],
    ))

    con.execute(
        "UPDATE load_batches SET status = 'rolled_back', rolled_back_at = ? WHERE batch_id = ?",
        [now, batch_id],
    )
    refresh_statuses(con, dataset)
    reactivated = sorted(_active_batches(con, dataset) - before)
    return RolledBack(batch_id, dataset, file_name, int(removed), int(restored), reactivated)


def _active_batches(con: duckdb.DuckDBPyConnection, dataset: str) -> set[int]:
    rows = con.execute(
        "SELECT batch_id FROM load_batches WHERE dataset = ? AND status = 'active'", [dataset]
    ).fetchall()
    return {batch_id for (batch_id,) in rows}


# Reading the log -------------------------------------------------------------
BATCHES_SQL = """
    SELECT batch_id, dataset, file_name, sha256, sheets, row_count, units, periods,
           loaded_at, loaded_by, status, rolled_back_at, note
    FROM load_batches
    ORDER BY batch_id
"""


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(BATCHES_SQL).df()
