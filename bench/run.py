"""The performance harness: one command, writes bench/RESULTS.md.

    python bench/run.py [--scales city,province,nation] [--quick] [--rebuild]
                        [--skip browser,pandas,etl]

For each scale it builds (or reuses) a warehouse under bench/out/<scale>/
(git-ignored) with ``python -m etl demo --scale <scale>`` — the city from
the demo's spreadsheets through the loader, province and nation generated in
DuckDB (etl/synthetic.py) — and measures:

1. server time per page, cold and warm, against its floor (the page's SQL
   alone + an empty Streamlit page): bench/server_time.py, one fresh process
   per page;
2. browser time from navigation to every chart and the map drawn, against a
   one-chart Streamlit page: bench/browser_time.py (headless /usr/bin/chromium);
3. the app server's peak RSS (same run);
4. the bytes of each map's deck JSON, and the widest view's deck if a
   region above the city could be chosen;
5. at city scale, a Streamlit page that reads the demo spreadsheets with
   pandas on every rerun (bench/apps/pandas_page.py): our speed-up;
6. the ETL ratios (bench/bench_etl.py).

``--quick`` takes fewer runs (and smaller ETL files); medians either way.
The machine is shared: the load average is recorded next to every section.
Everything measured is also kept in bench/out/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"

PAGES = ("overview", "mutual_aid", "summer_camps", "contracts", "stations", "admin", "present")
BROWSER_PAGES = ("overview", "mutual_aid", "summer_camps", "contracts", "stations")
BROWSER_SCALES = ("city", "province", "nation")

# Targets (issue "Performance at scale")
WARM_RATIO = 1.3
WARM_ABSOLUTE_S = {"city": 0.150, "nation": 0.400}
BROWSER_RATIO = 1.2
RSS_LIMIT_MB = 1024
MAP_LIMIT_BYTES = 5 * 1024 * 1024
PANDAS_SPEEDUP = 10.0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    versions = {name: metadata.version(name) for name in
                ("streamlit", "duckdb", "pandas", "pyarrow", "plotly", "pydeck", "playwright")}
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 ** 2, 1),
            "os": platform.platform(), "python": platform.python_version(), "versions": versions}


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S} load {load_average()}] {message}", file=sys.stderr, flush=True)


def worker(args: list[str], timeout_s: float = 3600) -> dict:
    """Run a bench worker in a fresh process; its JSON result."""
    out = OUT / "tmp-result.json"
    out.unlink(missing_ok=True)
    completed = subprocess.run([sys.executable, *args, "--json", str(out)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               timeout=timeout_s)
    if completed.returncode != 0 or not out.exists():
        raise RuntimeError(f"{args[0]} failed:\n{completed.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


# 0. Warehouses ---------------------------------------------------------------------

def warehouse(scale: str, rebuild: bool) -> tuple[Path, dict]:
    folder = OUT / scale
    db = folder / "warehouse.duckdb"
    record = folder / "build.json"
    if db.exists() and record.exists() and not rebuild:
        return db, json.loads(record.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("warehouse.duckdb*"):
        leftover.unlink()
    log(f"building the {scale} warehouse")
    load = load_average()
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "etl", "demo", "--scale", scale], cwd=ROOT,
                               env={**os.environ, "UNION_DB": str(db)}, capture_output=True,
                               text=True)
    seconds = time.perf_counter() - started
    if not db.exists():
        raise RuntimeError(f"python -m etl demo --scale {scale} built nothing:\n"
                           f"{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}")
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    rows = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("org_units", "stations", "station_visits", "mutual_aid", "summer_camps",
                          "collective_contracts", "load_batches")}
    con.close()
    steps = dict(re.findall(r"synthetic: (.+?) \(([\d.]+) s\)", completed.stderr))
    info = {"scale": scale, "seconds": round(seconds, 1), "exit_code": completed.returncode,
            "steps_s": {name: float(value) for name, value in steps.items()},
            "rows": rows, "bytes": db.stat().st_size, "load_average": load,
            "built_at": datetime.now().isoformat(timespec="seconds"),
            "stderr_tail": completed.stderr[-1500:] if completed.returncode else ""}
    record.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return db, info


# 1 and 4. Server time and the map --------------------------------------------------

def server_times(scale: str, db: Path, warm: int) -> dict:
    results = {}
    for page in PAGES:
        log(f"{scale}: server time of {page}")
        try:
            results[page] = worker(["bench/server_time.py", "--db", str(db), "--page",
                                    f"pages/{page}.py", "--warm", str(warm)])
        except Exception as exc:  # one broken page must not cost the whole run
            results[page] = {"failed": str(exc)[-1500:]}
        results[page]["load_average"] = load_average()
    return results


WIDEST_VIEW_SQL = "SELECT min(month)::DATE, max(month)::DATE FROM station_visits"


def widest_map(db: Path) -> dict:
    """The deck the stations page would send for the whole warehouse (prefix
    ''), this year: not reachable in the app (regions stop at 泉州市), but
    what a province or national region would send with today's code."""
    from datetime import date

    from dashboard import geo, maps
    from dashboard.queries import meta, stations
    from etl import warehouse as wh
    with wh.read(db) as con:
        last = con.execute(WIDEST_VIEW_SQL).fetchone()[1]
        first = date(last.year, 1, 1)
        started = time.perf_counter()
        summary = stations.station_summary(con, "", first, last)
        towns = stations.town_summary(con, "", first, last)
        query_s = time.perf_counter() - started
        units = meta.org_units(con)
    outlines = geo.county_outlines()
    city = "350500"
    context = {"outlines": geo.outlines_for_region(outlines, units, city, "zh"),
               "labels": geo.label_points(units, city, "zh"), "lang": "zh",
               "bounds": geo.view_bounds(outlines, units, city, summary["lon"], summary["lat"])}
    drawn = towns if len(summary) > stations.MAX_POINTS else summary
    deck = (maps.town_deck if drawn is towns else maps.station_deck)(drawn, **context)
    spec = deck.to_json()
    return {"stations": len(summary), "towns": len(towns), "drawn_as": "towns" if drawn is towns else "stations",
            "bytes": len(spec.encode("utf-8")), "features": maps.feature_count(spec),
            "query_s": round(query_s, 3)}


# 2 and 3. Browser time and memory ---------------------------------------------------

def browser_times(scale: str, db: Path, server: dict, runs: int) -> dict:
    expect = {}
    for page in BROWSER_PAGES:
        elements = server.get(page, {}).get("elements", {})
        expect[page] = [elements.get("plotly_chart", 0), elements.get("deck_gl_json_chart", 0)]
    log(f"{scale}: browser time")
    result = worker(["bench/browser_time.py", "--db", str(db), "--pages", ",".join(BROWSER_PAGES),
                     "--runs", str(runs), "--expect", json.dumps(expect)])
    result["load_average"] = load_average()
    return result


# 5. The pandas page -------------------------------------------------------------------

def pandas_page(demo_dir: Path, runs: int) -> dict:
    log("city: the pandas-per-rerun page")
    script = f"""
import json, logging, os, statistics, sys, time, warnings
warnings.simplefilter("ignore")
os.environ["BENCH_SPREADSHEETS"] = {str(demo_dir)!r}
logging.getLogger("streamlit").setLevel(logging.ERROR)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(BENCH / 'apps' / 'pandas_page.py')!r}, default_timeout=900)
times = []
for _ in range({runs + 1}):
    started = time.perf_counter(); at.run(); times.append(time.perf_counter() - started)
json.dump({{"first_s": times[0], "runs_s": times[1:], "median_s": statistics.median(times[1:]),
           "errors": [e.value[:300] for e in at.exception],
           "visits": at.metric[0].value if len(at.metric) else None}}, sys.stdout)
"""
    completed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    if completed.returncode:
        return {"failed": completed.stderr[-1500:]}
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["load_average"] = load_average()
    return result


# 6. ETL ------------------------------------------------------------------------------

def etl_ratios(quick: bool) -> dict:
    log("ETL ratios (bench/bench_etl.py)")
    args = [sys.executable, "bench/bench_etl.py"]
    if quick:
        args += ["--sizes", "xlsx:10000,csv:100000", "--repeat", "1"]
    load = load_average()
    # It measures the loader, not the upload page's limits (20 MB / 200,000 rows).
    env = {**os.environ, "UNION_MAX_UPLOAD_MB": "10000", "UNION_MAX_UPLOAD_ROWS": "100000000"}
    completed = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env)
    return {"table": completed.stdout.strip(), "exit_code": completed.returncode,
            "stderr_tail": completed.stderr[-1500:] if completed.returncode else "",
            "load_average": f"{load} → {load_average()}"}


# RESULTS.md ------------------------------------------------------------------------------

def _ms(seconds) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.0f}"


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✅" if ok else "❌")


def write_results(data: dict) -> list[str]:
    """RESULTS.md from ``data``; returns the target lines (also in the file)."""
    lines = [
        "# Performance results",
        "",
        f"Written by `python bench/run.py {data['argv']}` on {data['date']}. "
        "Medians; ratios are what the targets are about (absolute times for orientation).",
        "",
        "## Machine",
        "",
        f"- CPU: {data['machine']['cpu']}, {data['machine']['cores']} cores; "
        f"{data['machine']['memory_gib']} GiB RAM; {data['machine']['os']}; Python {data['machine']['python']}",
        "- " + ", ".join(f"{k} {v}" for k, v in data["machine"]["versions"].items()),
        f"- Load average (1/5/15 min) at start {data['load_start']}, at end {data['load_end']}. "
        "The 2 cores are shared with other engineers' test runs, so absolute times are noisy; "
        "each section below notes the load when it ran.",
        "",
        "## Warehouses",
        "",
        "| scale | how | build time | file | org units | stations | station visits | mutual aid | "
        "camps | contracts | batches |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scale, info in data["warehouses"].items():
        rows = info["rows"]
        how = ("demo spreadsheets → `etl.pipeline.load`" if scale in ("town", "city")
               else "generated in DuckDB (`etl/synthetic.py`)")
        lines.append(
            f"| {scale} | {how} | {info['seconds']:.0f} s | {info['bytes'] / 2**20:,.0f} MB | "
            f"{rows['org_units']:,} | {rows['stations']:,} | {rows['station_visits']:,} | "
            f"{rows['mutual_aid']:,} | {rows['summer_camps']:,} | {rows['collective_contracts']:,} | "
            f"{rows['load_batches']:,} |")
    lines += ["", "Build time is the wall time of `python -m etl demo --scale <scale>` (city: writing "
              "the spreadsheets and loading them through the pipeline).  Load average at build: "
              + "; ".join(f"{s} {i['load_average']}" for s, i in data["warehouses"].items()) + "."]
    for scale, info in data["warehouses"].items():
        if info.get("steps_s"):
            lines.append(f"{scale} generation steps: "
                         + ", ".join(f"{k} {v:.1f} s" for k, v in info["steps_s"].items()) + ".")
    lines.append("")

    targets: list[str] = []
    lines += [
        "## 1. Server time per page",
        "",
        "AppTest runs of `app.py` switched to the page (`bench/server_time.py`, a fresh process per "
        "page, imports done before the clock).  Cold = first run (every query misses the cache; "
        "the file is in the OS cache); warm = median of the reruns that follow.  Floor = the page's "
        "distinct queries replayed uncached on one read-only connection + an empty Streamlit page.",
        "",
        "| scale | page | cold ms | warm ms | SQL ms | empty page ms | floor ms | warm/floor | "
        "cold/floor | target | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for scale, pages in data["server"].items():
        for page, r in pages.items():
            if "failed" in r:
                lines.append(f"| {scale} | {page} | – | – | – | – | – | – | – | – | worker failed |")
                continue
            absolute = WARM_ABSOLUTE_S.get(scale)
            ok = r["warm_ratio"] <= WARM_RATIO and (absolute is None or r["warm_median_s"] <= absolute)
            target = (f"≤{WARM_RATIO}× and ≤{absolute * 1000:.0f} ms" if absolute
                      else f"≤{WARM_RATIO}×")
            errors = "; ".join(r["errors"])[:120] or "none"
            lines.append(
                f"| {scale} | {page} | {_ms(r['cold_s'])} | {_ms(r['warm_median_s'])} | "
                f"{_ms(r['sql_floor_s'])} | {_ms(r['empty_page_s'])} | {_ms(r['floor_s'])} | "
                f"{r['warm_ratio']:.2f} | {r['cold_ratio']:.2f} | {_mark(ok)} {target} | {errors} |")
            targets.append(f"{_mark(ok)} warm page {scale}/{page}: {_ms(r['warm_median_s'])} ms, "
                           f"{r['warm_ratio']:.2f}× floor (target {target})")
        loads = {p: r.get("load_average") for p, r in pages.items()}
        lines.append(f"| | | | | | | | | | | load: {', '.join(f'{p} {l}' for p, l in loads.items())} |")
    lines.append("")

    lines += ["## 2. Browser time (navigation → every chart and the map drawn)", "",
              "Headless Chromium (`bench/browser_time.py`), a new browser context per visit.  Floor: "
              "`bench/apps/one_chart.py` (one plotly chart with a Chinese title) served the same way; "
              "`bench/apps/one_map.py` (one map of one point) shows what a map alone costs.  Cold = "
              "first visit after the server started; warm = median of the next visits; script done = "
              "when the page's script had finished and its elements had arrived (the rest is drawing).",
              "",
              "| scale | page | charts + maps | cold ms | warm ms | script done ms | floor ms | warm/floor | "
              "target | websocket bytes | app RSS after MB |",
              "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for scale, b in data["browser"].items():
        if "failed" in b:
            lines.append(f"| {scale} | – | – | – | – | – | – | – | worker failed |")
            continue
        floor = b["floor"]["warm_median_s"]
        for page, r in b["pages"].items():
            ratio = r["warm_median_s"] / floor
            ok = ratio <= BROWSER_RATIO if scale == "city" else None
            problems = [v["error"] for v in [r["cold"], *r["warm"]] if v["error"]]
            problems += ["error shown on the page" for v in [r["cold"], *r["warm"]][:1] if v["exceptions"]]
            lines.append(f"| {scale} | {page} | {r['expect'][0]} + {r['expect'][1]} | "
                         f"{_ms(r['cold']['s'])} | {_ms(r['warm_median_s'])} | "
                         f"{_ms(r.get('script_done_median_s'))} | {_ms(floor)} | "
                         f"{ratio:.2f} | {_mark(ok)}{' ≤1.2× (city)' if scale == 'city' else ''}"
                         f"{' ' + problems[0][:80] if problems else ''} | {r['ws_bytes_median']:,.0f} | "
                         f"{r.get('app_memory_after_mb', {}).get('VmRSS', '–')} |")
            if ok is not None:
                targets.append(f"{_mark(ok)} browser {scale}/{page}: {_ms(r['warm_median_s'])} ms, "
                               f"{ratio:.2f}× the one-chart floor (target ≤{BROWSER_RATIO}×)")
        map_floor = b.get("map_floor") or {}
        lines.append(f"| {scale} | (floors) | 1 + 0 / 0 + 1 | {_ms(b['floor']['cold']['s'])} | {_ms(floor)} "
                     f"/ map {_ms(map_floor.get('warm_median_s'))} | | | | | load {b.get('load_average')} | |")
    lines.append("")

    lines += ["## 3. Peak RSS of the app server", "",
              "VmHWM of the `streamlit run app.py` process after every browser visit above (each visit "
              "is a new session; Streamlit keeps a closed session for `server.disconnectedSessionTTL`, "
              "120 s, so all of them were alive at the end).", "",
              "| scale | peak RSS MB | RSS at end MB | target |", "|---|---:|---:|---|"]
    for scale, b in data["browser"].items():
        memory = b.get("app_memory_mb", {})
        ok = memory.get("VmHWM", 0) <= RSS_LIMIT_MB if scale == "nation" and memory else None
        lines.append(f"| {scale} | {memory.get('VmHWM', '–')} | {memory.get('VmRSS', '–')} | "
                     f"{_mark(ok)}{' ≤ 1 GiB' if scale == 'nation' else ''} |")
        if ok is not None:
            targets.append(f"{_mark(ok)} app RSS at nation: {memory['VmHWM']} MB (target ≤ 1024 MB)")
    lines += ["", "Peak RSS of each server-time worker process (AppTest, one page each): " + "; ".join(
        f"{scale} max {max((r.get('rss_peak_mb', 0) for r in pages.values()), default=0)} MB"
        for scale, pages in data["server"].items()), ""]

    lines += ["## 4. Map payload", "",
              "The deck JSON the stations page sends (its default view, 泉州市 this year), and what the "
              "whole warehouse would send (no region above the city can be chosen in the app today).", "",
              "| scale | view | drawn as | features (by layer) | deck bytes | target |",
              "|---|---|---|---|---:|---|"]
    for scale, pages in data["server"].items():
        for deck in pages.get("stations", {}).get("decks", []):
            ok = deck["bytes"] <= MAP_LIMIT_BYTES
            layers = ", ".join(f"{k} {v:,}" for k, v in deck["layers"].items())
            lines.append(f"| {scale} | 泉州市, this year (the app) | {'towns' if 'towns' in deck['layers'] else 'stations'} | "
                         f"{layers} | {deck['bytes']:,} | {_mark(ok)} ≤ 5 MB |")
            targets.append(f"{_mark(ok)} map payload {scale}: {deck['bytes'] / 2**20:.2f} MB (target ≤ 5 MB)")
        wide = data["widest_map"].get(scale)
        if wide:
            ok = wide["bytes"] <= MAP_LIMIT_BYTES
            lines.append(f"| {scale} | whole warehouse (not reachable) | {wide['drawn_as']} "
                         f"({wide['stations']:,} stations, {wide['towns']:,} towns) | "
                         f"{wide['features']:,} | {wide['bytes']:,} | {_mark(ok)} ≤ 5 MB |")
    lines.append("")

    p = data.get("pandas")
    if p:
        lines += ["## 5. Against a pandas-per-rerun page (city)", ""]
        if "failed" in p:
            lines += ["The pandas page failed: " + p["failed"][-300:], ""]
        else:
            ours = data["server"]["city"]["stations"]
            speed_warm = p["median_s"] / ours["warm_median_s"]
            speed_cold = p["median_s"] / ours["cold_s"]
            ok = speed_warm >= PANDAS_SPEEDUP
            lines += [
                "`bench/apps/pandas_page.py` reads every 工会驿站服务人次月报 of the city demo with pandas "
                "(default Excel reader; GB18030 CSV) on every rerun, groups in pandas and shows the "
                "station page's numbers without the map.  Server time per rerun (AppTest):", "",
                "| page | ms per rerun | our speed-up |", "|---|---:|---:|",
                f"| pandas page (median of reruns) | {_ms(p['median_s'])} | |",
                f"| our 工会驿站 page, warm | {_ms(ours['warm_median_s'])} | {speed_warm:,.0f}× |",
                f"| our 工会驿站 page, cold | {_ms(ours['cold_s'])} | {speed_cold:,.0f}× |",
                "", f"Load average: {p.get('load_average')}.", ""]
            targets.append(f"{_mark(ok)} vs pandas-per-rerun (city): {speed_warm:,.0f}× warm, "
                           f"{speed_cold:,.0f}× cold (target ≥ {PANDAS_SPEEDUP:.0f}×)")

    e = data.get("etl")
    if e:
        lines += ["## 6. ETL ratios (bench/bench_etl.py)", "", e["table"] or "(no output)",
                  "", "Of which writing: the load from its 'writing' progress message on (insert, "
                  "archive, commit, audit entry, close).  Floor ratio = (raw + writing) / raw: what "
                  "the load would score if reading and validating cost no more than the raw read.",
                  "", f"Load average: {e['load_average']}.", ""]
        if e.get("stderr_tail"):
            lines += ["```", e["stderr_tail"], "```", ""]

    lines += ["## Targets", "", *[f"- {t}" for t in targets], ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="city,province,nation")
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller ETL files")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the warehouses")
    parser.add_argument("--skip", default="", help="comma list of browser, pandas, etl")
    args = parser.parse_args()
    scales = [s for s in args.scales.split(",") if s]
    skip = set(filter(None, args.skip.split(",")))
    warm, browser_runs, pandas_runs = (3, 2, 2) if args.quick else (7, 5, 3)
    OUT.mkdir(parents=True, exist_ok=True)

    data = {"argv": " ".join(sys.argv[1:]), "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "machine": machine(), "load_start": load_average(), "warehouses": {}, "server": {},
            "browser": {}, "widest_map": {}}
    dbs = {}
    for scale in scales:
        dbs[scale], data["warehouses"][scale] = warehouse(scale, args.rebuild)
    for scale in scales:
        data["server"][scale] = server_times(scale, dbs[scale], warm)
        if scale != "city":
            log(f"{scale}: the widest view's map")
            data["widest_map"][scale] = widest_map(dbs[scale])
        if "browser" not in skip and scale in BROWSER_SCALES:
            try:
                data["browser"][scale] = browser_times(scale, dbs[scale], data["server"][scale],
                                                       browser_runs)
            except Exception as exc:
                data["browser"][scale] = {"failed": str(exc)[-1500:]}
    if "pandas" not in skip and "city" in scales:
        data["pandas"] = pandas_page(dbs["city"].parent / "demo", pandas_runs)
    if "etl" not in skip:
        data["etl"] = etl_ratios(args.quick)
    data["load_end"] = load_average()
    (OUT / "results.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str),
                                      encoding="utf-8")
    targets = write_results(data)
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    for line in targets:
        print(" ", line)


if __name__ == "__main__":
    main()
