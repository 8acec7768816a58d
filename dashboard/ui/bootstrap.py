"""First start: build the demo warehouse when none exists, with a progress bar.

A newcomer runs one command and gets a working dashboard.  The warehouse is
built into a temporary file and moved into place only when complete, so a
second browser tab opened meanwhile never sees half a warehouse, and a
crash leaves nothing behind that looks finished.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from etl import settings


def _build(db: Path, progress) -> None:
    from etl import demo  # lazy: only a first start needs the generator

    building = db.with_name(db.name + ".building")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    demo.build_demo_warehouse(building, progress=progress)
    os.replace(building, db)


# Warehouses this process has already brought up to date.
_UPGRADED: set[Path] = set()


def ensure_warehouse(title: str, done: str) -> None:
    """Build the demo warehouse if ``settings.db_path()`` does not exist;
    bring one built by an earlier version up to date (once per process)."""
    db = settings.db_path()
    if db.exists():
        if db not in _UPGRADED:
            from etl import pipeline

            pipeline.upgrade(db)
            _UPGRADED.add(db)
        return
    bar = st.progress(0.0, text=title)

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{title} — {message}")

    _build(db, progress)
    bar.progress(1.0, text=done)
