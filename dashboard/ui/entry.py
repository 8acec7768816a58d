"""Every page runs through app.py, even when a bookmark is the first request.

Streamlit 1.67 starts in its old "pages/ directory" mode while a folder named
``pages/`` sits beside the main script, and leaves it only when some run calls
``st.navigation``.  So on a freshly started server, a first request for a deep
link (``/stations?region=…``) runs ``pages/stations.py`` alone: no wide layout,
no titled navigation, no first-start bootstrap.  app.py marks each run; a page
that finds no mark switches the old mode off and reruns once, which runs
app.py and, through its navigation, the same page with the same URL.
"""
from __future__ import annotations

import streamlit as st

_APP_RAN = "_entry_app_ran"
_REROUTED = "_entry_rerouted"


def mark_app_ran() -> None:
    """Called by app.py before it declares the pages."""
    st.session_state[_APP_RAN] = True


def through_app() -> None:
    """Called first by every page."""
    if st.session_state.get(_APP_RAN) or st.session_state.get(_REROUTED):
        return  # a page run on its own (an AppTest of one file) reroutes once at most
    st.session_state[_REROUTED] = True
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
