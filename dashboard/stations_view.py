"""What the 工会驿站 page shows besides its charts and map: the station table,
the little-used stations with the reason each is flagged, the map's legend
and the visits-per-station-day headline.  Pure functions of the frames that
queries.stations returns; words from strings.py.  Never imports streamlit."""
from __future__ import annotations

import html

import pandas as pd

from dashboard import maps
from dashboard.queries.stations import LOW_USE_SHARE_OF_MEDIAN
from dashboard.strings import fmt_count, fmt_pct, t, value_labels

# station_summary's town names, renamed so that the shared table helper
# (widgets.localised) shows them as one "镇（街道）" column in the reader's language.
_TOWN_COLUMNS = {"town_name_zh": "town_zh", "town_name_en": "town_en"}


def rate(value) -> str:
    """Visits per station-day as printed: one decimal."""
    return f"{float(value):.1f}"


def visits_per_station_day(summary: pd.DataFrame) -> float:
    """All visits in the view over all the days its stations were open."""
    return float(summary["visits"].sum() / summary["open_days"].sum())


def station_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every station with its numbers, most visited first."""
    table = summary.rename(columns=_TOWN_COLUMNS)[
        ["station_id", "station_name", "town_zh", "town_en", "host_type", "visits",
         "open_days", "visits_per_day", "top_group", "low_use"]].copy()
    table["visits_per_day"] = table["visits_per_day"].round(1)
    table["top_group"] = value_labels("visitor_group", table["top_group"], lang)
    return table


def low_use_rule(summary: pd.DataFrame, lang: str) -> str:
    """The flag's rule with this view's numbers: median and threshold."""
    row = summary.iloc[0]
    return t("stations.low_use_rule", lang, median=rate(row["median_per_day"]),
             share=fmt_pct(LOW_USE_SHARE_OF_MEDIAN, digits=0),
             threshold=rate(row["low_use_threshold"]))


def low_use_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The little-used stations, each with why it is flagged: no visit at
    all, or visits per station-day below the share of the view's median."""
    flagged = summary[summary["low_use"]]
    table = flagged.rename(columns=_TOWN_COLUMNS)[
        ["station_id", "station_name", "town_zh", "town_en", "visits", "visits_per_day"]].copy()
    table["visits_per_day"] = table["visits_per_day"].round(1)
    share = fmt_pct(LOW_USE_SHARE_OF_MEDIAN, digits=0)
    table["low_use_reason"] = [
        t("stations.no_visits_reason", lang, days=fmt_count(row.open_days)) if row.visits == 0 else
        t("stations.low_use_reason", lang, rate=rate(row.visits_per_day),
          threshold=rate(row.low_use_threshold), median=rate(row.median_per_day), share=share)
        for row in flagged.itertuples()]
    return table


def legend_html(drawn: pd.DataFrame, lang: str) -> str:
    """The map's colour key as one line of HTML: a dot and a range per class."""
    entries = maps.legend(maps.colour_median(drawn), lang)
    dots = " ".join(
        "<span style='white-space:nowrap;margin-right:0.8rem'>"
        "<span style='display:inline-block;width:0.8rem;height:0.8rem;border-radius:50%;"
        f"background:{colour};vertical-align:middle'></span> {html.escape(label)}</span>"
        for colour, label in entries)
    return f"<b>{html.escape(t('stations.legend_title', lang))}</b> {dots}"
