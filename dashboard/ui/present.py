"""Streamlit glue for meetings: presentation mode, the deck button, chart PNGs.

* ``present_link(vf)``: the "汇报模式" link a page shows; it opens
  pages/present.py for the same view with ``present=1``.
* ``present_view()``: the view of presentation mode, read from the URL like
  every page's (region, from, to, cmp, lang) but without drawing the sidebar.
* ``hide_chrome()``: CSS that hides the sidebar, the header and the toolbar
  and sets large type, so one slide fills the screen.
* ``render_slide(slide, lang)``: one ``report.Slide`` as the deck draws it.
* ``deck_button(vf)``: 生成汇报PPT with a progress bar while the deck is
  drawn, then a download button for it.
* ``chart_png_button(fig, vf, title)``: a PNG of a chart, rendered only when
  clicked, named after its title and view.

Tables are exported by ``widgets.table`` (CSV and Excel through
dashboard/exports.py), so there is no second table button here.
"""
from __future__ import annotations

import html
import time
from datetime import date, datetime

import plotly.graph_objects as go
import streamlit as st

from dashboard import deck, exports, periods, report
from dashboard.filters import ViewFilter
from dashboard.strings import t
from dashboard.ui import auth
from dashboard.ui.data import run
from dashboard.ui.sidebar import current_view

PRESENT_PAGE = "pages/present.py"
PRESENT_PARAM = "present"
SLIDE_PARAM = "slide"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# Chart height on a 1080-line projector, under the title and above the buttons.
PRESENT_CHART_HEIGHT = 600
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False}

_CHROME_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], header { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] {
    padding-top: 1.2rem !important; padding-bottom: 0.5rem !important; max-width: 100% !important; }
.present-title { font-size: 2.6rem; font-weight: 700; color: #1F2933; margin: 0 0 0.2rem 0;
    border-left: 12px solid var(--accent, #B5121B); padding-left: 0.8rem; line-height: 1.25; }
.present-sentence { font-size: 1.55rem; line-height: 1.65; color: #1F2933; margin: 0 0 1rem 0; }
.present-note { font-size: 1.1rem; color: #52606D; }
.present-cover { background: #B5121B; color: #FFFFFF; border-radius: 0.6rem;
    padding: 12vh 6vw; min-height: 62vh; }
.present-cover h1 { color: #FFFFFF; font-size: 3.4rem; margin: 0 0 1.5rem 0; }
.present-cover p { font-size: 1.8rem; margin: 0.3rem 0; color: #FFFFFF; }
.present-cover .present-small { font-size: 1.3rem; color: #F5D0D2; margin-top: 2rem; }
.present-kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 1.2rem; margin-top: 1rem; }
.present-kpi { background: #F3F4F6; border-left: 8px solid #B5121B; border-radius: 0.4rem;
    padding: 1rem 1.2rem; }
.present-kpi .label { font-size: 1.15rem; color: #52606D; }
.present-kpi .value { font-size: clamp(1.5rem, 2.3vw, 2.5rem); font-weight: 700; color: #1F2933;
    line-height: 1.3; white-space: nowrap; }
.present-kpi .unit { font-size: 0.6em; font-weight: 600; margin-left: 0.1em; }
.present-kpi .change { font-size: 1.0rem; }
.present-kpi .up { color: #1A7F37; } .present-kpi .down { color: #B42318; }
.present-kpi .flat { color: #52606D; }
.present-kpi .note { font-size: 0.95rem; color: #7B8794; }
.present-indicator { font-size: 1.4rem; color: #52606D; text-align: center; padding-top: 0.4rem; }
</style>
"""


# Presentation mode -------------------------------------------------------------------

def _unit(unit: str) -> str:
    """人, 个, 人次 after a KPI's number, smaller than it (none for yuan: ¥ leads)."""
    return f"<span class='unit'>{_escape(unit)}</span>" if unit else ""


def wants_present() -> bool:
    """True when the URL asks for presentation mode (``?present=1``)."""
    return st.query_params.get(PRESENT_PARAM) == "1"


def present_link(vf: ViewFilter) -> None:
    """The link into presentation mode for this view."""
    st.page_link(PRESENT_PAGE, label=t("present.enter", vf.lang), icon=":material/slideshow:",
                 query_params={**vf.to_params(), PRESENT_PARAM: "1"})


def present_view() -> ViewFilter:
    """The view in the URL, parsed and scoped as every page does it (bad
    values fall back to defaults and leave notices), without the sidebar."""
    vf, _, _ = current_view()
    return vf


def hide_chrome() -> None:
    st.html(_CHROME_CSS)


def _report_for(con, vf: ViewFilter, day: str) -> report.Report:
    # ``day`` is part of the cache key only: the title slide carries the date.
    return report.build_report(con, vf, now=datetime.now())


def cached_report(vf: ViewFilter) -> report.Report:
    """The report of the view, cached per warehouse version and day."""
    return run(_report_for, vf=vf, day=date.today().isoformat())


def slide_number(pages: int) -> int:
    """The 1-based slide in the URL (``slide``), kept within 1..pages."""
    try:
        number = int(st.query_params.get(SLIDE_PARAM, "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), pages)


def _go_to(number: int) -> None:
    st.query_params[SLIDE_PARAM] = str(number)


def _escape(text: str) -> str:
    return html.escape(str(text))


def _cover(slide: report.Slide) -> None:
    lines = "".join(f"<p>{_escape(line)}</p>" for line in slide.lines)
    small = f"<p class='present-small'>{_escape(slide.subtitle)}</p>" if slide.subtitle else ""
    st.html(f"<div class='present-cover'><h1>{_escape(slide.title)}</h1>{lines}{small}</div>")


def _kpis(slide: report.Slide) -> None:
    cards = []
    for kpi in slide.kpis:
        changes = "".join(
            f"<div class='change {'up' if c.direction > 0 else 'down' if c.direction < 0 else 'flat'}'>"
            f"{_escape(c.text)}</div>" for c in kpi.changes)
        note = f"<div class='note'>{_escape(kpi.note)}</div>" if kpi.note else ""
        cards.append(f"<div class='present-kpi'><div class='label'>{_escape(kpi.label)}</div>"
                     f"<div class='value'>{_escape(kpi.value_text)}{_unit(kpi.unit)}</div>"
                     f"{changes}{note}</div>")
    st.html(f"<div class='present-kpis'>{''.join(cards)}</div>")


def _figure(slide: report.Slide, height: int) -> None:
    figure = go.Figure(slide.figure)
    figure.update_layout(height=height)
    st.plotly_chart(figure, theme=None, config=PLOTLY_CONFIG, key=f"present-{slide.key}")


def _sentences(slide: report.Slide) -> None:
    st.html("".join(f"<p class='present-sentence'>{_escape(s)}</p>" for s in slide.sentences))


def render_slide(slide: report.Slide) -> None:
    """One slide, laid out as on the deck: a title, then the chart on the
    left and its sentences on the right (or the KPI cards, or the cover)."""
    if slide.kind in ("title", "closing"):
        _cover(slide)
        return
    st.html(f"<div class='present-title' style='--accent: {slide.accent}'>{_escape(slide.title)}</div>")
    if slide.kind == "kpis":
        _kpis(slide)
    elif slide.figure is not None:
        chart_column, text_column = st.columns([2.1, 1], vertical_alignment="center", gap="large")
        with chart_column:
            _figure(slide, PRESENT_CHART_HEIGHT)
        with text_column:
            _sentences(slide)
    else:
        _sentences(slide)


def navigation(number: int, pages: int, lang: str) -> None:
    """上一页 · "3 / 8" · 下一页 (the arrow keys work too)."""
    previous_column, indicator_column, next_column = st.columns([1, 1, 1], vertical_alignment="center")
    with previous_column:
        st.button(t("present.prev", lang), key="present-prev", on_click=_go_to, args=(number - 1,),
                  disabled=number <= 1, shortcut="Left", width="stretch")
    with indicator_column:
        st.html(f"<div class='present-indicator'>"
                f"{_escape(t('present.page', lang, page=number, pages=pages))}</div>")
    with next_column:
        st.button(t("present.next", lang), key="present-next", on_click=_go_to, args=(number + 1,),
                  disabled=number >= pages, shortcut="Right", width="stretch")


def _leave(params: dict) -> None:
    st.switch_page("pages/overview.py", query_params=params)


def leave_button(vf: ViewFilter) -> None:
    """Back to the dashboard for the same view (Esc)."""
    if st.button(t("present.exit", vf.lang), key="present-exit", shortcut="Esc", type="tertiary"):
        _leave(vf.to_params())


# The deck --------------------------------------------------------------------------

def meeting_tools(vf: ViewFilter) -> None:
    """The sidebar's 汇报 section on every dashboard page: presentation mode
    and the deck, both for the view on screen."""
    with st.sidebar:
        st.divider()
        present_link(vf)
        deck_button(vf)


def deck_state_key(vf: ViewFilter) -> str:
    """Where the session keeps the deck built for this view."""
    return "deck-" + "-".join(f"{k}={v}" for k, v in sorted(vf.to_params().items()))


def deck_button(vf: ViewFilter) -> None:
    """生成汇报PPT: build the deck for this view with a progress bar, then
    offer it for download (kept for the session while the view is the same)."""
    lang = vf.lang
    state_key = deck_state_key(vf)
    if st.button(t("deck.button", lang), key="deck-build", icon=":material/co_present:"):
        started = time.perf_counter()
        bar = st.progress(0.0, text=t("deck.building", lang))
        content = cached_report(vf)

        def progress(fraction: float, title: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0),
                         text=t("deck.drawing", lang, title=title) if title else t("deck.building", lang))

        data = deck.write_deck(content, progress=progress)
        auth.record("deck", report.deck_file_name(vf))
        bar.empty()
        st.session_state[state_key] = data
        st.success(t("deck.ready", lang, slides=len(content.slides),
                     seconds=f"{time.perf_counter() - started:.1f}"))
    data = st.session_state.get(state_key)
    if data:
        st.download_button(t("deck.download", lang), data, file_name=report.deck_file_name(vf),
                           mime=PPTX_MIME, key="deck-download", on_click="ignore",
                           icon=":material/download:")


# Chart images ------------------------------------------------------------------------

def chart_png_button(fig: go.Figure, vf: ViewFilter, title: str, key: str | None = None) -> None:
    """下载图片（PNG）: the chart as a PNG named "<title>_<region>_<from>_<to>.png",
    rendered (by kaleido) only when the button is clicked."""
    shown = vf.shown or vf.period
    name = exports.export_file_name(title, vf.region.name(vf.lang), periods.format_month(shown.first),
                                    periods.format_month(shown.last), "png")
    st.download_button(t("export.png", vf.lang), lambda: exports.figure_png(fig), file_name=name,
                       mime=exports.PNG_MIME, key=key or f"png-{name}", on_click="ignore",
                       icon=":material/image:")
