"""汇报模式 Presentation mode (``?present=1``): the deck's slides, one per screen,
for the view in the URL, with the sidebar and toolbar hidden and large type.
上一页/下一页 (or the arrow keys) move between slides; ``slide`` in the URL
keeps the place on reload."""
import streamlit as st

from dashboard.ui import present

present.hide_chrome()
vf = present.present_view()
content = present.cached_report(vf)
pages = len(content.slides)
number = present.slide_number(pages)
present.render_slide(content.slides[number - 1])
present.navigation(number, pages, vf.lang)
exit_column, deck_column = st.columns([1, 1])
with exit_column:
    present.leave_button(vf)
with deck_column:
    present.deck_button(vf)
