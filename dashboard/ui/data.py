"""Running queries for a page, cached on purpose.

* ``warehouse_handle()``: the warehouse the app reads, by path.  It holds no
  connection: DuckDB locks a file against other processes
  while a connection is open, so each query batch opens ``warehouse.read()``
  briefly and closes it.
* ``run(query, **params)`` (``st.cache_data``): one query's result, cached
  under (query name, db path, ``warehouse.data_version(db)``, params).  The
  version changes whenever a load commits, in this process or another, so the
  next rerun after a load reads fresh data without anyone clearing a cache.
* ``clear_caches()``: the upload page calls it after a commit anyway, to free
  the entries of the old version at once.

Scope, enforced here for every page: ``run`` cuts each query to the org unit
the signed-in account may see (dashboard/ui/auth.py, ``viewing_scope``).  A
``prefix`` wider than the scope is narrowed to it, one beside it is refused;
a ``vf`` (ViewFilter) has its region and ranking county narrowed the same
way; and rows of any result frame with a ``town_code`` outside the scope are
dropped.  So a page, an export or a deck cannot show more than the scope
whatever its widgets, the URL or the session say.

No cached function reads a global: the path and version are arguments.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import streamlit as st

from dashboard.filters import ViewFilter, regions_from_units, top_of
from dashboard.strings import t
from dashboard.ui import auth
from etl import scope as scopes
from etl import settings, warehouse


@dataclass(frozen=True)
class WarehouseHandle:
    path: Path

    def version(self) -> tuple[int, int]:
        return warehouse.data_version(self.path)

    def exists(self) -> bool:
        return self.path.exists()


def warehouse_handle() -> WarehouseHandle:
    """The warehouse of this process's settings (``UNION_DB`` or data/warehouse.duckdb).
    A path and nothing else, so it is made anew rather than cached: a
    ``st.cache_resource`` lookup costs more than the dataclass."""
    return WarehouseHandle(Path(settings.db_path()))


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached_result(key: tuple[str, str, tuple[int, int], tuple[tuple[str, Any], ...]],
                   _query: Callable) -> Any:
    """``key``: (query name, db path, data version, params).  The name stands
    for ``_query`` (a leading underscore keeps the function itself out of
    hashing).  One tuple, not four arguments: Streamlit looks up the
    function's signature for each argument it hashes, ~0.05 ms apiece, and
    a page asks 10-30 times per rerun."""
    _, db_path, _, params = key
    with warehouse.read(Path(db_path)) as con:
        return _query(con, **dict(params))


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


class OutsideScope(Exception):
    """A query asked for a region that does not overlap the caller's scope."""


def scoped_params(params: dict, scope: str, regions=None) -> dict:
    """``params`` cut to ``scope`` (see the module's docstring); raises
    OutsideScope for a prefix beside it."""
    scoped = dict(params)
    if "prefix" in scoped:
        prefix = scopes.clamp_prefix(scoped["prefix"], scope)
        if prefix is None:
            raise OutsideScope(scoped["prefix"])
        scoped["prefix"] = prefix
    if isinstance(scoped.get("vf"), ViewFilter):
        scoped["vf"] = auth.clamp_view(scoped["vf"], regions() if callable(regions) else regions or {},
                                       scope)
    return scoped


def within_scope(result: Any, scope: str) -> Any:
    """A result frame without the rows of towns outside ``scope`` (rows
    without a town, such as totals, stay: they were summed within it)."""
    if not isinstance(result, pd.DataFrame) or "town_code" not in result.columns:
        return result
    codes = result["town_code"]
    keep = codes.isna() | codes.astype(str).str.startswith(scopes.prefix_of(scope))
    return result if bool(keep.all()) else result[keep].reset_index(drop=True)


@st.cache_resource(show_spinner=False, max_entries=4)
def _regions(db_path: str, data_version: tuple[int, int]) -> dict:
    """Every org unit as a Region, built once per warehouse version and shared
    by all sessions (a resource, not copied per call): on a national warehouse
    that is 43,000 objects, 0.4 s and ~20 MB per session when each rerun
    built its own.  Org units are reference data, not scoped."""
    from dashboard.queries import meta

    with warehouse.read(Path(db_path)) as con:
        return regions_from_units(meta.org_units(con))


def all_regions() -> dict:
    """Every org unit by code, for the warehouse the app reads."""
    handle = warehouse_handle()
    return _regions(str(handle.path), handle.version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _top(db_path: str, data_version: tuple[int, int]) -> str:
    # Once per warehouse version: every query asks (auth.viewing_scope), and
    # walking 43,000 regions each time would cost a national page ~100 ms.
    return top_of(_regions(db_path, data_version)).code


def top_code() -> str:
    """The widest unit of the warehouse the app reads (filters.top_of)."""
    handle = warehouse_handle()
    return _top(str(handle.path), handle.version())


def _units_of(handle: WarehouseHandle):
    return lambda: _regions(str(handle.path), handle.version())


def run(query: Callable, **params) -> Any:
    """``query(con, **params)`` on the current warehouse, cached per data
    version, within the viewer's scope.

    Raises ``warehouse.WarehouseMissing`` when there is no warehouse file; a
    warehouse held by a long load shows a bilingual warning and stops the
    page, and so does a query for data outside the viewer's scope.
    """
    handle = warehouse_handle()
    scope = auth.current_scope()
    if scope is None:
        st.warning(t("auth.no_data", _lang()))
        st.stop()
    try:
        params = scoped_params(params, scope, _units_of(handle))
    except OutsideScope:
        st.error(t("auth.outside_scope", _lang(), scope=auth.unit_name(scope)))
        st.stop()
    name = f"{query.__module__}.{query.__qualname__}"
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items()))
    try:
        result = _cached_result((name, str(handle.path), handle.version(), key), _query=query)
    except warehouse.WarehouseBusy as busy:
        st.warning(f"{busy.message_zh}\n\n{busy.message_en}")
        st.stop()
    return within_scope(result, scope)


def results_key() -> tuple:
    """What every ``run`` result of this rerun depends on beyond its own
    parameters: the warehouse, its data version and the viewer's scope.  A
    cache of things built from those results keys on it (widgets.station_map)."""
    handle = warehouse_handle()
    return (str(handle.path), handle.version(), auth.current_scope())


def _lang() -> str:
    lang = st.query_params.get("lang", "zh")
    return lang if lang in ("zh", "en") else "zh"


def clear_caches() -> None:
    """Forget every cached query result (call after a load or rollback commits)."""
    _cached_result.clear()
