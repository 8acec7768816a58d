"""Tables to .xlsx and charts to .png, as people take them out of the dashboard.

* Every workbook opens on a sheet that records what was exported: the
  filters of the view, the month the data runs to and the time of export,
  so a table forwarded by e-mail still says what it is.
* Text cells are written with ``write_string`` (never as formulas), and text
  that a spreadsheet would run as a formula when retyped or re-saved as CSV —
  starting with = + - @, a tab or a carriage return — gets a leading
  apostrophe ("'=HYPERLINK(…)"), the usual neutralisation of formula
  injection.  Data typed by town offices ends up in these cells.
* Chart images are rendered by kaleido (Chromium).  Starting Chromium costs
  seconds, rendering with it running ~0.1 s, so a batch of images (a deck)
  runs inside one ``image_server()``.

No streamlit here; dashboard/ui/present.py puts these behind buttons.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import io
import math
import re
import threading
from dataclasses import dataclass

import pandas as pd

from dashboard import strings

# Characters that make a spreadsheet treat typed text as a formula (or, for
# tab/CR, split a CSV cell so the next one starts with one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG_MIME = "image/png"


def neutralise(text: str) -> str:
    """Text that cannot run as a formula: "'" in front of a formula trigger."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# Column headers -----------------------------------------------------------------

def header_label(column: str, lang: str, extra: dict[str, tuple[str, str]] | None = None) -> str:
    """The column's header in ``lang``: the caller's labels, else the
    dashboard's (strings.column_label: its ``col.*`` words, then the specs')."""
    pair = (extra or {}).get(column)
    if pair is not None:
        return pair[0] if lang == "zh" else pair[1]
    return strings.column_label(str(column), lang)


# Workbooks ------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportStamp:
    """What the first sheet says about the export."""
    filters: list[tuple[str, str]]      # (label, value) in the reader's language
    as_of: str                          # the month the data runs to, e.g. "2026-10"
    exported_at: dt.datetime
    lang: str = "zh"
    # What else a reader must know, one row each under 说明/Note: e.g. that a
    # table holds only its first rows (dashboard/ui/widgets.py, table).
    notes: tuple[str, ...] = ()


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no []:*?/\\)."""
    base = _SHEET_NAME_BAD.sub("_", title).strip("'") or "Sheet"
    base = base[:31]
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def tables_to_xlsx(tables: dict[str, pd.DataFrame], stamp: ExportStamp,
                   labels: dict[str, tuple[str, str]] | None = None) -> bytes:
    """One workbook: the stamp sheet, then one sheet per table (by title)."""
    import xlsxwriter  # only exports need it

    lang = stamp.lang
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    time_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    taken: set[str] = set()

    stamp_sheet = book.add_worksheet(sheet_name(strings.t("export.sheet", lang), taken))
    stamp_sheet.write_string(0, 0, strings.t("export.item", lang), bold)
    stamp_sheet.write_string(0, 1, strings.t("export.value", lang), bold)
    rows = [*stamp.filters, (strings.t("export.as_of", lang), stamp.as_of),
            (strings.t("export.exported_at", lang), stamp.exported_at.strftime("%Y-%m-%d %H:%M:%S")),
            (strings.t("export.tables", lang), "、".join(tables) if lang == "zh" else ", ".join(tables)),
            *((strings.t("export.note", lang), note) for note in stamp.notes)]
    for r, (label, value) in enumerate(rows, start=1):
        stamp_sheet.write_string(r, 0, neutralise(str(label)))
        stamp_sheet.write_string(r, 1, neutralise(str(value)))
    stamp_sheet.set_column(0, 0, 14)
    stamp_sheet.set_column(1, 1, 48)

    for title, frame in tables.items():
        sheet = book.add_worksheet(sheet_name(title, taken))
        for c, column in enumerate(frame.columns):
            header = header_label(column, stamp.lang, labels)
            sheet.write_string(0, c, neutralise(header), bold)
            sheet.set_column(c, c, max(10, min(40, len(header) * 2 + 2)))
        for r, record in enumerate(frame.itertuples(index=False, name=None), start=1):
            for c, value in enumerate(record):
                _write_cell(sheet, r, c, value, date_format, time_format)
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    book.close()
    return buffer.getvalue()


def _write_cell(sheet, r: int, c: int, value, date_format, time_format) -> None:
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, (int, float, decimal.Decimal)) or hasattr(value, "dtype"):
        number = float(value)
        if not math.isnan(number) and not math.isinf(number):
            sheet.write_number(r, c, number)
    elif isinstance(value, (pd.Timestamp, dt.datetime)):
        moment = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
        sheet.write_datetime(r, c, moment.replace(tzinfo=None), time_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
    else:
        sheet.write_string(r, c, neutralise(str(value)))


# File names -------------------------------------------------------------------------

_NAME_SEPARATORS = re.compile(r"[\s/\\:*?\"<>|·・,，、;；()（）\[\]【】]+")


def export_file_name(title: str, region: str, start: str, end: str, ext: str) -> str:
    """"医疗互助 · 补助金额", "安海镇", "2024-01", "2024-06", "png" ->
    "医疗互助_补助金额_安海镇_2024-01_2024-06.png"."""
    parts = [_NAME_SEPARATORS.sub("_", p).strip("_") for p in (title, region, start, end)]
    return "_".join(p for p in parts if p) + "." + ext


# Chart images -------------------------------------------------------------------------

_server_guard = threading.Lock()
_render_guard = threading.Lock()
_server_users = 0


@contextlib.contextmanager
def image_server():
    """Keep kaleido's Chromium running for a batch of images.

    The server is one per process; nested and concurrent users (two people
    exporting decks at once) share it and the last one out stops it."""
    import kaleido

    global _server_users
    with _server_guard:
        if _server_users == 0:
            kaleido.start_sync_server(silence_warnings=True)
        _server_users += 1
    try:
        yield
    finally:
        with _server_guard:
            _server_users -= 1
            if _server_users == 0:
                kaleido.stop_sync_server(silence_warnings=True)


def figure_png(figure, width: int = 1200, height: int = 640, scale: float = 2.0) -> bytes:
    """The figure as a PNG.  Inside ``image_server()`` this takes ~0.1 s;
    outside it, kaleido starts (and stops) a browser for this one image."""
    import kaleido

    spec = figure.to_dict() if hasattr(figure, "to_dict") else figure
    options = {"format": "png", "width": width, "height": height, "scale": scale}
    with _render_guard:  # one page of kaleido's browser renders at a time
        return kaleido.calc_fig_sync(spec, opts=options)
