"""ETL benchmark: a validated load against the raw reader alone, same run.

    python bench/bench_etl.py [--sizes xlsx:10000,xlsx:100000,csv:100000,csv:1000000]

Targets (issue "Warehouse and ETL"): validated load <= 1.5x python-calamine
reading the same .xlsx, and <= 2x DuckDB's read_csv materialising the same
.csv.  "Validated load" is everything `python -m etl load` does: read, find the
header, normalise, resolve towns/stations, validate, and write in one
transaction into a fresh warehouse.  The ratio is what counts; absolute
seconds are for orientation.  Prints a Markdown table.

"Of which writing" is the part after every file was read and validated:
inserting (and retiring the rows replaced), archiving, committing, the
audit entry, closing.  The floor ratio, (raw + writing) / raw, is what the
load would score if parsing and validating took no time at all beyond the
raw reader's own read.

"Bare write" is the least any load that keeps the rows can cost: the raw
reader's read and the rows inserted as they are into the same warehouse
table, committed the same durable way, with nothing found, normalised or
checked (for a CSV, DuckDB alone: INSERT ... SELECT FROM read_csv).  Its
ratio shows where a target sits below what storing the rows costs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from etl import pipeline, reference, warehouse  # noqa: E402
from etl.specs import STATION_VISITS, VISITOR_GROUPS  # noqa: E402

TODAY = date(2026, 11, 23)
# The loader's progress message once every file is read and validated.
WRITING = pipeline.bilingual("progress_writing", rows=0).split("0")[0]

# The upload limits (etl/limits.py, checked by every pipeline.load, the CLI's
# too) guard the app against hostile files; the bench's 1M-row CSV (41 MB)
# is over them by design.  What is measured is the ETL, not the guard.
BENCH_LIMITS = {"UNION_MAX_UPLOAD_MB": "1024", "UNION_MAX_UPLOAD_ROWS": "100000000",
                "UNION_MAX_UPLOAD_CELLS": "1000000000"}


def station_register(stations: int) -> pd.DataFrame:
    """A register of ``stations`` stations spread over every town."""
    towns = reference.read_org_units().query("level == 'town'")
    rng = np.random.default_rng(7)
    pick = towns.iloc[np.arange(stations) % len(towns)]
    return pd.DataFrame({
        "驿站编号": [f"B-{i:06d}" for i in range(stations)],
        "驿站名称": [f"基准驿站{i}" for i in range(stations)],
        "镇（街道）": pick["code"].to_numpy(),  # codes: short names like 官桥 exist in two counties
        "经度": (pick["lon"].to_numpy() + rng.normal(0, 0.003, stations)).round(6),
        "纬度": (pick["lat"].to_numpy() + rng.normal(0, 0.003, stations)).round(6),
        "坐标系": "WGS84",
    })


def station_visits(rows: int, stations: int) -> pd.DataFrame:
    """``rows`` visit rows: stations x months x 5 visitor groups, headers as
    the template writes them, every value typed the way Excel stores it."""
    groups = len(VISITOR_GROUPS)
    months_needed = -(-rows // (stations * groups))
    months = pd.period_range(end="2026-10", periods=months_needed, freq="M").strftime("%Y-%m")
    grid = pd.MultiIndex.from_product(
        [months, [f"B-{i:06d}" for i in range(stations)], VISITOR_GROUPS]).to_frame(index=False)
    grid = grid.iloc[:rows]
    rng = np.random.default_rng(11)
    visits = rng.integers(10, 400, len(grid))
    return pd.DataFrame({
        STATION_VISITS.column("month").header_zh: grid[0].to_numpy(),
        STATION_VISITS.column("station_id").header_zh: grid[1].to_numpy(),
        STATION_VISITS.column("visitor_group").header_zh: grid[2].to_numpy(),
        STATION_VISITS.column("visits").header_zh: visits,
        STATION_VISITS.column("rest").header_zh: visits // 2,
        STATION_VISITS.column("drinking_water").header_zh: visits // 3,
    })


def write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    else:
        with pd.ExcelWriter(path, engine="xlsxwriter") as xl:
            frame.to_excel(xl, index=False, sheet_name="Sheet1")


def raw_read_seconds(path: Path) -> float:
    start = time.perf_counter()
    if path.suffix == ".csv":
        con = duckdb.connect()
        con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, header = true)", [str(path)])
        con.close()
    else:
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - start


# The visit columns the bench files carry, in file order: (header, column).
BARE_COLUMNS = ["month", "station_id", "visitor_group", "visits", "rest", "drinking_water"]


def bare_write_seconds(path: Path, workdir: Path, run: int) -> float:
    """Read ``path`` with the raw reader and insert its rows unchecked into
    ``station_visits_rows`` of a fresh warehouse, committed as a load commits."""
    db = workdir / f"bare-{path.stem}-{run}.duckdb"
    pipeline.init(db)
    names = ", ".join(BARE_COLUMNS)
    start = time.perf_counter()
    with warehouse.write(db) as con:
        con.execute("BEGIN")
        if path.suffix == ".csv":
            # Month "2026-10" casts to a date only with a day added.
            month, *rest = (f'"{STATION_VISITS.column(c).header_zh}"' for c in BARE_COLUMNS)
            con.execute(
                f"INSERT INTO station_visits_rows (batch_id, town_code, {names}) "
                f"SELECT 1, '', ({month} || '-01')::DATE, {', '.join(rest)} "
                f"FROM read_csv(?, header = true, all_varchar = true)", [str(path)])
        else:
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            sheet = pd.DataFrame(rows[1:], columns=BARE_COLUMNS)
            sheet["month"] = sheet["month"] + "-01"
            con.register("sheet", sheet)
            con.execute(f"INSERT INTO station_visits_rows (batch_id, town_code, {names}) "
                        f"SELECT 1, '', {names} FROM sheet")
        warehouse.commit_to_file(con)
    return time.perf_counter() - start


def validated_load_seconds(path: Path, register: Path, workdir: Path,
                           run: int) -> tuple[float, float]:
    """(whole load, of which writing): the writing part runs from the
    loader's "writing" progress message (everything read and validated) to
    the end: inserting, archiving, committing, the audit entry, closing."""
    db = workdir / f"bench-{path.stem}-{run}.duckdb"
    os.environ["UNION_DB"] = str(db)
    pipeline.init(db)
    # The register is setup, not what is measured.
    setup = pipeline.load([(register.name, register.read_bytes())], db=db, today=TODAY,
                          loaded_by="bench")
    assert setup.status == "loaded", setup.issues[:3]
    data = path.read_bytes()
    writing_from = []

    def progress(message: str) -> None:
        if message.startswith(WRITING):
            writing_from.append(time.perf_counter())

    start = time.perf_counter()
    result = pipeline.load([(path.name, data)], db=db, today=TODAY, loaded_by="bench",
                           accept_warnings=True, progress=progress)
    end = time.perf_counter()
    assert result.status == "loaded", [i.message_en for i in result.issues[:5]]
    assert result.rows == int(path.stem.split("-")[-1]), result.rows
    return end - start, end - writing_from[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="xlsx:10000,xlsx:100000,csv:100000,csv:1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.update(BENCH_LIMITS)
    targets = {"xlsx": 1.5, "csv": 2.0}
    print("| file | rows | raw reader (s) | validated load (s) | ratio | target "
          "| of which writing (s) | floor ratio | bare write (s) | bare write ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for item in args.sizes.split(","):
            kind, rows = item.split(":")
            rows = int(rows)
            stations = max(200, rows // 100)
            register = workdir / f"register-{stations}.csv"
            if not register.exists():
                station_register(stations).to_csv(register, index=False)
            path = workdir / f"visits-{kind}-{rows}.{kind}"
            write(station_visits(rows, stations), path)
            raw = statistics.median(raw_read_seconds(path) for _ in range(args.repeat))
            loads = [validated_load_seconds(path, register, workdir, i) for i in range(args.repeat)]
            load = statistics.median(whole for whole, _ in loads)
            writing = statistics.median(part for _, part in loads)
            bare = statistics.median(bare_write_seconds(path, workdir, i)
                                     for i in range(args.repeat))
            reader = "python-calamine" if kind == "xlsx" else "DuckDB read_csv"
            print(f"| {kind} ({reader}) | {rows:,} | {raw:.3f} | {load:.3f} | "
                  f"{load / raw:.2f}x | <= {targets[kind]}x | {writing:.3f} | "
                  f"{(raw + writing) / raw:.2f}x | {bare:.3f} | {bare / raw:.2f}x |",
                  flush=True)


if __name__ == "__main__":
    main()
