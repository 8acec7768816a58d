"""Server time of one page, in a fresh process (bench/run.py starts one per page).

    python bench/server_time.py --db WAREHOUSE --page pages/stations.py
        [--query region=350000] [--warm 7] [--json OUT]

Runs the app as Streamlit's AppTest does (in process, the page's script and
every element it sends, no browser), so it times what the server does for
one rerun of one view (``--query``: the URL's query string; none is the
default view, 泉州市 this year):

* cold: the first run of the page in this process — every cached query
  misses.  Python modules the app imports are imported before the clock
  starts (a server has them once any page has run; the import time is
  reported apart), and the warehouse file is in the OS cache.
* warm: the following reruns of the same view (every query cached): median.
* scripts are compiled once per process, as a server's Runtime does
  (``share_script_cache``), not at every AppTest run.
* floor: the page's SQL alone — the distinct queries the cold run asked
  ``dashboard.ui.data.run`` for, replayed uncached on one read-only
  connection — plus an empty Streamlit page (bench/apps/empty.py): medians.
  A warm rerun, a replay and an empty page take turns, so the shared
  machine's load weighs on both sides of the ratio alike.
* the deck JSON each map sends (bytes, features, features per layer), errors,
  warnings (a region the app cannot show falls back with one), the region the
  page ended up showing (the URL it writes back), element counts, and the
  peak RSS of this process.

Prints (or writes) one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EMPTY_PAGE = Path(__file__).resolve().parent / "apps" / "empty.py"


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4) if values else float("nan")


def _import_app_modules() -> float:
    started = time.perf_counter()
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import pydeck  # noqa: F401
    import streamlit  # noqa: F401
    from streamlit.testing.v1 import AppTest  # noqa: F401

    from dashboard import charts, charts_stations, geo, maps, report  # noqa: F401
    from dashboard.ui import present, sidebar, upload, widgets  # noqa: F401
    return time.perf_counter() - started


class QueryRecorder:
    """Wraps dashboard.ui.data._cached_result (which ``run`` looks up on every
    call) to note each query and its parameters, then lets it run."""

    def __init__(self):
        from dashboard.ui import data
        self.data = data
        self.original = data._cached_result
        self.calls: list[tuple[str, tuple, object]] = []

        def recording(key, _query):
            query_name, _, _, params = key
            self.calls.append((query_name, params, _query))
            return self.original(key, _query=_query)

        recording.clear = self.original.clear
        data._cached_result = recording

    def distinct(self) -> list[tuple[str, tuple, object]]:
        seen, out = set(), []
        for name, params, query in self.calls:
            if (name, params) not in seen:
                seen.add((name, params))
                out.append((name, params, query))
        return out


def replay_seconds(db: Path, calls) -> float:
    """The queries alone, uncached, on one short read-only connection."""
    from etl import warehouse
    started = time.perf_counter()
    with warehouse.read(db) as con:
        for _, params, query in calls:
            query(con, **dict(params))
    return time.perf_counter() - started


def share_script_cache() -> None:
    """Compile each script once per process, as a server does.

    A running server's Runtime holds one ScriptCache, so app.py and a page
    are compiled (with Streamlit's "magic") at their first run only.  AppTest
    gives every run a new ScriptCache and so recompiles both on every rerun:
    ~1 ms for app.py and up to ~9 ms for the stations page, time a user never
    waits for.  Sharing one cache, for the pages and the empty floor page
    alike, times the reruns the way the server runs them."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    shared = ScriptCache()
    local_script_runner.ScriptCache = lambda: shared


def empty_page_app():
    """The empty page, run once (its first run compiles and imports)."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(EMPTY_PAGE), default_timeout=120)
    at.run()
    return at


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def decks_of(at) -> list[dict]:
    from dashboard import maps
    out = []
    for element in at.get("deck_gl_json_chart"):
        spec = element.proto.json
        layers = json.loads(spec).get("layers", [])
        out.append({"bytes": len(spec.encode("utf-8")), "features": maps.feature_count(spec),
                    "layers": {layer.get("id"): (len(layer["data"]) if isinstance(layer.get("data"), list)
                                                 else len(layer.get("data", {}).get("features", [])))
                               for layer in layers}})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--page", required=True, help="pages/<name>.py")
    parser.add_argument("--query", default="", help="URL query string of the view, e.g. region=350582")
    parser.add_argument("--warm", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ["UNION_DB"] = str(args.db)

    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import_seconds = _import_app_modules()
    share_script_cache()
    from streamlit.testing.v1 import AppTest

    recorder = QueryRecorder()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    for pair in filter(None, args.query.split("&")):
        key, _, value = pair.partition("=")
        at.query_params[key] = value
    at.switch_page(args.page)
    started = time.perf_counter()
    at.run()
    cold = time.perf_counter() - started
    errors = [e.value.splitlines()[0][:300] for e in at.exception]
    warnings = [str(w.value).splitlines()[0][:300] for w in at.warning]
    region_shown = at.query_params.get("region")
    if isinstance(region_shown, list):
        region_shown = region_shown[-1] if region_shown else None
    calls = recorder.distinct()
    elements = {kind: len(at.get(kind)) for kind in ("plotly_chart", "deck_gl_json_chart", "metric")}
    decks = decks_of(at)

    # Page, SQL and empty page take turns, so that the load of the shared
    # machine weighs on the page and its floor alike (timed one after the
    # other, the two drifted apart by up to half the floor of a 10 ms page).
    empty_page = empty_page_app()
    warm, sql, empty = [], [], []
    for _ in range(args.warm):
        warm.append(_seconds(at.run))
        sql.append(replay_seconds(args.db, calls))
        empty.append(_seconds(empty_page.run))
    floor = statistics.median(sql) + statistics.median(empty)
    result = {
        "page": args.page, "db": str(args.db), "query": args.query,
        "import_s": round(import_seconds, 3),
        "cold_s": round(cold, 4), "warm_s": [round(w, 4) for w in warm], "warm_median_s": _median(warm),
        "sql_floor_s": _median(sql), "empty_page_s": _median(empty), "floor_s": round(floor, 4),
        "warm_ratio": round(statistics.median(warm) / floor, 2),
        "cold_ratio": round(cold / floor, 2),
        "queries": [name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] for name, _, _ in calls],
        "errors": errors, "warnings": warnings, "region_shown": region_shown,
        "elements": elements, "decks": decks,
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
