"""Browser tests: the real app (``streamlit run app.py``) in Debian's headless Chromium.

* One Streamlit server per session, on 127.0.0.1 and a free port, reading a
  warehouse built for the session in a temporary directory (``UNION_DB``);
  stopped at the end.  ``base_url`` points at it, so ``page.goto("/contracts")``
  works.
* Chromium is the system one (``/usr/bin/chromium``): Playwright must never
  download a browser (``playwright install`` cannot reach its host here).
* Every request the page makes is recorded (``requests_seen``); the tests
  assert that all of them go to 127.0.0.1.
* Screenshots go to artifacts/screenshots/ (git-ignored) for a person to look at.

Run only these: ``python -m pytest tests/browser -q`` (marker ``browser``).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DEMO_CACHE = ROOT / "artifacts" / "browser-warehouse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_START_TIMEOUT_S = 60
MAX_SCREENSHOT_HEIGHT = 8000
# How long a page may take from navigation until its script has finished.
PAGE_TIMEOUT_MS = 60_000

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
PLOTLY_CHART = ".main-svg"
DECK_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'


@pytest.hookimpl(tryfirst=True)   # before -m filters on the marker
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def build_browser_warehouse(db: Path) -> str:
    """The browser tests' data; the one place that chooses it.

    The real demo (etl.demo.build_demo_warehouse) when it can be imported:
    the tests then see what a newcomer sees.  Otherwise, or when
    ``UNION_BROWSER_DATA=fixture``, the small fixture warehouse of
    tests/fixture_warehouse.py, which holds the same published 安海镇 figures.
    Returns "demo" or "fixture".

    The demo takes a minute or more to build, so a built one is kept in
    artifacts/browser-warehouse/ under a key of everything it depends on
    (the ETL code, the reference data, today's date) and copied from there.
    """
    if os.environ.get("UNION_BROWSER_DATA", "demo") == "demo":
        try:
            from etl.demo import build_demo_warehouse
        except ImportError:
            pass
        else:
            # A warehouse and the archive of originals beside it (etl.settings.archive_dir).
            cached = DEMO_CACHE / f"demo-{_demo_key()}"
            if not (cached / "warehouse.duckdb").exists():
                building = db.parent / "building" / "warehouse.duckdb"
                building.parent.mkdir()
                build_demo_warehouse(building, out_dir=db.parent / "demo")
                for stale in DEMO_CACHE.glob("demo-*"):     # built from older code
                    shutil.rmtree(stale, ignore_errors=True)
                shutil.copytree(building.parent, cached,
                                ignore=shutil.ignore_patterns("*.lock", "*.wal"))
            shutil.copyfile(cached / "warehouse.duckdb", db)
            if (cached / "archive").exists():
                shutil.copytree(cached / "archive", db.parent / "archive")
            return "demo"
    try:
        from tests.fixture_warehouse import build_fixture_warehouse
    except ImportError:  # pytest run without the repository root on sys.path
        sys.path.insert(0, str(ROOT))
        from tests.fixture_warehouse import build_fixture_warehouse
    build_fixture_warehouse(db)
    return "fixture"


def _demo_key() -> str:
    digest = hashlib.sha256(date.today().isoformat().encode())
    for path in sorted([*(ROOT / "etl").rglob("*.py"), *(ROOT / "etl").glob("*.sql"),
                        *(ROOT / "data" / "reference").glob("*")]):
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def browser_warehouse(tmp_path_factory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("browser_warehouse") / "warehouse.duckdb"
    started = time.perf_counter()
    kind = build_browser_warehouse(db)
    print(f"\nbrowser warehouse: {kind} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return db, kind


@pytest.fixture(scope="session")
def data_kind(browser_warehouse) -> str:
    """'demo' or 'fixture': which warehouse the app is reading."""
    return browser_warehouse[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_app(db: Path, log_path: Path, **env_changes: str | None):
    """``streamlit run app.py`` on 127.0.0.1:<free port> reading ``db``;
    yields its URL and stops it on exit.  ``env_changes`` set (or, as None,
    unset) environment variables of the server."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "UNION_DB": str(db), "PYTHONUNBUFFERED": "1"}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def app_server(browser_warehouse, tmp_path_factory):
    """The app every browser test talks to; yields its URL.  No tile server:
    the no-outside-request test needs the default map."""
    db, _ = browser_warehouse
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_app(db, log_path, UNION_TILE_URL=None) as url:
        yield url


@pytest.fixture(scope="session")
def start_app(browser_warehouse, tmp_path_factory):
    """For a test that needs its own server (other settings): a context
    manager ``start_app(**env_changes)`` yielding that server's URL."""
    db, _ = browser_warehouse

    def start(**env_changes: str | None):
        log_path = tmp_path_factory.mktemp("streamlit_extra") / "server.log"
        return streamlit_app(db, log_path, **env_changes)
    return start


@pytest.fixture(scope="session")
def base_url(app_server) -> str:
    return app_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000},
            "locale": "zh-CN"}


@pytest.fixture
def requests_seen(page) -> list[str]:
    """Every URL the browser asks for on the test's behalf (its pages and
    their workers, through the context), from the moment the test starts."""
    seen: list[str] = []
    page.context.on("request", lambda request: seen.append(request.url))
    return seen


class AppPage:
    """The page under test, with the waits a Streamlit app needs, and the
    selectors the tests look for."""

    EXCEPTION = EXCEPTION
    PLOTLY_CHART = PLOTLY_CHART
    DECK_CANVAS = DECK_CANVAS
    IDLE = APP_IDLE

    def __init__(self, page):
        self.page = page

    def open(self, path: str) -> float:
        """Go to ``path`` (with its query string) and wait until the script
        has run; returns the seconds that took."""
        started = time.perf_counter()
        self.page.goto(path, wait_until="domcontentloaded")
        self.settle()
        return time.perf_counter() - started

    def settle(self, quiet_ms: int = 600) -> None:
        """Wait until the script has been idle for ``quiet_ms`` in a row.
        Idle once is not enough: between connecting and the first run, and
        between a run and a rerun it asks for, the app is briefly idle."""
        deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
        while True:
            self.page.wait_for_selector(APP_IDLE, timeout=PAGE_TIMEOUT_MS)
            quiet_until = time.monotonic() + quiet_ms / 1000
            while time.monotonic() < quiet_until and self.page.locator(APP_IDLE).count():
                self.page.wait_for_timeout(100)
            if self.page.locator(APP_IDLE).count():
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the app never settled")

    def wait_for_rerun(self) -> None:
        """After an interaction: wait until the rerun it caused has finished."""
        self.page.wait_for_timeout(300)
        self.settle()

    def exceptions(self) -> list[str]:
        return [box.inner_text() for box in self.page.locator(EXCEPTION).all()]

    def screenshot(self, name: str) -> Path:
        """The whole page as artifacts/screenshots/<name>.png.  Streamlit
        scrolls inside its main section, not the document, so a full-page
        shot alone shows one screen: the viewport is stretched to the
        content for the shot, then put back."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        viewport = self.page.viewport_size
        content_height = self.page.evaluate(
            "() => Math.max(...[...document.querySelectorAll("
            "'[data-testid=\"stMain\"], [data-testid=\"stSidebarContent\"]')]"
            ".map(e => e.scrollHeight), 0)")
        height = min(max(viewport["height"], content_height + 40), MAX_SCREENSHOT_HEIGHT)
        self.page.set_viewport_size({"width": viewport["width"], "height": height})
        self.page.wait_for_timeout(800)     # charts and the map redraw at the new size
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(viewport)
        return path


@pytest.fixture
def app(page) -> AppPage:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return AppPage(page)
