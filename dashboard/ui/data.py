"""Running queries for a page, cached on purpose.

* ``warehouse_handle()`` (``st.cache_resource``): the warehouse the app reads,
  by path.  It holds no connection: DuckDB locks a file against other processes
  while a connection is open, so each query batch opens ``warehouse.read()``
  briefly and closes it.
* ``run(query, **params)`` (``st.cache_data``): one query's result, cached
  under (query name, db path, ``warehouse.data_version(db)``, params).  The
  version changes whenever a load commits, in this process or another, so the
  next rerun after a load reads fresh data without anyone clearing a cache.
* ``clear_caches()``: the upload page calls it after a commit anyway, to free
  the entries of the old version at once.

No cached function reads a global: the path and version are arguments.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from etl import settings, warehouse


@dataclass(frozen=True)
class WarehouseHandle:
    path: Path

    def version(self) -> tuple[int, int]:
        return warehouse.data_version(self.path)

    def exists(self) -> bool:
        return self.path.exists()


@st.cache_resource(show_spinner=False)
def _handle(db_path: str) -> WarehouseHandle:
    return WarehouseHandle(Path(db_path))


def warehouse_handle() -> WarehouseHandle:
    """The warehouse of this process's settings (``UNION_DB`` or data/warehouse.duckdb)."""
    return _handle(str(settings.db_path()))


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached_result(query_name: str, db_path: str, data_version: tuple[int, int],
                   params: tuple[tuple[str, Any], ...], _query: Callable) -> Any:
    # query_name stands for _query in the cache key (a leading underscore keeps
    # the function object itself out of hashing).
    with warehouse.read(Path(db_path)) as con:
        return _query(con, **dict(params))


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def run(query: Callable, **params) -> Any:
    """``query(con, **params)`` on the current warehouse, cached per data version.

    Raises ``warehouse.WarehouseMissing`` when there is no warehouse file; a
    warehouse held by a long load shows a bilingual warning and stops the page.
    """
    handle = warehouse_handle()
    name = f"{query.__module__}.{query.__qualname__}"
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items()))
    try:
        return _cached_result(name, str(handle.path), handle.version(), key, _query=query)
    except warehouse.WarehouseBusy as busy:
        st.warning(f"{busy.message_zh}\n\n{busy.message_en}")
        st.stop()


def clear_caches() -> None:
    """Forget every cached query result (call after a load or rollback commits)."""
    _cached_result.clear()
