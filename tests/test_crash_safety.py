"""A load killed with SIGKILL at any moment leaves the warehouse with all of
that load or none of it, and the next start works.

``python -m etl load`` runs as a subprocess with two files (two batches,
8,064 rows: every town of 泉州市, both mutual-aid schemes, 2023 and 2024) and
is killed — no cleanup, no ``finally`` — at random moments: some anywhere
from the start, most just after it says it is writing, when the transaction
is open or committing.  Afterwards the warehouse opens, holds either both
batches or neither, and the same load then completes (or says it is
already loaded).  The moments come from a fixed seed, so a failure repeats.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl import pipeline, reference, warehouse

ROOT = Path(__file__).resolve().parent.parent
SCHEMES = ("职工住院医疗互助", "女职工特殊疾病互助")
YEARS = (2023, 2024)
WRITING = "正在写入数据库"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    towns = reference.read_org_units().query("level == 'town'")["code"]
    folder = tmp_path_factory.mktemp("crash-files")
    paths = []
    for year in YEARS:
        lines = ["月份,镇（街道）,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）"]
        lines += [f"{year}-{month:02d},{town},{scheme},{1000 + month},5,3,{3000 + month}"
                  for month in range(1, 13) for town in towns for scheme in SCHEMES]
        path = folder / f"医疗互助{year}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """An initialised, empty warehouse, copied for each kill."""
    db = tmp_path_factory.mktemp("crash-base") / "warehouse.duckdb"
    pipeline.init(db)
    return db


def expected_rows() -> int:
    towns = len(reference.read_org_units().query("level == 'town'"))
    return towns * len(SCHEMES) * 12 * len(YEARS)


def state(db: Path) -> tuple[int, int]:
    """(batches, current mutual-aid rows) as a dashboard would read them."""
    with warehouse.read(db) as con:
        (batches,) = con.execute("SELECT count(*) FROM load_batches WHERE status = 'active'").fetchone()
        (rows,) = con.execute("SELECT count(*) FROM mutual_aid").fetchone()
    return int(batches), int(rows)


def start_load(db: Path, files: list[Path]) -> subprocess.Popen:
    env = {**os.environ, "UNION_DB": str(db), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "etl", "load", *map(str, files)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def kill_at(process: subprocess.Popen, delay: float, after_writing: bool) -> bool:
    """SIGKILL ``process`` ``delay`` s after it starts, or after it says it is
    writing; returns whether it was still running when killed."""
    said_writing = threading.Event()

    def watch():
        for line in process.stderr:
            if WRITING in line:
                said_writing.set()
    threading.Thread(target=watch, daemon=True).start()
    if after_writing:
        said_writing.wait(timeout=60)
    time.sleep(delay)
    running = process.poll() is None
    if running:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return running


MOMENTS = [(after, round(random.Random(seed).uniform(0.0, 0.12 if after else 2.5), 3))
           for seed, after in enumerate([True, True, True, True, False, False])]


@pytest.mark.parametrize("after_writing, delay", MOMENTS,
                         ids=[f"{'after-writing' if a else 'from-start'}+{d}s" for a, d in MOMENTS])
def test_a_load_killed_at_any_moment_leaves_all_of_it_or_none_and_the_next_start_works(
        files, fresh, tmp_path, monkeypatch, after_writing, delay):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(fresh, db)
    monkeypatch.setenv("UNION_DB", str(db))
    killed = kill_at(start_load(db, files), delay, after_writing)

    whole = (len(YEARS), expected_rows())
    assert state(db) in {(0, 0), whole}, f"half a load after SIGKILL (killed={killed})"
    # The next start: the same load again completes, or finds it already loaded.
    again = pipeline.load([(p.name, p.read_bytes()) for p in files])
    assert again.status in ("loaded", "duplicate")
    assert state(db) == whole
    assert [b for b in pipeline.batches(db)["status"]] == ["active", "active"]


def test_the_load_that_is_killed_really_is_one_that_completes_when_left_alone(files, fresh, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(fresh, db)
    process = start_load(db, files)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert WRITING in err
    assert state(db) == (len(YEARS), expected_rows())


# Two loads at once, while a dashboard reads -----------------------------------------

def test_two_loads_at_once_both_land_one_after_the_other_while_readers_see_whole_batches(
        files, fresh, tmp_path, monkeypatch):
    from etl import audit

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(fresh, db)
    monkeypatch.setenv("UNION_DB", str(db))
    per_year = expected_rows() // len(YEARS)
    seen: set[tuple[int, int]] = set()
    stop = threading.Event()

    def dashboard():
        while not stop.is_set():
            seen.add(state(db))
    reader = threading.Thread(target=dashboard)
    reader.start()
    loads = [start_load(db, [path]) for path in files]     # one year each, at the same moment
    errors = [load.communicate(timeout=120)[1] for load in loads]
    stop.set()
    reader.join()

    assert [load.returncode for load in loads] == [0, 0], errors
    assert not any("lock" in err.lower() and "conflicting" in err.lower() for err in errors)
    assert state(db) == (2, 2 * per_year)
    assert seen <= {(0, 0), (1, per_year), (2, 2 * per_year)}, "a reader saw half a batch"
    uploads = audit.entries(action="upload")
    assert sorted(uploads["target"]) == sorted(p.name for p in files)
    assert set(uploads["outcome"]) == {"success"}
