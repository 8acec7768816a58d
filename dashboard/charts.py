"""Plotly figure builders: DataFrames from dashboard.queries in, ``go.Figure`` out.

Every title, axis, legend and tooltip comes from strings.py in the reader's
language; every colour from theme.py.  Month axes are categories ('2024-01'
would otherwise be parsed as a date) listing every month of the period, so a
month with no report shows as a gap, not as a shorter axis.  Trace values are
the exact numbers; only tick labels of large Chinese axes read in 万.
Never imports streamlit.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboard import theme
from dashboard.strings import fmt_count, fmt_pct, fmt_short_all, fmt_yuan, t, value_label

# The programme each ranking metric belongs to (its colour) and how it reads.
METRIC_PROGRAMME = {
    "claims_paid_yuan": "mutual_aid",
    "children_enrolled": "summer_camps",
    "workers_covered": "collective_contracts",
    "visits": "stations",
}
RANKING_METRICS = tuple(METRIC_PROGRAMME)
PROGRAMMES = ("mutual_aid", "summer_camps", "collective_contracts", "stations")
WAN = 10_000
WAN_FROM = 100_000   # axes whose values reach 十万 read in 万 (Chinese only)


# Layout ---------------------------------------------------------------------

# What the figures below draw: the template keeps these parts of plotly_white.
USED_TRACE_TYPES = ("bar", "scatter", "heatmap")
UNUSED_LAYOUT_PARTS = ("polar", "ternary", "scene", "geo", "coloraxis", "colorscale")


TITLE_TOP = 12                                  # the title's distance from the top edge
TITLE_HEIGHT = round(theme.TITLE_FONT_SIZE * 1.5)   # the title's line and the gap below it


def _template() -> go.layout.Template:
    """plotly_white with our type, margins, legend and grid, built once.

    Setting these per figure (four update calls) cost ~13 ms of CPU per chart,
    a third of a warm page; a template is applied by reference.

    Only the parts our figures use are kept: plotly_white also styles 21 other
    trace types and polar, ternary, 3-D and geo layouts, 5 KB that every chart
    carried to the browser (and the server copied for every chart sent) and
    plotly.js worked through on every draw."""
    white = pio.templates["plotly_white"]
    template = go.layout.Template(
        data={kind: getattr(white.data, kind) for kind in USED_TRACE_TYPES},
        layout={key: value for key, value in white.layout.to_plotly_json().items()
                if key not in UNUSED_LAYOUT_PARTS})
    template.layout.update(
        font={"family": theme.FONT_FAMILY, "size": theme.FONT_SIZE, "color": theme.TEXT},
        # The title keeps to the top edge: a legend of several rows (long
        # English names) grows the top margin downwards from it, where a
        # title centred in that margin would sit on the legend.
        title={"font": {"size": theme.TITLE_FONT_SIZE}, "x": 0, "xanchor": "left",
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": TITLE_TOP}},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1,
                "font": {"size": theme.FONT_SIZE}},
        hoverlabel={"font": {"family": theme.FONT_FAMILY, "size": theme.FONT_SIZE}},
        separators=".,",
        xaxis={"tickfont": {"size": theme.TICK_FONT_SIZE}, "gridcolor": theme.GRID, "automargin": True},
        yaxis={"tickfont": {"size": theme.TICK_FONT_SIZE}, "gridcolor": theme.GRID, "automargin": True},
        annotationdefaults={"font": {"family": theme.FONT_FAMILY}},
    )
    return template


TEMPLATE = _template()


def _layout(fig: go.Figure, title: str, height: int = theme.CHART_HEIGHT,
            legend: bool = True) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title_text=title, height=height, showlegend=legend)
    return fig


# Margins ------------------------------------------------------------------------
# plotly.js measures tick labels, axis titles and legends after drawing a chart
# and, where they do not fit the margins (automargin), draws the whole chart
# again, at times more than once: a third of the browser's drawing time on our
# pages.  _fit_margins reserves the room they will take, estimated from their
# text, so that the first drawing is the last.  automargin stays on: a margin an
# estimate misses is still widened, at the cost of that second drawing.

MONTHS_UPRIGHT = 6              # up to this many month labels stand upright
TICK_ROW = round(theme.TICK_FONT_SIZE * 1.4)   # one line of tick labels
TITLE_ROW = round(theme.FONT_SIZE * 1.6)       # an axis title and its gap
LEGEND_ROW = 26                                 # one row of a horizontal legend
AXIS_PAD = 20                                   # tick length and gaps
PLOT_WIDTH_GUESS = 320          # plot area of a half-width chart (a little less)
SECOND_AXIS_PX = 110            # what a right-hand value axis takes from that
SLIDE_PLOT_WIDTH = 640          # plot area of a chart on a slide (presentation mode, the deck)
MONTH_LABEL_PX = 24             # room along the axis for one 45° month label
MONTH_LABEL_STEPS = (1, 2, 3, 4, 6, 12, 24, 60)
ROW_PX = 38                     # a horizontal bar and its gap
TWO_LINE_ROW_PX = 56            # a horizontal bar whose name takes two lines
CATEGORY_LABEL_PX = 150         # wider names of a bar chart's categories take two lines
SHORT_BAR_LABEL_FROM = 10_000   # bar labels of five digits and more read in 万 / K


def _text_px(text, size: float = theme.TICK_FONT_SIZE) -> float:
    """Width of ``text`` in the charts' font, a little generous: CJK and
    full-width characters one em, others 0.62 em; of its widest line when
    it is broken with <br>."""
    return max(sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.62 * size for ch in line)
               for line in str(text).split("<br>"))


def _two_lines(label: str, max_px: float) -> str:
    """``label`` broken at the space nearest its middle when wider than
    ``max_px``: a long English category name on two lines leaves its bars
    room.  Chinese names (no spaces) stay whole."""
    if _text_px(label) <= max_px or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, ch in enumerate(label) if ch == " "), key=lambda i: abs(i - middle))
    return label[:cut] + "<br>" + label[cut + 1:]


def _axis_labels(fig: go.Figure, layout: dict, key: str, letter: str, barmode: str | None) -> list[str]:
    """The tick labels an axis will show, or the widest of them for a value axis."""
    axis = layout.get(key, {})
    if axis.get("visible") is False or axis.get("showticklabels") is False:
        return []
    if axis.get("ticktext") is not None:
        return [str(v) for v in axis["ticktext"]]
    if axis.get("tickformat") == "":
        return ["17.5B"]        # plotly's short form: three digits and a letter at most
    ref = letter + key[5:]
    traces = [tr for tr in fig.data if (getattr(tr, f"{letter}axis") or letter) == ref]
    values = [v for tr in traces for v in (getattr(tr, letter) or ()) if v is not None]
    if axis.get("type") == "category" or any(isinstance(v, str) for v in values):
        return [str(v) for v in (axis.get("categoryarray") or dict.fromkeys(values))]
    if not values:
        return ["0"]
    numbers = [abs(float(v)) for v in values]
    top = max(numbers)
    bars = [tr for tr in traces if tr.type == "bar"]
    if barmode in ("stack", "relative") and len(bars) > 1:
        sums: dict = {}
        other = "y" if letter == "x" else "x"
        for tr in bars:
            for at, v in zip(getattr(tr, other) or (), getattr(tr, letter) or ()):
                if v is not None:
                    sums[at] = sums.get(at, 0.0) + abs(float(v))
        top = max([top, *sums.values()])
    top *= 1.05     # autorange's padding: the top tick is at most this
    return [f"{top:,.1f}" if top < 10 else f"{top:,.0f}"]


def _fit_margins(fig: go.Figure) -> go.Figure:
    """Widen the figure's margins to what its outer axes' labels and titles and
    its legend will need (see above)."""
    layout = fig.layout.to_plotly_json()
    margin = {**TEMPLATE.layout.margin.to_plotly_json(), **layout.get("margin", {})}
    need = dict(margin)
    barmode = layout.get("barmode")

    def domain(key: str) -> list:
        return layout.get(key, {}).get("domain") or [0, 1]

    for key in [k for k in layout if k.startswith("yaxis")]:
        axis = layout[key]
        labels = _axis_labels(fig, layout, key, "y", barmode)
        width = max((_text_px(label) for label in labels), default=0)
        title = (axis.get("title") or {}).get("text")
        room = width + AXIS_PAD + (TITLE_ROW if title else 0)
        # An axis inside the figure (a right-hand subplot, a secondary axis
        # beside a legend) needs only what its labels reach past the edge.
        start, end = domain("xaxis" + (axis.get("anchor") or "x")[1:])
        if axis.get("side") == "right":
            need["r"] = max(need["r"], room - (1 - end) * PLOT_WIDTH_GUESS)
        else:
            need["l"] = max(need["l"], room - start * PLOT_WIDTH_GUESS)
    bottom_ticks = 0.0
    for key in [k for k in layout if k.startswith("xaxis")]:
        axis = layout[key]
        anchor = "yaxis" + (axis.get("anchor") or "y")[1:]
        if domain(anchor)[0] > 0.01:
            continue            # a subplot above another: its labels sit in the spacing
        labels = _axis_labels(fig, layout, key, "x", barmode)
        width = max((_text_px(label) for label in labels), default=0)
        angle = axis.get("tickangle")
        if angle is None:
            # plotly turns labels that do not fit upright, at 30° or 90°: the worst case
            upright = len(labels) * (width + 8) <= PLOT_WIDTH_GUESS
            ticks = TICK_ROW if upright else max(width, width / 2 + TICK_ROW)
        else:
            turn = math.radians(abs(float(angle)))
            ticks = width * math.sin(turn) + TICK_ROW * math.cos(turn)
            need["l"] = max(need["l"], width * math.cos(turn) + AXIS_PAD)
        title = (axis.get("title") or {}).get("text")
        bottom_ticks = max(bottom_ticks, ticks + AXIS_PAD + (TITLE_ROW if title else 0) if labels else 0)
    legend = layout.get("legend", {})
    names = [tr.name for tr in fig.data if tr.name and tr.showlegend is not False and tr.type != "heatmap"]
    rows = 0
    if layout.get("showlegend", len(names) > 1) and names:
        # One row when every entry fits side by side; else a grid of the widest.
        items = [_text_px(n, theme.FONT_SIZE) + 44 for n in names]     # symbol and gap: 44 px
        per_row = max(1, int(PLOT_WIDTH_GUESS // max(items)))
        rows = 1 if sum(items) <= PLOT_WIDTH_GUESS else math.ceil(len(items) / per_row)
    if rows and legend.get("yref") == "container" and legend.get("y") == 0:
        need["b"] = max(need["b"], bottom_ticks + LEGEND_ROW * rows + 12)
    else:
        need["b"] = max(need["b"], bottom_ticks)
        if rows > 1 and legend.get("yref") != "container":
            need["t"] = max(need["t"], TITLE_TOP + TITLE_HEIGHT + LEGEND_ROW * rows)
    wider = {side: math.ceil(px) for side, px in need.items()
             if side in "lrtb" and px > (margin.get(side) or 0)}
    if wider:
        fig.update_layout(margin=wider)
    return fig


def _fits_margins(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """A figure builder whose figures come with their margins fitted."""
    @functools.wraps(builder)
    def build(*args, **kwargs) -> go.Figure:
        return _fit_margins(builder(*args, **kwargs))
    return build


# Month axes ---------------------------------------------------------------------

def _month_axis(fig: go.Figure, months: Sequence[str], plot_width: float = PLOT_WIDTH_GUESS,
                **selector) -> None:
    """Months as categories; more than fit across a half-width chart stand at
    45°, always, so their room is known before drawing (see _fit_margins).
    Where even at 45° they would run into each other, only some are
    labelled (see labelled_months); every month keeps its bar."""
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(months), **selector)
    if len(months) > MONTHS_UPRIGHT:
        fig.update_xaxes(tickangle=-45, **selector)
    labelled = labelled_months(months, plot_width)
    if len(labelled) < len(months):
        fig.update_xaxes(tickmode="array", tickvals=labelled, **selector)


def labelled_months(months: Sequence[str], plot_width: float) -> list[str]:
    """The months ('2024-07') a month axis ``plot_width`` px long labels: all
    of them when each has MONTH_LABEL_PX, else every 2nd, 3rd, 4th, 6th or
    12th calendar month (January and July, say), whichever is the first to fit.

    plotly.js thins crowded category labels itself, but only to about one per
    18 px, where 45° labels such as '2026-01' already overlap: eleven months
    on the claims chart, whose right-hand axis narrows its plot, ran together."""
    months = list(months)
    step = next((k for k in MONTH_LABEL_STEPS if len(months) / k * MONTH_LABEL_PX <= plot_width),
                MONTH_LABEL_STEPS[-1])
    if step == 1:
        return months
    # Counted from January of year 0, so that the labelled months are the
    # same calendar months whatever the period's first month.
    on_step = [m for m in months if (int(m[:4]) * 12 + int(m[5:7]) - 1) % step == 0]
    return on_step or months[::step]


# Value axes and bar labels --------------------------------------------------------

def _nice_step(max_value: float, ticks: int = 5) -> float:
    raw = max_value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def wan_ticks(max_value: float) -> tuple[list[float], list[str]]:
    """Tick positions (exact values) and their 万 labels: 400000 -> '40',
    25000 -> '2.5', and a province's 200000000 -> '20,000' (not '20000':
    a province's and a nation's 万 run to five and six digits)."""
    step = _nice_step(max_value)
    count = int(math.ceil(max_value / step))
    values = [i * step for i in range(count + 1)]
    return values, [_wan_text(v) for v in values]


def _wan_text(value: float) -> str:
    in_wan = value / WAN
    if float(in_wan).is_integer():
        return f"{in_wan:,.0f}"
    return f"{in_wan:,.2f}".rstrip("0").rstrip(".")


def _number_axis(fig: go.Figure, values, lang: str, title_key: str, wan_title_key: str | None,
                 axis: str = "y", **selector) -> None:
    """Title and ticks of a value axis; large values (an axis with a
    ``wan_title_key`` reaching WAN_FROM) in 万 in Chinese, and in English in
    plotly's own short form (600k, 3.5M, 17.7B): '3,500,000' took a sixth of
    a half-width chart's width, and turned on a ranking's x axis."""
    max_value = _max_value(values)
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    large = bool(wan_title_key) and max_value >= WAN_FROM
    if large and lang == "zh":
        tickvals, ticktext = wan_ticks(max_value)
        update(title_text=t(wan_title_key, lang), tickmode="array", tickvals=tickvals,
               ticktext=ticktext, **selector)
    else:
        # 'auto' said outright: an axis overlaying another (a right-hand axis)
        # defaults in plotly.js to 'sync', ticks at the left axis's gridlines,
        # labelled 18,017.4030429.  tickformat '' is plotly's default format.
        update(title_text=t(title_key, lang), tickformat="" if large else ",", tickmode="auto",
               **selector)


def _max_value(values) -> float:
    numbers = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna()
    return float(numbers.max()) if len(numbers) else 0.0


def _reads_in_wan(max_value: float, lang: str) -> bool:
    """Whether an axis reaching ``max_value`` is ticked in 万 (Chinese only)."""
    return lang == "zh" and max_value >= WAN_FROM


def _reindex_months(df: pd.DataFrame, months: Sequence[str]) -> pd.DataFrame:
    return df.set_index("month").reindex(list(months)).reset_index()


def _names(df: pd.DataFrame, lang: str, zh: str = "name_zh", en: str = "name_en") -> list[str]:
    """Town (or unit) names for a category axis.  Two towns may share a name
    (官桥镇 is in 安溪县 and in 南安市; a nation has many 城关镇) and a category
    axis would draw them as one row, so a shared name carries its code."""
    names = list(df[en] if lang == "en" else df[zh])
    code_column = next((c for c in ("town_code", "unit_code") if c in df), None)
    if code_column is None:
        return names
    codes = list(df[code_column])
    codes_of: dict[str, set] = {}
    for name, code in zip(names, codes):
        codes_of.setdefault(name, set()).add(code)
    shared = "{name}（{code}）" if lang == "zh" else "{name} ({code})"
    return [shared.format(name=name, code=code) if len(codes_of[name]) > 1 else name
            for name, code in zip(names, codes)]


def _plain(values) -> list:
    """Exact numbers for traces: ints stay ints, missing becomes None."""
    out = []
    for v in values:
        if v is None or pd.isna(v):
            out.append(None)
        elif float(v).is_integer():
            out.append(int(v))
        else:
            out.append(float(v))
    return out


def _hbar(names: list[str], values: list, codes: list[str] | None, colour: str | list[str],
          title: str, lang: str, value_title_key: str, wan_title_key: str | None,
          text: list[str], clickable: bool = False, row_px: int = ROW_PX) -> go.Figure:
    """Horizontal bars, the largest on top; customdata carries the town code.

    A ``clickable`` ranking (a click narrows the view to the town) states the
    click, hover and drag modes Streamlit gives a chart with selections on,
    so that the browser draws it once instead of drawing it again with them."""
    fig = go.Figure(go.Bar(
        x=_plain(values), y=names, orientation="h", marker_color=colour,
        customdata=codes, text=text, textposition="auto",
        textfont={"size": theme.TICK_FONT_SIZE},
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    _layout(fig, title, height=max(260, 110 + row_px * len(names)), legend=False)
    if clickable:
        fig.update_layout(clickmode="event+select", hovermode="closest", dragmode="pan")
    fig.update_yaxes(type="category", autorange="reversed")
    _number_axis(fig, values, lang, value_title_key, wan_title_key, axis="x")
    return fig


# Overview ---------------------------------------------------------------------

@_fits_margins
def trend_small_multiples(trends: pd.DataFrame, months: Sequence[str], lang: str) -> go.Figure:
    """One small bar chart per programme (programme, month, value), months as categories.

    The tiles have no axis titles (there is no room), so the amount's tile
    says its unit in its title: 万元 when its ticks are in 万, else 元."""
    series_of = {programme: _reindex_months(trends[trends["programme"] == programme][["month", "value"]],
                                            months)
                 for programme in PROGRAMMES}
    titles = []
    for programme in PROGRAMMES:
        title = t(f"trend.{programme}", lang)
        if programme == "mutual_aid":
            in_wan = _reads_in_wan(_max_value(series_of[programme]["value"]), lang)
            title += t("trend.unit_yuan_wan" if in_wan else "trend.unit_yuan", lang)
        titles.append(title)
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles,
                        vertical_spacing=0.2, horizontal_spacing=0.08)
    for i, programme in enumerate(PROGRAMMES):
        row, col = i // 2 + 1, i % 2 + 1
        series = series_of[programme]
        is_yuan = programme == "mutual_aid"
        fig.add_trace(go.Bar(
            x=list(series["month"]), y=_plain(series["value"]), name=t(f"programme.{programme}", lang),
            marker_color=theme.PROGRAMME_COLOURS[programme],
            hovertemplate=("%{x}: ¥%{y:,.0f}" if is_yuan else "%{x}: %{y:,.0f}") + "<extra></extra>",
        ), row=row, col=col)
        _number_axis(fig, series["value"], lang, "axis.yuan" if is_yuan else "axis.people",
                     "axis.yuan_wan" if is_yuan else None, row=row, col=col)
        fig.update_yaxes(title_text="", rangemode="tozero", row=row, col=col)
        if series["value"].isna().all():
            fig.add_annotation(text=t("chart.no_data", lang), showarrow=False,
                               xref=f"x{i + 1 if i else ''} domain", yref=f"y{i + 1 if i else ''} domain",
                               x=0.5, y=0.5, font={"size": theme.FONT_SIZE, "color": theme.NEUTRAL})
            fig.update_yaxes(range=[0, 1], showticklabels=False, row=row, col=col)
    _layout(fig, t("overview.trends", lang), height=620, legend=False)
    _month_axis(fig, months)
    fig.update_annotations(font={"size": theme.FONT_SIZE + 1})
    return fig


@_fits_margins
def town_ranking(ranking: pd.DataFrame, metric: str, lang: str, highlight: str | None = None,
                 top: int = 15, title_key: str = "overview.ranking", code: str = "town_code") -> go.Figure:
    """Towns by ``metric`` (a column of ``ranking``), largest first, top ``top``.
    The highlighted town (the region shown) keeps the programme colour; others
    are drawn lighter when one is highlighted.  ``code`` names the column
    that identifies a bar (a click narrows the view to it): ``unit_code``
    ranks the units of overview.unit_ranking."""
    programme = METRIC_PROGRAMME[metric]
    ordered = ranking.sort_values([metric, code], ascending=[False, True]).head(top)
    colour = theme.PROGRAMME_COLOURS[programme]
    colours = [colour if highlight in (None, unit) else theme.shade(programme, 3)
               for unit in ordered[code]]
    is_yuan = metric == "claims_paid_yuan"
    text = [fmt_yuan(v) if is_yuan else fmt_count(v) for v in ordered[metric]]
    title = f"{t(title_key, lang)} · {t(f'metric.{metric}', lang)}"
    return _hbar(_names(ordered, lang), list(ordered[metric]), list(ordered[code]), colours,
                 title, lang, "axis.yuan" if is_yuan else "axis.people",
                 "axis.yuan_wan" if is_yuan else "axis.people_wan", text, clickable=True)


_STATUS_LEVEL = {"not_expected": 0, "reported": 2, "missing": 1}


@_fits_margins
def reporting_heatmap(matrix: pd.DataFrame, lang: str) -> go.Figure:
    """Towns × months per monthly dataset: reported / missing / not expected."""
    cells = matrix.assign(row=_names(matrix, lang),
                          hover=[t(f"status.{s}", lang) for s in matrix["status"]],
                          cell=None)
    return _status_heatmap(cells, lang, t("overview.reporting", lang),
                           {s: t(f"status.{s}", lang) for s in _STATUS_LEGEND})


@_fits_margins
def reporting_by_unit_heatmap(by_unit: pd.DataFrame, lang: str, level: str) -> go.Figure:
    """Units (counties, cities or provinces: ``level``) × months per monthly
    dataset: green when every town has reported, red with the number of
    towns missing when any has not, grey when none owes the report; the
    hover gives 'reported of expected'."""
    expected, reported = by_unit["towns_expected"], by_unit["towns_reported"]
    status = np.where(expected == 0, "not_expected", np.where(reported >= expected, "reported", "missing"))
    cells = by_unit.assign(
        row=_names(by_unit, lang),
        status=status,
        cell=[str(e - r) if r < e else "" for r, e in zip(reported, expected)],
        hover=[t("overview.towns_reported", lang, reported=r, expected=e) if e
               else t("status.not_expected", lang) for r, e in zip(reported, expected)])
    legend = {"reported": t("status.county.reported", lang), "missing": t("status.county.missing", lang),
              "not_expected": t("status.not_expected", lang)}
    return _status_heatmap(cells, lang, t(f"overview.reporting_by.{level}", lang), legend)


_STATUS_LEGEND = ("reported", "missing", "not_expected")


def _status_heatmap(cells: pd.DataFrame, lang: str, title: str, legend: dict[str, str]) -> go.Figure:
    """One heatmap per monthly dataset of ``cells`` (dataset, row, month,
    status, hover, cell: the text written in the cell or None), sharing
    their rows, with a legend of the three statuses."""
    datasets = list(dict.fromkeys(cells["dataset"]))
    fig = make_subplots(rows=1, cols=len(datasets), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[t(f"dataset.{d}", lang) for d in datasets])
    lo, mid, hi = (theme.STATUS_COLOURS[s] for s in ("not_expected", "missing", "reported"))
    colorscale = [[0, lo], [0.33, lo], [0.33, mid], [0.67, mid], [0.67, hi], [1, hi]]
    months: list[str] = []
    rows: list[str] = []
    for i, dataset in enumerate(datasets, start=1):
        part = cells[cells["dataset"] == dataset].assign(level=lambda p: p["status"].map(_STATUS_LEVEL))
        months = list(dict.fromkeys(part["month"]))
        rows = list(dict.fromkeys(part["row"]))

        def grid(column: str, dtype) -> np.ndarray:
            return (part.pivot(index="row", columns="month", values=column)
                    .reindex(index=rows, columns=months).to_numpy(dtype=dtype))

        in_cells = part["cell"].notna().any()
        fig.add_trace(go.Heatmap(
            # Arrays, not nested lists: plotly validates list cells one by one
            # (4,000 of them for a city), arrays at once.
            x=months, y=rows, z=grid("level", float), text=grid("cell", object) if in_cells else None,
            customdata=grid("hover", object), texttemplate="%{text}" if in_cells else None,
            textfont={"size": theme.TICK_FONT_SIZE, "color": "white"},
            zmin=0, zmax=2, colorscale=colorscale, showscale=False, xgap=2, ygap=2,
            hovertemplate="%{y} · %{x}: %{customdata}<extra></extra>",
        ), row=1, col=i)
    for status in _STATUS_LEGEND:
        # Heatmaps have no legend: empty marker traces give the three colours one.
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=legend[status],
                                 marker={"symbol": "square", "size": 14,
                                         "color": theme.STATUS_COLOURS[status]},
                                 hoverinfo="skip"), row=1, col=1)
    _layout(fig, title, height=max(300, 190 + 30 * len(rows)))
    fig.update_layout(legend={"y": 1.0, "yref": "container", "yanchor": "top"}, margin={"t": 110})
    _month_axis(fig, months)
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(tickangle=-45)
    return fig


# Mutual aid -------------------------------------------------------------------

@_fits_margins
def enrolment_by_scheme(enrolment: pd.DataFrame, months: Sequence[str], lang: str) -> go.Figure:
    """Members at each month end, one line per scheme (never summed across them)."""
    fig = go.Figure()
    for i, scheme in enumerate(dict.fromkeys(enrolment["scheme"])):
        series = _reindex_months(enrolment[enrolment["scheme"] == scheme][["month", "members_enrolled"]],
                                 months)
        fig.add_trace(go.Scatter(
            x=list(series["month"]), y=_plain(series["members_enrolled"]), mode="lines+markers",
            name=value_label("scheme", scheme, lang), line={"width": 3},
            marker={"size": 8}, line_color=theme.shade("mutual_aid", i + 1 if i < 3 else i),
            hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
        ))
    _layout(fig, t("mutual_aid.enrolment", lang))
    _month_axis(fig, months)
    _number_axis(fig, enrolment["members_enrolled"], lang, "axis.members", "axis.people_wan")
    fig.update_xaxes(title_text=t("axis.month", lang))
    return fig


@_fits_margins
def claims_combo(claims: pd.DataFrame, months: Sequence[str], lang: str,
                 plot_width: float = PLOT_WIDTH_GUESS) -> go.Figure:
    """Claims per month as bars (left axis), yuan paid as a line (right axis).
    ``plot_width``: about how wide it is drawn (SLIDE_PLOT_WIDTH on a slide)."""
    series = _reindex_months(claims, months)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(
        x=list(series["month"]), y=_plain(series["claims"]), name=t("legend.claims", lang),
        marker_color=theme.shade("mutual_aid", 3),
        hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
    ), secondary_y=False)
    fig.add_trace(go.Scatter(
        x=list(series["month"]), y=_plain(series["claims_paid_yuan"]), mode="lines+markers",
        name=t("legend.claims_paid_yuan", lang), line={"width": 3, "color": theme.PROGRAMME_COLOURS["mutual_aid"]},
        marker={"size": 8}, hovertemplate="%{x}: ¥%{y:,.0f}<extra>%{fullData.name}</extra>",
    ), secondary_y=True)
    _layout(fig, t("mutual_aid.claims", lang))
    _month_axis(fig, months, plot_width=plot_width - SECOND_AXIS_PX)
    fig.update_yaxes(title_text=t("axis.claims", lang), tickformat=",", secondary_y=False)
    _number_axis(fig, claims["claims_paid_yuan"], lang, "axis.yuan", "axis.yuan_wan", secondary_y=True)
    # No tickmode here: 'auto' would replace the 万 ticks and label a
    # '金额（万元）' axis in millions ('3.5M').
    fig.update_yaxes(showgrid=False, rangemode="tozero", secondary_y=True)
    fig.update_yaxes(rangemode="tozero", secondary_y=False)
    return fig


LABEL_EVERY_POINT_UP_TO = 6


def _labels_apart(candidates: list[int], sides: list[str], values: pd.Series, months: int) -> set[int]:
    """The points (indexes, in order of preference) whose value labels keep
    clear of one another: a label on the same side of the line (top or
    bottom) as one kept before it, and within its width, is left out.  On a
    flat line the highest month may be the one before the latest, and
    '¥2,852.51' was drawn over '¥2,851.87'.  The last point's label leans left."""
    month_px = PLOT_WIDTH_GUESS / max(months, 1)
    kept: dict[int, tuple[float, float]] = {}
    for index in dict.fromkeys(candidates):
        width = _text_px(fmt_yuan(values.iloc[index])) / month_px     # in months
        span = (index - width, index) if index == len(values) - 1 else (index - width / 2, index + width / 2)
        if all(sides[other] != sides[index] or span[1] <= left or span[0] >= right
               for other, (left, right) in kept.items()):
            kept[index] = span
    return set(kept)


@_fits_margins
def average_payout(claims: pd.DataFrame, months: Sequence[str], lang: str) -> go.Figure:
    """Yuan paid per claim, by month.  Up to ``LABEL_EVERY_POINT_UP_TO``
    months every point says its value; beyond, the labels would run into each
    other, so only the highest, the lowest and the latest do."""
    series = _reindex_months(claims, months)
    averages = series["average_payout_yuan"]
    labelled = set(range(len(averages)))
    # The lowest label hangs below its point, the others stand above; the
    # latest leans left, away from the plot's right edge, and below the line
    # when the line comes down to it.
    sides = ["top"] * len(averages)
    if len(averages) > 1 and averages.iloc[-2] > averages.iloc[-1]:
        sides[-1] = "bottom"
    if len(averages) > LABEL_EVERY_POINT_UP_TO and averages.notna().any():
        known = averages.dropna()
        lowest = averages.index.get_loc(known.idxmin())
        highest = averages.index.get_loc(known.idxmax())
        latest = averages.index.get_loc(known.index[-1])
        sides[lowest] = "bottom"
        labelled = _labels_apart([latest, highest, lowest], sides, averages, len(months))
    positions = [f"{p} center" for p in sides[:-1]] + [f"{p} left" for p in sides[-1:]]
    fig = go.Figure(go.Scatter(
        x=list(series["month"]), y=_plain(averages), mode="lines+markers+text",
        name=t("legend.average_payout", lang),
        line={"width": 3, "color": theme.shade("mutual_aid", 0)}, marker={"size": 8},
        text=[fmt_yuan(v) if i in labelled else "" for i, v in enumerate(averages)],
        textposition=positions, cliponaxis=False,
        textfont={"size": theme.TICK_FONT_SIZE},
        hovertemplate="%{x}: ¥%{y:,.2f}<extra></extra>",
    ))
    _layout(fig, t("mutual_aid.average", lang), legend=False)
    _month_axis(fig, months)
    fig.update_yaxes(title_text=t("axis.yuan", lang), tickformat=",", rangemode="tozero")
    if averages.notna().any():
        # Headroom above the highest point for its label.
        fig.update_yaxes(range=[0, float(averages.max()) * 1.18])
    return fig


# Summer camps -----------------------------------------------------------------

@_fits_margins
def camps_by_year(by_year: pd.DataFrame, lang: str, shown_years: Sequence[int]) -> go.Figure:
    """Children (bars) and classes (line, right axis) per year; years outside the
    period are drawn lighter; 创历史新高 marks a year of the period strictly above
    every earlier one (earlier years' records are history, and five labels
    would cover the bars)."""
    years = [str(y) for y in by_year["year"]]
    shown = {str(y) for y in shown_years}
    children = by_year["children_enrolled"]
    # '35,985' is wider than a fifth of a half-width chart, and plotly.js
    # shrank such labels to ~11 px; '3.6万' / '36K' keep tick size (the
    # hover has the exact number).
    in_short = _max_value(children) >= SHORT_BAR_LABEL_FROM
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(
        x=years, y=_plain(children), name=t("legend.children", lang),
        marker_color=[theme.PROGRAMME_COLOURS["summer_camps"] if y in shown else theme.shade("summer_camps", 3)
                      for y in years],
        # Level, mid-bar: below the classes line, which runs near the bars' tops.
        text=fmt_short_all(children, lang) if in_short else [fmt_count(v) for v in children],
        textposition="inside",
        textangle=0, insidetextanchor="middle", textfont={"size": theme.TICK_FONT_SIZE},
        hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
    ), secondary_y=False)
    fig.add_trace(go.Scatter(
        x=years, y=_plain(by_year["classes"]), mode="lines+markers", name=t("legend.classes", lang),
        line={"width": 3, "color": theme.shade("summer_camps", 0)},
        marker={"size": [16 if r else 9 for r in by_year["record_classes"]],
                "symbol": ["star" if r else "circle" for r in by_year["record_classes"]]},
        hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
    ), secondary_y=True)
    for position, (year, enrolled, record) in enumerate(zip(years, children, by_year["record_children"])):
        if record and year in shown:
            # On a category axis an annotation's x is the category's index: the
            # label '2023' itself would be read as the number 2023.
            fig.add_annotation(x=position, y=int(enrolled), yref="y", text=t("camps.record", lang),
                               showarrow=True, arrowhead=2, ay=-36,
                               font={"size": theme.ANNOTATION_FONT_SIZE,
                                     "color": theme.shade("summer_camps", 0)})
    _layout(fig, t("camps.by_year", lang))
    fig.update_xaxes(type="category", title_text=t("axis.year", lang))
    fig.update_yaxes(title_text=t("axis.people", lang), tickformat=",", secondary_y=False)
    fig.update_yaxes(title_text=t("axis.classes", lang), tickformat=",d", showgrid=False,
                     tickmode="auto", rangemode="tozero", secondary_y=True)
    return fig


@_fits_margins
def camps_by_town(by_town: pd.DataFrame, lang: str, top: int = 20, code: str = "town_code",
                  title_key: str = "camps.by_town") -> go.Figure:
    """Children per town (or, ``code='unit_code'``, per city or province), most first."""
    ordered = by_town.sort_values(["children_enrolled", code], ascending=[False, True]).head(top)
    return _hbar(_names(ordered, lang), list(ordered["children_enrolled"]), list(ordered[code]),
                 theme.PROGRAMME_COLOURS["summer_camps"], t(title_key, lang), lang,
                 "axis.people", "axis.people_wan", [fmt_count(v) for v in ordered["children_enrolled"]],
                 clickable=True)


@_fits_margins
def new_form_share(by_year: pd.DataFrame, lang: str) -> go.Figure:
    """Children of new-form workers and the others, stacked per year, share on top."""
    years = [str(y) for y in by_year["year"]]
    new_form = by_year["new_form_children"]
    others = by_year["children_enrolled"] - new_form.fillna(0)
    fig = go.Figure()
    fig.add_trace(go.Bar(x=years, y=_plain(new_form), name=t("camps.new_form", lang),
                         marker_color=theme.shade("summer_camps", 0),
                         text=[fmt_pct(s) for s in by_year["new_form_share"]], textposition="inside",
                         textfont={"size": theme.TICK_FONT_SIZE},
                         hovertemplate="%{x}: %{y:,} (%{text})<extra>%{fullData.name}</extra>"))
    fig.add_trace(go.Bar(x=years, y=_plain(others), name=t("camps.other_children", lang),
                         marker_color=theme.shade("summer_camps", 3),
                         hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>"))
    _layout(fig, t("camps.new_form", lang))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", title_text=t("axis.year", lang))
    fig.update_yaxes(title_text=t("axis.people", lang), tickformat=",")
    return fig


@_fits_margins
def enrolment_vs_capacity(by_town: pd.DataFrame, lang: str, top: int = 20,
                          code: str = "town_code") -> go.Figure:
    """Children enrolled next to places planned, per town (or per ``code``
    unit), most enrolled on top, fill rate beside each enrolment.

    Bars lie down, as in the rankings beside it: twenty towns' names across
    a half-width chart would have plotly skip every other name, and the
    fill rates over bars that narrow shrank to unreadable."""
    with_capacity = by_town[by_town["capacity"].notna()]
    ordered = with_capacity.sort_values(["children_enrolled", code], ascending=[False, True]).head(top)
    names = _names(ordered, lang)
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=_plain(ordered["children_enrolled"]), orientation="h",
                         name=t("legend.children", lang),
                         marker_color=theme.PROGRAMME_COLOURS["summer_camps"],
                         text=[fmt_pct(r) for r in ordered["fill_rate"]], textposition="outside",
                         textfont={"size": theme.TICK_FONT_SIZE}, constraintext="none",
                         cliponaxis=False,
                         hovertemplate="%{y}: %{x:,} (%{text})<extra>%{fullData.name}</extra>"))
    fig.add_trace(go.Bar(y=names, x=_plain(ordered["capacity"]), orientation="h",
                         name=t("legend.capacity", lang), marker_color=theme.NEUTRAL,
                         hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>"))
    _layout(fig, t("camps.capacity", lang), height=max(300, 130 + 44 * len(names)))
    fig.update_layout(barmode="group")
    fig.update_yaxes(type="category", autorange="reversed")
    # Room on the right for the fill rate of the longest bar.
    longest = _max_value(list(ordered["children_enrolled"]) + list(ordered["capacity"]))
    fig.update_xaxes(title_text=t("axis.people", lang), tickformat=",",
                     range=[0, longest * 1.18 if longest else 1])
    return fig


# Collective contracts ---------------------------------------------------------

@_fits_margins
def contracts_signed(signed: pd.DataFrame, months: Sequence[str], lang: str,
                     plot_width: float = PLOT_WIDTH_GUESS) -> go.Figure:
    """Contracts signed per month, stacked by type.  ``plot_width`` as for claims_combo."""
    fig = go.Figure()
    for i, contract_type in enumerate(dict.fromkeys(signed["contract_type"])):
        series = _reindex_months(signed[signed["contract_type"] == contract_type][["month", "contracts"]],
                                 months)
        fig.add_trace(go.Bar(
            x=list(series["month"]), y=_plain(series["contracts"]),
            name=value_label("contract_type", contract_type, lang),
            marker_color=theme.shade("collective_contracts", i + 1),
            hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
        ))
    _layout(fig, t("contracts.signed", lang))
    fig.update_layout(barmode="stack")
    _month_axis(fig, months, plot_width=plot_width)
    fig.update_yaxes(title_text=t("axis.contracts", lang), tickformat=",")
    return fig


@_fits_margins
def contracts_in_force_by_type(by_type: pd.DataFrame, lang: str) -> go.Figure:
    names = [_two_lines(value_label("contract_type", v, lang), CATEGORY_LABEL_PX)
             for v in by_type["contract_type"]]
    colours = [theme.shade("collective_contracts", i + 1) for i in range(len(names))]
    return _hbar(names, list(by_type["contracts"]), None, colours, t("contracts.active", lang), lang,
                 "axis.contracts", None, [fmt_count(v) for v in by_type["contracts"]],
                 row_px=TWO_LINE_ROW_PX if any("<br>" in name for name in names) else ROW_PX)


@_fits_margins
def coverage_by_town(coverage: pd.DataFrame, lang: str, top: int = 20, code: str = "town_code",
                     title_key: str = "contracts.coverage") -> go.Figure:
    """Workers covered per town (or, ``code='unit_code'``, per city or province), most first."""
    ordered = coverage.sort_values(["enterprise_workers", code], ascending=[False, True]).head(top)
    return _hbar(_names(ordered, lang), list(ordered["enterprise_workers"]), list(ordered[code]),
                 theme.PROGRAMME_COLOURS["collective_contracts"], t(title_key, lang), lang,
                 "axis.people", "axis.people_wan", [fmt_count(v) for v in ordered["enterprise_workers"]],
                 clickable=True)
