"""Deck benchmark: the 汇报 deck of one county for one year, as the button makes it.

    python bench/bench_deck.py [--db data/warehouse.duckdb] [--region 350582] \\
        [--from 2024-01] [--to 2024-12] [--runs 3]

Target (issue "Meeting-ready"): the deck of 晋江市 (350582) for 2024 in < 15 s.
Each run does what a click on 生成汇报PPT does in a running app: read the
view's numbers (one short read-only connection), build the slides, start
kaleido's Chromium, draw every chart image, stop it, write the .pptx.  So
every run pays the Chromium start; only Python's imports (printed apart)
are paid once per process.

Without --db (and with no UNION_DB warehouse) the city-scale demo warehouse
is built in a temporary directory first (about a minute; not timed).
Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_import_started = time.perf_counter()
from dashboard import deck, report  # noqa: E402
from dashboard.filters import latest_or_default, parse_view, regions_from_units  # noqa: E402
from dashboard.queries import meta  # noqa: E402
from etl import settings, warehouse  # noqa: E402
IMPORT_SECONDS = time.perf_counter() - _import_started

TODAY = date(2026, 11, 23)


def _warehouse(db: Path | None) -> Path:
    if db is not None:
        return db
    if settings.db_path().exists():
        return settings.db_path()
    from etl.demo import build_demo_warehouse
    built = Path(tempfile.mkdtemp(prefix="bench_deck_")) / "warehouse.duckdb"
    started = time.perf_counter()
    build_demo_warehouse(built, scale="city", today=TODAY)
    print(f"(demo warehouse built in {time.perf_counter() - started:.0f} s: {built})", file=sys.stderr)
    return built


def one_run(db: Path, params: dict) -> dict:
    started = time.perf_counter()
    with warehouse.read(db) as con:
        regions = regions_from_units(meta.org_units(con))
        vf = parse_view(params, regions, latest_or_default(meta.latest_month(con), TODAY))
        content = report.build_report(con, vf)
    built = time.perf_counter()
    data = deck.write_deck(content)
    written = time.perf_counter()
    return {"slides": len(content.slides), "bytes": len(data), "report_s": built - started,
            "deck_s": written - built, "total_s": written - started,
            "images": sum(1 for s in content.slides if s.figure is not None)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--region", default="350582")
    parser.add_argument("--from", dest="first", default="2024-01")
    parser.add_argument("--to", dest="last", default="2024-12")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    db = _warehouse(args.db)
    params = {"region": args.region, "from": args.first, "to": args.last, "cmp": "yoy",
              "lang": args.lang}
    runs = [one_run(db, params) for _ in range(args.runs)]
    print(f"Deck of {args.region}, {args.first} .. {args.last} ({args.lang}); warehouse {db}")
    print(f"Python imports (once per process): {IMPORT_SECONDS:.2f} s\n")
    print("| run | slides | images | queries + slides (s) | images + pptx (s) | total (s) | size (KB) |")
    print("|---|---|---|---|---|---|---|")
    for i, run in enumerate(runs, start=1):
        print(f"| {i} | {run['slides']} | {run['images']} | {run['report_s']:.2f} | {run['deck_s']:.2f} "
              f"| {run['total_s']:.2f} | {run['bytes'] / 1024:.0f} |")
    worst = max(r["total_s"] for r in runs)
    median = statistics.median(r["total_s"] for r in runs)
    print(f"\nmedian {median:.2f} s, slowest {worst:.2f} s; target < 15 s: "
          f"{'met' if worst < 15 else 'NOT met'}")
    return 0 if worst < 15 else 1


if __name__ == "__main__":
    sys.exit(main())
