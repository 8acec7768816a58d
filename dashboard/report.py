"""The 汇报 (report) as content: the slides of the deck and of presentation mode.

One model, two renderers: ``deck.write_deck`` draws it as a .pptx and
``pages/present.py`` shows it one slide per screen, so the meeting sees the
same numbers whichever way it is shown.  ``build_report(con, vf)`` reads
everything from the dashboard's own query functions and chart builders for
the view (region, period, comparison, language):

    title · KPI summary (同比/环比) · 职工医疗互助 · 职工子女暑托班 · 集体合同 ·
    工会驿站 · station map · data source stamp

Pure: queries and figures, no streamlit.  The static station map is built
here (plotly, county outlines and stations) because pydeck cannot be
exported as an image.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, charts_stations, geo, maps, periods, theme
from dashboard import report_text as rt
from dashboard.filters import ViewFilter
from dashboard.queries import camps, contracts, meta, mutual_aid, overview
from dashboard.queries import stations as station_queries
from dashboard.strings import (fmt_count, fmt_count_card, fmt_pct, fmt_timestamp, fmt_yuan_card,
                               period_text, t, value_label)
from etl.specs import SCHEMES

DATASETS_BEHIND = ("mutual_aid", "summer_camps", "collective_contracts", "stations", "station_visits")
EXPIRING_DAYS = 90
TOP_TOWNS = 12          # bars of a ranking that fit a slide legibly
EVERY_YEAR = 9999       # camps.by_year's last_year when the record looks at all years loaded


@dataclass(frozen=True)
class KpiChange:
    """One comparison of a KPI: "同比 +21.2%" and the value compared with."""
    text: str
    direction: int              # +1 up, -1 down, 0 flat or unknown
    previous: float | None


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | None
    value_text: str
    unit: str = ""
    changes: tuple[KpiChange, ...] = ()
    note: str = ""              # stock or flow, and at what date / over what period


@dataclass(frozen=True)
class Slide:
    kind: str                   # title | kpis | programme | map | closing | empty
    key: str                    # title, kpis, mutual_aid, …, map, closing
    title: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    figure: go.Figure | None = None
    sentences: tuple[str, ...] = ()
    accent: str = theme.PROGRAMME_COLOURS["mutual_aid"]


@dataclass(frozen=True)
class Report:
    title: str
    author: str
    footer: str
    lang: str
    slides: tuple[Slide, ...] = field(default_factory=tuple)

    @property
    def titles(self) -> list[str]:
        return [s.title for s in self.slides]


# Comparisons ------------------------------------------------------------------

def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return float(value)


def _change(value, previous, label: str, formatter, lang: str) -> KpiChange:
    value, previous = _number(value), _number(previous)
    if previous is None or value is None:
        return KpiChange(f"{label} {t('kpi.no_comparison', lang)}", 0, previous)
    delta = value - previous
    direction = 0 if delta == 0 else (1 if delta > 0 else -1)
    if previous == 0:  # no percentage from zero: say what it was
        return KpiChange(t("report.kpi_change_flat", lang, cmp=label, previous=formatter(previous)),
                         direction, previous)
    relative = f"{'+' if delta >= 0 else '-'}{abs(delta) / previous * 100:.1f}%"
    return KpiChange(t("report.kpi_change", lang, cmp=label, relative=relative,
                       previous=formatter(previous)), direction, previous)


@dataclass(frozen=True)
class _Comparison:
    """A comparison the KPI slide shows: its label and filter (同比 and/or 环比)."""
    cmp: str
    label: str
    vf: ViewFilter


def _comparisons(vf: ViewFilter) -> list[_Comparison]:
    """The view's own comparison first, then the other one, unless both
    compare with the same months (a whole year: 环比 = 同比)."""
    chosen = vf
    other = vf.replace(cmp=periods.MOM if vf.cmp == periods.YOY else periods.YOY)
    result = [_Comparison(vf.cmp, t(f"cmp.{vf.cmp}", vf.lang), chosen)]
    if other.comparison != chosen.comparison:
        result.append(_Comparison(other.cmp, t(f"cmp.{other.cmp}", vf.lang), other))
    return result


# Reading the view ---------------------------------------------------------------

@dataclass(frozen=True)
class _Figures:
    """The numbers of one view, read once and shared by the KPI slide, the
    programme slides and the sentences."""
    aid: pd.DataFrame
    aid_before: dict[str, pd.DataFrame]
    camp_years: pd.DataFrame        # every year loaded, with this module's record rule
    camp_head: pd.DataFrame
    camp_before: dict[str, pd.DataFrame]
    in_force: pd.DataFrame
    in_force_before: dict[str, pd.DataFrame]
    station_head: pd.DataFrame
    station_before: dict[str, pd.DataFrame]


def _read(con, vf: ViewFilter, comparisons: list[_Comparison]) -> _Figures:
    aid = mutual_aid.headline(con, **vf.span())
    camp_head = camps.headline(con, **vf.years())
    in_force = contracts.in_force(con, **vf.at_end())
    station_head = overview.stations_headline(con, **vf.span())
    before = {c.cmp: c.vf for c in comparisons}
    return _Figures(
        aid=aid,
        aid_before={k: mutual_aid.headline(con, **f.span(compare=True)) for k, f in before.items()},
        camp_years=_camp_years(con, vf),
        camp_head=camp_head,
        camp_before={k: camps.headline(con, **f.years(compare=True)) for k, f in before.items()},
        in_force=in_force,
        in_force_before={k: contracts.in_force(con, **f.at_end(compare=True))
                         for k, f in before.items()},
        station_head=station_head,
        station_before={k: overview.stations_headline(con, **f.span(compare=True))
                        for k, f in before.items()},
    )


def _camp_years(con, vf: ViewFilter) -> pd.DataFrame:
    """camps.by_year over every year loaded: the chart's record stars and the
    sentence under it (report_text.is_record) follow the same rule."""
    return camps.by_year(con, vf.prefix, EVERY_YEAR)


def _total(frame: pd.DataFrame, column: str):
    """The total row of mutual_aid.headline (scheme NULL), or None."""
    if frame.empty:
        return None
    total = frame[frame["scheme"].isna()]
    return None if total.empty else total[column].iloc[0]


def _first(frame: pd.DataFrame, column: str):
    return None if frame.empty else frame[column].iloc[0]


def _members(frame: pd.DataFrame, scheme: str):
    rows = frame[frame["scheme"] == scheme] if not frame.empty else frame
    return None if rows.empty else rows["members_enrolled"].iloc[0]


# Slides ---------------------------------------------------------------------------

def _title_slide(vf: ViewFilter, title: str, today: date) -> Slide:
    shown = vf.shown
    lang = vf.lang
    period = rt.period_phrase(shown.first, shown.last, lang) if shown else ""
    lines = (period, t("report.compare_line", lang, cmp=t(f"cmp.{vf.cmp}", lang)))
    made = (f"{today.year}年{today.month}月{today.day}日" if lang == "zh"
            else f"{today.day} {rt.MONTHS_EN[today.month - 1]} {today.year}")
    return Slide("title", "title", title, subtitle=t("report.made_on", lang, date=made), lines=lines)


def _kpi_slide(vf: ViewFilter, figures: _Figures, comparisons: list[_Comparison]) -> Slide:
    lang = vf.lang
    shown = vf.shown
    stock_note = t("report.stock_note", lang, month=periods.format_month(shown.last))
    flow_note = t("report.flow_note", lang, period=rt.period_phrase(shown.first, shown.last, lang))
    years = vf.years()
    years_text = (str(years["first_year"]) if years["first_year"] == years["last_year"]
                  else f"{years['first_year']}–{years['last_year']}")
    years_note = t("report.years_note", lang, years=years_text)

    def kpi(key, label, value, formatter, unit, before: dict, pick, note):
        changes = tuple(_change(value, pick(before[c.cmp]), c.label, formatter, lang)
                        for c in comparisons)
        shown_value = _number(value)
        return Kpi(key, label, shown_value, formatter(shown_value) if shown_value is not None else "—",
                   unit, changes, note)

    # Numbers as the dashboard's cards write them: a nation's are too wide whole.
    def count(value):
        return fmt_count_card(value, lang)

    def yuan(value):
        return fmt_yuan_card(value, lang)

    hospital = SCHEMES[0]
    kpis = (
        kpi("members_enrolled", t("kpi.members", lang, scheme=value_label("scheme", hospital, lang)),
            _members(figures.aid, hospital), count, t("report.unit_people", lang),
            figures.aid_before, lambda f: _members(f, hospital), stock_note),
        kpi("claims_paid_yuan", t("kpi.claims_paid_yuan", lang),
            _total(figures.aid, "claims_paid_yuan"), yuan, "", figures.aid_before,
            lambda f: _total(f, "claims_paid_yuan"), flow_note),
        kpi("claims", t("kpi.claims", lang), _total(figures.aid, "claims"), count,
            t("report.unit_claims", lang), figures.aid_before, lambda f: _total(f, "claims"),
            flow_note),
        kpi("children_enrolled", t("kpi.children", lang),
            _first(figures.camp_head, "children_enrolled"), count, t("report.unit_people", lang),
            figures.camp_before, lambda f: _first(f, "children_enrolled"), years_note),
        kpi("classes", t("kpi.classes", lang), _first(figures.camp_head, "classes"), count,
            t("report.unit_classes", lang), figures.camp_before, lambda f: _first(f, "classes"),
            years_note),
        kpi("workers_covered", t("kpi.workers_covered", lang),
            _first(figures.in_force, "enterprise_workers"), count, t("report.unit_people", lang),
            figures.in_force_before, lambda f: _first(f, "enterprise_workers"), stock_note),
        kpi("stations", t("kpi.stations", lang), _first(figures.station_head, "stations"), count,
            t("report.unit_stations", lang), figures.station_before,
            lambda f: _first(f, "stations"), stock_note),
        kpi("visits", t("kpi.visits", lang), _first(figures.station_head, "visits"), count,
            t("report.unit_visits", lang), figures.station_before, lambda f: _first(f, "visits"),
            flow_note),
    )
    return Slide("kpis", "kpis", t("report.kpi_title", lang), kpis=kpis)


def _programme_title(programme: str, lang: str) -> str:
    return t(f"programme.{programme}", lang)


def _mutual_aid_slide(con, vf: ViewFilter, figures: _Figures, region: str) -> Slide:
    lang, shown = vf.lang, vf.shown
    claims = mutual_aid.claims_by_month(con, **vf.span())
    figure = (charts.claims_combo(claims, shown.month_labels(), lang, plot_width=charts.SLIDE_PLOT_WIDTH)
              if not claims.empty else None)
    schemes = [rt.SchemeEnrolment(s, value_label("scheme", s, lang), int(_number(m) or 0))
               for s, m in zip(figures.aid["scheme"], figures.aid["members_enrolled"])
               if isinstance(s, str)]
    before = figures.aid_before[vf.cmp]
    sentences = rt.mutual_aid_sentences(
        region, shown.first, shown.last, schemes,
        int(_number(_total(figures.aid, "claims")) or 0),
        _number(_total(figures.aid, "claims_paid_yuan")) or 0,
        paid_previous=_number(_total(before, "claims_paid_yuan")),
        cmp_label_zh=t(f"report.change_cmp.{vf.cmp}", "zh"),
        cmp_label_en=t(f"report.change_cmp.{vf.cmp}", "en"), lang=lang)
    return Slide("programme", "mutual_aid", _programme_title("mutual_aid", lang), figure=figure,
                 sentences=tuple(sentences), accent=theme.PROGRAMME_COLOURS["mutual_aid"])


def _camps_slide(vf: ViewFilter, figures: _Figures, region: str) -> Slide:
    lang = vf.lang
    years = vf.years()
    history = figures.camp_years
    shown_years = list(range(years["first_year"], years["last_year"] + 1))
    up_to_view = history[history["year"] <= years["last_year"]] if not history.empty else history
    figure = charts.camps_by_year(up_to_view, lang, shown_years) if not up_to_view.empty else None
    by_year = {int(r.year): rt.CampYear(int(r.classes), int(r.children_enrolled),
                                        int(_number(r.new_form_children) or 0))
               for r in history.itertuples()}
    sentences: list[str] = []
    for year in shown_years[-2:]:
        if year in by_year or len(shown_years) == 1:
            sentences += rt.camp_sentences(region, year, by_year, lang)
    return Slide("programme", "summer_camps", _programme_title("summer_camps", lang),
                 figure=figure, sentences=tuple(sentences),
                 accent=theme.PROGRAMME_COLOURS["summer_camps"])


def _contracts_slide(con, vf: ViewFilter, region: str) -> Slide:
    lang, shown = vf.lang, vf.shown
    as_of = vf.at_end()["as_of"]
    by_type = contracts.in_force_by_type(con, **vf.at_end())
    if vf.region.level == "town":
        # One town has a handful of contracts in force: when they were signed says more.
        signed = contracts.signed_by_month(con, **vf.span())
        figure = (charts.contracts_signed(signed, shown.month_labels(), lang, plot_width=charts.SLIDE_PLOT_WIDTH)
                  if not signed.empty else None)
    elif vf.shows_units_below:
        # As the contracts page ranks them: the cities or provinces below.
        level = vf.child_level
        coverage = contracts.coverage_by_unit(con, **vf.at_end(), level=level)
        figure = charts.coverage_by_town(coverage, lang, top=TOP_TOWNS, code="unit_code",
                                         title_key=f"contracts.coverage_by_unit.{level}") \
            if not coverage.empty else None
    else:
        coverage = contracts.coverage_by_town(con, **vf.at_end())
        figure = charts.coverage_by_town(coverage, lang, top=TOP_TOWNS) if not coverage.empty else None
    groups = [rt.ContractGroup(r.contract_type, value_label("contract_type", r.contract_type, lang),
                               int(r.contracts), int(r.enterprises_covered), int(r.workers_covered),
                               bool(r.is_enterprise))
              for r in by_type.itertuples()]
    sentences = rt.contract_sentences(region, shown.last, groups,
                                      expiring_soon=contracts.expiring_count(con, vf.prefix, as_of,
                                                                             EXPIRING_DAYS),
                                      expiring_days=EXPIRING_DAYS, lang=lang)
    return Slide("programme", "collective_contracts", _programme_title("collective_contracts", lang),
                 figure=figure, sentences=tuple(sentences),
                 accent=theme.PROGRAMME_COLOURS["collective_contracts"])


def _stations_slide(con, vf: ViewFilter, figures: _Figures, region: str) -> Slide:
    lang, shown = vf.lang, vf.shown
    by_group = station_queries.visits_by_group(con, **vf.span())
    figure = charts_stations.visits_by_group(by_group, shown.month_labels(), lang) if not by_group.empty else None
    totals = by_group.groupby("visitor_group")["visits"].sum().sort_values(ascending=False) \
        if not by_group.empty else pd.Series(dtype="int64")
    top_group = str(totals.index[0]) if len(totals) else ""
    before = figures.station_before[vf.cmp]
    sentences = rt.station_sentences(
        region, shown.last, int(_number(_first(figures.station_head, "stations")) or 0),
        shown.first, shown.last, int(_number(_first(figures.station_head, "visits")) or 0),
        top_group_zh=top_group, top_group_en=value_label("visitor_group", top_group, "en"),
        top_group_visits=int(totals.iloc[0]) if len(totals) else 0,
        visits_previous=_number(_first(before, "visits")),
        cmp_label_zh=t(f"report.change_cmp.{vf.cmp}", "zh"),
        cmp_label_en=t(f"report.change_cmp.{vf.cmp}", "en"), lang=lang)
    return Slide("programme", "stations", _programme_title("stations", lang), figure=figure,
                 sentences=tuple(sentences), accent=theme.PROGRAMME_COLOURS["stations"])


# The static station map -------------------------------------------------------------

MAP_HEIGHT = 700
# The sea and beyond the outlines, the counties around the region, the
# county that holds it: light blue, grey, white.
SEA = "#D9E6F2"
OTHER_COUNTIES = "#E9ECEF"
FOCUS_COUNTY = "#FFFFFF"


def _rings(outlines: dict, focus: int) -> tuple[list, list]:
    """Outer rings of the counties with ``properties.focus == focus`` as one
    line with None between polygons (one trace draws them all)."""
    lons, lats = [], []
    for feature in outlines.get("features", []):
        if feature.get("properties", {}).get("focus", 1) != focus:
            continue
        geometry = feature.get("geometry") or {}
        polygons = [geometry.get("coordinates", [])] if geometry.get("type") == "Polygon" \
            else geometry.get("coordinates", [])
        for polygon in polygons:
            if not polygon:
                continue
            ring = polygon[0]
            lons += [p[0] for p in ring] + [None]
            lats += [p[1] for p in ring] + [None]
    return lons, lats


def station_map_figure(points: pd.DataFrame, *, kind: str, outlines: dict, labels: pd.DataFrame,
                       bounds, lang: str, title: str) -> go.Figure:
    """Stations (or towns, ``kind='towns'``, or cities or provinces,
    ``kind='areas'``) over the county outlines, as a
    plain plotly scatter in lon/lat: nothing is fetched, so kaleido can draw
    it.  Circle area by visits, colour by visits per station-day against the
    view's median, the same classes and colours as the interactive map."""
    fig = go.Figure()
    for focus, fill in ((0, OTHER_COUNTIES), (1, FOCUS_COUNTY)):
        lons, lats = _rings(outlines, focus)
        if lons:
            fig.add_trace(go.Scatter(x=lons, y=lats, mode="lines", fill="toself", fillcolor=fill,
                                     line={"color": "#6E7882", "width": 1.2}, hoverinfo="skip",
                                     showlegend=False))
    median = maps.colour_median(points)
    legend = maps.legend(median, lang)
    if not points.empty:
        classes = [maps.use_class(v, median) for v in points["visits_per_day"]]
        visits = points["visits"].fillna(0).astype(float)
        top = float(visits.max()) or 1.0
        sizes = (10 + 34 * (visits / top) ** 0.5).round(1)
        names = (points["station_name"] if kind == "stations" else
                 points[f"{'unit' if kind == 'areas' else 'town'}_name_{'en' if lang == 'en' else 'zh'}"])
        for index in sorted({c for c in classes if c is not None}) + ([None] if None in classes else []):
            chosen = [c == index for c in classes]
            colour = maps.NO_DATA_COLOUR if index is None else maps.USE_CLASS_COLOURS[index]
            fig.add_trace(go.Scatter(
                x=points.loc[chosen, "lon"], y=points.loc[chosen, "lat"], mode="markers",
                marker={"size": sizes[chosen], "color": "rgb(%d,%d,%d)" % colour, "opacity": 0.9,
                        "line": {"color": "white", "width": 1}},
                name=legend[index][1] if index is not None and index < len(legend) else "—",
                text=names[chosen], hovertemplate="%{text}<extra></extra>"))
    if len(labels):
        fig.add_trace(go.Scatter(x=labels["lon"], y=labels["lat"], mode="text", text=labels["label"],
                                 textfont={"size": 15, "color": "#37414B"}, hoverinfo="skip",
                                 showlegend=False))
    if not points.empty:
        lon_lo, lon_hi = float(points["lon"].min()), float(points["lon"].max())
        lat_lo, lat_hi = float(points["lat"].min()), float(points["lat"].max())
        pad = max(0.02, 0.12 * max(lon_hi - lon_lo, lat_hi - lat_lo))
        box = (lon_lo - pad, lat_lo - pad, lon_hi + pad, lat_hi + pad)
    else:
        box = bounds or (118.2, 24.6, 119.0, 25.3)
    mid_lat = (box[1] + box[3]) / 2
    charts._layout(fig, title, height=MAP_HEIGHT, legend=bool(legend))
    fig.update_layout(plot_bgcolor=SEA, legend={"title": {"text": t("stations.legend_title", lang)},
                                                      "orientation": "v", "x": 1.0, "xanchor": "right",
                                                      "y": 0.0, "yanchor": "bottom",
                                                      "bgcolor": "rgba(255,255,255,0.85)"})
    fig.update_xaxes(range=[box[0], box[2]], visible=False, showgrid=False)
    # Degrees of latitude are longer than degrees of longitude by 1/cos(lat).
    fig.update_yaxes(range=[box[1], box[3]], visible=False, showgrid=False, scaleanchor="x",
                     scaleratio=1 / math.cos(math.radians(mid_lat)))
    return fig


def _map_slide(con, vf: ViewFilter, region: str) -> Slide:
    lang, shown = vf.lang, vf.shown
    units = meta.org_units(con)
    towns_frame = station_queries.town_summary(con, **vf.span())
    count = int(towns_frame["stations"].sum()) if not towns_frame.empty else 0
    if vf.shows_units_below:
        # As the stations page draws it: one bubble per province or city.
        points, kind = station_queries.area_summary(con, **vf.span(), level=vf.child_level), "areas"
    elif count > station_queries.MAX_POINTS:
        points, kind = towns_frame, "towns"
    else:
        points, kind = station_queries.station_summary(con, **vf.span()), "stations"
    outlines = geo.outlines_for_region(geo.county_outlines(), units, vf.region.code, lang)
    labels = geo.label_points(units, vf.region.code, lang)
    bounds = geo.region_bounds(outlines, units, vf.region.code)
    title = t("report.map_caption", lang)
    figure = station_map_figure(points, kind=kind, outlines=outlines, labels=labels, bounds=bounds,
                                lang=lang, title=title)
    towns = len(towns_frame)
    low_use = int(points["low_use"].sum()) if kind == "stations" and not points.empty else \
        int(points["low_use_stations"].sum()) if not points.empty else 0
    sentences = [t("report.map_sentence" if towns > 1 else "report.map_sentence_one_town", lang,
                   stations=fmt_count(count), towns=fmt_count(towns),
                   period=rt.period_phrase(shown.first, shown.last, lang))]
    if count and low_use:
        sentences.append(t("report.map_low_use", lang, low=fmt_count(low_use),
                           share=fmt_pct(station_queries.LOW_USE_SHARE_OF_MEDIAN, 0)))
    elif count:
        sentences.append(t("stations.low_use_none", lang))
    return Slide("map", "map", t("report.map_title", lang), figure=figure, sentences=tuple(sentences),
                 accent=theme.PROGRAMME_COLOURS["stations"])


def _closing_slide(con, vf: ViewFilter, now: datetime) -> Slide:
    lang = vf.lang
    shown = vf.shown
    first, last = (shown.first, shown.last) if shown else (vf.period.first, vf.period.last)
    stamp = meta.source_stamp(con, vf.prefix, first, last, DATASETS_BEHIND)
    row = stamp.iloc[0] if not stamp.empty else None
    batches = int(row["batches"]) if row is not None else 0
    lines = []
    if batches:
        loaded_at = row["last_loaded_at"]
        lines.append(t("stamp", lang, as_of=row["as_of"], batches=fmt_count(batches),
                       loaded_at=fmt_timestamp(pd.Timestamp(loaded_at).to_pydatetime())))
    else:
        lines.append(t("stamp.none", lang))
    lines.append(t("report.rules", lang))
    lines.append(t("report.generated_at", lang, at=now.strftime("%Y-%m-%d %H:%M")))
    return Slide("closing", "closing", t("report.closing_title", lang), lines=tuple(lines))


def build_report(con, vf: ViewFilter, *, now: datetime | None = None) -> Report:
    """The report for the view: the slides in order, every number from the
    dashboard's query functions."""
    now = now or datetime.now()
    lang = vf.lang
    region = vf.region.name(lang)
    title = t("report.title", lang, region=region)
    shown = vf.shown
    footer = t("report.footer", lang, region=region,
               period=rt.period_phrase(shown.first, shown.last, lang) if shown else "")
    slides: list[Slide] = [_title_slide(vf, title, now.date())]
    if shown is None:
        slides.append(Slide("empty", "empty", t("report.no_data_title", lang), sentences=(
            t("empty.future", lang, period=period_text(vf.period.first, vf.period.last, lang),
              latest=periods.format_month(vf.latest)),)))
    else:
        comparisons = _comparisons(vf)
        figures = _read(con, vf, comparisons)
        slides += [
            _kpi_slide(vf, figures, comparisons),
            _mutual_aid_slide(con, vf, figures, region),
            _camps_slide(vf, figures, region),
            _contracts_slide(con, vf, region),
            _stations_slide(con, vf, figures, region),
            _map_slide(con, vf, region),
        ]
    slides.append(_closing_slide(con, vf, now))
    return Report(title=title, author=t("app.title", lang), footer=footer, lang=lang,
                  slides=tuple(slides))


def deck_file_name(vf: ViewFilter) -> str:
    """"工会工作汇报_安海镇_2024-01_2024-06.pptx"."""
    from dashboard.exports import export_file_name
    shown = vf.shown or vf.period
    return export_file_name(t("report.file_stem", vf.lang), vf.region.name(vf.lang),
                            periods.format_month(shown.first), periods.format_month(shown.last),
                            "pptx")
