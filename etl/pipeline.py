"""From uploaded files to the warehouse: the one path the CLI and the upload
page both take.

``check`` reads, validates and previews (what each town and period would gain
or lose, with old -> new values) without writing; ``load`` does the same and
then, if there are no errors and any warnings were accepted, writes every
file of the command in ONE transaction: either all of it is committed or
nothing is.  Both hold the warehouse lock (shared for ``check``, exclusive for
``load``) from reading the context to the end, so what was validated against
is what gets written to.
"""
from __future__ import annotations

import dataclasses
import getpass
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from etl import audit
from etl import context as warehouse_context
from etl import limits as upload_limits
from etl import load as loader
from etl import reference, settings, warehouse
from etl import scope as scopes
from etl.messages import ERROR, WARNING, Issue, Note, issue, note
from etl.model import Context, HasIssues, LoadResult, ParsedTable
from etl.limits import Limits
from etl.specs import DATASETS, TOWN, Dataset

Progress = Callable[[str], None]


class UsageError(Exception):
    """The command itself is wrong (unknown dataset, unknown town)."""

    def __init__(self, code: str, **params):
        self.issue = issue(code, **params)
        self.code = code
        super().__init__(f"{self.issue.message_zh} / {self.issue.message_en}")


def bilingual(code: str, **params) -> Note:
    """A note or progress message: "中文 / English" as a string, one language
    through ``.text(lang)``."""
    return note(code, **params)


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def resolve_dataset(name: str | None) -> str | None:
    """A dataset's canonical name from its name or Chinese title."""
    if name is None:
        return None
    text = name.strip()
    for spec in DATASETS.values():
        if text in (spec.name, spec.title_zh, spec.title_en):
            return spec.name
    raise UsageError("dataset_unknown", name=name, choices=", ".join(DATASETS))


# The result of looking at files ----------------------------------------------
@dataclass
class CheckResult(HasIssues):
    """What a load of these files would do.

    preview: one row per (dataset, file, town, period) the files touch, with
             rows (in the file), added (keys not in the warehouse), changed,
             unchanged, removed (current rows of that town/period the file
             no longer has: a load retires them).
    changes: one row per changed value of a replaced row: dataset, file,
             town_code, town_zh, period, key (the row's natural key, " · "
             joined), column, column_zh, old, new (as display strings).
    duplicates: file name -> the active batch already holding the same bytes.
    """
    tables: list[ParsedTable]
    issues: list[Issue]
    preview: pd.DataFrame
    changes: pd.DataFrame
    duplicates: dict[str, int] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No errors: loadable (after accepting any warnings)."""
        return not self.errors

    @property
    def rows(self) -> int:
        return sum(len(t.frame) for t in self.tables)

    @property
    def datasets(self) -> list[str]:
        return list(dict.fromkeys(t.dataset for t in self.tables))

    @property
    def units(self) -> list[str]:
        return sorted({u for t in self.tables for u in loader.batch_units(t.frame)})

    @property
    def periods(self) -> list[str]:
        return sorted({p for t in self.tables for p in loader.batch_periods(t.dataset, t.frame)})


@dataclass
class _Examined:
    """Files read and validated inside one warehouse session."""
    tables: list[ParsedTable]
    issues: list[Issue]
    context: Context
    payloads: dict[str, tuple[bytes, str]]    # file -> (bytes, sha256) still to load
    duplicates: dict[str, int]
    notes: list[Note]


def _examine(con: duckdb.DuckDBPyConnection | None, files: list[tuple[str, bytes]], *,
             dataset: str | None, unit: str | None, today: date,
             progress: Progress, scope: str | None = None,
             limits: Limits | None = None) -> _Examined:
    from etl import parse  # the front half; imported here so that a broken
    #                        parser cannot stop ``init`` or ``rollback``

    context = warehouse_context.build_context(con, today=today)
    if unit:
        context.unit = warehouse_context.resolve_town(context.towns, unit)
        if context.unit is None:
            raise UsageError("unit_unknown", unit=unit)

    payloads: dict[str, tuple[bytes, str]] = {}
    duplicates: dict[str, int] = {}
    notes: list[Note] = []
    seen: dict[str, str] = {}
    for name, data in files:
        sha = loader.sha256_of(data)
        held_by = loader.active_batch_of_file(con, sha) if con is not None else None
        if held_by is not None:
            duplicates[name] = held_by
            notes.append(bilingual("file_duplicate", file_name=name, batch_id=held_by))
        elif sha in seen:
            notes.append(bilingual("file_repeated", file_name=name, first=seen[sha]))
        else:
            name = _unique_name(name, payloads)
            seen[sha] = name
            payloads[name] = (data, sha)

    tables: list[ParsedTable] = []
    issues: list[Issue] = []
    # What a file declares (size, zip members, sheets, rows, cells) is checked
    # before any parser sees it: a file over a limit is not read at all.
    limits = limits or Limits.from_settings()
    readable = {}
    for name, (data, _sha) in payloads.items():
        refused = upload_limits.check(name, data, limits)
        issues += refused
        if not refused:
            readable[name] = data
    if readable:
        progress(bilingual("progress_reading", count=len(readable)))
        tables, file_issues = parse.parse_files(list(readable.items()), context, dataset=dataset)
        # The parser keeps each table's issues with the table; a load judges them all.
        issues += [*file_issues, *(i for t in tables for i in t.issues)]
    if con is not None and tables:
        issues += loader.unstorable(con, tables)
    if scope is not None:
        issues = scope_issues(tables, issues, scope)
    # A file that yields no rows and no error would otherwise pass unnoticed.
    with_rows = {t.file for t in tables if len(t.frame)}
    with_errors = {i.file for i in issues if i.severity == ERROR}
    issues += [issue("nothing_to_load", file=name) for name in payloads
               if name not in with_rows and name not in with_errors]
    if not files:
        issues.append(issue("nothing_to_load"))
    for plan in loader.plan_batches(tables):
        if plan.note:
            notes.append(plan.note.about(plan.file))
    for table in tables:
        if table.example_rows:
            notes.append(bilingual("template_example_skipped",
                                   rows=", ".join(map(str, table.example_rows))).about(table.file))
    return _Examined(tables, issues, context, payloads, duplicates, notes)


def _within(town_codes: pd.Series, scope: str) -> pd.Series:
    """Per row: does its town lie within ``scope``?  A blank town is its
    own error (missing_value), not a scope question."""
    return town_codes.map(lambda code: pd.isna(code) or scopes.within(str(code), scope)).astype(bool)


def _row_list(rows: pd.Series, limit: int = 20) -> str:
    numbers = sorted(int(r) for r in rows)
    text = ", ".join(str(n) for n in numbers[:limit])
    return text + (f" … (+{len(numbers) - limit})" if len(numbers) > limit else "")


def scope_issues(tables: list[ParsedTable], issues: list[Issue], scope: str) -> list[Issue]:
    """One rows_outside_scope error per sheet with rows about towns outside
    ``scope``, naming the rows; the file is then refused whole.  The other
    issues of those rows are dropped: they could quote the other town's
    numbers (a spike warning names its median) to someone who may not see
    them."""
    units = reference.read_org_units()
    name_zh = dict(zip(units["code"].astype(str), units["name_zh"]))
    name_en = dict(zip(units["code"].astype(str), units["name_en"]))
    refused_rows: set[tuple[str, str, int]] = set()
    refusals: list[Issue] = []
    for table in tables:
        frame = table.frame
        if "town_code" not in frame.columns or not len(frame):
            continue
        outside = ~_within(frame["town_code"], scope)
        if not outside.any():
            continue
        rows = (frame.loc[outside, "_row"] if "_row" in frame.columns
                else pd.Series(frame.index[outside] + 1))
        towns = sorted({str(c) for c in frame.loc[outside, "town_code"]})
        refused_rows |= {(table.file, table.sheet, int(r)) for r in rows}
        refusals.append(issue(
            "rows_outside_scope", file=table.file, sheet=table.sheet, row=int(rows.min()),
            rows=_row_list(rows), towns="、".join(name_zh.get(c, c) for c in towns),
            towns_en=", ".join(name_en.get(c, c) for c in towns),
            scope=name_zh.get(scope, scope), scope_en=name_en.get(scope, scope)))
    kept = [i for i in issues if (i.file, i.sheet, i.row) not in refused_rows]
    return kept + refusals


def in_scope(tables: list[ParsedTable], scope: str | None) -> list[ParsedTable]:
    """The tables cut to the rows within ``scope``: what a preview may show."""
    if scope is None:
        return tables
    return [dataclasses.replace(t, frame=t.frame[_within(t.frame["town_code"], scope)])
            if "town_code" in t.frame.columns else t for t in tables]


def _unique_name(name: str, taken: dict[str, object]) -> str:
    """Batches, issues and the archive tell files apart by name: two
    different files both called 7月.xlsx become 7月.xlsx and 7月 (2).xlsx."""
    if name not in taken:
        return name
    path = Path(name)
    n = 2
    while (candidate := f"{path.stem} ({n}){path.suffix}") in taken:
        n += 1
    return candidate


def _quiet(_: str) -> None:
    pass


# check ---------------------------------------------------------------------
def check(files: list[tuple[str, bytes]], *, dataset: str | None = None,
          unit: str | None = None, db: Path | str | None = None, today: date | None = None,
          progress: Progress | None = None, scope: str | None = None,
          limits: Limits | None = None) -> CheckResult:
    """Read and validate ``files`` (name, bytes) and preview what a load
    would change.  Writes nothing.  ``scope``: the uploader's org unit; rows
    outside it are errors and are left out of the preview."""
    return _check(files, dataset=dataset, unit=unit, db=db, today=today, progress=progress,
                  with_preview=True, scope=scope, limits=limits)


def _check(files: list[tuple[str, bytes]], *, dataset: str | None, unit: str | None,
           db: Path | str | None, today: date | None, progress: Progress | None,
           with_preview: bool, scope: str | None = None,
           limits: Limits | None = None) -> CheckResult:
    dataset = resolve_dataset(dataset)
    today = today or date.today()
    progress = progress or _quiet
    db_file = Path(db or settings.db_path())

    def examine_and_preview(con):
        examined = _examine(con, files, dataset=dataset, unit=unit, today=today,
                            progress=progress, scope=scope, limits=limits)
        if with_preview:
            preview, changes = build_preview(con, in_scope(examined.tables, scope),
                                             examined.context.towns)
        else:
            preview, changes = _concat([], PREVIEW_COLUMNS), _concat([], CHANGE_COLUMNS)
        return CheckResult(examined.tables, examined.issues, preview, changes,
                           examined.duplicates, examined.notes)

    if not db_file.exists():
        return examine_and_preview(None)
    with warehouse.read(db_file) as con:
        return examine_and_preview(con if _initialised(con) else None)


# load ------------------------------------------------------------------------
def load(files: list[tuple[str, bytes]], *, dataset: str | None = None,
         unit: str | None = None, accept_warnings: bool = False, dry_run: bool = False,
         loaded_by: str | None = None, db: Path | str | None = None,
         today: date | None = None, progress: Progress | None = None,
         scope: str | None = None, limits: Limits | None = None,
         source: str = "cli") -> LoadResult:
    """Load ``files`` (name, bytes), all in one transaction, or nothing.

    Returns status 'loaded', 'duplicate' (every file already loaded as an
    active batch: nothing to do), 'dry_run' (would load) or 'rejected'
    (errors, or warnings not accepted: nothing written).  An unexpected
    failure while writing rolls everything back and is raised.

    ``scope``: the uploader's org unit (None: the command line's operator,
    who may load anything); a file with any row outside it is rejected whole.
    Every load but a dry run is recorded in the audit log (as ``loaded_by``,
    from ``source``) once the warehouse transaction has ended."""
    dataset = resolve_dataset(dataset)
    today = today or date.today()
    progress = progress or _quiet
    loaded_by = loaded_by or current_user()
    db_file = Path(db or settings.db_path())

    if dry_run:
        checked = _check(files, dataset=dataset, unit=unit, db=db_file, today=today,
                         progress=progress, with_preview=False, scope=scope, limits=limits)
        return _decide(checked.tables, checked.issues, checked.duplicates, checked.notes,
                       accept_warnings=accept_warnings, dry_run=True)

    def audited(con: duckdb.DuckDBPyConnection, result: LoadResult) -> None:
        _audit_load(con, result, loaded_by, _names(files), scope, source)

    try:
        return _load(files, dataset=dataset, unit=unit, accept_warnings=accept_warnings,
                     loaded_by=loaded_by, db_file=db_file, today=today, progress=progress,
                     scope=scope, limits=limits, audited=audited)
    except Exception as exc:
        audit.record_quietly(loaded_by, "upload", "failure", target=_names(files),
                             detail=f"{type(exc).__name__}: {exc}", scope_code=scope,
                             source=source)
        raise


def _names(files: list[tuple[str, bytes]]) -> str:
    return ", ".join(name for name, _ in files)


def _audit_load(con: duckdb.DuckDBPyConnection, result: LoadResult, loaded_by: str,
                names: str, scope: str | None, source: str) -> None:
    """The load's audit entry, written through its own connection once its
    transaction has ended (committed or rolled back)."""
    outcome = {"loaded": "success", "duplicate": "duplicate"}.get(result.status, "rejected")
    if result.status == "loaded":
        detail = (f"batches {', '.join(map(str, result.batch_ids))}; {result.rows} rows; "
                  f"units {', '.join(result.units)}; periods {', '.join(result.periods)}")
    elif result.status == "duplicate":
        detail = f"already loaded as batch {', '.join(map(str, result.batch_ids))}"
    else:
        codes = sorted({i.code for i in result.issues if i.severity == ERROR})
        detail = ("errors: " + ", ".join(codes)) if codes else "warnings not accepted"
    audit.record_on(con, loaded_by, "upload", outcome, target=names, detail=detail,
                    scope_code=scope, source=source)


# Uploads up to this size (~150,000 rows of xlsx, parsed in under a
# second) are read while holding the write lock: a reader waits that long
# at most, once.  An office's monthly sheet is a few hundred rows.
EXAMINE_UNDER_WRITE_LOCK_BYTES = 5_000_000


def _load(files: list[tuple[str, bytes]], *, dataset: str | None, unit: str | None,
          accept_warnings: bool, loaded_by: str, db_file: Path, today: date,
          progress: Progress, scope: str | None, limits: Limits | None,
          audited: Callable[[duckdb.DuckDBPyConnection, LoadResult], None]) -> LoadResult:
    # A large upload is read and validated under a read-only connection, so
    # that the dashboard keeps answering while it is parsed; the write lock is
    # then held only to write.  If another load or rollback committed in
    # between, the files are examined again under the lock (duplicates,
    # replaced rows and history must be those of the warehouse being
    # written).  A small one parses in less time than opening that second
    # connection costs (~10 ms), so it is examined under the write lock.
    examined, seen_state = None, None
    if db_file.exists() and sum(len(data) for _, data in files) > EXAMINE_UNDER_WRITE_LOCK_BYTES:
        with warehouse.read(db_file) as con:
            if _initialised(con):
                seen_state = _state(con)
                examined = _examine(con, files, dataset=dataset, unit=unit, today=today,
                                    progress=progress, scope=scope, limits=limits)

    with warehouse.write(db_file) as con:
        con.execute("BEGIN")
        try:
            _ensure_initialised(con)
            if examined is None or _state(con) != seen_state:
                examined = _examine(con, files, dataset=dataset, unit=unit, today=today,
                                    progress=progress, scope=scope, limits=limits)
            result = _decide(examined.tables, examined.issues, examined.duplicates,
                             examined.notes, accept_warnings=accept_warnings, dry_run=False)
            if result.status != "loaded":
                con.execute("ROLLBACK")
                audited(con, result)
                return result
            progress(bilingual("progress_writing", rows=result.rows))
            written = write_tables(con, examined.tables, examined.payloads, db=db_file,
                                   loaded_by=loaded_by, loaded_at=datetime.now())
            warehouse.commit_to_file(con)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        result.batch_ids = [w.batch_id for w in written]
        result.notes.append(bilingual("loaded", rows=result.rows,
                                      batch_ids=", ".join(str(w.batch_id) for w in written)))
        for w in written:
            for old in w.superseded:
                result.notes.append(bilingual("batch_superseded", batch_id=old, by=w.batch_id))
        audited(con, result)
    return result


def write_tables(con: duckdb.DuckDBPyConnection, tables: list[ParsedTable],
                 payloads: dict[str, tuple[bytes, str]], *, loaded_by: str,
                 loaded_at: datetime, db: Path | None = None) -> list[loader.BatchWritten]:
    """One batch per (file, dataset), in the order given, then each file's
    original archived once.  The caller owns the transaction."""
    plans = loader.plan_batches(tables)
    written = [loader.write_batch(con, plan, sha256=payloads[plan.file][1],
                                  loaded_by=loaded_by, loaded_at=loaded_at)
               for plan in plans]
    for file_name in dict.fromkeys(plan.file for plan in plans):
        data, sha = payloads[file_name]
        loader.archive(data, sha, file_name, db)
    return written


def _decide(tables: list[ParsedTable], issues: list[Issue], duplicates: dict[str, int],
            notes: list[Note], *, accept_warnings: bool, dry_run: bool) -> LoadResult:
    """What becomes of a load, before anything is written."""
    result = LoadResult(
        status="loaded",
        datasets=list(dict.fromkeys(t.dataset for t in tables)),
        rows=sum(len(t.frame) for t in tables),
        units=sorted({u for t in tables for u in loader.batch_units(t.frame)}),
        periods=sorted({p for t in tables for p in loader.batch_periods(t.dataset, t.frame)}),
        issues=list(issues),
        notes=list(notes),
    )
    errors = [i for i in issues if i.severity == ERROR]
    warnings = [i for i in issues if i.severity == WARNING]
    if not tables and not errors and duplicates:
        result.status = "duplicate"
        result.batch_ids = sorted(set(duplicates.values()))
    elif errors:
        result.status = "rejected"
        result.notes.append(bilingual("rejected_errors", count=len(errors)))
    elif warnings and not accept_warnings:
        result.status = "rejected"
        result.notes.append(bilingual("warnings_need_acceptance", count=len(warnings)))
    elif dry_run:
        result.status = "dry_run"
        result.notes.append(bilingual("dry_run_ok", rows=result.rows))
    return result


# init, rollback, the batch log -------------------------------------------------
STATE_SQL = """
SELECT count(*), max(batch_id), max(rolled_back_at), (SELECT count(*) FROM org_units)
FROM load_batches
"""


def _state(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes with every committed load, rollback or init."""
    return loader.first_row(con.execute(STATE_SQL))


def _initialised(con: duckdb.DuckDBPyConnection) -> bool:
    # A lookup of the one name, which resolves in the connection's own
    # database as warehouse.has_table does, without a catalog query (the
    # first one on the host instance builds DuckDB's built-in views, ~7 ms).
    # A name not found leaves an open transaction usable (a first load
    # creates the schema in it).
    try:
        con.table("load_batches")
    except duckdb.CatalogException:
        return False
    return True


def _ensure_initialised(con: duckdb.DuckDBPyConnection) -> None:
    """A first load into a fresh file sets the warehouse up as ``init`` would."""
    if not _initialised(con):
        warehouse.create_schema(con)
        reference.load_org_units(con, reference.read_org_units())


def init(db: Path | str | None = None) -> int:
    """Create the warehouse (schema and org units); safe to repeat.  Returns
    the number of org units."""
    with warehouse.write(Path(db) if db else None) as con:
        con.execute("BEGIN")
        try:
            warehouse.create_schema(con)
            count = reference.load_org_units(con, reference.read_org_units())
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return count


REPORTING_FROM_REFERENCE_SQL = """
    UPDATE org_units SET reporting = ref.reporting
    FROM reference_units AS ref
    WHERE org_units.code = ref.code
"""


def upgrade(db: Path | str | None = None) -> bool:
    """Bring a warehouse built by an earlier version to the current schema,
    keeping its data: schema.sql again (each statement is idempotent, and
    adds the columns that came later), then the reference data's flags for
    the units it shares with data/reference/.  Returns whether anything had
    to change.  Cheap when nothing has: one read-only look."""
    db_file = Path(db or settings.db_path())
    with warehouse.read(db_file) as con:
        if not _initialised(con) or warehouse.has_column(con, "org_units", "reporting"):
            return False
    with warehouse.write(db_file) as con:
        con.execute("BEGIN")
        try:
            warehouse.create_schema(con)
            con.register("reference_units", reference.read_org_units())
            con.execute(REPORTING_FROM_REFERENCE_SQL)
            con.unregister("reference_units")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return True


def rollback(batch_id: int, *, db: Path | str | None = None,
             now: datetime | None = None, scope: str | None = None,
             by: str | None = None, source: str = "cli") -> loader.RolledBack:
    """Undo one batch (see etl.load.rollback_batch); raises UnknownBatch,
    AlreadyRolledBack or (a batch touching a town outside ``scope``)
    BatchError, each with a bilingual message.  Recorded in the audit log as
    ``by`` (default: the OS user)."""
    by = by or current_user()
    try:
        done = _rollback(batch_id, db=db, now=now, scope=scope)
    except loader.BatchError as refused:
        audit.record_quietly(by, "rollback", "refused", target=f"batch {batch_id}",
                             detail=refused.code, scope_code=scope, source=source)
        raise
    audit.record_quietly(by, "rollback", "success", target=f"batch {batch_id}",
                         detail=f"{done.dataset}, {done.file}: {done.removed} removed, "
                                f"{done.restored} restored", scope_code=scope, source=source)
    return done


def _rollback(batch_id: int, *, db: Path | str | None, now: datetime | None,
              scope: str | None) -> loader.RolledBack:
    db_file = Path(db or settings.db_path())
    if not db_file.exists():
        raise loader.UnknownBatch("batch_unknown", batch_id=batch_id)
    with warehouse.write(db_file) as con:
        if not _initialised(con):
            raise loader.UnknownBatch("batch_unknown", batch_id=batch_id)
        con.execute("BEGIN")
        try:
            if scope is not None:
                check_batch_scope(con, batch_id, scope)
            done = loader.rollback_batch(con, batch_id, now=now or datetime.now())
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return done


BATCH_UNITS_SQL = "SELECT units FROM load_batches WHERE batch_id = ?"


def check_batch_scope(con: duckdb.DuckDBPyConnection, batch_id: int, scope: str) -> None:
    """A batch may be rolled back only by someone whose scope holds all its towns."""
    found = loader.first_row(con.execute(BATCH_UNITS_SQL, [batch_id]))
    if found is None:
        raise loader.UnknownBatch("batch_unknown", batch_id=batch_id)
    outside = scopes.outside(found[0] if found[0] is not None else [], scope)
    if outside:
        units = reference.read_org_units()
        name_zh = dict(zip(units["code"].astype(str), units["name_zh"]))
        name_en = dict(zip(units["code"].astype(str), units["name_en"]))
        raise loader.BatchError("batch_outside_scope", batch_id=batch_id,
                                scope=name_zh.get(scope, scope), scope_en=name_en.get(scope, scope),
                                towns="、".join(name_zh.get(c, c) for c in outside),
                                towns_en=", ".join(name_en.get(c, c) for c in outside))


def batches(db: Path | str | None = None) -> pd.DataFrame:
    """The batch log, oldest first (empty when there is no warehouse yet)."""
    db_file = Path(db or settings.db_path())
    if not db_file.exists():
        return pd.DataFrame(columns=["batch_id", "dataset", "file_name", "sha256", "sheets",
                                     "row_count", "units", "periods", "loaded_at",
                                     "loaded_by", "status", "rolled_back_at", "note"])
    with warehouse.read(db_file) as con:
        return loader.list_batches(con)


# The preview ---------------------------------------------------------------------
CURRENT_IN_SCOPE_SQL = """
    SELECT cur.* EXCLUDE (batch_id)
    FROM {view} AS cur
    JOIN (SELECT DISTINCT {scope} FROM incoming) AS s ON {match}
"""


def build_preview(con: duckdb.DuckDBPyConnection | None, tables: list[ParsedTable],
                  towns: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare each future batch with the current rows of its scope."""
    summaries, changes = [], []
    for plan in loader.plan_batches(tables):
        spec = DATASETS[plan.dataset]
        new = plan.frame.drop(columns=[c for c in plan.frame.columns if c.startswith("_")])
        current = _current_in_scope(con, spec, new)
        summary, changed = compare_rows(spec, new, current)
        summary.insert(1, "file", plan.file)
        changed.insert(1, "file", plan.file)
        summaries.append(summary)
        changes.append(changed)
    preview = _concat(summaries, PREVIEW_COLUMNS)
    change_frame = _concat(changes, CHANGE_COLUMNS)
    names = dict(zip(towns["code"].astype(str), towns["name_zh"]))
    for frame in (preview, change_frame):
        frame.insert(frame.columns.get_loc("town_code") + 1, "town_zh",
                     frame["town_code"].map(names).astype("object"))
    return preview, change_frame


PREVIEW_COLUMNS = ["dataset", "file", "town_code", "period", "rows", "added", "changed",
                   "unchanged", "removed"]
CHANGE_COLUMNS = ["dataset", "file", "town_code", "period", "key", "column", "column_zh",
                  "old", "new"]


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.concat(frames, ignore_index=True)


def _current_in_scope(con: duckdb.DuckDBPyConnection | None, spec: Dataset,
                      new: pd.DataFrame) -> pd.DataFrame:
    if con is None or not len(new):
        return new.iloc[0:0].copy()
    scope = ", ".join(spec.replace_scope)
    match = " AND ".join(f"cur.{c} = s.{c}" for c in spec.replace_scope)
    incoming = loader.storable_frame(new, list(spec.replace_scope))
    con.register("incoming", incoming)
    try:
        # The view name and scope columns come from specs.py.
        return con.execute(CURRENT_IN_SCOPE_SQL.format(view=spec.table, scope=scope,
                                                       match=match)).df()
    finally:
        con.unregister("incoming")


def _comparable(spec: Dataset, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Values as display strings, so that a DECIMAL from DuckDB and a float
    from the parser, or a Timestamp and a date, compare equal."""
    out = pd.DataFrame(index=frame.index)
    kinds = {c.name: c.kind for c in spec.columns}
    for name in columns:
        values = frame[name] if name in frame.columns else pd.Series(None, index=frame.index)
        out[name] = _display(values, kinds.get(name, "text"))
    return out


def _display(values: pd.Series, kind: str) -> pd.Series:
    if kind == "month":
        text = pd.to_datetime(values).dt.strftime("%Y-%m")
    elif kind == "date":
        text = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
    elif kind in ("count", "year"):
        text = pd.to_numeric(values).round().astype("Int64").astype("str")
    elif kind == "amount":
        numbers = pd.to_numeric(values.astype("float64"))
        text = numbers.map(lambda v: f"{v:.2f}" if pd.notna(v) else None)
    elif kind == "number":
        numbers = pd.to_numeric(values.astype("float64"))
        text = numbers.map(lambda v: f"{v:.6f}".rstrip("0").rstrip(".") if pd.notna(v) else None)
    else:
        text = values.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v))
                          else str(v))
    text = text.astype("object")
    return text.where(values.notna() & text.notna(), "")


def compare_rows(spec: Dataset, new: pd.DataFrame,
                 current: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per town and period: added / changed / unchanged / removed rows, and
    the old -> new value of every changed cell, matched by natural key."""
    key = list(spec.key)
    values = [c for c in dict.fromkeys([*(c.name for c in spec.columns), "town_code"])
              if c not in key and (c in new.columns or c in current.columns)]
    new_text = _comparable(spec, new, key + values)
    old_text = _comparable(spec, current, key + values)
    for column in loader.CARRY_OVER.get(spec.name, ()):
        if column in values:
            new_text[column] = new_text[column].mask(new_text[column] == "", None)
    new_text["town_code"] = new["town_code"].astype(str).values
    new_text["period"] = loader.period_labels(spec.name, new).values
    old_text["period"] = (loader.period_labels(spec.name, current).values if len(current)
                          else pd.Series(dtype="object"))
    merged = new_text.merge(old_text, on=key, how="outer", suffixes=("", "_old"),
                            indicator=True)
    for column in loader.CARRY_OVER.get(spec.name, ()):
        if column in values:
            merged[column] = merged[column].fillna(merged[f"{column}_old"]).fillna("")
    both = merged["_merge"] == "both"
    only_old = merged["_merge"] == "right_only"
    if "town_code" not in key:
        merged["town_code"] = merged["town_code"].where(~only_old, merged["town_code_old"])
    merged["period"] = merged["period"].where(~only_old, merged["period_old"])

    differs = pd.DataFrame({c: merged[c] != merged[f"{c}_old"] for c in values})
    row_changed = both & differs.any(axis=1)
    outcome = pd.Series("added", index=merged.index)
    outcome[both & ~row_changed] = "unchanged"
    outcome[row_changed] = "changed"
    outcome[only_old] = "removed"
    counts = (pd.crosstab([merged["town_code"], merged["period"]], outcome)
              .reindex(columns=["added", "changed", "unchanged", "removed"], fill_value=0)
              .reset_index())
    counts.columns.name = None
    counts.insert(2, "rows", counts["added"] + counts["changed"] + counts["unchanged"])
    counts.insert(0, "dataset", spec.name)

    headers = {c.name: c.header_zh for c in spec.columns}
    headers.setdefault("town_code", TOWN.header_zh)
    records = []
    changed_rows = merged[row_changed]
    for column in values:
        hit = changed_rows[differs.loc[row_changed, column]]
        if not len(hit):
            continue
        records.append(pd.DataFrame({
            "dataset": spec.name,
            "town_code": hit["town_code"].values,
            "period": hit["period"].values,
            "key": hit[key].astype(str).agg(" · ".join, axis=1).values,
            "column": column,
            "column_zh": headers.get(column, column),
            "old": hit[f"{column}_old"].values,
            "new": hit[column].values,
        }))
    change_frame = (pd.concat(records, ignore_index=True) if records
                    else pd.DataFrame(columns=[c for c in CHANGE_COLUMNS if c != "file"]))
    return counts, change_frame
