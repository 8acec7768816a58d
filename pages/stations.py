"""工会驿站: where the stations are (map), who visits them and for what
(charts), every station with its numbers (table), and the little-used ones
with the reason each is flagged.  A click on a station narrows the view to
it and its town (``?station=<id>``); a click on a town bubble to that town,
on a city's or province's bubble (the map of a wider view) to that unit."""
import pandas as pd
import streamlit as st

from dashboard import charts_stations, maps, stations_view
from dashboard.queries import meta, stations
from dashboard.strings import md_safe, fmt_count, fmt_month, period_text, t
from dashboard.ui import present, widgets
from dashboard.ui.data import run
from dashboard.ui.sidebar import page_start, set_region, source_stamp

STATION_PARAM = "station"


def _clear_station() -> None:
    st.query_params.pop(STATION_PARAM, None)


vf = page_start("stations")
present.meeting_tools(vf)
lang = vf.lang
units = run(meta.org_units)

# ?station=<id>: a station of the view's region, or a link to be corrected.
station_id = st.query_params.get(STATION_PARAM) or None
if station_id is not None:
    info = run(stations.station_info, station_id=station_id)
    if info.empty or not info.iloc[0]["town_code"].startswith(vf.prefix):
        if info.empty:
            st.warning(t("stations.unknown_station", lang, value=md_safe(station_id)))
        _clear_station()
        station_id = None

if not widgets.empty_period(vf) and widgets.stations_cards(vf):
    span = vf.span()
    summary = run(stations.station_summary, **span)
    if summary.empty:
        coverage = run(meta.coverage).set_index("dataset")
        visits_until = coverage.loc["station_visits", "last_month"]
        st.info(t("stations.empty", lang, region=vf.region.name(lang),
                  period=period_text(vf.shown.first, vf.shown.last, lang),
                  visits_until=fmt_month(visits_until) if pd.notna(visits_until) else "—"))
    else:
        period = period_text(vf.shown.first, vf.shown.last, lang)
        rate_column, low_column, _ = st.columns(3)
        rate_column.metric(t("kpi.station_days", lang),
                           stations_view.rate(stations_view.visits_per_station_day(summary)),
                           help=t("stations.kpi_help", lang, period=period))
        low_column.metric(t("kpi.low_use", lang), fmt_count(int(summary["low_use"].sum())))

        # The map ------------------------------------------------------------
        st.subheader(t("stations.map", lang))
        if station_id is not None:
            chosen = info.iloc[0]
            note_column, button_column = st.columns([4, 1])
            note_column.markdown(t("stations.selected", lang, name=md_safe(chosen["station_name"]),
                                   town=chosen["town_name_en" if lang == "en" else "town_name_zh"]))
            button_column.button(t("stations.clear_station", lang), on_click=_clear_station)
        heatmap = st.toggle(t("stations.heatmap", lang), key="stations_heatmap")
        deck, drawn, map_help = widgets.station_map(vf, units, summary, station_id, heatmap)
        event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                                height=maps.MAP_HEIGHT_PX,
                                alt=t("stations.map_alt", lang, region=vf.region.name(lang)))
        st.markdown(stations_view.legend_html(drawn, lang), unsafe_allow_html=True)
        st.caption(map_help)
        picked = maps.selected_object(event)
        if picked and picked.get("station_id") and picked["station_id"] != station_id:
            row = summary[summary["station_id"] == picked["station_id"]]
            if not row.empty:
                st.query_params[STATION_PARAM] = picked["station_id"]
                set_region(row.iloc[0]["town_code"])
                st.rerun()
        elif picked and (picked.get("town_code") or picked.get("unit_code")) not in (None, vf.region.code):
            set_region(picked.get("town_code") or picked["unit_code"])
            st.rerun()

        # Who visits, for what ------------------------------------------------
        months = vf.shown.month_labels()
        group_column, service_column = st.columns(2)
        with group_column:
            by_group = run(stations.visits_by_group, **span, station_id=station_id)
            widgets.chart(widgets.figure(charts_stations.visits_by_group, by_group, months, lang), vf)
        with service_column:
            by_service = run(stations.visits_by_service, **span, station_id=station_id)
            widgets.chart(widgets.figure(charts_stations.visits_by_service, by_service, months, lang), vf)

        # Every station, and the little-used ones ---------------------------------
        st.subheader(t("stations.table", lang))
        widgets.table(stations_view.station_table(summary, lang), vf, title=t("stations.table", lang),
                      key="stations-table", value_columns=("host_type",))

        st.subheader(t("stations.low_use", lang))
        st.caption(stations_view.low_use_rule(summary, lang))
        if not summary["low_use"].any():
            st.success(t("stations.low_use_none", lang))
        else:
            widgets.table(stations_view.low_use_table(summary, lang), vf,
                          title=t("stations.low_use", lang), key="stations-low-use")

source_stamp(vf, ("stations", "station_visits"))
