"""Plotly figures of the 工会驿站 page: visits per month by visitor group and
by service.  Same conventions as charts.py (whose layout helpers they use):
words from strings.py, colours from theme.py (the stations programme's
shades), months as categories listing every month of the period.
Never imports streamlit."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.charts import _fits_margins, _layout, _month_axis, _number_axis, _plain, _reindex_months
from dashboard.strings import column_label, t, value_label
from etl.specs import STATION_SERVICES, VISITOR_GROUPS


def _stacked_by(frame: pd.DataFrame, column: str, order: Sequence[str], names: dict[str, str],
                months: Sequence[str], title: str, lang: str) -> go.Figure:
    fig = go.Figure()
    present = [value for value in order if value in set(frame[column])]
    for i, value in enumerate(present):
        series = _reindex_months(frame[frame[column] == value][["month", "visits"]], months)
        fig.add_trace(go.Bar(
            x=list(series["month"]), y=_plain(series["visits"]), name=names[value],
            marker_color=theme.shade("stations", i),
            hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
        ))
    _layout(fig, title, height=theme.CHART_HEIGHT + 100)
    # Five series do not fit beside the title of a half-width chart: the
    # legend goes to the foot of the figure, below the (rotated) month ticks,
    # which need no axis title.
    fig.update_layout(barmode="stack",
                      legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom",
                              "xanchor": "left", "x": 0},
                      margin={"b": 90})
    _month_axis(fig, months)
    totals = frame.groupby("month")["visits"].sum() if len(frame) else pd.Series(dtype=float)
    _number_axis(fig, totals, lang, "axis.visits", None)
    return fig


@_fits_margins
def visits_by_group(visits: pd.DataFrame, months: Sequence[str], lang: str) -> go.Figure:
    """Visits per month stacked by visitor group (month, visitor_group, visits),
    groups in the order of the spec (环卫工人, 快递员, 外卖送餐员 …)."""
    names = {group: value_label("visitor_group", group, lang) for group in VISITOR_GROUPS}
    return _stacked_by(visits, "visitor_group", VISITOR_GROUPS, names, months,
                       t("stations.by_group", lang), lang)


@_fits_margins
def visits_by_service(visits: pd.DataFrame, months: Sequence[str], lang: str) -> go.Figure:
    """Visits per month stacked by service (month, service, visits): rest,
    meal heating, drinking water, charging, medical, named as the templates
    name them (specs.STATION_VISITS)."""
    names = {service: column_label(service, lang) for service in STATION_SERVICES}
    return _stacked_by(visits, "service", STATION_SERVICES, names, months,
                       t("stations.by_service", lang), lang)
