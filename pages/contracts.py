"""集体合同: contracts signed per month by type, contracts in force and workers
covered at the period end, coverage by town (by city or province above a
city), and the renewal to-do list of
contracts expiring in the 90 days after the period end."""
import streamlit as st

from dashboard import charts
from dashboard.queries import contracts
from dashboard.strings import t
from dashboard.ui import present, widgets
from dashboard.ui.data import run
from dashboard.ui.sidebar import page_start, source_stamp

RENEWAL_WINDOW_DAYS = 90

vf = page_start("contracts")
present.meeting_tools(vf)
if not widgets.empty_period(vf) and widgets.contracts_cards(vf, detail=True):
    signed = run(contracts.signed_by_month, **vf.span())
    by_type = run(contracts.in_force_by_type, **vf.at_end())
    left, right = st.columns(2)
    with left:
        if signed.empty:
            st.info(t("empty.signed", vf.lang))
        else:
            widgets.chart(widgets.figure(charts.contracts_signed, signed, vf.shown.month_labels(), vf.lang), vf)
    with right:
        if by_type.empty:
            st.info(t("empty.in_force", vf.lang))
        else:
            widgets.chart(widgets.figure(charts.contracts_in_force_by_type, by_type, vf.lang), vf)
    widgets.contracts_coverage(vf)

    as_of = vf.shown.end_date.isoformat()
    st.subheader(t("contracts.expiring", vf.lang, as_of=as_of, days=RENEWAL_WINDOW_DAYS))
    expiring = run(contracts.expiring, **vf.at_end(), days=RENEWAL_WINDOW_DAYS,
                   limit=widgets.table_fetch_limit())
    if expiring.empty:
        st.info(t("empty.expiring", vf.lang, as_of=as_of, days=RENEWAL_WINDOW_DAYS))
    else:
        widgets.table(expiring, vf, title=t("page.contracts", vf.lang), key="contracts-expiring",
                      value_columns=("contract_type",), order=t("table.order.soonest_expiry", vf.lang))

source_stamp(vf, ("collective_contracts",))
