"""``python -m etl demo``: a believable warehouse for people to try the app on.

Writes the spreadsheets 泉州's town and county unions would have sent from
2022-01 to the last full month (etl/demo_world.py makes the numbers,
etl/demo_files.py lays them out as offices do), then loads them through
etl.pipeline.load exactly as an upload would be loaded, so the demo also
exercises the reader.  Same ``today``, same bytes.

安海镇's 2024 figures are the published ones (demo_world.PUBLISHED).
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd

from etl import demo_files, demo_world, pipeline, reference, settings, warehouse
from etl.specs import DATASETS

SCALES = ("town", "city")
# Generated directly in DuckDB by etl/synthetic.py (no spreadsheets).
SYNTHETIC_SCALES = ("province", "nation")
MANIFEST = "MANIFEST.txt"
LOADED_BY = "demo"
Progress = Callable[[float, str], None]


class DemoError(RuntimeError):
    """The demo cannot be built as asked; ``message_zh``/``message_en`` say why."""

    def __init__(self, message_zh: str, message_en: str):
        self.message_zh, self.message_en = message_zh, message_en
        super().__init__(f"{message_zh} / {message_en}")


def _quiet(_fraction: float, _message: str) -> None:
    pass


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise DemoError(
            f"演示数据规模“{scale}”暂不支持，可选：town（仅安海镇）、city（泉州市全部镇街）",
            f"demo scale '{scale}' is not available yet; choose town (安海镇 only) or city "
            "(every town of 泉州市)")


def build_world(scale: str, today: date, *, only: tuple[str, ...] | None = None
                ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], date]:
    """(towns, one frame per dataset, last full month) for ``scale``;
    ``only`` narrows a city to some towns (their numbers stay the same)."""
    _check_scale(scale)
    last_month = demo_world.last_full_month(today)
    if last_month < demo_world.FIRST_MONTH:
        raise DemoError("演示数据从 2022 年 1 月开始，今天之前还没有完整的月份",
                        "the demo starts in January 2022; no full month has ended before today")
    if scale == "town":
        only = (demo_world.ANHAI,)
    org_units = reference.read_org_units()
    towns = demo_world.towns_frame(org_units, only=only)
    missing = demo_world.missing_reports(towns, last_month, demo_world.reporting_towns(org_units))
    stations = demo_world.stations(towns, last_month)
    world = {
        "stations": stations,
        "collective_contracts": demo_world.collective_contracts(towns, last_month),
        "summer_camps": demo_world.summer_camps(towns, last_month),
        "mutual_aid": demo_world.mutual_aid(towns, last_month, missing),
        "station_visits": demo_world.station_visits(stations, last_month, missing),
    }
    return towns, world, last_month


def _clear_previous(out_dir: Path) -> None:
    """Remove the files a previous run listed in its manifest, and nothing
    else: ``--out`` may point at a folder that holds other things too."""
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        return
    root = out_dir.resolve()
    folders = set()
    for line in manifest.read_text(encoding="utf-8").splitlines():
        path = (out_dir / line).resolve()
        if line and root in path.parents:
            path.unlink(missing_ok=True)
            folders.update(p for p in path.parents if root in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    manifest.unlink()


def generate(out_dir: Path, *, scale: str = "city", today: date | None = None,
             progress: Progress | None = None) -> list[Path]:
    """Write the demo spreadsheets under ``out_dir``; return their paths in
    the order they should be loaded."""
    progress = progress or _quiet
    today = today or date.today()
    out_dir = Path(out_dir)
    progress(0.0, "生成演示数据… / generating demo data…")
    towns, world, last_month = build_world(scale, today)
    progress(0.3, "写入演示表格… / writing demo spreadsheets…")
    jobs = demo_files.file_jobs(world, towns, last_month, scale)
    _clear_previous(out_dir)
    paths = []
    for n, (relative, make) in enumerate(jobs, start=1):
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make())
        paths.append(path)
        progress(0.3 + 0.7 * n / len(jobs),
                 f"已生成 {n}/{len(jobs)} 个文件 / {n} of {len(jobs)} files written")
    (out_dir / MANIFEST).write_text("".join(f"{r}\n" for r, _ in jobs), encoding="utf-8")
    return paths


# Building the warehouse --------------------------------------------------------

HOLDS_OTHER_DATA_SQL = """
    SELECT count(*) FROM load_batches WHERE loaded_by <> ?
"""


def _holds_real_data(db: Path) -> bool:
    if not db.exists():
        return False
    with warehouse.read(db) as con:
        if not warehouse.has_table(con, "load_batches"):
            return False
        (count,) = con.execute(HOLDS_OTHER_DATA_SQL, [LOADED_BY]).fetchone()
    return count > 0


# Words in the demo's file names that tell its datasets apart.
_GROUP_WORDS = ("名册", "台账", "暑托班", "医疗互助", "驿站服务")


def load_groups(paths: list[Path]) -> list[list[Path]]:
    """Consecutive files of one county (folder) and one dataset, to load in
    one transaction: a commit per file costs more than most files' rows."""
    def key(path: Path) -> tuple:
        return path.parent, next((w for w in _GROUP_WORDS if w in path.name), path.name)

    groups: list[list[Path]] = []
    for path in paths:
        if groups and key(groups[-1][0]) == key(path):
            groups[-1].append(path)
        else:
            groups.append([path])
    return groups


def _load_group(group: list[Path], out_dir: Path, db: Path, today: date,
                say: Callable[[str], None]) -> list[dict]:
    """Load ``group`` at once; if that is refused, file by file, so one bad
    file costs only itself.  Returns the problems, one dict per file."""
    def relative(path: Path) -> str:
        return path.relative_to(out_dir).as_posix()

    def attempt(paths: list[Path]):
        try:
            return pipeline.load([(p.name, p.read_bytes()) for p in paths], accept_warnings=True,
                                 loaded_by=LOADED_BY, db=db, today=today, progress=say)
        except Exception as exc:  # a crash in the loader must not cost the whole demo
            return exc

    result = attempt(group)
    if len(group) > 1 and (isinstance(result, Exception) or result.status != "loaded"):
        return [p for path in group for p in _load_group([path], out_dir, db, today, say)]
    if isinstance(result, Exception):
        return [{"file": relative(group[0]), "status": "failed", "issues": [],
                 "notes": [f"{type(result).__name__}: {result}"]}]
    problems = []
    for path in group:
        issues = [i.to_dict() for i in result.issues if i.file == path.name]
        if result.status != "loaded":
            problems.append({"file": relative(path), "status": result.status,
                             "issues": issues[:20], "notes": result.notes})
        elif issues:
            problems.append({"file": relative(path), "status": "loaded with warnings",
                             "issues": issues[:20], "notes": []})
    return problems


ROW_COUNT_SQL = {name: f"SELECT count(*) FROM {spec.table}" for name, spec in DATASETS.items()}


def build_demo_warehouse(db: Path | None = None, *, scale: str = "city", today: date | None = None,
                         progress: Progress | None = None, out_dir: Path | None = None) -> dict:
    """Generate the demo files and load them into a fresh warehouse at ``db``.

    The warehouse is built beside ``db`` and moved into place when complete,
    so the dashboard never sees half a demo.  A warehouse holding anything
    not loaded by the demo is never replaced (DemoError).  Returns a summary:
    files, rows per dataset, seconds, and the files that did not load.
    """
    progress = progress or _quiet
    today = today or date.today()
    if scale in SYNTHETIC_SCALES:
        from etl import synthetic  # only these scales need it
        try:
            return synthetic.build(db, scale, today=today, progress=progress)
        except synthetic.SyntheticError as exc:
            raise DemoError(exc.message_zh, exc.message_en) from exc
    _check_scale(scale)
    db = Path(db or settings.db_path())
    if out_dir is None:
        out_dir = settings.demo_dir() if db == settings.db_path() else db.parent / "demo"
    out_dir = Path(out_dir)
    if _holds_real_data(db):
        raise DemoError(f"数据库 {db} 已有正式导入的数据，演示数据不会覆盖它。",
                        f"{db} holds data loaded by people; the demo will not replace it.")
    started, cpu_started = time.perf_counter(), time.process_time()
    paths = generate(out_dir, scale=scale, today=today,
                     progress=lambda f, m: progress(0.25 * f, m))
    generated = time.perf_counter()

    building = db.with_name(db.name + ".demo-building")
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    pipeline.init(building)
    total = sum(p.stat().st_size for p in paths)
    done = 0
    problems: list[dict] = []
    for group in load_groups(paths):
        size = sum(p.stat().st_size for p in group)
        fraction = 0.25 + 0.75 * done / total
        progress(fraction, f"导入 / loading {group[0].parent.name}/{group[0].name}"
                           + (f" (+{len(group) - 1})" if len(group) > 1 else ""))
        problems += _load_group(group, out_dir, building, today,
                                lambda message, at=fraction: progress(at, message))
        done += size
    with warehouse.read(building) as con:
        rows = {name: con.execute(sql).fetchone()[0] for name, sql in ROW_COUNT_SQL.items()}
    # A write-ahead log left beside the old file would be replayed into the new one.
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    building.replace(db)
    for leftover in (".lock", ".writer.lock"):      # etl.warehouse's lock files
        building.with_name(building.name + leftover).unlink(missing_ok=True)
    finished = time.perf_counter()
    progress(1.0, "演示数据已就绪 / demo data ready")
    return {
        "scale": scale, "today": today.isoformat(), "db": str(db), "out_dir": str(out_dir),
        "files": len(paths), "rows": rows,
        "generate_seconds": round(generated - started, 2),
        "load_seconds": round(finished - generated, 2),
        "seconds": round(finished - started, 2),
        "cpu_seconds": round(time.process_time() - cpu_started, 2),
        "problems": problems,
    }


def main(args) -> int:
    """``python -m etl demo [--scale town|city|province|nation] [--out DIR]``."""
    scale = getattr(args, "scale", "city") or "city"
    out_dir = getattr(args, "out", None)
    last = [-1]

    def say(fraction: float, message: str) -> None:
        step = int(fraction * 20)
        if step != last[0]:
            last[0] = step
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    try:
        summary = build_demo_warehouse(scale=scale, progress=say, out_dir=out_dir)
    except DemoError as exc:
        print(f"{exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    rows = "，".join(f"{DATASETS[n].title_zh} {c:,}" for n, c in summary["rows"].items())
    print(f"演示数据库已建好 / demo warehouse built: {summary['db']}")
    print(f"  文件 files: {summary['files']}（{summary['out_dir']}）")
    print(f"  行数 rows: {rows}")
    print(f"  用时 seconds: 生成 generate {summary['generate_seconds']} s，"
          f"共 total {summary['seconds']} s")
    rejected = [p for p in summary["problems"] if p["status"] != "loaded with warnings"]
    for problem in summary["problems"]:
        print(f"  ! {problem['file']}: {problem['status']}", file=sys.stderr)
        for item in problem["issues"][:5]:
            print(f"      {item['code']}: {item['message_zh']}", file=sys.stderr)
    return 1 if rejected else 0
