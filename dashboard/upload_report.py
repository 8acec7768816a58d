"""What the 数据上传 page shows about the files a user dropped in.  Pure: no
streamlit, no warehouse; the page hands in what ``etl.pipeline.check`` and
``load`` returned.

* Limits, checked on the raw bytes before anything is parsed: a file's size,
  and its row count read cheaply (a CSV's line breaks; an .xlsx sheet's
  ``<dimension>`` tag, else python-calamine's sheet bounds without converting
  a cell to Python).
* The validation report: every error and warning with file, sheet, Excel row,
  the column as written and the cell ref, in the UI language, its one-line
  summary (``etl.messages.summary``) and the same table as an .xlsx.
* The preview: per town and period what a load adds and replaces, and every
  replaced value as old → new (安海镇 2024-07 … 52,000 → 61,200).
* Where to look afterwards: the dashboard page and its query string for the
  towns and months just loaded.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

import pandas as pd

from dashboard import strings
from dashboard.exports import neutralise
from dashboard.filters import CITY_CODE
from etl import settings
from etl.messages import ERROR, WARNING, Issue, summary
from etl.specs import DATASETS, TOWN

MB = 1024 * 1024

# Limits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_rows: int

    @classmethod
    def from_settings(cls) -> UploadLimits:
        return cls(int(settings.max_upload_mb() * MB), settings.max_upload_rows())


@dataclass(frozen=True)
class LimitProblem:
    """One file over a limit: ``kind`` is 'size' (bytes) or 'rows'."""
    file: str
    kind: str
    actual: int
    limit: int

    def message(self, lang: str) -> str:
        if self.kind == "size":
            return strings.t("upload.limit_size", lang, file=self.file,
                             size=_megabytes(self.actual), limit=_megabytes(self.limit))
        return strings.t("upload.limit_rows", lang, file=self.file,
                         rows=strings.fmt_count(self.actual), limit=strings.fmt_count(self.limit))

    def bilingual(self, lang: str) -> str:
        """Both languages, the reader's first: a refusal must be understood."""
        other = "zh" if lang == "en" else "en"
        return f"{self.message(lang)} / {self.message(other)}"


def _megabytes(size: int) -> str:
    value = size / MB
    return f"{value:.0f} MB" if abs(value - round(value)) < 0.05 else f"{value:.1f} MB"


_ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+[0-9]+)(?::[A-Z]+([0-9]+))?\"")
_SHEET_XML = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def row_count(name: str, data: bytes) -> int | None:
    """How many rows the file holds, without parsing its cells; None when it
    cannot be told cheaply (an unreadable file: the parser will say why)."""
    if data.startswith(_ZIP_MAGIC):
        rows = _xlsx_dimension_rows(data)
        return rows if rows is not None else _calamine_rows(data)
    if data.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):  # .xls
        return _calamine_rows(data)
    return _text_rows(data)


def _xlsx_dimension_rows(data: bytes) -> int | None:
    """Rows summed over the worksheets' ``<dimension ref="A1:G250000">`` tags,
    which sit in the first bytes of each sheet's XML; None if a sheet has none
    (not an .xlsx, or a writer that leaves it out)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        total = 0
        sheets = [n for n in book.namelist() if _SHEET_XML.match(n)]
        if not sheets:
            return None
        for sheet in sheets:
            with book.open(sheet) as stream:
                head = stream.read(4096)
            match = _DIMENSION.search(head)
            if match is None:
                return None
            total += int(match.group(2) or match.group(1).lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        return total
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _calamine_rows(data: bytes) -> int | None:
    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            total = 0
            for name in book.sheet_names:
                end = book.get_sheet_by_name(name).end
                total += 0 if end is None else end[0] + 1
            return total
    except Exception:  # calamine reports every damaged file as a bare CalamineError
        return None


def _text_rows(data: bytes) -> int:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        return text.count("\n") + (0 if text.endswith("\n") else 1)
    # In UTF-8 and GBK/GB18030 the byte 0x0A is only ever a line feed.
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def over_limits(files: Iterable[tuple[str, bytes]], limits: UploadLimits) -> list[LimitProblem]:
    """The files that must not be parsed at all, and why.  Size is checked
    first, and a file too big is not opened to count its rows."""
    problems = []
    for name, data in files:
        if len(data) > limits.max_bytes:
            problems.append(LimitProblem(name, "size", len(data), limits.max_bytes))
            continue
        rows = row_count(name, data)
        if rows is not None and rows > limits.max_rows:
            problems.append(LimitProblem(name, "rows", rows, limits.max_rows))
    return problems


# The validation report --------------------------------------------------------------

REPORT_COLUMNS = ("severity", "file", "sheet", "row", "column", "cell", "message")


def summary_line(issues: list[Issue], lang: str) -> str:
    """"3 个错误，1 个警告" / "3 errors, 1 warning"."""
    return summary(issues, lang)


def severity_label(severity: str, lang: str) -> str:
    return strings.t(f"check.severity.{severity}", lang)


def report_headers(lang: str) -> list[str]:
    return [strings.t(f"check.col.{c}", lang) for c in REPORT_COLUMNS]


def report_frame(issues: list[Issue], lang: str) -> pd.DataFrame:
    """One row per error or warning, errors first, then in file order;
    headed in ``lang``.  Row is the Excel row number (blank for a problem
    with the whole file or sheet)."""
    ranked = sorted(
        (i for i in issues if i.severity in (ERROR, WARNING)),
        key=lambda i: (i.severity != ERROR, i.file, i.sheet, i.row or 0, i.cell),
    )
    frame = pd.DataFrame({
        "severity": [severity_label(i.severity, lang) for i in ranked],
        "file": [i.file for i in ranked],
        "sheet": [i.sheet for i in ranked],
        "row": pd.array([i.row for i in ranked], dtype="Int64"),
        "column": [i.column for i in ranked],
        "cell": [i.cell for i in ranked],
        "message": [i.message_en if lang == "en" else i.message_zh for i in ranked],
    }, columns=list(REPORT_COLUMNS))
    frame.columns = report_headers(lang)
    return frame


def report_xlsx(issues: list[Issue], lang: str, *, files: list[str],
                checked_at: datetime) -> bytes:
    """The report as a workbook: what was checked and when, the summary line,
    then the table of problems (every offending cell named)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    error = book.add_format({"font_color": "#B03A2E", "bold": True})
    sheet = book.add_worksheet(strings.t("check.sheet", lang))
    sheet.write_string(0, 0, strings.t("check.title", lang), bold)
    separator = "、" if lang == "zh" else ", "
    sheet.write_string(1, 0, strings.t("check.files", lang,
                                       files=neutralise(separator.join(files))))
    sheet.write_string(2, 0, strings.t("check.checked_at", lang,
                                       when=checked_at.strftime("%Y-%m-%d %H:%M")))
    sheet.write_string(3, 0, summary_line(issues, lang), bold)
    top = 5
    frame = report_frame(issues, lang)
    widths = (8, 28, 14, 8, 18, 8, 70)
    for c, (header, width) in enumerate(zip(frame.columns, widths)):
        sheet.write_string(top, c, header, head)
        sheet.set_column(c, c, width)
    error_word = severity_label(ERROR, lang)
    for r, record in enumerate(frame.itertuples(index=False, name=None), start=top + 1):
        for c, value in enumerate(record):
            if value is None or value is pd.NA or value == "":
                continue
            if REPORT_COLUMNS[c] == "row":
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, neutralise(str(value)),
                                   error if c == 0 and value == error_word else None)
    sheet.freeze_panes(top + 1, 0)
    if len(frame):
        sheet.autofilter(top, 0, top + len(frame), len(frame.columns) - 1)
    book.close()
    return buffer.getvalue()


def report_file_name(files: list[str], lang: str) -> str:
    stem = PurePath(files[0]).stem if files else ""
    base = strings.t("check.file_name", lang)
    return f"{base}_{stem}.xlsx" if stem else f"{base}.xlsx"


# Whether the commit button may be pressed ---------------------------------------------

@dataclass(frozen=True)
class CommitGate:
    enabled: bool
    reason: str | None      # a strings key saying why not, None when enabled


def commit_gate(errors: int, warnings: int, rows: int, warnings_accepted: bool) -> CommitGate:
    """Errors block; warnings block until acknowledged; nothing to load blocks."""
    if errors:
        return CommitGate(False, "upload.blocked_errors")
    if rows == 0:
        return CommitGate(False, "upload.blocked_nothing")
    if warnings and not warnings_accepted:
        return CommitGate(False, "upload.blocked_warnings")
    return CommitGate(True, None)


# The preview -----------------------------------------------------------------------------

PREVIEW_COUNTS = ("rows", "added", "changed", "unchanged", "removed")


def dataset_title(dataset: str, lang: str) -> str:
    spec = DATASETS[dataset]
    return spec.title_en if lang == "en" else spec.title_zh


def _town(code, fallback, town_names: Mapping[str, str] | None) -> str:
    if town_names and str(code) in town_names:
        return town_names[str(code)]
    return fallback if isinstance(fallback, str) and fallback else str(code)


def _period(period: str, lang: str) -> str:
    return strings.t("upload.register", lang) if period == "register" else str(period)


def preview_table(preview: pd.DataFrame, lang: str,
                  town_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """CheckResult.preview for display: one row per dataset, file, town and
    period with how many rows the load adds, replaces, keeps and removes."""
    out = pd.DataFrame({
        strings.t("upload.col.dataset", lang): [dataset_title(d, lang) for d in preview["dataset"]],
        strings.t("check.col.file", lang): preview["file"].astype(str).tolist(),
        strings.t("col.town", lang): [_town(c, n, town_names)
                                     for c, n in zip(preview["town_code"], preview["town_zh"])],
        strings.t("upload.col.period", lang): [_period(p, lang) for p in preview["period"]],
    })
    for count in PREVIEW_COUNTS:
        out[strings.t(f"upload.col.{count}", lang)] = preview[count].astype("int64").tolist()
    return out


def _column_kind(dataset: str, column: str) -> str:
    if column == "town_code":
        return "town"
    try:
        return DATASETS[dataset].column(column).kind
    except KeyError:
        return "text"


def format_value(text, kind: str, lang: str, town_names: Mapping[str, str] | None = None) -> str:
    """A value from CheckResult.changes (a display string) as the preview
    shows it: thousands separators, cents only when there are any, towns by
    name, domain values in ``lang``; a blank is "—"."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or str(text) == "":
        return "—"
    text = str(text)
    try:
        if kind == "amount":
            value = float(text)
            return f"{value:,.0f}" if abs(value - round(value)) < 0.005 else f"{value:,.2f}"
        if kind == "count":
            return f"{int(float(text)):,}"
    except ValueError:
        return text
    if kind == "town":
        return _town(text, text, town_names)
    return text


def _item(dataset: str, key: str, lang: str) -> str:
    """The part of a row's key that is not its town or period: the scheme,
    class, contract, station (and visitor group)."""
    spec = DATASETS[dataset]
    parts = str(key).split(" · ")
    shown = [strings.value_label(name, part, lang)
             for name, part in zip(spec.key, parts) if name not in ("month", "year", "town_code")]
    return " · ".join(p for p in shown if p)


def _column_label(dataset: str, column: str, lang: str) -> str:
    if column == "town_code":
        return TOWN.header_zh if lang != "en" else TOWN.label_en
    try:
        col = DATASETS[dataset].column(column)
    except KeyError:
        return column
    return col.header_zh if lang != "en" else col.label_en


def change_table(changes: pd.DataFrame, lang: str,
                 town_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """CheckResult.changes for display: one row per replaced value."""
    rows = []
    for change in changes.itertuples(index=False):
        kind = _column_kind(change.dataset, change.column)
        old = format_value(change.old, kind, lang, town_names)
        new = format_value(change.new, kind, lang, town_names)
        if kind == "choice":
            old = strings.value_label(change.column, change.old, lang) or old
            new = strings.value_label(change.column, change.new, lang) or new
        rows.append({
            "town": _town(change.town_code, change.town_zh, town_names),
            "period": _period(change.period, lang),
            "item": _item(change.dataset, change.key, lang),
            "column": _column_label(change.dataset, change.column, lang),
            "old": old,
            "new": new,
            "change": f"{old} → {new}",
        })
    frame = pd.DataFrame(rows, columns=["town", "period", "item", "column", "old", "new", "change"])
    frame.columns = [strings.t(f"upload.change.{c}", lang) for c in frame.columns]
    return frame


def change_lines(changes: pd.DataFrame, lang: str,
                 town_names: Mapping[str, str] | None = None) -> list[str]:
    """"安海镇 2024-07 职工住院医疗互助 补助金额（元） 52,000 → 61,200", one per value."""
    table = change_table(changes, lang, town_names)
    return [" ".join(part for part in row[:4] if part) + f" {row[6]}"
            for row in table.itertuples(index=False, name=None)]


STATION_POINT_COLUMNS = ("station_id", "station_name", "town_code", "town_name_zh",
                         "town_name_en", "address", "host_type", "opened_date", "lon", "lat",
                         "visits", "open_days", "visits_per_day", "top_group", "median_per_day",
                         "low_use_threshold", "low_use")


def station_points(frames: Iterable[pd.DataFrame],
                   towns: pd.DataFrame) -> pd.DataFrame:
    """Stations of an uploaded register with the columns of
    dashboard.queries.stations.station_summary, which dashboard.maps.station_deck
    draws: no visits yet (every station in the neutral colour), WGS-84
    coordinates, and without the rows whose coordinates were refused.
    ``towns`` has code, name_zh, name_en."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(STATION_POINT_COLUMNS))
    stations = pd.concat(frames, ignore_index=True)
    # A row whose coordinates failed the checks has none to draw.
    lon_column = "lon_wgs84" if "lon_wgs84" in stations else "lon"
    lat_column = "lat_wgs84" if "lat_wgs84" in stations else "lat"
    stations = stations.dropna(subset=[lon_column, lat_column]).reset_index(drop=True)
    names = towns.set_index(towns["code"].astype(str))
    codes = stations["town_code"].astype(str)
    nothing = pd.Series(float("nan"), index=stations.index)
    return pd.DataFrame({
        "station_id": stations["station_id"].astype(str),
        "station_name": stations["station_name"].astype(str),
        "town_code": codes,
        "town_name_zh": codes.map(names["name_zh"]).fillna(codes),
        "town_name_en": codes.map(names["name_en"]).fillna(codes),
        "address": stations.get("address", pd.Series(None, index=stations.index)),
        "host_type": stations.get("host_type", pd.Series(None, index=stations.index)),
        "opened_date": stations.get("opened_date", pd.Series(None, index=stations.index)),
        "lon": pd.to_numeric(stations[lon_column]).astype("float64"),
        "lat": pd.to_numeric(stations[lat_column]).astype("float64"),
        "visits": nothing,
        "open_days": nothing,
        "visits_per_day": nothing,
        "top_group": pd.Series(None, index=stations.index, dtype="object"),
        "median_per_day": nothing,
        "low_use_threshold": nothing,
        "low_use": False,
    }, columns=list(STATION_POINT_COLUMNS))


# After a load: where to look ------------------------------------------------------------

# The dashboard page that shows each dataset (paths as app.py declares them).
DATASET_PAGES = {
    "mutual_aid": "pages/mutual_aid.py",
    "summer_camps": "pages/summer_camps.py",
    "collective_contracts": "pages/contracts.py",
    "stations": "pages/stations.py",
    "station_visits": "pages/stations.py",
}
DATASET_PAGE_KEYS = {
    "mutual_aid": "page.mutual_aid",
    "summer_camps": "page.summer_camps",
    "collective_contracts": "page.contracts",
    "stations": "page.stations",
    "station_visits": "page.stations",
}


@dataclass(frozen=True)
class DashboardLink:
    page: str                 # the page script, for st.page_link
    page_key: str             # its name in strings.py
    params: dict[str, str]    # region, from, to, lang: the view of what was loaded

    def label(self, lang: str) -> str:
        return strings.t("upload.view_link", lang, page=strings.t(self.page_key, lang))

    @property
    def query_string(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.params.items())


def region_of_units(units: Iterable[str]) -> str:
    """The smallest region holding every town loaded: the town itself, its
    county (the first six digits of a town code), or the whole city."""
    units = sorted({str(u) for u in units})
    if len(units) == 1:
        return units[0]
    counties = {u[:6] for u in units}
    if len(counties) == 1 and units:
        return counties.pop()
    return CITY_CODE


def months_of_periods(periods: Iterable[str]) -> tuple[str, str] | None:
    """('2024-07', '2024-08') from batch periods: months as they are, a year
    as its January..December; None for the register (no period)."""
    firsts, lasts = [], []
    for period in periods:
        period = str(period)
        if re.fullmatch(r"\d{4}-\d{2}", period):
            firsts.append(period)
            lasts.append(period)
        elif re.fullmatch(r"\d{4}", period):
            firsts.append(f"{period}-01")
            lasts.append(f"{period}-12")
    if not firsts:
        return None
    return min(firsts), max(lasts)


def dashboard_link(datasets: list[str], units: list[str], periods: list[str],
                   lang: str) -> DashboardLink | None:
    """The dashboard view of what was just loaded, or None with no dataset."""
    if not datasets:
        return None
    dataset = datasets[0]
    params = {"region": region_of_units(units) if units else CITY_CODE}
    span = months_of_periods(periods)
    if span is not None:
        params["from"], params["to"] = span
    params["lang"] = lang
    return DashboardLink(DATASET_PAGES[dataset], DATASET_PAGE_KEYS[dataset], params)


# The 数据管理 page's tables -------------------------------------------------------------

BATCH_COLUMNS = ("batch_id", "dataset", "file_name", "row_count", "units", "periods",
                 "loaded_at", "loaded_by", "status", "rolled_back_at")
UNITS_SHOWN = 5


def _names(codes, town_names: Mapping[str, str] | None, lang: str) -> str:
    codes = [str(c) for c in (codes if codes is not None else [])]
    names = [_town(c, c, town_names) for c in codes]
    separator = "、" if lang == "zh" else ", "
    if len(names) > UNITS_SHOWN:
        more = len(names) - UNITS_SHOWN
        tail = f" 等 {len(names)} 个" if lang == "zh" else f" and {more} more"
        return separator.join(names[:UNITS_SHOWN]) + tail
    return separator.join(names)


def _periods(periods) -> str:
    periods = sorted(str(p) for p in (periods if periods is not None else []))
    if len(periods) > 3:
        return f"{periods[0]} … {periods[-1]} ({len(periods)})"
    return ", ".join(periods)


def moment_text(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "—"
    try:
        if pd.isna(value):
            return "—"
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def batch_status_label(status: str, lang: str) -> str:
    return strings.t(f"batch.status.{status}", lang)


def batch_table(batches: pd.DataFrame, lang: str,
                town_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The batch log as the page lists it: dataset by title, towns by name,
    times to the minute, status in words."""
    out = pd.DataFrame({
        "batch_id": batches["batch_id"].astype("int64"),
        "dataset": [dataset_title(d, lang) for d in batches["dataset"]],
        "file_name": batches["file_name"].astype(str),
        "row_count": batches["row_count"].astype("int64"),
        "units": [_names(u, town_names, lang) for u in batches["units"]],
        "periods": [_periods(p) for p in batches["periods"]],
        "loaded_at": [moment_text(v) for v in batches["loaded_at"]],
        "loaded_by": batches["loaded_by"].astype(str),
        "status": [batch_status_label(s, lang) for s in batches["status"]],
        "rolled_back_at": [moment_text(v) for v in batches["rolled_back_at"]],
    }, columns=list(BATCH_COLUMNS))
    out.columns = [strings.t(f"admin.col.{c}", lang) for c in BATCH_COLUMNS]
    return out


def batch_option(batch, lang: str) -> str:
    """One batch in the picker: "批次 44 · 职工医疗互助 · 文件.xlsx · 有效"."""
    return strings.t("admin.batch_option", lang, batch_id=int(batch["batch_id"]),
                     dataset=dataset_title(batch["dataset"], lang), file=batch["file_name"],
                     status=batch_status_label(batch["status"], lang))


def status_label(status: str, lang: str) -> str:
    return strings.t(f"status.{status}", lang)


def status_grid(status: pd.DataFrame, dataset: str, lang: str) -> pd.DataFrame:
    """报送进度 of one monthly report: a row per town, a column per month,
    each cell the status in words (已报送 / 逾期报送 / 未报送 / 未到期 / 无需报送)."""
    rows = status[status["dataset"] == dataset]
    town_column = strings.t("col.town", lang)
    if rows.empty:
        return pd.DataFrame(columns=[town_column])
    names = rows["name_en" if lang == "en" else "name_zh"]
    grid = (rows.assign(town=names, label=[status_label(s, lang) for s in rows["status"]])
            .pivot(index=["town_code", "town"], columns="month", values="label")
            .reset_index()
            .drop(columns="town_code")
            .rename(columns={"town": town_column}))
    grid.columns.name = None
    return grid


def to_call_table(counts: pd.DataFrame, dataset: str, lang: str) -> pd.DataFrame:
    """The towns with months missing or late for one report, most missing first."""
    rows = counts[(counts["dataset"] == dataset) & ((counts["missing"] > 0) | (counts["late"] > 0))]
    out = pd.DataFrame({
        strings.t("col.town", lang): rows["name_en" if lang == "en" else "name_zh"].tolist(),
        strings.t("admin.col.missing", lang): rows["missing"].astype("int64").tolist(),
        strings.t("admin.col.late", lang): rows["late"].astype("int64").tolist(),
        strings.t("admin.col.reported", lang): rows["reported"].astype("int64").tolist(),
    })
    return out


REGISTER_COLUMNS = ("station_id", "station_name", "town", "address", "lon", "lat", "crs",
                    "lon_wgs84", "lat_wgs84", "host_type", "opened_date", "coord_check")


def register_table(register: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The station register for display, the coordinate check in words."""
    opened = pd.to_datetime(register["opened_date"])
    out = pd.DataFrame({
        "station_id": register["station_id"].astype(str),
        "station_name": register["station_name"].astype(str),
        "town": register["name_en" if lang == "en" else "name_zh"].fillna(register["town_code"]),
        "address": register["address"].fillna(""),
        "lon": register["lon"].astype(float),
        "lat": register["lat"].astype(float),
        "crs": register["crs"].astype(str),
        "lon_wgs84": register["lon_wgs84"].astype(float).round(6),
        "lat_wgs84": register["lat_wgs84"].astype(float).round(6),
        "host_type": [strings.value_label("host_type", h, lang) for h in register["host_type"]],
        "opened_date": [d.strftime("%Y-%m-%d") if pd.notna(d) else "—" for d in opened],
        "coord_check": [strings.t(f"coord.{c}", lang) for c in register["coord_check"]],
    }, columns=list(REGISTER_COLUMNS))
    labels = {
        "town": strings.t("col.town", lang),
        "coord_check": strings.t("admin.col.coord_check", lang),
        "lon_wgs84": "WGS-84 " + _column_label("stations", "lon", lang),
        "lat_wgs84": "WGS-84 " + _column_label("stations", "lat", lang),
    }
    out.columns = [labels.get(c) or _column_label("stations", c, lang) for c in REGISTER_COLUMNS]
    return out
