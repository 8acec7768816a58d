"""总览 Overview: one headline card per programme, monthly trends, the county
or town ranking (a click narrows the view to that unit) and the reporting progress."""
import streamlit as st

from dashboard import charts
from dashboard.queries import overview
from dashboard.ui import present, widgets
from dashboard.ui.data import run
from dashboard.ui.sidebar import page_start, source_stamp

vf = page_start("overview")
present.meeting_tools(vf)
if not widgets.empty_period(vf):
    top_left, top_right = st.columns(2)
    bottom_left, bottom_right = st.columns(2)
    with top_left:
        widgets.programme_heading("mutual_aid", vf)
        widgets.mutual_aid_cards(vf)
    with top_right:
        widgets.programme_heading("summer_camps", vf)
        widgets.camps_cards(vf)
    with bottom_left:
        widgets.programme_heading("collective_contracts", vf)
        widgets.contracts_cards(vf)
    with bottom_right:
        widgets.programme_heading("stations", vf)
        widgets.stations_cards(vf)

    widgets.chart(widgets.figure(charts.trend_small_multiples, run(overview.monthly_trends, **vf.span()),
                                 vf.shown.month_labels(), vf.lang), vf)

    widgets.overview_ranking(vf)
    widgets.reporting_progress(vf)
    widgets.missing_reports(vf)

source_stamp(vf)
