"""Page building blocks: KPI cards, charts, click-to-narrow rankings, empty
states and tables with CSV/Excel export.  Pages combine these; the numbers
come from dashboard.queries through ``run``, the figures from charts.py."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

from dashboard import charts, exports, geo, maps, periods, theme
from dashboard.filters import ViewFilter
from dashboard.periods import Change
from dashboard.queries import camps, contracts, mutual_aid, overview, stations
from dashboard.strings import (column_label, fit_card, fmt_count, fmt_count_card, fmt_month, fmt_pct,
                               fmt_short, fmt_signed, fmt_yuan, fmt_yuan_card, fmt_yuan_card_delta,
                               period_text, scheme_short, t, town_list, value_labels)
from dashboard.ui import auth
from dashboard.ui.data import results_key, run
from dashboard.ui.sidebar import set_region
from etl import settings

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


# Layout pieces ------------------------------------------------------------------

def programme_heading(programme: str, vf: ViewFilter) -> None:
    """The programme's name with its colour bar, as on every chart of it."""
    colour = theme.PROGRAMME_COLOURS[programme]
    st.markdown(
        f"<h3 style='border-left: 8px solid {colour}; padding-left: 0.5rem; margin: 0.6rem 0 0.2rem'>"
        f"{t(f'programme.{programme}', vf.lang)}</h3>",
        unsafe_allow_html=True,
    )


def chart_config(fig: go.Figure, vf: ViewFilter) -> dict:
    """Plotly's config for this chart: its camera button (下载图片) saves a PNG
    named after the chart's title and the view, e.g.
    "补助人次与补助金额_安海镇_2024-01_2024-06.png".  The browser draws the
    image, so offering it costs the server nothing."""
    shown = vf.shown or vf.period
    title = fig.layout.title.text or t("app.title", vf.lang)
    name = exports.export_file_name(title, vf.region.name(vf.lang),
                                    periods.format_month(shown.first),
                                    periods.format_month(shown.last), "png")
    return {**PLOTLY_CONFIG,
            "toImageButtonOptions": {"format": "png", "filename": name[:-len(".png")], "scale": 2}}


# Built figures, shared --------------------------------------------------------------

def _fingerprint(value, digest) -> None:
    """Feed ``value`` into ``digest`` by content: every row of a frame (not
    Streamlit's sample of large ones), its columns and types; plain values by
    type and repr.  Anything else is refused rather than keyed loosely."""
    if isinstance(value, pd.DataFrame):
        digest.update(b"frame" + repr((list(value.columns), [str(t) for t in value.dtypes])).encode())
        digest.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes())
    elif isinstance(value, pd.Series):
        digest.update(b"series" + repr((value.name, str(value.dtype))).encode())
        digest.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes())
    elif isinstance(value, (list, tuple, range)):
        digest.update(f"seq{len(value)}(".encode())
        for item in value:
            _fingerprint(item, digest)
        digest.update(b")")
    elif isinstance(value, dict):
        digest.update(f"map{len(value)}(".encode())
        for k in sorted(value):
            _fingerprint(k, digest)
            _fingerprint(value[k], digest)
        digest.update(b")")
    elif value is None or isinstance(value, (str, int, float, bool, dt.date)):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    else:
        raise TypeError(f"cannot key a figure on {type(value).__name__}")


# A view has three or four figures: this keeps the last sixty-odd views.
@st.cache_resource(show_spinner=False, max_entries=256)
def _built(name: str, fingerprint: str, _builder: Callable, _args: tuple, _kwargs: dict) -> go.Figure:
    return _builder(*_args, **_kwargs)


def figure(builder: Callable[..., go.Figure], *args, **kwargs) -> go.Figure:
    """``builder(*args, **kwargs)``, built once per distinct input and shared
    by every session: a warm rerun (another visitor, a language switch back)
    spends no time in plotly's validators, which were most of a warm page's
    server time.  The key is the builder's name and the content of its
    arguments (the query results it draws), so a new load, another view or
    another language builds anew.  The figure is shared: never mutate it."""
    digest = hashlib.blake2b(digest_size=16)
    _fingerprint(args, digest)
    _fingerprint(kwargs, digest)
    name = f"{builder.__module__}.{builder.__qualname__}"
    return _built(name, digest.hexdigest(), _builder=builder, _args=args, _kwargs=kwargs)


def chart(fig: go.Figure, vf: ViewFilter, key: str | None = None) -> None:
    """A figure as built: our own colours and fonts (``theme=None``), full width."""
    st.plotly_chart(fig, theme=None, key=key, config=chart_config(fig, vf))


def ranking_chart(fig: go.Figure, vf: ViewFilter, key: str) -> None:
    """A town ranking whose bars narrow the view: a click selects the bar's
    town (its ``customdata``) and reruns the page for that town."""
    # The key carries the region, so a new region starts with no selection.
    event = st.plotly_chart(fig, theme=None, key=f"{key}-{vf.region.code}", config=chart_config(fig, vf),
                            on_select="rerun", selection_mode="points")
    points = event["selection"]["points"] if event else []
    for point in points:
        code = point.get("customdata")
        if isinstance(code, (list, tuple)):
            code = code[0] if code else None
        if code and code != vf.region.code:
            set_region(str(code))
            st.rerun()


def empty_period(vf: ViewFilter) -> bool:
    """True (after saying so) when the chosen period lies wholly after the data."""
    if vf.shown is not None:
        return False
    st.info(t("empty.future", vf.lang, period=period_text(vf.period.first, vf.period.last, vf.lang),
              latest=fmt_month(vf.latest)))
    return True


def no_data(vf: ViewFilter, programme: str) -> None:
    st.info(t("empty.programme", vf.lang, region=vf.region.name(vf.lang),
              programme=t(f"programme.{programme}", vf.lang)))


# KPI cards ------------------------------------------------------------------------

def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _comparison_text(vf: ViewFilter) -> str:
    """Next to a delta just 同比/环比: the compared period is in the page caption."""
    return t(f"cmp.{vf.cmp}", vf.lang)


def kpi(label: str, value_text: str, change: Change | None, formatter: Callable, vf: ViewFilter,
        help_text: str, compared_with: str, exact: str | None = None) -> None:
    """One st.metric: the value, its change against the comparison period.
    When the card shows a shortened number ("177亿"), ``exact`` is the whole
    figure, given in the card's help."""
    if exact and exact != value_text:
        help_text = f"{help_text}  \n{t('kpi.exact', vf.lang, value=exact)}"
    if change is None or change.previous is None:
        st.metric(label, value_text, delta=t("kpi.no_comparison", vf.lang), delta_color="off",
                  delta_arrow="off", help=help_text)
        return
    relative = change.relative
    delta = fmt_signed(change.absolute, formatter)
    if relative is not None:
        delta += f" ({'+' if relative >= 0 else '-'}{fmt_pct(abs(relative))})"
    flat = change.absolute == 0
    st.metric(label, value_text, delta=delta, delta_color="off" if flat else "normal",
              delta_arrow="off" if flat else "auto", help=help_text,
              delta_description=compared_with)


def _row_value(frame: pd.DataFrame, column: str, where: pd.Series | None = None) -> float | None:
    rows = frame if where is None else frame[where]
    return _number(rows.iloc[0][column]) if len(rows) else None


# Cards per row: on the overview a programme has half the page, on its own
# page all of it.  More than this and a card is narrower than its number
# (¥847,316.89, 595,432), which Streamlit then cuts to "¥847,3…".
CARDS_PER_ROW = {False: 2, True: 3}


def _card_rows(cards: Sequence[Callable[[], None]], detail: bool) -> None:
    """The cards in rows of equal columns, so a second row lines up under the first."""
    per_row = CARDS_PER_ROW[detail]
    for first in range(0, len(cards), per_row):
        for column, card in zip(st.columns(per_row), cards[first:first + per_row]):
            with column:
                card()


def mutual_aid_cards(vf: ViewFilter, detail: bool = False) -> bool:
    """Members per scheme (a stock, never summed across schemes) and yuan paid;
    with ``detail`` also claims and the average payout.  False when no data."""
    now = run(mutual_aid.headline, **vf.span())
    before = run(mutual_aid.headline, **vf.span(compare=True))
    if now.empty:
        no_data(vf, "mutual_aid")
        return False
    lang = vf.lang
    compared = _comparison_text(vf)
    schemes = now[now["scheme"].notna()]
    total_now = now[now["scheme"].isna()]
    total_before = before[before["scheme"].isna()]
    flow_help = t("kpi.flow_help", lang, period=period_text(vf.shown.first, vf.shown.last, lang))
    cards: list[Callable[[], None]] = []
    for _, row in schemes.iterrows():
        previous = _row_value(before, "members_enrolled", before["scheme"] == row["scheme"]) \
            if not before.empty else None
        cards.append(lambda row=row, previous=previous: kpi(
            t("kpi.members", lang, scheme=scheme_short(row["scheme"], lang)),
            fmt_count_card(row["members_enrolled"], lang),
            Change(_number(row["members_enrolled"]) or 0, previous), fmt_count, vf,
            t("kpi.stock_help", lang, month=row["stock_month"]), compared, fmt_count(row["members_enrolled"])))
    paid = _row_value(total_now, "claims_paid_yuan")
    cards.append(lambda: kpi(t("kpi.claims_paid_yuan", lang), fmt_yuan_card(paid, lang),
                             Change(paid or 0, _row_value(total_before, "claims_paid_yuan")),
                             lambda v: fmt_yuan_card_delta(v, paid, lang), vf, flow_help, compared,
                             fmt_yuan(paid)))
    if detail:
        claims = _row_value(total_now, "claims")
        cards.append(lambda: kpi(t("kpi.claims", lang), fmt_count_card(claims, lang),
                                 Change(claims or 0, _row_value(total_before, "claims")),
                                 fmt_count, vf, flow_help, compared, fmt_count(claims)))
        average = paid / claims if claims else None
        before_paid = _row_value(total_before, "claims_paid_yuan")
        before_claims = _row_value(total_before, "claims")
        before_average = before_paid / before_claims if before_claims else None
        cards.append(lambda: kpi(t("kpi.average_payout", lang), fmt_yuan(round(average, 2)) if average else "—",
                                 Change(average or 0, before_average) if average else None,
                                 lambda v: fmt_yuan(round(v, 2)), vf, flow_help, compared))
    _card_rows(cards, detail)
    return True


def camps_cards(vf: ViewFilter, detail: bool = False) -> bool:
    """Children and classes in the period's years (annual flows); with
    ``detail`` also the share of children of new-form workers.  False when none."""
    now = run(camps.headline, **vf.years()).iloc[0]
    before_years = vf.years(compare=True)
    before = run(camps.headline, **before_years).iloc[0]
    lang = vf.lang
    years = vf.years()
    if not now["classes"]:
        st.info(t("empty.camps", lang, region=vf.region.name(lang),
                  years=period_text(years["first_year"], years["last_year"], lang)))
        return False
    compared = _comparison_text(vf)
    year_help = t("kpi.years_help", lang, years=period_text(years["first_year"], years["last_year"], lang),
                  compared=period_text(before_years["first_year"], before_years["last_year"], lang))
    before_children = _number(before["children_enrolled"]) if before["classes"] else None
    before_classes = _number(before["classes"]) if before["classes"] else None
    cards = [
        lambda: kpi(t("kpi.children", lang), fmt_count_card(now["children_enrolled"], lang),
                    Change(_number(now["children_enrolled"]), before_children), fmt_count, vf,
                    year_help, compared, fmt_count(now["children_enrolled"])),
        lambda: kpi(t("kpi.classes", lang), fmt_count_card(now["classes"], lang),
                    Change(_number(now["classes"]), before_classes), fmt_count, vf, year_help, compared,
                    fmt_count(now["classes"])),
    ]
    if detail:
        share = (_number(now["new_form_children"]) or 0) / float(now["children_enrolled"])
        cards.append(lambda: st.metric(t("kpi.new_form_share", lang), fmt_pct(share), help=year_help))
    _card_rows(cards, detail)
    return True


def contracts_cards(vf: ViewFilter, detail: bool = False) -> bool:
    """Contracts in force at the period end, enterprise + area ("285 + 1"), and
    workers covered by enterprise contracts; with ``detail`` also the area
    contracts' coverage and the contracts signed in the period."""
    now = run(contracts.in_force, **vf.at_end()).iloc[0]
    before = run(contracts.in_force, **vf.at_end(compare=True)).iloc[0]
    signed = run(contracts.signed_in, **vf.span()).iloc[0]
    lang = vf.lang
    if not now["enterprise_contracts"] and not now["area_contracts"] and not signed["contracts"]:
        no_data(vf, "collective_contracts")
        return False
    compared = _comparison_text(vf)
    as_of_help = t("kpi.as_of_help", lang, date=vf.shown.end_date.isoformat())
    in_force_text = f"{fmt_count(now['enterprise_contracts'])} + {fmt_count(now['area_contracts'])}"
    in_force_card = fit_card(in_force_text, f"{fmt_short(now['enterprise_contracts'], lang)} + "
                                            f"{fmt_short(now['area_contracts'], lang)}")
    cards = [
        lambda: kpi(t("kpi.active_contracts", lang), in_force_card,
                    Change(float(now["enterprise_contracts"]), float(before["enterprise_contracts"])),
                    fmt_count, vf, as_of_help, compared, in_force_text),
        lambda: kpi(t("kpi.workers_covered", lang), fmt_count_card(now["enterprise_workers"], lang),
                    Change(float(now["enterprise_workers"]), float(before["enterprise_workers"])),
                    fmt_count, vf, as_of_help, compared, fmt_count(now["enterprise_workers"])),
    ]
    if detail:
        signed_before = run(contracts.signed_in, **vf.span(compare=True)).iloc[0]
        # Enterprises go in the delta's place, grey and without an arrow: a fact, not a change.
        cards.append(lambda: st.metric(
            t("kpi.area_workers", lang), fmt_count_card(now["area_workers"], lang),
            delta=t("kpi.area_enterprises", lang, enterprises=fmt_count(now["area_enterprises"])),
            delta_color="off", delta_arrow="off", help=as_of_help))
        cards.append(lambda: kpi(
            t("kpi.signed", lang), fmt_count_card(signed["contracts"], lang),
            Change(float(signed["contracts"]), float(signed_before["contracts"])), fmt_count, vf,
            t("kpi.flow_help", lang, period=period_text(vf.shown.first, vf.shown.last, lang)), compared,
            fmt_count(signed["contracts"])))
    _card_rows(cards, detail)
    return True


def stations_cards(vf: ViewFilter) -> bool:
    """Stations open at the period end (a stock) and visits in it (a flow)."""
    now = run(overview.stations_headline, **vf.span()).iloc[0]
    before = run(overview.stations_headline, **vf.span(compare=True)).iloc[0]
    lang = vf.lang
    if not now["stations"] and pd.isna(now["visits"]):
        no_data(vf, "stations")
        return False
    compared = _comparison_text(vf)
    as_of_help = t("kpi.as_of_help", lang, date=vf.shown.end_date.isoformat())
    flow_help = t("kpi.flow_help", lang, period=period_text(vf.shown.first, vf.shown.last, lang))
    visits = _number(now["visits"])
    cards = [
        lambda: kpi(t("kpi.stations", lang), fmt_count_card(now["stations"], lang),
                    Change(float(now["stations"]), float(before["stations"])), fmt_count, vf,
                    as_of_help, compared, fmt_count(now["stations"])),
        lambda: kpi(t("kpi.visits", lang), fmt_count_card(visits, lang),
                    Change(visits or 0, _number(before["visits"])) if visits is not None else None,
                    fmt_count, vf, flow_help, compared, fmt_count(visits)),
    ]
    _card_rows(cards, detail=False)
    return True


# Programme rankings ----------------------------------------------------------------
# A province's or the nation's programme pages rank the units one level below
# it (ViewFilter.shows_units_below), as its overview does.  A city and below
# rank towns (the city's overview offers its counties).

def mutual_aid_ranking(vf: ViewFilter) -> None:
    """Yuan paid per town, or per city or province above a city; a click narrows the view."""
    if vf.shows_units_below:
        ranking = run(mutual_aid.unit_ranking, **vf.span(), level=vf.child_level)
        fig = figure(charts.town_ranking, ranking, "claims_paid_yuan", vf.lang, code="unit_code",
                     title_key=f"overview.unit_ranking.{vf.child_level}")
    else:
        ranking = run(mutual_aid.town_ranking, **vf.ranking_span())
        fig = figure(charts.town_ranking, ranking, "claims_paid_yuan", vf.lang, highlight=vf.highlight_town)
    ranking_chart(fig, vf, key="mutual-aid-ranking")


def camps_by_area(vf: ViewFilter) -> None:
    """Children per town (or per city or province) and, beside it, enrolment
    against capacity for the same units."""
    years = vf.years()
    if vf.shows_units_below:
        by_area = run(camps.by_unit, **years, level=vf.child_level)
        code, title_key = "unit_code", f"camps.by_unit.{vf.child_level}"
    else:
        by_area, code, title_key = run(camps.by_town, **years), "town_code", "camps.by_town"
    left, right = st.columns(2)
    with left:
        ranking_chart(figure(charts.camps_by_town, by_area, vf.lang, code=code, title_key=title_key), vf,
                      key="camps-by-town")
    with right:
        chart(figure(charts.enrolment_vs_capacity, by_area, vf.lang, code=code), vf)


def contracts_coverage(vf: ViewFilter) -> None:
    """Workers covered per town (or per city or province); nothing when no
    contract is in force."""
    if vf.shows_units_below:
        coverage = run(contracts.coverage_by_unit, **vf.at_end(), level=vf.child_level)
        code, title_key = "unit_code", f"contracts.coverage_by_unit.{vf.child_level}"
    else:
        coverage, code, title_key = run(contracts.coverage_by_town, **vf.at_end()), "town_code", "contracts.coverage"
    if not coverage.empty:
        ranking_chart(figure(charts.coverage_by_town, coverage, vf.lang, code=code, title_key=title_key), vf,
                      key="contracts-coverage")


# The stations map -------------------------------------------------------------------

# A deck with its labels costs ~20 ms to build (a fifth of the stations page's
# warm rerun at city scale); views and choices are few, so each is built once
# and shared by every session.  Decks are shared: never mutate one.  Sixteen:
# a deck of maps.MAX_POINTS stations holds ~6 MB of Python objects, and the
# national app already peaks at ~830 MB of its 1 GiB.
@st.cache_resource(show_spinner=False, max_entries=16)
def _station_deck(key: tuple, _build: Callable[[], pdk.Deck]) -> pdk.Deck:
    return _build()


def station_map(vf: ViewFilter, units: pd.DataFrame, summary: pd.DataFrame,
                station_id: str | None, heatmap: bool) -> tuple[pdk.Deck, pd.DataFrame, str]:
    """The stations page's map of the view: (deck, what it draws, its help
    line).  A province or the nation: one bubble per unit below it.  More
    stations than maps.MAX_POINTS: one per town (a town's own view draws its
    first MAX_POINTS, saying so).  Otherwise one dot per station, the chosen
    one (``station_id``) ringed.  ``summary`` is the view's station_summary;
    ``units`` the org units."""
    lang, span = vf.lang, vf.span()
    tiles = maps.tile_url()
    if tiles and not maps.tiles_reachable(tiles):
        st.caption(t("stations.basemap_unreachable", lang, host=maps.tile_host(tiles)))
        tiles = None
    if vf.shows_units_below:
        drawn = run(stations.area_summary, **span, level=vf.child_level)
        kind, map_help = "areas", t(f"stations.map_help_areas.{vf.child_level}", lang)
    elif len(summary) > stations.MAX_POINTS and vf.region.level != "town":
        drawn = run(stations.town_summary, **span)
        kind, map_help = "towns", t("stations.map_help_towns", lang, limit=fmt_count(stations.MAX_POINTS))
    else:
        drawn, kind, map_help = summary, "stations", t("stations.map_help", lang)
        if len(summary) > stations.MAX_POINTS:
            st.caption(t("stations.truncated", lang, limit=fmt_count(stations.MAX_POINTS),
                         total=fmt_count(len(summary))))

    def build() -> pdk.Deck:
        outlines = geo.outlines_for_region(geo.county_outlines(), units, vf.region.code, lang)
        context = {"outlines": outlines, "labels": geo.label_points(units, vf.region.code, lang),
                   "lang": lang, "heatmap": heatmap, "tiles": tiles,
                   "bounds": geo.view_bounds(outlines, units, vf.region.code, summary["lon"], summary["lat"])}
        if kind == "areas":
            return maps.area_deck(drawn, **context)
        if kind == "towns":
            return maps.town_deck(drawn, **context)
        return maps.station_deck(drawn, selected_station=station_id, **context)

    # Everything the deck is drawn from: the query results (by what they are
    # a function of) and the choices.
    key = (results_key(), vf.region.code, tuple(sorted(span.items())), kind, lang, heatmap, tiles,
           station_id)
    return _station_deck(key, _build=build), drawn, map_help


# Overview pieces --------------------------------------------------------------------

def ranking_metric(vf: ViewFilter, metrics: Sequence[str]) -> str:
    """The metric the town ranking shows (kept in this session only)."""
    return st.radio(t("overview.ranking_metric", vf.lang), list(metrics),
                    format_func=lambda m: t(f"metric.{m}", vf.lang), horizontal=True,
                    key="overview_ranking_metric")


def overview_ranking(vf: ViewFilter) -> None:
    """The overview's ranking by the chosen metric: the nation ranks its
    provinces, a province its cities, a city its counties (each, if asked,
    its towns instead), a county its towns, a town its county's towns with
    itself highlighted.  A bar click narrows the view."""
    lang = vf.lang
    metric = ranking_metric(vf, charts.RANKING_METRICS)
    level = vf.child_level
    # The choice's values stay "unit"/"town" whatever the level, so moving
    # from a province to a city keeps "rank the units below" chosen.
    by_unit = level != "town" and st.radio(
        t("overview.ranking_unit", lang), ["unit", "town"], horizontal=True,
        format_func=lambda unit: t(f"ranking_unit.{level if unit == 'unit' else 'town'}", lang),
        key="overview_ranking_unit") == "unit"
    if by_unit:
        ranking = run(overview.unit_ranking, **vf.span(), level=level)
        fig = figure(charts.town_ranking, ranking, metric, lang, title_key=f"overview.unit_ranking.{level}",
                     code="unit_code")
    else:
        ranking = run(overview.town_ranking, **vf.ranking_span())
        fig = figure(charts.town_ranking, ranking, metric, lang, highlight=vf.highlight_town)
    ranking_chart(fig, vf, key="overview-ranking")
    st.caption(t(f"overview.unit_ranking_hint.{level}" if by_unit else "overview.ranking_hint", lang))


def reporting_progress(vf: ViewFilter) -> None:
    """The last twelve shown months' reporting: for a city one row per
    county (its 160-odd towns would make a chart thousands of pixels tall),
    for a province per city and for the nation per province; for a county
    or a town one row per town."""
    last = vf.shown.last
    span = {"prefix": vf.prefix, "first": periods.add_months(last, -11), "last": last}
    level = vf.child_level
    if vf.region.level in ("nation", "province", "city"):
        chart(figure(charts.reporting_by_unit_heatmap, run(overview.reporting_by_unit, **span, level=level),
                     vf.lang, level), vf)
        st.caption(t(f"overview.reporting_by_hint.{level}", vf.lang))
    else:
        chart(figure(charts.reporting_heatmap, run(overview.reporting_matrix, **span), vf.lang), vf)


def missing_reports(vf: ViewFilter) -> None:
    """The towns that have not sent the last shown month's reports."""
    month = vf.shown.last
    missing = run(overview.missing_reports, prefix=vf.prefix, month=month)
    lang = vf.lang
    st.markdown(f"**{t('overview.missing_now', lang, month=fmt_month(month))}**")
    if missing.empty:
        st.success(t("empty.missing_reports", lang, month=fmt_month(month)))
        return
    for dataset, towns in missing.groupby("dataset", sort=False):
        names = towns["name_en"] if lang == "en" else towns["name_zh"]
        st.markdown("- " + t("overview.missing_line", lang, dataset=t(f"dataset.{dataset}", lang),
                                 towns=town_list(list(names), lang)))


# Tables with export ----------------------------------------------------------------

def localised(frame: pd.DataFrame, lang: str, value_columns: Sequence[str] = ()) -> pd.DataFrame:
    """The frame as the reader sees it: *_zh/*_en pairs become one column in
    ``lang``, stored Chinese values are translated, headers are words."""
    shown = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        if column.endswith("_en") and column[:-3] + "_zh" in frame.columns:
            continue
        if column.endswith("_zh") and column[:-3] + "_en" in frame.columns:
            base = column[:-3]
            shown[base] = frame[base + ("_en" if lang == "en" else "_zh")]
        elif column in value_columns:
            shown[column] = value_labels(column, frame[column], lang)
        else:
            shown[column] = frame[column]
    return shown.rename(columns={c: column_label(c, lang) for c in shown.columns})


# Numbers that name rather than count: no thousands separator ("2,024").
PLAIN_NUMBER_COLUMNS = ("year",)


def _column_formats(shown: pd.DataFrame, plain: Sequence[str] = ()) -> dict:
    """Thousands separators for numbers (not for the ``plain`` columns, such
    as a year), plain days for dates (no 00:00:00)."""
    formats = {}
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            formats[column] = st.column_config.DateColumn(format="YYYY-MM-DD")
        elif column in plain:
            formats[column] = st.column_config.NumberColumn(format="plain")
        elif pd.api.types.is_numeric_dtype(shown[column]) and not pd.api.types.is_bool_dtype(shown[column]):
            formats[column] = st.column_config.NumberColumn(format="localized")
    return formats


def csv_bytes(shown: pd.DataFrame) -> bytes:
    """The table as CSV, utf-8 with a BOM so that Excel opens the Chinese text
    correctly; text that a spreadsheet would run as a formula is neutralised."""
    safe = shown.map(lambda v: exports.neutralise(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(shown: pd.DataFrame, vf: ViewFilter, title: str, notes: Sequence[str] = ()) -> bytes:
    """The table as a workbook whose first sheet records the view it came
    from, and the ``notes`` (such as that the table was cut)."""
    period = vf.shown
    stamp = exports.ExportStamp(
        filters=[(t("sidebar.region", vf.lang), vf.region.name(vf.lang)),
                 (t("sidebar.period", vf.lang), period_text(period.first, period.last, vf.lang)),
                 (t("sidebar.comparison", vf.lang), t(f"cmp.{vf.cmp}", vf.lang))],
        as_of=fmt_month(vf.latest), exported_at=dt.datetime.now(), lang=vf.lang, notes=tuple(notes))
    return exports.tables_to_xlsx({title: shown}, stamp)


def table_fetch_limit() -> int:
    """The ``limit`` a page gives the query behind a ``table``
    (mutual_aid.detail, camps.class_list, contracts.expiring): one row more
    than the table shows, so that a row past the cap tells ``table`` the view
    was cut, without a second query counting the view's rows."""
    return settings.table_row_limit() + 1


def cut_note(rows: int, lang: str, order: str | None = None) -> str:
    """What a cut table says under itself and on its workbook's first sheet:
    "仅列出前 10,000 行（最近月份在前）；请缩小地区或时间段查看全部。"."""
    if order:
        return t("table.cut", lang, rows=fmt_count(rows), order=order)
    return t("table.cut_unordered", lang, rows=fmt_count(rows))


def table(frame: pd.DataFrame, vf: ViewFilter, title: str, key: str,
          value_columns: Sequence[str] = (), order: str | None = None) -> None:
    """A sortable table and its CSV and Excel downloads (built only when clicked).

    At most ``settings.table_row_limit()`` rows: a longer frame — its query
    was given ``table_fetch_limit()``, or it was built whole, like the
    stations table — keeps its first rows, and a caption under the table says
    so, naming the rows' ``order`` (words in the page's language) when given.
    The downloads hold the rows shown; the workbook's first sheet carries the
    same note, and the audit log records that the export was cut."""
    limit = settings.table_row_limit()
    cut = len(frame) > limit
    if cut:
        frame = frame.head(limit)
    shown = localised(frame, vf.lang, value_columns)
    plain = [column_label(c, vf.lang) for c in PLAIN_NUMBER_COLUMNS if c in frame.columns]
    st.dataframe(shown, hide_index=True, column_config=_column_formats(shown, plain))
    notes = [cut_note(limit, vf.lang, order)] if cut else []
    for note in notes:
        st.caption(note)
    region = vf.region.name(vf.lang)
    first, last = periods.format_month(vf.shown.first), periods.format_month(vf.shown.last)
    # every export is in the audit log: who took which table (and whether all of it)
    logged = f"{title} · {region} · {first}..{last}"
    if cut:
        logged += f" · {t('export.rows_cut', vf.lang, rows=fmt_count(limit))}"
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(t("export.csv", vf.lang), lambda: csv_bytes(shown),
                               file_name=exports.export_file_name(title, region, first, last, "csv"),
                               mime="text/csv", key=f"{key}-csv",
                               on_click=auth.record, args=("export", f"{logged} · csv"))
    xlsx_column.download_button(t("export.xlsx", vf.lang), lambda: xlsx_bytes(shown, vf, title, notes),
                                file_name=exports.export_file_name(title, region, first, last, "xlsx"),
                                mime=exports.XLSX_MIME, key=f"{key}-xlsx",
                                on_click=auth.record, args=("export", f"{logged} · xlsx"))
