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


def archive_dir() -> Path:
    """Originals of loaded files, stored by sha256; lives beside the warehouse
    so that a test's temporary warehouse gets a temporary archive."""
    return db_path().parent / "archive"


def demo_dir() -> Path:
    """Where ``python -m etl demo`` writes the generated office spreadsheets."""
    return Path(os.environ.get("UNION_DEMO_DIR") or db_path().parent / "demo")


def lock_timeout_s() -> float:
    """How long a reader or writer waits for the other before giving up."""
    return float(os.environ.get("UNION_LOCK_TIMEOUT", "30"))
