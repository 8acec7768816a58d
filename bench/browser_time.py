"""Browser time and server memory at one scale (bench/run.py starts this).

    python bench/browser_time.py --db WAREHOUSE [--pages overview,stations] [--runs 5]
        [--query region=350000] [--expect '{"overview": [7, 0]}'] [--json OUT]

Starts the app (``streamlit run app.py``, as the README says) and the floor
page bench/apps/one_chart.py on free local ports, then opens each page in
headless Chromium (/usr/bin/chromium; nothing is downloaded) in a fresh
browser context per visit — a new session, as a new visitor — at the
view ``--query`` names (the URL's query string, e.g. ``region=100000`` for
the nation; none: the default view, 泉州市 this year), and times
from ``page.goto`` to: the script finished (``stApp`` says notRunning), every
plotly chart has drawn its SVG and every deck its canvas, and at least the
expected number of each is on the page.  The first visit of a page is
reported as cold (its queries not yet cached on the server), the rest warm.

Each visit also notes when the script had finished (the server's part and
the transfer) apart from when everything was drawn, and the bytes the
server sent over the websocket (the deck JSON travels in it).  A second
floor, bench/apps/one_map.py (one map of one point), tells what the map
itself costs.  The text of any error box a page shows is kept with its
visit.  The app server's RSS is read after each page's visits, and
its peak (VmHWM) at the end.
Prints (or writes) one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_APP = Path(__file__).resolve().parent / "apps" / "one_chart.py"
MAP_FLOOR_APP = Path(__file__).resolve().parent / "apps" / "one_map.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# url path of each dashboard page (app.py: the default page is served at /)
PAGE_PATHS = {"overview": "/", "mutual_aid": "/mutual_aid", "summer_camps": "/summer_camps",
              "contracts": "/contracts", "stations": "/stations"}

SCRIPT_DONE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning';
}
"""

READY_JS = """
([plotly, decks]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < plotly) return false;
  for (const chart of charts) if (!chart.querySelector('.main-svg')) return false;
  const maps = document.querySelectorAll('[data-testid="stDeckGlJsonChart"]');
  if (maps.length < decks) return false;
  for (const map of maps) if (!map.querySelector('canvas')) return false;
  return true;
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path, env: dict, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"streamlit did not start on port {port}")


def memory_mb(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def visit(browser, url: str, expect: tuple[int, int], timeout_s: float) -> dict:
    """One new visitor opening ``url``: seconds to everything drawn, websocket bytes."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    received = [0]

    def on_socket(ws):
        ws.on("framereceived", lambda payload: received.__setitem__(
            0, received[0] + (len(payload) if payload is not None else 0)))

    page.on("websocket", on_socket)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    error, script_done = None, None
    try:
        page.wait_for_function(SCRIPT_DONE_JS, timeout=timeout_s * 1000, polling=20)
        script_done = time.perf_counter() - started
        page.wait_for_function(READY_JS, arg=list(expect), timeout=timeout_s * 1000, polling=20)
    except Exception as exc:  # a page that never finishes is a result, not a crash
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    seconds = time.perf_counter() - started
    drawn = page.evaluate("""() => [
        document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length,
        document.querySelectorAll('[data-testid="stDeckGlJsonChart"] canvas').length,
        document.querySelectorAll('[data-testid="stException"]').length]""")
    # What an error box on the page says (Streamlit's stException), to report it verbatim.
    exception_texts = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-testid=\"stException\"]'),"
        " e => e.innerText.slice(0, 1500))")
    url_after = page.url  # the app writes the view it shows back into the URL
    context.close()
    return {"s": round(seconds, 3), "script_done_s": script_done and round(script_done, 3),
            "ws_bytes": received[0], "plotly": drawn[0], "decks": drawn[1],
            "exceptions": drawn[2], "exception_texts": exception_texts, "error": error,
            "url": url_after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pages", default=",".join(PAGE_PATHS))
    parser.add_argument("--runs", type=int, default=5, help="warm visits per page")
    parser.add_argument("--expect", default="{}",
                        help='JSON {page: [plotly charts, decks]} (from bench/server_time.py)')
    parser.add_argument("--query", default="",
                        help="URL query string of the view, e.g. region=100000 (none: 泉州市)")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    expect = {page: tuple(v) for page, v in json.loads(args.expect).items()}

    from playwright.sync_api import sync_playwright

    env = {**os.environ, "UNION_DB": str(args.db)}
    app_port, floor_port, map_port = free_port(), free_port(), free_port()
    app = start_server(ROOT / "app.py", env, app_port)
    floor = start_server(FLOOR_APP, env, floor_port)
    map_floor = start_server(MAP_FLOOR_APP, env, map_port)
    result = {"db": str(args.db), "query": args.query, "pages": {}, "floor": None, "map_floor": None,
              "app_memory_after_start_mb": memory_mb(app.pid)}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            floor_visits = [visit(browser, f"http://127.0.0.1:{floor_port}/", (1, 0), args.timeout)
                            for _ in range(args.runs + 1)]
            result["floor"] = {"cold": floor_visits[0], "warm": floor_visits[1:],
                               "warm_median_s": statistics.median(v["s"] for v in floor_visits[1:])}
            map_visits = [visit(browser, f"http://127.0.0.1:{map_port}/", (0, 1), args.timeout)
                          for _ in range(args.runs + 1)]
            result["map_floor"] = {"cold": map_visits[0], "warm": map_visits[1:],
                                   "warm_median_s": statistics.median(v["s"] for v in map_visits[1:])}
            for name in args.pages.split(","):
                url = f"http://127.0.0.1:{app_port}{PAGE_PATHS[name]}"
                if args.query:
                    url += "?" + args.query.lstrip("?")
                wanted = expect.get(name, (0, 0))
                visits = [visit(browser, url, wanted, args.timeout) for _ in range(args.runs + 1)]
                result["pages"][name] = {
                    "expect": wanted, "cold": visits[0], "warm": visits[1:],
                    "warm_median_s": statistics.median(v["s"] for v in visits[1:]),
                    "script_done_median_s": statistics.median(
                        v["script_done_s"] or v["s"] for v in visits[1:]),
                    "ws_bytes_median": statistics.median(v["ws_bytes"] for v in visits[1:]),
                    "app_memory_after_mb": memory_mb(app.pid),
                }
            browser.close()
        result["app_memory_mb"] = memory_mb(app.pid)
    finally:
        for process in (app, floor, map_floor):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
