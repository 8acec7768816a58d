"""A load from the command line while the dashboard is reading."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from etl import reference, warehouse

ROOT = Path(__file__).resolve().parent.parent
JULY = Path(__file__).parent / "fixtures" / "load" / "安海镇_医疗互助_2024-07.csv"
SCHEMES = ("职工住院医疗互助", "女职工特殊疾病互助", "职工意外伤害互助")


def start_load(db: Path, *files: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "load", *map(str, files)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "UNION_DB": str(db)})


def test_a_load_waits_for_a_reader_and_then_succeeds(empty_db):
    released_at = {}
    holding = threading.Event()

    def dashboard_query():
        with warehouse.read(empty_db) as con:
            holding.set()
            con.execute("SELECT count(*) FROM mutual_aid").fetchone()
            time.sleep(3.0)
            released_at["time"] = datetime.now()

    reader = threading.Thread(target=dashboard_query)
    reader.start()
    holding.wait(10)
    load = start_load(empty_db, JULY)
    out, err = load.communicate(timeout=120)
    reader.join()

    assert load.returncode == 0, err
    assert "Conflicting lock" not in err and "Could not set lock" not in err
    with warehouse.read(empty_db) as con:
        (loaded_at,) = con.execute("SELECT loaded_at FROM load_batches").fetchone()
        assert con.execute("SELECT count(*) FROM mutual_aid").fetchone() == (2,)
    # The load did its work only once the reader had let go.
    assert loaded_at >= released_at["time"]


def test_a_reader_never_sees_half_a_load(empty_db, tmp_path):
    # Codes, not names: a few town names recur in two counties.
    towns = reference.read_org_units().query("level == 'town'")["code"].tolist()
    halves = []
    for half, years in enumerate(((2022, 2023), (2024, 2025))):
        path = tmp_path / f"全市互助_{half}.csv"
        lines = ["月份,镇（街道）,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）"]
        for year in years:
            for month in range(1, 13):
                for town in towns:
                    for scheme in SCHEMES:
                        lines.append(f"{year}-{month:02d},{town},{scheme},1000,10,3,4500")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        halves.append((path, len(lines) - 1))
    total = sum(rows for _, rows in halves)

    seen = set()
    load = start_load(empty_db, *(path for path, _ in halves))
    while load.poll() is None:
        with warehouse.read(empty_db) as con:
            seen.add((con.execute("SELECT count(*) FROM load_batches").fetchone()[0],
                      con.execute("SELECT count(*) FROM mutual_aid").fetchone()[0]))
    out, err = load.communicate()

    assert load.returncode == 0, err
    with warehouse.read(empty_db) as con:
        seen.add((con.execute("SELECT count(*) FROM load_batches").fetchone()[0],
                  con.execute("SELECT count(*) FROM mutual_aid").fetchone()[0]))
    # Before the commit: nothing; after it: both files' batches, every row.
    assert seen == {(0, 0), (2, total)}
    assert total == 2 * 24 * len(towns) * 3


def test_readers_querying_back_to_back_do_not_keep_a_load_out(empty_db):
    stop = threading.Event()
    queries = []

    def dashboard_user():
        while not stop.is_set():
            with warehouse.read(empty_db) as con:
                queries.append(con.execute("SELECT count(*) FROM mutual_aid").fetchone()[0])

    users = [threading.Thread(target=dashboard_user) for _ in range(2)]
    for user in users:
        user.start()
    try:
        load = subprocess.run([sys.executable, "-m", "etl", "load", str(JULY)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "UNION_DB": str(empty_db),
                                   "UNION_LOCK_TIMEOUT": "5"})
    finally:
        stop.set()
        for user in users:
            user.join()

    assert load.returncode == 0, load.stderr
    assert set(queries) <= {0, 2} and queries[-1] == 2


def test_a_load_that_commits_while_a_file_is_being_read_is_taken_into_account(empty_db, monkeypatch):
    # Files are read and validated before the write lock is taken, so that
    # dashboards keep answering meanwhile.  A colleague's load of the very same
    # file commits in that gap: ours must see it (a duplicate, not a second batch).
    from etl import pipeline

    july = [(JULY.name, JULY.read_bytes())]
    real_write = warehouse.write

    def write_after_a_colleague(db=None, timeout_s=None):
        monkeypatch.setattr(warehouse, "write", real_write)
        assert pipeline.load(july, db=empty_db, loaded_by="colleague").status == "loaded"
        return real_write(db, timeout_s)

    monkeypatch.setattr(warehouse, "write", write_after_a_colleague)
    ours = pipeline.load(july, db=empty_db, loaded_by="me")

    assert ours.status == "duplicate"
    with warehouse.read(empty_db) as con:
        assert con.execute("SELECT loaded_by FROM load_batches").fetchall() == [("colleague",)]
        assert con.execute("SELECT count(*) FROM mutual_aid").fetchone() == (2,)
