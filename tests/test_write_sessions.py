"""How a load and a read hold the warehouse: attached to the process's host
instance (no DuckDB instance of their own), released (and, by a load,
checkpointed) when done, safe from several threads of one process (the
app's sessions), and reading the catalog of their own warehouse whatever
else is attached beside it."""
from __future__ import annotations

import gc
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import load as loader
from etl import pipeline, read, reference, warehouse
from etl.specs import DATASETS

TODAY = date(2026, 11, 23)
HEADER = "月份,镇（街道）,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）\n"


def month_of(town: str) -> tuple[str, bytes]:
    """A town's 2024-07 mutual-aid sheet."""
    text = HEADER + f"2024-07,{town},职工住院医疗互助,1000,5,3,3000\n"
    return (f"{town}_2024-07.csv", text.encode("utf-8"))


def towns(count: int) -> list[str]:
    units = reference.read_org_units()
    return list(units.loc[units["level"] == "town", "code"].astype(str)[:count])


def test_a_load_attaches_the_warehouse_once_and_opens_no_duckdb_instance_of_its_own(
        empty_db, monkeypatch):
    # Creating a DuckDB instance (~12 ms, and ~3 ms to tear down) is a large
    # share of a monthly sheet's load: the process's one host instance is
    # reused, and the warehouse is attached to it once per load.
    first, second = towns(2)
    assert pipeline.load([month_of(first)], today=TODAY).status == "loaded"
    connects, attaches = [], []
    real_connect, real_attach = duckdb.connect, warehouse._attach
    monkeypatch.setattr(duckdb, "connect",
                        lambda *a, **k: connects.append(a) or real_connect(*a, **k))
    monkeypatch.setattr(warehouse, "_attach",
                        lambda db, **k: attaches.append(db) or real_attach(db, **k))

    assert pipeline.load([month_of(second)], today=TODAY).status == "loaded"

    assert connects == []
    assert attaches == [empty_db]


def test_after_a_load_the_file_is_released_and_fully_written(empty_db):
    assert pipeline.load([month_of(towns(1)[0])], today=TODAY).status == "loaded"

    # Nothing left in a write-ahead log, and another process can open the
    # file for writing at once (the host instance holds nothing of it).
    assert not empty_db.with_name(empty_db.name + ".wal").exists()
    opened = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
         "print(con.execute('SELECT count(*) FROM mutual_aid').fetchone()[0])", str(empty_db)],
        capture_output=True, text=True, timeout=60)
    assert (opened.returncode, opened.stdout.strip()) == (0, "1"), opened.stderr
    # The COMMIT checkpointed with a threshold of 0 for that moment only: the
    # instance's setting is back to DuckDB's default for every other writer.
    with warehouse.write(empty_db) as con:
        (threshold,) = con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()
    assert threshold == "16.0 MiB"


def test_loads_from_several_threads_of_one_process_all_land(empty_db):
    codes = towns(6)
    results, errors = {}, []

    def upload(code: str) -> None:
        try:
            results[code] = pipeline.load([month_of(code)], today=TODAY, loaded_by=code)
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(r.status for r in results.values()) == ["loaded"] * len(codes)
    with warehouse.read(empty_db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT batch_id) FROM mutual_aid"
                           ).fetchone() == (len(codes), len(codes))
        assert sorted(code for (code,) in con.execute(
            "SELECT loaded_by FROM load_batches").fetchall()) == sorted(codes)


def test_a_writer_that_leaves_its_transaction_open_writes_nothing(empty_db):
    with warehouse.write(empty_db) as con:
        con.execute("BEGIN")
        con.execute("DELETE FROM org_units")
    with warehouse.read(empty_db) as con:
        (units,) = con.execute("SELECT count(*) FROM org_units").fetchone()
    assert units == len(reference.read_org_units())


def test_a_read_attaches_the_warehouse_and_leaves_nothing_behind(empty_db, monkeypatch):
    # A page's first run asks for 9-16 query batches: on a DuckDB instance of
    # its own each cost ~26 ms, attached to the host ~3 ms.
    connects = []
    real_connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: connects.append(a) or real_connect(*a, **k))

    with warehouse.read(empty_db) as con:
        (towns_known,) = con.execute("SELECT count(*) FROM org_units WHERE level = 'town'").fetchone()

    assert connects == []
    assert towns_known == int((reference.read_org_units()["level"] == "town").sum())
    with warehouse._host_cursor() as host:
        attached = {path for (path,) in host.execute("SELECT path FROM duckdb_databases()").fetchall()}
    assert str(empty_db) not in attached
    # Released: a writer (here, of this process) takes the file at once.
    with warehouse.write(empty_db, timeout_s=0.5) as con:
        assert con.execute("SELECT count(*) FROM load_batches").fetchone() == (0,)


def test_readers_in_several_threads_read_one_warehouse_at_the_same_time(empty_db):
    # The app's sessions query from their own threads: each attaches the file
    # read-only under its own name while the others still hold it.
    together = threading.Barrier(4, timeout=20)
    counts, errors = [], []

    def reader():
        try:
            with warehouse.read(empty_db) as con:
                together.wait()         # all four attached at once
                counts.append(con.execute("SELECT count(*) FROM org_units").fetchone()[0])
                together.wait()
        except Exception as exc:        # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(counts) == 4 and len(set(counts)) == 1 and counts[0] > 0


def test_a_check_for_tables_looks_only_at_its_own_warehouse(empty_db, tmp_path):
    # While a session reads an initialised warehouse, the demo asks whether a
    # new, empty file holds data.  Both are attached to the same instance:
    # the catalog must be asked about the new file alone, or it would find
    # the other's load_batches and then fail to read its own.
    from etl import demo
    blank = tmp_path / "blank.duckdb"
    duckdb.connect(str(blank)).close()
    with warehouse.read(empty_db):
        assert demo._holds_real_data(blank) is False


def test_storable_bounds_are_those_of_the_warehouse_being_written(empty_db, tmp_path):
    # Other databases attached to the same host instance (a second warehouse
    # written from another thread, the access log) may have a table of the
    # same name with other types; the bounds are those of the connection's
    # own database.
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE mutual_aid_rows (claims SMALLINT, claims_paid_yuan DECIMAL(4, 2))")
    spec = DATASETS["mutual_aid"]
    with warehouse.write(empty_db) as con, \
            warehouse.write(tmp_path / "unrelated.duckdb") as unrelated:
        unrelated.execute("CREATE TABLE mutual_aid_rows (claims BIGINT)")
        own = loader.storable_bounds(con, spec)
        columns = loader.stored_columns(con, spec)
        with warehouse.attached(con, other, "other"):
            inside_other = loader.storable_bounds(con, spec)

    assert own == {"members_enrolled": 2 ** 31 - 1, "new_enrolments": 2 ** 31 - 1,
                   "claims": 2 ** 31 - 1, "claims_paid_yuan": pytest.approx(999_999_999_999.99)}
    assert columns == ["month", "town_code", "scheme", "members_enrolled", "new_enrolments",
                       "claims", "claims_paid_yuan"]
    # While ``other`` is the connection's database, its table is the one read.
    assert inside_other == {"claims": 2 ** 15 - 1, "claims_paid_yuan": pytest.approx(99.99)}


def test_a_warehouse_is_known_to_be_initialised_or_not_without_spoiling_a_transaction(tmp_path):
    db = tmp_path / "fresh.duckdb"
    with warehouse.write(db) as con:
        con.execute("BEGIN")
        assert not pipeline._initialised(con)
        pipeline._ensure_initialised(con)     # in the same transaction
        assert pipeline._initialised(con)
        con.execute("COMMIT")
    with warehouse.read(db) as con:
        assert pipeline._initialised(con)


@pytest.mark.parametrize("was_enabled", [True, False])
def test_reading_a_workbook_leaves_the_garbage_collector_as_it_found_it(was_enabled):
    workbook = Path(__file__).parent / "fixtures" / "etl" / "duplicate_across_sheets.xlsx"
    (gc.enable if was_enabled else gc.disable)()
    try:
        read.read_file(workbook.name, workbook.read_bytes())
        assert gc.isenabled() is was_enabled
        read.read_file("broken.xlsx", workbook.read_bytes()[:2000])   # unreadable: same
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable()
