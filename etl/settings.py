"""Settings, each read in one place.  Tests override them with environment
variables (``UNION_DB`` above all) rather than by patching module globals."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"


def db_path() -> Path:
    """The warehouse file: ``UNION_DB`` or ``data/warehouse.duckdb``."""
    return Path(os.environ.get("UNION_DB") or DATA_DIR / "warehouse.duckdb")


def archive_dir(db: Path | None = None) -> Path:
    """Originals of loaded files, stored by sha256; lives beside the warehouse
    (``db``, else the configured one) so that a test's or a benchmark's
    temporary warehouse gets a temporary archive."""
    return Path(db or db_path()).parent / "archive"


def demo_dir() -> Path:
    """Where ``python -m etl demo`` writes the generated office spreadsheets."""
    return Path(os.environ.get("UNION_DEMO_DIR") or db_path().parent / "demo")


def lock_timeout_s() -> float:
    """How long a reader or writer waits for the other before giving up."""
    return float(os.environ.get("UNION_LOCK_TIMEOUT", "30"))


def max_upload_mb() -> float:
    """The largest file the upload page accepts, in MB (``UNION_MAX_UPLOAD_MB``)."""
    return float(os.environ.get("UNION_MAX_UPLOAD_MB", "20"))


def max_upload_rows() -> int:
    """The most rows one uploaded file may have (``UNION_MAX_UPLOAD_ROWS``)."""
    return int(os.environ.get("UNION_MAX_UPLOAD_ROWS", "200000"))


def table_row_limit() -> int:
    """The most rows a detail table shows, and its CSV and Excel downloads
    hold (``UNION_TABLE_ROW_LIMIT``, 10,000; at least 1).

    A province or the nation has tens of thousands of towns: a year of the
    nation's mutual-aid rows is ~800,000, which fetched into pandas and sent
    to the browser on every rerun is slow, takes hundreds of MB and is no use
    on a screen.  10,000 keeps that bounded while a whole year of 泉州市, the
    widest view most readers have (168 towns × 12 months × up to 3 schemes,
    about 6,000 rows), still fits uncut; wider views say they were cut and
    ask the reader to narrow the region or the period."""
    return max(1, int(os.environ.get("UNION_TABLE_ROW_LIMIT", "10000")))


def report_due_day() -> int:
    """A month's report is late when first loaded after this day of the
    following month (``UNION_REPORT_DUE_DAY``)."""
    return int(os.environ.get("UNION_REPORT_DUE_DAY", "10"))


# Access control and upload hardening -------------------------------------------------
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def access_db_path() -> Path:
    """Accounts and the audit log: ``UNION_ACCESS_DB`` or ``access.duckdb``
    beside the warehouse.  A file of their own, so that logging a login or a
    rejected upload never changes the warehouse (nor its cache version), and
    rebuilding the demo warehouse keeps the accounts."""
    return Path(os.environ.get("UNION_ACCESS_DB") or db_path().parent / "access.duckdb")


def config_path() -> Path:
    """The deployment's settings file (``UNION_CONFIG`` or ``union.toml`` in
    the project root); optional."""
    return Path(os.environ.get("UNION_CONFIG") or ROOT / "union.toml")


def _config() -> dict:
    import tomllib

    try:
        with config_path().open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}


def require_login() -> bool:
    """Every page needs a login (a real deployment) rather than only the
    upload, data management and accounts pages (the demo default).
    ``UNION_REQUIRE_LOGIN`` wins over ``require_login`` in the config file;
    a value that is neither yes nor no means yes: an unreadable setting must
    not open the data."""
    value = os.environ.get("UNION_REQUIRE_LOGIN")
    if value is None:
        value = _config().get("require_login", False)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in _FALSE + ("",)


def session_idle_minutes() -> float:
    """A login ends after this long without any click (``UNION_SESSION_IDLE_MINUTES``)."""
    return float(os.environ.get("UNION_SESSION_IDLE_MINUTES", "60"))


def session_max_hours() -> float:
    """…and after this long in any case (``UNION_SESSION_MAX_HOURS``)."""
    return float(os.environ.get("UNION_SESSION_MAX_HOURS", "12"))


def max_upload_sheets() -> int:
    """The most sheets one workbook may have (``UNION_MAX_UPLOAD_SHEETS``)."""
    return int(os.environ.get("UNION_MAX_UPLOAD_SHEETS", "50"))


def max_upload_columns() -> int:
    """The most columns one sheet may have (``UNION_MAX_UPLOAD_COLUMNS``)."""
    return int(os.environ.get("UNION_MAX_UPLOAD_COLUMNS", "1000"))


def max_upload_cells() -> int:
    """The most cells (rows × columns, all sheets) one file may have
    (``UNION_MAX_UPLOAD_CELLS``)."""
    return int(os.environ.get("UNION_MAX_UPLOAD_CELLS", "10000000"))


def max_unzipped_mb() -> float:
    """The most an .xlsx may declare it unpacks to, in MB (``UNION_MAX_UNZIPPED_MB``)."""
    return float(os.environ.get("UNION_MAX_UNZIPPED_MB", "400"))


def max_zip_ratio() -> float:
    """The highest packing ratio one member of an .xlsx may declare
    (``UNION_MAX_ZIP_RATIO``); real sheets pack 5–30 times."""
    return float(os.environ.get("UNION_MAX_ZIP_RATIO", "200"))
