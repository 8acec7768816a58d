"""The shared sidebar: region, period, comparison, language — kept in the URL.

Every page starts with ``vf = page_start(page_key)`` and ends with
``source_stamp(vf, datasets)``.

How the URL and the widgets stay in step: the query string is the state.
Each run parses it (``filters.parse_view``), writes the widgets' values from
it, and writes the canonical values back.  A widget's ``on_change`` callback
writes its new value into the query string before the rerun, so the rerun
parses the new state.  The last view is also kept in the session, because a
switch between pages arrives without the query string.

The regions offered are those within the viewer's scope (dashboard/ui/auth.py);
a region in the URL or the session outside it falls back to the scope's own
unit with a notice.  (dashboard/ui/data.py enforces the same on every query.)
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import periods
from dashboard.filters import (LANGS, PARAM_KEYS, Region, ViewFilter, children_of, city_of,
                               latest_or_default, lineage, parse_view)
from dashboard.queries import child_level
from dashboard.queries import meta
from dashboard.strings import fmt_count, fmt_month, fmt_timestamp, period_text, t
from dashboard.ui import auth
from dashboard.ui import entry
from dashboard.ui.data import all_regions, run
from etl import scope as scopes
from etl import warehouse

ALL_DATASETS = ("mutual_aid", "summer_camps", "collective_contracts", "stations", "station_visits")

_VIEW = "_view_params"          # session copy of the last view's query params
K_PROVINCE, K_CITY = "filter_province", "filter_city"
K_COUNTY, K_TOWN = "filter_county", "filter_town"
K_PICK, K_FROM, K_TO = "filter_pick", "filter_from", "filter_to"
K_CMP, K_LANG = "filter_cmp", "filter_lang"
CUSTOM = "custom"
# The month pickers reach this far back when less has been loaded.
MIN_MONTHS_OFFERED = 36


def regions() -> dict[str, Region]:
    """Every org unit by code (shared, rebuilt when the warehouse changes)."""
    return all_regions()


def _requested_params() -> dict:
    params = st.query_params.to_dict()
    if not any(key in params for key in PARAM_KEYS):
        saved = st.session_state.get(_VIEW)
        if saved:
            params = {**params, **saved}
    return params


def current_lang() -> str:
    """The UI language of this view, before the sidebar is drawn (app.py
    needs it for the navigation titles)."""
    lang = _requested_params().get("lang")
    return lang if lang in LANGS else "zh"


def _set_params(changes: dict[str, str]) -> None:
    """A widget changed: write the whole view into the URL (and the session)."""
    view = {**st.session_state.get(_VIEW, {}), **changes}
    for key in PARAM_KEYS:
        if key in view:
            st.query_params[key] = view[key]
    st.session_state[_VIEW] = view


def set_region(code: str) -> None:
    """Narrow (or widen) the view to another org unit, e.g. after a chart click."""
    _set_params({"region": code})


# Widget callbacks: they read the widget's new value from session state.

def _on_pick(latest: date) -> None:
    pick = st.session_state[K_PICK]
    if pick != CUSTOM:
        period = periods.quick_period(pick, latest)
        _set_params({"from": periods.format_month(period.first), "to": periods.format_month(period.last)})


def _on_month(changed: str) -> None:
    first, last = st.session_state[K_FROM], st.session_state[K_TO]
    if first > last:  # keep the period valid: move the other end along
        if changed == "from":
            last = first
        else:
            first = last
    _set_params({"from": first, "to": last})


def _on_choice(param: str, key: str) -> None:
    _set_params({param: st.session_state[key]})


def _month_options(vf: ViewFilter, first_loaded: date | None) -> list[str]:
    earliest = periods.add_months(vf.latest, -(MIN_MONTHS_OFFERED - 1))
    if first_loaded is not None:
        earliest = min(earliest, periods.month_start(first_loaded))
    earliest = min(earliest, vf.period.first)
    latest = max(vf.latest, vf.period.last)
    months = periods.Period(earliest, latest).month_labels()
    return list(reversed(months))


def _first_loaded_month() -> date | None:
    return meta.first_report_month(run(meta.coverage))


# One picker per level of the units it offers, widest first.
LEVEL_KEYS = {"province": K_PROVINCE, "city": K_CITY, "county": K_COUNTY, "town": K_TOWN}


def _on_unit(key: str) -> None:
    _set_params({"region": st.session_state[key]})


def region_pickers(vf: ViewFilter, units: dict[str, Region], scope: str) -> list[dict]:
    """The cascade of region pickers for ``vf``: for each unit from the
    warehouse's top down to the region (towns have nothing below), one picker
    of that unit itself ("all of it") and its children, holding the next unit
    on the way down.  Only units within ``scope`` are offered; a picker with
    none of them still shows, disabled, the unit the view passes through, so
    a 晋江市 account sees where it stands.  Pure: (key, options, value) dicts."""
    pickers = []
    chain = lineage(units, vf.region.code) or [vf.region]
    for depth, unit in enumerate(chain):
        if unit.level == "town":
            break
        below = chain[depth + 1].code if depth + 1 < len(chain) else unit.code
        options = [code for code in [unit.code] + [c.code for c in children_of(units, unit.code)]
                   if scopes.within(code, scope)] or [below]
        pickers.append({"key": LEVEL_KEYS[child_level(unit.level)], "parent": unit.code,
                        "options": options, "value": below})
    return pickers


def _render_sidebar(vf: ViewFilter, units: dict[str, Region], scope: str | None = None) -> None:
    lang = vf.lang
    scope = scope or city_of(units).code

    def unit_name(code: str) -> str:
        return units[code].name(lang) if code in units else code

    with st.sidebar:
        st.subheader(t("sidebar.region", lang))
        for picker in region_pickers(vf, units, scope):
            key, parent = picker["key"], picker["parent"]
            st.session_state[key] = picker["value"]
            # The town picker's first entry reads 全部镇街; the wider ones name
            # the unit itself (泉州市), as offices say it.
            every_town = key == K_TOWN
            st.selectbox(t(f"sidebar.{key.removeprefix('filter_')}", lang), picker["options"],
                         format_func=lambda code, parent=parent, every_town=every_town: (
                             t("sidebar.all_towns", lang) if every_town and code == parent
                             else unit_name(code)),
                         key=key, on_change=_on_unit, args=(key,), disabled=len(picker["options"]) == 1)

        st.subheader(t("sidebar.period", lang))
        st.session_state[K_PICK] = vf.quick_pick or CUSTOM
        st.selectbox(t("sidebar.quick_pick", lang), [*periods.QUICK_PICKS, CUSTOM],
                     format_func=lambda pick: t(f"pick.{pick}", lang), key=K_PICK,
                     on_change=_on_pick, args=(vf.latest,))
        months = _month_options(vf, _first_loaded_month())
        from_column, to_column = st.columns(2)
        st.session_state[K_FROM] = periods.format_month(vf.period.first)
        st.session_state[K_TO] = periods.format_month(vf.period.last)
        from_column.selectbox(t("sidebar.from", lang), months, key=K_FROM,
                              on_change=_on_month, args=("from",))
        to_column.selectbox(t("sidebar.to", lang), months, key=K_TO,
                            on_change=_on_month, args=("to",))

        st.session_state[K_CMP] = vf.cmp
        st.radio(t("sidebar.comparison", lang), list(periods.COMPARISONS),
                 format_func=lambda cmp: t(f"cmp.{cmp}", lang), key=K_CMP, horizontal=True,
                 on_change=_on_choice, args=("cmp", K_CMP))
        st.session_state[K_LANG] = lang
        st.radio(t("sidebar.language", lang), ["zh", "en"],
                 format_func=lambda code: t(f"lang.{code}", code), key=K_LANG, horizontal=True,
                 on_change=_on_choice, args=("lang", K_LANG))
        st.caption(t("sidebar.latest", lang, latest=fmt_month(vf.latest)))


def _sync_url(vf: ViewFilter) -> None:
    desired = vf.to_params()
    current = st.query_params.to_dict()
    for key, value in desired.items():
        if current.get(key) != value:
            st.query_params[key] = value
    st.session_state[_VIEW] = desired


def view_caption(vf: ViewFilter) -> str:
    """'泉州市 · 2024-01 至 2024-06 · 同比：2023-01 至 2023-06'."""
    lang = vf.lang
    shown = vf.shown or vf.period
    comparison = vf.comparison
    compared = (t("cmp.caption", lang, cmp=t(f"cmp.{vf.cmp}", lang),
                  period=period_text(comparison.first, comparison.last, lang)) if comparison else "")
    return t("page.view_caption", lang, region=vf.region.name(lang),
             period=period_text(shown.first, shown.last, lang), comparison=compared).rstrip(" ·")


def current_view() -> tuple[ViewFilter, dict[str, Region], str | None]:
    """The view the URL (or the session's last one) asks for, parsed and cut
    to the viewer's scope, without drawing anything: (view, units, scope).
    A missing warehouse stops the page with a bilingual message."""
    entry.through_app()
    try:
        units = regions()
        latest = run(meta.latest_month)
    except warehouse.WarehouseMissing:
        st.error(f"{t('warehouse.missing', 'zh')}\n\n{t('warehouse.missing', 'en')}")
        st.stop()
    requested = _requested_params()
    vf = parse_view(requested, units, latest_or_default(latest, date.today()))
    scope = auth.current_scope()
    vf = auth.clamp_view(vf, units, scope, requested=requested.get("region"))
    return vf, units, scope


def page_start(page_key: str) -> ViewFilter:
    """Render the shared sidebar and the page title; return the view's filters.

    ``page_key`` names the page in strings.py (``page.<key>``).  Unusable URL
    values are shown as warnings; a missing warehouse stops the page with a
    bilingual message."""
    vf, units, scope = current_view()
    _render_sidebar(vf, units, scope)
    _sync_url(vf)
    st.title(t(f"page.{page_key}", vf.lang))
    st.caption(view_caption(vf))
    for notice in vf.notices:
        st.warning(auth.notice_text(notice, vf))
    return vf


def source_stamp(vf: ViewFilter, datasets: tuple[str, ...] = ALL_DATASETS) -> None:
    """The page-end stamp: 数据截至 … · 来源：N 个上传批次 · 最近导入 …, from load_batches."""
    shown = vf.shown
    st.divider()
    if shown is None:
        st.caption(t("stamp.none", vf.lang))
        return
    stamp = run(meta.source_stamp, prefix=vf.prefix, first=shown.first, last=shown.last,
                datasets=tuple(datasets)).iloc[0]
    if not stamp["batches"]:
        st.caption(t("stamp.none", vf.lang))
        return
    st.caption(t("stamp", vf.lang, as_of=stamp["as_of"], batches=fmt_count(stamp["batches"]),
                 loaded_at=fmt_timestamp(stamp["last_loaded_at"])))
