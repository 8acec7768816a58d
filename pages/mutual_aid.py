"""职工医疗互助: members by scheme, claims and yuan paid, average payout,
the town ranking (cities or provinces above a city) and the detail table with its export."""
import streamlit as st

from dashboard import charts
from dashboard.queries import mutual_aid
from dashboard.strings import t
from dashboard.ui import present, widgets
from dashboard.ui.data import run
from dashboard.ui.sidebar import page_start, source_stamp

vf = page_start("mutual_aid")
present.meeting_tools(vf)
if not widgets.empty_period(vf) and widgets.mutual_aid_cards(vf, detail=True):
    months = vf.shown.month_labels()
    claims = run(mutual_aid.claims_by_month, **vf.span())
    left, right = st.columns(2)
    with left:
        widgets.chart(widgets.figure(charts.enrolment_by_scheme,
                                     run(mutual_aid.enrolment_by_scheme, **vf.span()), months, vf.lang), vf)
    with right:
        widgets.chart(widgets.figure(charts.claims_combo, claims, months, vf.lang), vf)
    left, right = st.columns(2)
    with left:
        widgets.chart(widgets.figure(charts.average_payout, claims, months, vf.lang), vf)
    with right:
        widgets.mutual_aid_ranking(vf)
    st.subheader(t("mutual_aid.table", vf.lang))
    widgets.table(run(mutual_aid.detail, **vf.span(), limit=widgets.table_fetch_limit()), vf,
                  title=t("page.mutual_aid", vf.lang), key="mutual-aid-detail", value_columns=("scheme",),
                  order=t("table.order.recent_month", vf.lang))

source_stamp(vf, ("mutual_aid",))
