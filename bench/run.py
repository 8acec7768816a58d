"""The performance harness: one command, writes bench/RESULTS.md.

    python bench/run.py [--scales city,province,nation] [--quick] [--rebuild]
                        [--skip browser,pandas,etl]

For each scale it builds (or reuses) a warehouse under bench/out/<scale>/
(git-ignored) with ``python -m etl demo --scale <scale>`` — the city from
the demo's spreadsheets through the loader, province and nation generated in
DuckDB (etl/synthetic.py) — and measures it at the view that scale's
federation looks at: its warehouse's top unit (``filters.top_of``), asked for
as the URL's ``region`` — city 泉州市 350500 (the default view, no query),
province 福建省 ``region=350000``, nation 全国 ``region=100000`` (no org_units
row; the dashboard puts it above the provinces) — and, at province and
nation, also at 泉州市 (the default view: what the city federation sees on a
bigger warehouse, and the view earlier runs measured):

1. server time per page and view, cold and warm, against its floor (the
   page's SQL alone + an empty Streamlit page): bench/server_time.py, one
   fresh process per page and view;
2. browser time from navigation to every chart and the map drawn at the top
   view, against a one-chart Streamlit page: bench/browser_time.py (headless
   /usr/bin/chromium; the expected charts and maps come from step 1's run of
   the same view);
3. the app server's peak RSS (same run);
4. the deck JSON each view's stations page sent in step 1 (bytes, features
   per layer): at a province or the nation one bubble per city or province;
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


APP_CODE = ("app.py", "dashboard", "pages", "etl")


def app_code() -> dict:
    """The git commit and a digest of the app's code as it is on disk (app.py,
    dashboard/, pages/, etl/, uncommitted edits included).  Taken at the start
    and end of a run: a server started before an edit runs a mix of old
    modules and new page scripts, so a run during edits measures neither."""
    import hashlib
    digest = hashlib.sha256()
    for path in sorted(f for name in APP_CODE for f in ([ROOT / name] if name.endswith(".py")
                                                         else (ROOT / name).rglob("*.py"))):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *APP_CODE], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return {"commit": commit, "uncommitted": bool(dirty), "digest": digest.hexdigest()[:16]}


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


# Views ------------------------------------------------------------------------------

CITY_CODE = "350500"  # 泉州市: the app's default view (dashboard.filters.CITY_CODE)


def views(db: Path) -> list[dict]:
    """The views measured on ``db``: its top unit (the widest view the app
    offers, dashboard.filters.top_of: 泉州市, 福建省 or 全国) first, then
    泉州市 when that is not the top.  泉州市 is asked for with no query (the
    default view), any other unit with ``region=<code>``."""
    from dashboard.filters import regions_from_units, top_of
    from dashboard.queries import meta
    from etl import warehouse as wh
    with wh.read(db) as con:
        regions = regions_from_units(meta.org_units(con))
    top = top_of(regions)
    chosen = [top]
    if top.code != CITY_CODE and CITY_CODE in regions:
        chosen.append(regions[CITY_CODE])
    return [{"code": r.code, "name": r.name_zh, "level": r.level, "top": r.code == top.code,
             "query": "" if r.code == CITY_CODE else f"region={r.code}"} for r in chosen]


def view_label(view: dict) -> str:
    """'全国 100000 (top, ?region=100000)', '泉州市 350500 (default)'."""
    how = [*(["top"] if view["top"] else []), f"?{view['query']}" if view["query"] else "default"]
    return f"{view['name']} {view['code']} ({', '.join(how)})"


# 1 and 4. Server time and the map --------------------------------------------------

def server_times(scale: str, db: Path, warm: int, view: dict) -> dict:
    results = {}
    for page in PAGES:
        log(f"{scale}: server time of {page} at {view['name']} {view['code']}")
        args = ["bench/server_time.py", "--db", str(db), "--page", f"pages/{page}.py",
                "--warm", str(warm)]
        if view["query"]:
            args += ["--query", view["query"]]
        try:
            results[page] = worker(args)
        except Exception as exc:  # one broken page must not cost the whole run
            results[page] = {"failed": str(exc)[-1500:]}
        results[page]["load_average"] = load_average()
    return results


def map_payload(view: dict, pages: dict) -> dict:
    """What the stations page sent at ``view`` (server_time.py's ``decks``)."""
    r = pages.get("stations", {})
    return {"view": view, "decks": r.get("decks", []), "errors": r.get("errors", []),
            "failed": r.get("failed"), "region_shown": r.get("region_shown")}


# 2 and 3. Browser time and memory ---------------------------------------------------

def browser_times(scale: str, db: Path, server: dict, runs: int, view: dict) -> dict:
    """Browser visits at ``view``; ``server`` is step 1's pages at the same view."""
    expect = {}
    for page in BROWSER_PAGES:
        elements = server.get(page, {}).get("elements", {})
        expect[page] = [elements.get("plotly_chart", 0), elements.get("deck_gl_json_chart", 0)]
    log(f"{scale}: browser time at {view['name']} {view['code']}")
    args = ["bench/browser_time.py", "--db", str(db), "--pages", ",".join(BROWSER_PAGES),
            "--runs", str(runs), "--expect", json.dumps(expect)]
    if view["query"]:
        args += ["--query", view["query"]]
    result = worker(args)
    result["view"] = view
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


def _cell(text: str) -> str:
    """Text fit for one markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


# The buttons under Streamlit's error box, which its innerText includes.
ERROR_BOX_BUTTONS = ("Copy", "Ask Google", "Ask ChatGPT")
CHILD_UNITS = {"nation": "provinces", "province": "cities", "city": "counties"}


def drawn_as(deck: dict, view: dict) -> str:
    """What the stations were drawn as, from the deck's layer ids (dashboard/maps.py):
    'areas (provinces)', 'towns' or 'stations'."""
    if "areas" in deck["layers"]:
        return f"areas ({CHILD_UNITS.get(view['level'], 'units')})"
    return next((layer for layer in ("towns", "stations") if layer in deck["layers"]), "?")


def _code_lines(data: dict) -> list[str]:
    def state(code: dict) -> str:
        return f"commit {code['commit']}" + (" + uncommitted changes" if code["uncommitted"] else "")
    start, end = data.get("code_start"), data.get("code_end")
    if not start:
        return []
    lines = [f"- App code (app.py, dashboard/, pages/, etl/): {state(start)}, digest {start['digest']}."]
    if end and end["digest"] != start["digest"]:
        lines.append(f"- ⚠️ The app code changed during this run ({state(start)} → {state(end)}, digest "
                     f"{end['digest']}): a server started before the change ran old modules with new "
                     "page scripts, so errors and times after it may be the edit's, not the app's.  "
                     "Rerun on a quiet tree.")
    return lines


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
        *_code_lines(data),
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
        "page and view, imports done before the clock).  Cold = first run (every query misses the "
        "cache; the file is in the OS cache); warm = median of the reruns that follow.  Floor = the "
        "page's distinct queries replayed uncached on one read-only connection + an empty Streamlit "
        "page.  Warm reruns, replays and empty-page runs take turns, so the shared machine's load "
        "weighs on both sides of a ratio alike; scripts are compiled once per process, as a server "
        "does (AppTest alone would recompile app.py and the page at every rerun).",
        "",
        "Each scale is measured at its own top view, the widest unit its warehouse holds, asked for "
        "as the URL's `region` (city: 泉州市 350500, the default view; province: 福建省, "
        "`?region=350000`; nation: 全国, `?region=100000`), and at province and nation also at "
        "泉州市 (the default view, no query: what the city federation sees on the bigger warehouse, "
        "and the view earlier runs measured).  A scale's absolute limit applies to all its rows.  "
        "Errors also list any warning the page showed and a region other than the one asked for.",
        "",
        "| scale | view | page | cold ms | warm ms | SQL ms | empty page ms | floor ms | warm/floor | "
        "cold/floor | target | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for scale, by_view in data["server"].items():
        for code, measured in by_view.items():
            view, label = measured["view"], view_label(measured["view"])
            for page, r in measured["pages"].items():
                if "failed" in r:
                    lines.append(f"| {scale} | {label} | {page} | – | – | – | – | – | – | – | – | "
                                 f"worker failed: {_cell(r['failed'].strip().splitlines()[-1])[:200]} |")
                    targets.append(f"❌ warm page {scale} {view['name']} {code}/{page}: worker failed")
                    continue
                absolute = WARM_ABSOLUTE_S.get(scale)
                # A page that raised is not fast, whatever its time says.
                ok = (not r["errors"] and r["warm_ratio"] <= WARM_RATIO
                      and (absolute is None or r["warm_median_s"] <= absolute))
                target = (f"≤{WARM_RATIO}× and ≤{absolute * 1000:.0f} ms" if absolute
                          else f"≤{WARM_RATIO}×")
                problems = [*r["errors"], *(f"warning: {w}" for w in r.get("warnings", []))]
                shown = r.get("region_shown")
                if shown is not None and shown != code:
                    problems.append(f"showed region {shown}, not {code}")
                errors = _cell("; ".join(problems))[:160] or "none"
                lines.append(
                    f"| {scale} | {label} | {page} | {_ms(r['cold_s'])} | {_ms(r['warm_median_s'])} | "
                    f"{_ms(r['sql_floor_s'])} | {_ms(r['empty_page_s'])} | {_ms(r['floor_s'])} | "
                    f"{r['warm_ratio']:.2f} | {r['cold_ratio']:.2f} | {_mark(ok)} {target} | {errors} |")
                targets.append(f"{_mark(ok)} warm page {scale} {view['name']} {code}/{page}: "
                               f"{_ms(r['warm_median_s'])} ms, {r['warm_ratio']:.2f}× floor (target {target})"
                               + (f"; errors: {errors}" if r["errors"] else ""))
            loads = {p: r.get("load_average") for p, r in measured["pages"].items()}
            lines.append(f"| | | | | | | | | | | | load at {view['name']}: "
                         f"{', '.join(f'{p} {l}' for p, l in loads.items())} |")
    lines.append("")

    lines += ["## 2. Browser time (navigation → every chart and the map drawn)", "",
              "Headless Chromium (`bench/browser_time.py`), a new browser context per visit, at each "
              "scale's top view (city: 泉州市, the row the ≤1.2× target is about; province: 福建省 "
              "`?region=350000`; nation: 全国 `?region=100000`); the charts and maps waited for are "
              "those the server run of the same view (section 1) sent.  Floor: "
              "`bench/apps/one_chart.py` (one plotly chart with a Chinese title) served the same way; "
              "`bench/apps/one_map.py` (one map of one point) shows what a map alone costs.  Cold = "
              "first visit after the server started; warm = median of the next visits; script done = "
              "when the page's script had finished and its elements had arrived (the rest is drawing).",
              "",
              "| scale | view | page | charts + maps | cold ms | warm ms | script done ms | floor ms | "
              "warm/floor | target | websocket bytes | app RSS after MB |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    shown_errors: list[tuple[str, str, int, str]] = []
    for scale, b in data["browser"].items():
        view = b.get("view") or {}
        label = view_label(view) if view else "–"
        if "failed" in b:
            lines.append(f"| {scale} | {label} | – | – | – | – | – | – | – | worker failed: "
                         f"{_cell(b['failed'].strip().splitlines()[-1])[:200]} | | |")
            if scale == "city":
                targets.append(f"❌ browser {scale}: worker failed")
            continue
        floor = b["floor"]["warm_median_s"]
        for page, r in b["pages"].items():
            ratio = r["warm_median_s"] / floor
            ok = ratio <= BROWSER_RATIO if scale == "city" else None
            visits = [r["cold"], *r["warm"]]
            problems = [f"error on the page: {text}" for v in visits for text in v.get("exception_texts", [])]
            problems += ["error shown on the page" for v in visits if v["exceptions"]]
            problems += [v["error"] for v in visits if v["error"]]
            problems += [f"the page showed {v['url'].partition('?')[2]}" for v in visits[:1]
                         if view and v.get("url") and f"region={view['code']}" not in v["url"]]
            shown_errors += [(scale, page, i, text) for i, v in enumerate(visits)
                             for text in v.get("exception_texts", [])]
            lines.append(f"| {scale} | {label} | {page} | {r['expect'][0]} + {r['expect'][1]} | "
                         f"{_ms(r['cold']['s'])} | {_ms(r['warm_median_s'])} | "
                         f"{_ms(r.get('script_done_median_s'))} | {_ms(floor)} | "
                         f"{ratio:.2f} | {_mark(ok)}{' ≤1.2× (city)' if scale == 'city' else ''}"
                         f"{' ' + _cell(problems[0])[:120] if problems else ''} | {r['ws_bytes_median']:,.0f} | "
                         f"{r.get('app_memory_after_mb', {}).get('VmRSS', '–')} |")
            if ok is not None:
                targets.append(f"{_mark(ok)} browser {scale} {view.get('name', '')} {view.get('code', '')}"
                               f"/{page}: {_ms(r['warm_median_s'])} ms, {ratio:.2f}× the one-chart floor "
                               f"(target ≤{BROWSER_RATIO}×)")
        map_floor = b.get("map_floor") or {}
        lines.append(f"| {scale} | | (floors) | 1 + 0 / 0 + 1 | {_ms(b['floor']['cold']['s'])} | {_ms(floor)} "
                     f"/ map {_ms(map_floor.get('warm_median_s'))} | | | | | load {b.get('load_average')} | |")
    lines.append("")
    if shown_errors:
        lines += ["Errors the pages showed in the browser (each text once, with the visits that showed it; "
                  "visit 0 is the cold one):", ""]
        seen: dict[tuple[str, str, str], list[int]] = {}
        for scale, page, i, text in shown_errors:
            seen.setdefault((scale, page, text), []).append(i)
        for (scale, page, text), visits_with in seen.items():
            lines += [f"- {scale}/{page}, visits {', '.join(map(str, visits_with))}:", "", "  ```",
                      *("  " + line for line in text.strip().splitlines()
                        if line.strip() not in ERROR_BOX_BUTTONS), "  ```", ""]

    lines += ["## 3. Peak RSS of the app server", "",
              "VmHWM of the `streamlit run app.py` process after every browser visit above (each visit "
              "is a new session; Streamlit keeps a closed session for `server.disconnectedSessionTTL`, "
              "120 s, so all of them were alive at the end).", "",
              "| scale | view | peak RSS MB | RSS at end MB | target |", "|---|---|---:|---:|---|"]
    for scale, b in data["browser"].items():
        memory = b.get("app_memory_mb", {})
        ok = memory.get("VmHWM", 0) <= RSS_LIMIT_MB if scale == "nation" and memory else None
        label = view_label(b["view"]) if b.get("view") else "–"
        lines.append(f"| {scale} | {label} | {memory.get('VmHWM', '–')} | {memory.get('VmRSS', '–')} | "
                     f"{_mark(ok)}{' ≤ 1 GiB' if scale == 'nation' else ''} |")
        if ok is not None:
            targets.append(f"{_mark(ok)} app RSS at nation: {memory['VmHWM']} MB (target ≤ 1024 MB)")
    lines += ["", "Peak RSS of each server-time worker process (AppTest, one page and view each): " + "; ".join(
        f"{scale} max {max((r.get('rss_peak_mb', 0) for m in by_view.values() for r in m['pages'].values()), default=0)} MB"
        for scale, by_view in data["server"].items()), ""]

    lines += ["## 4. Map payload", "",
              "The deck JSON the stations page sent in its server-time run (section 1; "
              "`bench/server_time.py` reads it from the AppTest run) at each view, this year: at a "
              "province or the nation one bubble per city or province (`maps.AREAS_LAYER`), at "
              "泉州市 one dot per station (one bubble per town above `stations.MAX_POINTS`).", "",
              "| scale | view | drawn as | features (by layer) | features | deck bytes | target |",
              "|---|---|---|---|---:|---:|---|"]
    for scale, by_view in data["maps"].items():
        for code, m in by_view.items():
            view, label = m["view"], view_label(m["view"])
            if not m["decks"]:
                why = (m["failed"] and "worker failed") or "; ".join(m["errors"]) or "no map on the page"
                lines.append(f"| {scale} | {label} | – | – | – | – | ❌ {_cell(why)[:160]} |")
                targets.append(f"❌ map payload {scale} {view['name']} {code}: no map ({_cell(why)[:80]})")
                continue
            for deck in m["decks"]:
                ok = deck["bytes"] <= MAP_LIMIT_BYTES
                layers = ", ".join(f"{k} {v:,}" for k, v in deck["layers"].items())
                lines.append(f"| {scale} | {label} | {drawn_as(deck, view)} | {layers} | "
                             f"{deck['features']:,} | {deck['bytes']:,} | {_mark(ok)} ≤ 5 MB |")
                targets.append(f"{_mark(ok)} map payload {scale} {view['name']} {code}: "
                               f"{deck['bytes'] / 2**20:.2f} MB, {deck['features']:,} features (target ≤ 5 MB)")
    lines.append("")

    p = data.get("pandas")
    if p:
        lines += ["## 5. Against a pandas-per-rerun page (city)", ""]
        if "failed" in p:
            lines += ["The pandas page failed: " + p["failed"][-300:], ""]
        else:
            ours = data["server"]["city"][CITY_CODE]["pages"]["stations"]
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
                  "the load would score if reading and validating cost no more than the raw read.  "
                  "Bare write: the raw read and the rows inserted unchecked into the same table, "
                  "committed the same way (for a CSV, DuckDB alone: INSERT ... SELECT FROM "
                  "read_csv): the least a load that keeps the rows can cost.",
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
            "machine": machine(), "code_start": app_code(), "load_start": load_average(),
            "warehouses": {}, "server": {},
            "views": {}, "browser": {}, "maps": {}}
    dbs = {}
    for scale in scales:
        dbs[scale], data["warehouses"][scale] = warehouse(scale, args.rebuild)
    for scale in scales:
        data["views"][scale] = views(dbs[scale])
        top = data["views"][scale][0]
        data["server"][scale], data["maps"][scale] = {}, {}
        for view in data["views"][scale]:
            pages = server_times(scale, dbs[scale], warm, view)
            data["server"][scale][view["code"]] = {"view": view, "pages": pages}
            data["maps"][scale][view["code"]] = map_payload(view, pages)
        if "browser" not in skip and scale in BROWSER_SCALES:
            try:
                data["browser"][scale] = browser_times(scale, dbs[scale],
                                                       data["server"][scale][top["code"]]["pages"],
                                                       browser_runs, top)
            except Exception as exc:
                data["browser"][scale] = {"failed": str(exc)[-1500:], "view": top}
    if "pandas" not in skip and "city" in scales:
        data["pandas"] = pandas_page(dbs["city"].parent / "demo", pandas_runs)
    if "etl" not in skip:
        data["etl"] = etl_ratios(args.quick)
    data["load_end"] = load_average()
    data["code_end"] = app_code()
    (OUT / "results.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str),
                                      encoding="utf-8")
    targets = write_results(data)
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    for line in targets:
        print(" ", line)


if __name__ == "__main__":
    main()
