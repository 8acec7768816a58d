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


def report_due_day() -> int:
    """A month's report is late when first loaded after this day of the
    following month (``UNION_REPORT_DUE_DAY``)."""
    return int(os.environ.get("UNION_REPORT_DUE_DAY", "10"))
