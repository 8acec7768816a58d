"""Entry point: declares the pages and nothing else.

    streamlit run app.py

On a first start with no warehouse, the demo warehouse is built (with a
progress bar) before any page runs.  ``?present=1`` opens presentation mode
with the navigation hidden.

Access (dashboard/ui/auth.py): with ``require_login`` nothing runs before a
sign-in; otherwise anyone may view and the data pages ask for one.  The
accounts page is in the navigation only for administrators (and checks
again itself).
"""
import streamlit as st

from dashboard.strings import t
from dashboard.ui import auth, bootstrap, entry
from dashboard.ui.sidebar import current_lang

# No page_icon and no page icons: Streamlit turns a page's ":material/…:" or
# emoji icon into a favicon fetched from Google's font CDN, and no request may
# leave the machine.  The default favicon is served by Streamlit itself.
st.set_page_config(page_title=t("app.title", "zh"),
                   layout="wide")
entry.mark_app_ran()
lang = current_lang()
bootstrap.ensure_warehouse(t("bootstrap.building", lang), t("bootstrap.ready", lang))
principal = auth.gate(lang)

present = st.query_params.get("present") == "1"
pages = {
    t("nav.dashboards", lang): [
        st.Page("pages/overview.py", title=t("page.overview", lang),
                default=not present),
        st.Page("pages/mutual_aid.py", title=t("page.mutual_aid", lang)),
        st.Page("pages/summer_camps.py", title=t("page.summer_camps", lang)),
        st.Page("pages/contracts.py", title=t("page.contracts", lang)),
        st.Page("pages/stations.py", title=t("page.stations", lang)),
        st.Page("pages/present.py", title=t("page.present", lang),
                default=present),
    ],
    t("nav.data", lang): [
        st.Page("pages/upload.py", title=t("page.upload", lang)),
        st.Page("pages/admin.py", title=t("page.admin", lang)),
        *([st.Page("pages/accounts.py", title=t("page.accounts", lang))]
          if principal.has_role("admin") else []),
    ],
}
if not present:
    auth.sidebar_status(principal, lang)
st.navigation(pages, position="hidden" if present else "sidebar").run()
