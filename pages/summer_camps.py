"""职工子女暑托班: children and classes per year (records marked), by town
(by city or province above a city),
children of new-form workers, enrolment against capacity, the class list."""
import streamlit as st

from dashboard import charts
from dashboard.queries import camps
from dashboard.strings import t
from dashboard.ui import present, widgets
from dashboard.ui.data import run
from dashboard.ui.sidebar import page_start, source_stamp

vf = page_start("summer_camps")
present.meeting_tools(vf)
if not widgets.empty_period(vf) and widgets.camps_cards(vf, detail=True):
    years = vf.years()
    by_year = run(camps.by_year, prefix=vf.prefix, last_year=years["last_year"])
    left, right = st.columns(2)
    with left:
        widgets.chart(widgets.figure(charts.camps_by_year, by_year, vf.lang,
                                     range(years["first_year"], years["last_year"] + 1)), vf)
    with right:
        widgets.chart(widgets.figure(charts.new_form_share, by_year, vf.lang), vf)
    widgets.camps_by_area(vf)
    st.subheader(t("camps.classes", vf.lang))
    widgets.table(run(camps.class_list, **years, limit=widgets.table_fetch_limit()), vf,
                  title=t("camps.classes", vf.lang), key="camps-classes", value_columns=("class_type",),
                  order=t("table.order.recent_year", vf.lang))

source_stamp(vf, ("summer_camps",))
