"""From a table's raw columns to a typed frame, and every problem in it.

Each column is read by its kind (specs.Column.kind) one distinct value at a
time (see etl.normalise), then checked as whole numpy columns: types, blanks,
bounds, whole numbers, decimals, months in the future, unknown towns and
stations; then across columns (expiry before signing, claims above members,
…); then against the sheet's own 合计 row and against the town's usual values.
Nothing stops at the first problem: the uploader gets the whole list, each
with file, sheet, Excel row, header as written and cell (D7).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

import numpy as np
import pandas as pd

from etl import coords
from etl.messages import CATALOG, WARNING, Issue, issue
from etl.model import Context, ParsedTable
from etl.normalise import (choice_lookup, clean_text, display, half_width, map_uniques,
                           number_uniques, parse_choice, parse_date, parse_month, parse_number,
                           parse_year)
from etl.resolve import NotResolved, StationResolver, TownResolver
from etl.specs import DATASETS, Column, Dataset
from etl.tables import ROSTER_DATASETS, RawColumn, RawTable

# Per (code, column), this many problems are listed one by one; the rest are
# counted in one "and N more" line, so that a wrong column of 100k rows does
# not bury the other problems.
MAX_LISTED = 50
EARLIEST_MONTH = date(2000, 1, 1)
# Flows (not stocks) compared with the town's usual monthly value.  Not
# new_enrolments: enrolment renews every January, so a January is always far
# above the months before it and the warning would only teach people to tick
# the box without reading.
FLOW_COLUMNS = ("claims", "claims_paid_yuan", "visits", "children_enrolled")
SPIKE_FACTOR = 3
# ...and by at least this much, so that a median of 1 claim does not make 4
# claims a warning.
SPIKE_MIN_EXCESS = {"claims_paid_yuan": 1000.0}
SPIKE_MIN_EXCESS_DEFAULT = 10.0
SPIKE_MIN_PERIODS = 3
SPIKE_WINDOW_MONTHS = 12
SPIKE_WINDOW_YEARS = 3      # summer camps are yearly: their "usual" is the last 3 years
# Compare like with like: a scheme with its own history, not the town's total.
SPIKE_GROUPS = {"mutual_aid": ("town_code", "scheme")}
DEFAULT_CRS = "GCJ02"     # what a blank 坐标系 means (see specs.STATIONS)
NUMERIC_KINDS = ("count", "amount", "number")
COORDINATE_COLUMNS = ("lon", "lat")


@dataclass
class Lookups:
    """What one load validates against, built once from the Context."""
    towns: TownResolver
    stations: StationResolver
    today: date
    history: Mapping[str, pd.DataFrame]
    unit: str | None = None
    # The history prepared for the spike check, once per load and dataset.
    usual: dict[tuple, "UsualValues | None"] = field(default_factory=dict)

    @classmethod
    def from_context(cls, context: Context) -> "Lookups":
        return cls(TownResolver.cached(context.towns), StationResolver.cached(context.stations),
                   context.today, context.history, context.unit)


class IssueLog:
    """Issues of one table, at most MAX_LISTED per (code, column)."""

    def __init__(self, file: str, sheet: str):
        self.file, self.sheet = file, sheet
        self.issues: list[Issue] = []
        self._listed: Counter = Counter()
        self._more: Counter = Counter()

    def add(self, code: str, *, row: int | None = None, column: str = "", cell: str = "",
            **params) -> None:
        key = (code, column)
        if self._listed[key] >= MAX_LISTED:
            self._more[key] += 1
            return
        self._listed[key] += 1
        self.issues.append(issue(code, file=self.file, sheet=self.sheet, row=row,
                                 column=column, cell=cell, **params))

    def add_rows(self, code: str, raw: RawTable, column: RawColumn | None, where: np.ndarray,
                 **params) -> None:
        """One issue per data row in ``where`` (indices into the table's rows);
        params may be callables of the row index."""
        header = column.header if column else ""
        for count, i in enumerate(where):
            if count >= MAX_LISTED:
                self._more[(code, header)] += len(where) - count
                break
            row = int(raw.rows[i])
            values = {k: (v(i) if callable(v) else v) for k, v in params.items()}
            self.add(code, row=row, column=header,
                     cell=f"{column.letter}{row}" if column else "", **values)

    def finish(self) -> list[Issue]:
        # Top to bottom, as the uploader reads the sheet; table-level first.
        self.issues.sort(key=lambda i: (i.row is not None, i.row or 0, len(i.cell), i.cell))
        for (code, column), more in self._more.items():
            # The count line is as grave as what it counts.
            summary = "more_warnings" if CATALOG[code][0] == WARNING else "more_issues"
            self.issues.append(issue(summary, file=self.file, sheet=self.sheet,
                                     column=column, count=more, kind=code))
        self._more.clear()
        return self.issues


@dataclass
class Converted:
    """A column read: values per data row and which rows were blank."""
    values: object                  # numpy array or pandas extension array
    blank: np.ndarray
    bad: np.ndarray
    extra: dict[str, object] = field(default_factory=dict)


def _written(column: RawColumn, i: int) -> str:
    return display(column.uniques[column.codes[i]])


# Reading columns by kind -----------------------------------------------------

def read_numbers(raw: RawTable, col: RawColumn, spec: Column, log: IssueLog) -> Converted:
    if col.numbers is not None:
        values = col.numbers * col.scale
        blank = bad = np.zeros(len(values), dtype=bool)
    else:
        numbers_u, blank_u, bad_u = number_uniques(col.uniques)
        values = numbers_u[col.codes] * col.scale
        blank, bad = blank_u[col.codes], bad_u[col.codes]
    label = {"count": ("整数", "a whole number"), "amount": ("金额", "an amount"),
             "number": ("数值", "a number")}[spec.kind]
    log.add_rows("bad_number", raw, col, np.flatnonzero(bad),
                 value=lambda i: _written(col, i), expected_zh=label[0], expected_en=label[1])
    ok = ~np.isnan(values)
    negative = ok & (values < 0)
    if spec.kind in ("count", "amount"):
        log.add_rows("negative_value", raw, col, np.flatnonzero(negative),
                     value=lambda i: _written(col, i))
    if spec.kind == "count":
        fractional = ok & ~negative & (np.abs(values - np.round(values)) > 1e-9)
        log.add_rows("not_whole_number", raw, col, np.flatnonzero(fractional),
                     value=lambda i: _written(col, i))
        values = np.where(fractional, np.nan, values)
    if spec.kind == "amount":
        with np.errstate(over="ignore", invalid="ignore"):  # 1e308 is refused as too large below
            cents = values * 100
            # Tolerance: float noise only (61200.1 * 100 is 6120010.000000001).
            too_fine = ok & (np.abs(cents - np.round(cents)) > 1e-6 + np.abs(cents) * 1e-12)
        log.add_rows("too_many_decimals", raw, col, np.flatnonzero(too_fine),
                     value=lambda i: _written(col, i))
    low = spec.min if spec.kind == "number" or (spec.min or 0) > 0 else None
    out = ok & ~negative & (((values < low) if low is not None else False)
                            | ((values > spec.max) if spec.max is not None else False))
    if spec.name in COORDINATE_COLUMNS:
        # check_coordinates says more: "swapped" or "not in 泉州", not "> 90".
        out = np.zeros(len(values), dtype=bool)
    log.add_rows("out_of_range", raw, col, np.flatnonzero(out), value=lambda i: _written(col, i),
                 low=_fmt(spec.min), high=_fmt(spec.max))
    if spec.kind == "count":
        typed = to_int64(np.where(negative | out, np.nan, np.round(values)))
    else:
        typed = np.where(out, np.nan, values)
        if spec.kind == "amount":
            typed = np.round(np.where(negative, np.nan, typed), 2)
    return Converted(typed, blank, bad | negative | out)


def read_mapped(raw: RawTable, col: RawColumn, parse, code: str, log: IssueLog,
                **params) -> Converted:
    values_u, blank_u, bad_u = map_uniques(col.uniques, parse)
    values = values_u[col.codes]
    blank, bad = blank_u[col.codes], bad_u[col.codes]
    log.add_rows(code, raw, col, np.flatnonzero(bad), value=lambda i: _written(col, i), **params)
    return Converted(values, blank, bad)


def month_problem(month: date, today: date) -> str | None:
    """'future_month' for a month after today's, 'month_too_early' before 2000."""
    if month > date(today.year, today.month, 1):
        return "future_month"
    if month < EARLIEST_MONTH:
        return "month_too_early"
    return None


def read_months(raw: RawTable, col: RawColumn, today: date, log: IssueLog) -> Converted:
    values_u, blank_u, bad_u = map_uniques(col.uniques, parse_month)
    log.add_rows("bad_month", raw, col, np.flatnonzero(bad_u[col.codes]),
                 value=lambda i: _written(col, i))
    problems = np.array([month_problem(m, today) if m is not None else None for m in values_u],
                        dtype=object)
    for code in ("future_month", "month_too_early"):
        flagged = problems == code
        if flagged.any():
            bad_u |= flagged
            log.add_rows(code, raw, col, np.flatnonzero(flagged[col.codes]),
                         value=lambda i: values_u[col.codes[i]].strftime("%Y-%m"),
                         today=f"{today.year}-{today.month:02d}")
    return Converted(values_u[col.codes], blank_u[col.codes], bad_u[col.codes])


def read_years(raw: RawTable, col: RawColumn, spec: Column, today: date,
               log: IssueLog) -> Converted:
    values_u, blank_u, bad_u = map_uniques(col.uniques, parse_year)
    log.add_rows("bad_year", raw, col, np.flatnonzero(bad_u[col.codes]),
                 value=lambda i: _written(col, i))
    years = np.array([np.nan if y is None else y for y in values_u], dtype=float)
    future = years > today.year
    out = ~future & (((years < spec.min) if spec.min is not None else False)
                     | ((years > spec.max) if spec.max is not None else False))
    log.add_rows("future_year", raw, col, np.flatnonzero(future[col.codes]),
                 value=lambda i: values_u[col.codes[i]], today=today.year)
    log.add_rows("out_of_range", raw, col, np.flatnonzero(out[col.codes]),
                 value=lambda i: values_u[col.codes[i]], low=_fmt(spec.min), high=_fmt(spec.max))
    bad_u |= future | out
    return Converted(to_int64(years[col.codes]), blank_u[col.codes], bad_u[col.codes])


def read_towns(raw: RawTable, col: RawColumn, towns: TownResolver, log: IssueLog) -> Converted:
    values_u = np.empty(len(col.uniques), dtype=object)
    blank_u = np.zeros(len(col.uniques), dtype=bool)
    failures: dict[int, NotResolved] = {}
    for index, value in enumerate(col.uniques):
        try:
            values_u[index] = towns.resolve(value)
            blank_u[index] = values_u[index] is None
        except NotResolved as problem:
            failures[index] = problem
    bad_u = _report_unresolved(raw, col, failures, log, unknown="unknown_town",
                               ambiguous="ambiguous_town")
    return Converted(values_u[col.codes], blank_u[col.codes], bad_u[col.codes])


def read_stations(raw: RawTable, col: RawColumn, stations: StationResolver,
                  log: IssueLog) -> Converted:
    ids_u = np.empty(len(col.uniques), dtype=object)
    towns_u = np.empty(len(col.uniques), dtype=object)
    blank_u = np.zeros(len(col.uniques), dtype=bool)
    failures: dict[int, NotResolved] = {}
    for index, value in enumerate(col.uniques):
        try:
            station = stations.resolve(value)
        except NotResolved as problem:
            failures[index] = problem
            continue
        if station is None:
            blank_u[index] = True
        else:
            ids_u[index], towns_u[index] = station.station_id, station.town_code
    bad_u = _report_unresolved(raw, col, failures, log, unknown="unknown_station",
                               ambiguous="ambiguous_station")
    return Converted(ids_u[col.codes], blank_u[col.codes], bad_u[col.codes],
                     extra={"town_code": towns_u[col.codes]})


def _report_unresolved(raw: RawTable, col: RawColumn, failures: dict[int, NotResolved],
                       log: IssueLog, *, unknown: str, ambiguous: str) -> np.ndarray:
    """Report each row holding a name that did not resolve; returns the
    failed distinct values as a mask."""
    ambiguous_u = np.zeros(len(col.uniques), dtype=bool)
    unknown_u = np.zeros(len(col.uniques), dtype=bool)
    for index, problem in failures.items():
        (ambiguous_u if problem.ambiguous else unknown_u)[index] = True

    def problem(i: int) -> NotResolved:
        return failures[int(col.codes[i])]

    log.add_rows(ambiguous, raw, col, np.flatnonzero(ambiguous_u[col.codes]),
                 value=lambda i: problem(i).written,
                 candidates=lambda i: "、".join(problem(i).candidates))
    log.add_rows(unknown, raw, col, np.flatnonzero(unknown_u[col.codes]),
                 value=lambda i: problem(i).written,
                 hint_zh=lambda i: _hint(problem(i), "zh"), hint_en=lambda i: _hint(problem(i), "en"))
    return ambiguous_u | unknown_u


def _hint(problem: NotResolved, lang: str) -> str:
    if not problem.candidates:
        return ""
    if lang == "zh":
        return f"，是否为：{'、'.join(problem.candidates)}？"
    return f"; did you mean: {', '.join(problem.candidates)}?"


def read_column(raw: RawTable, col: RawColumn, spec: Column, lookups: Lookups,
                log: IssueLog) -> Converted:
    kind = spec.kind
    if kind in NUMERIC_KINDS:
        return read_numbers(raw, col, spec, log)
    if kind == "month":
        return read_months(raw, col, lookups.today, log)
    if kind == "date":
        return read_mapped(raw, col, parse_date, "bad_date", log)
    if kind == "year":
        return read_years(raw, col, spec, lookups.today, log)
    if kind == "choice":
        lookup = choice_lookup(spec.choices, spec.value_aliases)

        def parse(value, lookup=lookup):
            try:
                return parse_choice(value, lookup)
            except ValueError:
                if spec.name == "crs":      # 高德, WGS-84, 百度坐标 … (etl.coords knows them all)
                    return coords.normalize_crs(str(value))
                raise
        return read_mapped(raw, col, parse, "bad_choice", log, choices="、".join(spec.choices))
    if kind == "town":
        return read_towns(raw, col, lookups.towns, log)
    if kind == "station":
        return read_stations(raw, col, lookups.stations, log)
    # An id typed with a Chinese input method on (ＪＪ－ＡＨ－０１) is the same id.
    tidy = (lambda v: None if clean_text(v) is None else half_width(clean_text(v))) \
        if spec.name.endswith("_id") else clean_text
    values_u = np.array([tidy(v) for v in col.uniques], dtype=object)
    values = values_u[col.codes]
    blank = np.array([v is None for v in values_u], dtype=bool)[col.codes]
    return Converted(values, blank, np.zeros(len(values), dtype=bool))


# Values the sheet does not give per row ------------------------------------------

_MONTH_IN_TEXT = re.compile(
    r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])|[-_./](\d{1,2})(?![\d-]|[./]\d))"
    r"(?!\s*(?:[-—~～至到]|份?\s*[-—~～至到]))")
_YYYYMM_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?!\d)")
_RANGE_IN_TEXT = re.compile(
    r"(\d{1,2})\s*(?:月份?\s*)?[-—~～至到]\s*(?:\d{4}\s*年\s*)?(\d{1,2})\s*月")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def months_in_text(text: str) -> set[date]:
    """The months a title or file name states: 2024年7月, 2024-07, 202407.
    A range (2024年1-6月, 2024年1月至6月) states no single month."""
    text = half_width(text)
    if _RANGE_IN_TEXT.search(text):
        return set()
    found = set()
    for match in _MONTH_IN_TEXT.finditer(text):
        month = int(match[2] or match[3])
        if 1 <= month <= 12:
            found.add(date(int(match[1]), month, 1))
    if not found:
        for match in _YYYYMM_IN_TEXT.finditer(text):
            found.add(date(int(match[1]), int(match[2]), 1))
    return found


def years_in_text(text: str) -> set[int]:
    return {int(y) for y in _YEAR_IN_TEXT.findall(half_width(text))}


def _sources(raw: RawTable) -> list[tuple[str, str]]:
    """Where a sheet may name its town or month, most specific first."""
    title = " ".join(raw.layout.title_lines)
    return [("title", title), ("sheet", raw.sheet), ("file", raw.file)]


def derive_town(raw: RawTable, lookups: Lookups, log: IssueLog) -> str | None:
    """The town of a sheet without a town column: --unit, else the one town
    its title, sheet name or file name names."""
    if lookups.unit:
        try:
            return lookups.towns.resolve(lookups.unit)
        except NotResolved as problem:
            code = "ambiguous_town" if problem.ambiguous else "unknown_town"
            log.add(code, value=problem.written, hint_zh=_hint(problem, "zh"),
                    hint_en=_hint(problem, "en"), candidates="、".join(problem.candidates))
            return None
    for _, text in _sources(raw):
        codes = lookups.towns.find_in_text(text) if text else set()
        if len(codes) == 1:
            return codes.pop()
        if codes:
            break
    log.add("town_not_named", title=raw.title or "-")
    return None


def derive_period(raw: RawTable, kind: str, log: IssueLog) -> object:
    """The month (or year) of a sheet without that column, from its title,
    sheet name or file name when they state exactly one."""
    find = months_in_text if kind == "month" else years_in_text
    for _, text in _sources(raw):
        found = find(text) if text else set()
        if len(found) == 1:
            return found.pop()
        if found:
            break
    log.add("month_not_named" if kind == "month" else "year_not_named", title=raw.title or "-")
    return None


# Checks ------------------------------------------------------------------------

def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _pair_check(raw, frame, log, code, left: str, right: str, bad: pd.Series, **params):
    """Report rows where ``bad`` holds, at the left column's cell."""
    where = np.flatnonzero(bad.fillna(False).to_numpy(dtype=bool))
    col = raw.columns.get(left) or raw.columns.get(right)
    log.add_rows(code, raw, col, where,
                 left=lambda i: _fmt_cell(frame[left].iloc[i]),
                 right=lambda i: _fmt_cell(frame[right].iloc[i]), **params)


def _fmt_cell(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (np.integer,)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return _fmt(float(value))
    return str(value)


def _date_less(a: pd.Series, b: pd.Series) -> pd.Series:
    return pd.Series([x is not None and y is not None and x < y for x, y in zip(a, b)],
                     index=a.index)


def check_rows(raw: RawTable, frame: pd.DataFrame, spec: Dataset, log: IssueLog) -> None:
    """Rules across the columns of one row."""
    have = set(raw.columns)
    if spec.name == "collective_contracts":
        if {"signed_date", "expiry_date"} <= have:
            _pair_check(raw, frame, log, "expiry_before_signing", "expiry_date", "signed_date",
                        _date_less(frame["expiry_date"], frame["signed_date"]))
        if {"workers_covered", "enterprises_covered"} <= have:
            _pair_check(raw, frame, log, "workers_below_enterprises", "workers_covered",
                        "enterprises_covered",
                        frame["workers_covered"] < frame["enterprises_covered"])
    if spec.name == "summer_camps":
        if {"new_form_children", "children_enrolled"} <= have:
            _pair_check(raw, frame, log, "new_form_exceeds_children", "new_form_children",
                        "children_enrolled",
                        frame["new_form_children"] > frame["children_enrolled"])
        if {"start_date", "end_date"} <= have:
            _pair_check(raw, frame, log, "end_before_start", "end_date", "start_date",
                        _date_less(frame["end_date"], frame["start_date"]))
    if spec.name == "mutual_aid" and {"claims", "members_enrolled"} <= have:
        _pair_check(raw, frame, log, "claims_exceed_members", "claims", "members_enrolled",
                    frame["claims"] > frame["members_enrolled"])


def check_coordinates(raw: RawTable, frame: pd.DataFrame, log: IssueLog) -> None:
    """Stations: inside 泉州, not lon/lat swapped; then the WGS-84 position maps draw."""
    lon = frame["lon"].to_numpy(dtype=float)
    lat = frame["lat"].to_numpy(dtype=float)
    both = ~np.isnan(lon) & ~np.isnan(lat)
    swapped = both & coords.looks_swapped(lon, lat)
    outside = both & ~swapped & ~coords.in_quanzhou(lon, lat)
    col = raw.columns.get("lon")
    log.add_rows("coords_swapped", raw, col, np.flatnonzero(swapped),
                 lon=lambda i: _fmt_coord(lon[i]), lat=lambda i: _fmt_coord(lat[i]))
    log.add_rows("outside_quanzhou", raw, col, np.flatnonzero(outside),
                 lon=lambda i: _fmt_coord(lon[i]), lat=lambda i: _fmt_coord(lat[i]))
    crs = frame["crs"].fillna(DEFAULT_CRS).to_numpy(dtype=object)
    lon_wgs, lat_wgs = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    usable = both & ~swapped & ~outside
    for name in np.unique(crs[usable]) if usable.any() else ():
        rows = usable & (crs == name)
        lon_wgs[rows], lat_wgs[rows] = coords.to_wgs84(lon[rows], lat[rows], name)
    frame["crs"] = crs
    frame["lon_wgs84"] = np.round(lon_wgs, 7)
    frame["lat_wgs84"] = np.round(lat_wgs, 7)
    frame["_row"] = frame.pop("_row")       # _row stays last


def _fmt_coord(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def reconcile_totals(raw: RawTable, frame: pd.DataFrame, spec: Dataset, log: IssueLog) -> None:
    """Each 合计/小计 row against the sum of the data rows it stands for:
    a 小计 its group (the rows since the previous 小计), a single 合计 all
    rows, several 合计 each the rows since the previous one."""
    if not raw.totals:
        return
    summed = {name: col for name, col in raw.columns.items()
              if spec.column(name).kind in ("count", "amount") and name in frame}
    # Running sums, so that any span of rows adds up in one subtraction.
    running = {name: np.concatenate([[0.0], np.cumsum(np.nan_to_num(
        frame[name].to_numpy(dtype=float, na_value=np.nan)))]) for name in summed}
    grand = [t for t in raw.totals if not t.subtotal]
    previous_sub = 0
    for total in raw.totals:
        if total.subtotal:
            start, previous_sub = previous_sub, total.before
        elif len(grand) == 1:
            start = 0
        else:
            index = grand.index(total)
            start = grand[index - 1].before if index else 0
        stop = total.before if (total.subtotal or len(grand) > 1) else len(frame)
        if stop <= start:       # a total above its rows: nothing to add up
            continue
        for name, col in summed.items():
            try:
                stated = parse_number(total.cells.get(name))
            except ValueError:
                continue
            if stated is None:
                continue
            stated *= col.scale
            added = round(float(running[name][stop] - running[name][start]), 2)
            if abs(stated - added) > 0.005:
                log.add("total_mismatch", row=total.row, column=col.header,
                        cell=f"{col.letter}{total.row}", label=total.label or "合计",
                        stated=_fmt(float(stated)), added=_fmt(added), rows=stop - start)


def check_spikes(raw: RawTable, frame: pd.DataFrame, spec: Dataset, lookups: Lookups,
                 log: IssueLog) -> None:
    """WARNING when a flow is over 3x the town's median of its trailing 12
    months (3 years for the yearly camps), given at least 3 of them.

    Values are summed per town (and scheme) and period on both sides, so a
    town's month is compared with the town's months however many rows
    (stations, classes) each has.
    """
    flows = [c for c in FLOW_COLUMNS if c in frame and c in raw.columns]
    period = "month" if "month" in frame else "year" if "year" in frame else None
    if not flows or period is None or "town_code" not in frame or not len(frame):
        return
    history = lookups.history.get(spec.name) if lookups.history is not None else None
    if history is None or not len(history) or period not in history:
        return
    flows = [f for f in flows if f in history]
    group = [c for c in SPIKE_GROUPS.get(spec.name, ("town_code",))
             if c in history and c in frame]
    if not flows:
        return
    window = SPIKE_WINDOW_MONTHS if period == "month" else SPIKE_WINDOW_YEARS

    key = (spec.name, period, tuple(group), tuple(flows))
    if key not in lookups.usual:
        lookups.usual[key] = UsualValues.from_history(history, period, group, flows)
    usual = lookups.usual[key]
    if usual is None:
        return
    key_index, first_period, span = usual.key_index, usual.first_period, usual.span

    # The file: the group of each row (via its distinct keys) and its period.
    row_period = _period_index(frame[period]).to_numpy()
    # Only periods with some history inside their window can be compared.
    usable = (row_period > first_period) & (row_period - window <= first_period + span - 1)
    if not usable.any():
        return
    row_group = np.full(len(frame), -1, dtype=np.int64)
    row_group[usable] = _row_groups(frame[usable], group, key_index)
    usable &= row_group >= 0
    if not usable.any():
        return
    rows = np.flatnonzero(usable)
    # One cell per (group, period): its rows are summed before comparing.
    cell_key = row_group[rows] * 100_000 + (row_period[rows].astype(np.int64) - first_period
                                            + 50_000)
    cells, first_of, inverse, counts = np.unique(cell_key, return_index=True,
                                                 return_inverse=True, return_counts=True)
    cell_group = row_group[rows][first_of]
    cell_period = row_period[rows][first_of].astype(np.int64)
    back = np.arange(1, window + 1)
    offsets = cell_period[:, None] - back[None, :] - first_period
    inside = (offsets >= 0) & (offsets < span)
    for flow in flows:
        matrix = usual.matrices[flow]
        trailing = np.where(inside, matrix[cell_group[:, None], np.clip(offsets, 0, span - 1)],
                            np.nan)
        periods = (~np.isnan(trailing)).sum(axis=1)
        enough = periods >= SPIKE_MIN_PERIODS
        if not enough.any():
            continue
        median = np.full(len(cells), np.nan)
        median[enough] = np.nanmedian(trailing[enough], axis=1)
        values = pd.to_numeric(frame[flow], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        value = np.bincount(inverse, weights=np.nan_to_num(values[rows]), minlength=len(cells))
        col = raw.columns[flow]
        excess = SPIKE_MIN_EXCESS.get(flow, SPIKE_MIN_EXCESS_DEFAULT)
        spikes = enough & (median > 0) & (value > SPIKE_FACTOR * median) & (value - median >= excess)
        for i in np.flatnonzero(spikes):
            first = int(rows[first_of[i]])
            row = int(frame["_row"].iat[first])     # a roster's frame is aggregated
            log.add("value_spike", row=row, column=col.header,
                    cell=f"{col.letter}{row}" if counts[i] == 1 else "",
                    value=_fmt(float(value[i])), median=_fmt(float(median[i])),
                    factor=SPIKE_FACTOR, town=lookups.towns.name(str(frame["town_code"].iat[first])),
                    period=_period_label(frame[period].iat[first]),
                    window_zh=f"{int(periods[i])} {'个月' if period == 'month' else '年'}",
                    window_en=f"{int(periods[i])} {'months' if period == 'month' else 'years'}")


@dataclass
class UsualValues:
    """A dataset's history as one dense (group x period) matrix per flow, so
    that each row's trailing window is a gather and a nanmedian."""
    key_index: dict[tuple, int]
    first_period: int
    span: int
    matrices: dict[str, np.ndarray]

    @classmethod
    def from_history(cls, history: pd.DataFrame, period: str, group: list[str],
                     flows: list[str]) -> "UsualValues | None":
        row_key, keys = _group_codes(history, group)
        row_period = _period_index(history[period]).to_numpy()
        usable = (row_key >= 0) & ~np.isnan(row_period)
        if not usable.any():
            return None
        row_key, periods = row_key[usable], row_period[usable].astype(np.int64)
        first = int(periods.min())
        span = int(periods.max()) - first + 1
        matrices = {}
        for flow in flows:
            values = pd.to_numeric(history[flow], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan)[usable]
            present = ~np.isnan(values)
            total = np.zeros((len(keys), span))
            seen = np.zeros((len(keys), span), dtype=bool)
            np.add.at(total, (row_key[present], periods[present] - first), values[present])
            seen[row_key[present], periods[present] - first] = True
            matrices[flow] = np.where(seen, total, np.nan)
        return cls({key: g for g, key in enumerate(keys)}, first, span, matrices)


def _group_codes(frame: pd.DataFrame, group: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """(index of each row's key among the distinct keys (-1: a blank in the
    key), the distinct keys as tuples), without hashing tuples per row."""
    codes, uniques = [], []
    for name in group:
        c, u = pd.factorize(frame[name])
        codes.append(c)
        uniques.append(list(u))
    combined = np.zeros(len(frame), dtype=np.int64)
    blank = np.zeros(len(frame), dtype=bool)
    for c, u in zip(codes, uniques):
        combined = combined * (len(u) + 1) + (c + 1)
        blank |= c < 0
    distinct, inverse = np.unique(combined, return_inverse=True)
    keys = []
    for value in distinct:
        parts = []
        for u in reversed(uniques):
            value, code = divmod(int(value), len(u) + 1)
            parts.append(u[code - 1] if code else None)
        keys.append(tuple(reversed(parts)))
    return np.where(blank, -1, inverse), keys


def _row_groups(frame: pd.DataFrame, group: list[str], key_index: dict[tuple, int]) -> np.ndarray:
    """Each row's index into key_index (-1: a group with no history)."""
    row_key, keys = _group_codes(frame, group)
    lookup = np.array([key_index.get(key, -1) for key in keys] + [-1], dtype=np.int64)
    return lookup[row_key]


def _period_index(values: pd.Series) -> pd.Series:
    """Months as year*12 + month - 1 (so that "12 months back" is a
    subtraction); years as themselves."""
    codes, uniques = pd.factorize(values)
    index = np.array([_one_period_index(u) for u in uniques] + [np.nan], dtype=float)
    return pd.Series(index[codes], index=values.index)


def _one_period_index(value) -> float:
    if hasattr(value, "year") and hasattr(value, "month"):
        return value.year * 12 + value.month - 1
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _period_label(when) -> str:
    return when.strftime("%Y-%m") if isinstance(when, date) else str(when)


def check_duplicate_keys(tables: list[ParsedTable]) -> None:
    """A dataset's key twice in one load (one sheet, two sheets or two files):
    an error on each later occurrence, naming the first."""
    by_dataset: dict[str, list[ParsedTable]] = {}
    for table in tables:
        by_dataset.setdefault(table.dataset, []).append(table)
    for name, group in by_dataset.items():
        key = list(DATASETS[name].key)
        usable = [(number, table) for number, table in enumerate(group)
                  if len(table.frame) and set(key) <= set(table.frame.columns)]
        if not usable:
            continue
        if not _any_repeated_key([t.frame for _, t in usable], key):
            continue
        # One frame of (key, row, table) for the whole load, built column-wise.
        keys = pd.DataFrame({
            **{name: pd.Series(np.concatenate([t.frame[name].to_numpy(dtype=object)
                                               for _, t in usable]), dtype=object)
               for name in key},
            "_row": np.concatenate([t.frame["_row"].to_numpy() for _, t in usable]),
            "_table": np.concatenate([np.full(len(t.frame), n) for n, t in usable]),
        })
        keys = keys[keys[key].notna().all(axis=1)]
        repeated = keys.duplicated(subset=key, keep="first")
        if not repeated.any():
            continue
        later = keys[repeated]
        firsts = keys[~repeated].merge(later[key].drop_duplicates(), on=key)
        pairs = later.merge(firsts, on=key, suffixes=("", "_first"))
        for values in pairs.to_dict("records"):
            table, other = group[values["_table"]], group[values["_table_first"]]
            other_row = int(values["_row_first"])
            where_zh = (f"第 {other_row} 行" if other is table
                        else f"「{other.file}」{_sheet_zh(other)}第 {other_row} 行")
            where_en = (f"row {other_row}" if other is table
                        else f"'{other.file}'{_sheet_en(other)} row {other_row}")
            row = int(values["_row"])
            header, letter = table.columns.get(key[-1], ("", ""))
            table.issues.append(issue(
                "duplicate_key", file=table.file, sheet=table.sheet, row=row, column=header,
                cell=f"{letter}{row}" if letter else "",
                key=" · ".join(_key_text(values[k]) for k in key),
                first_zh=where_zh, first_en=where_en))


def _any_repeated_key(frames: list[pd.DataFrame], key: list[str]) -> bool:
    """Does any complete key occur twice in ``frames``?  Asked first, since
    almost every load says no: each key column's values are numbered once
    (pd.factorize, the same equality and blanks as DataFrame.duplicated) and
    the numbers combined into one integer per row, instead of building a
    frame of objects, testing it for blanks and hashing rows of objects
    (~20 ms of 100,000 rows, against ~8)."""
    combined = np.zeros(sum(len(f) for f in frames), dtype=np.int64)
    complete = np.ones(len(combined), dtype=bool)
    room = 1
    for name in key:
        codes, uniques = pd.factorize(
            np.concatenate([f[name].to_numpy(dtype=object) for f in frames]))
        room *= len(uniques) + 1
        if room >= 2 ** 62:         # numbers no longer fit one integer: ask the slow way
            return True
        complete &= codes >= 0
        combined = combined * (len(uniques) + 1) + (codes + 1)
    combined = combined[complete]
    return len(pd.unique(combined)) < len(combined)


def _key_text(value) -> str:
    if isinstance(value, date):
        return f"{value.year}-{value.month:02d}" if value.day == 1 else value.isoformat()
    return str(value)


def _sheet_zh(table: ParsedTable) -> str:
    return f"工作表「{table.sheet}」" if table.sheet else ""


def _sheet_en(table: ParsedTable) -> str:
    return f" sheet '{table.sheet}'" if table.sheet else ""


# The whole table --------------------------------------------------------------------

def to_int64(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole floats (NaN = missing) as a nullable Int64 array, without the
    per-element checks of pd.array()."""
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _empty_values(spec: Column, n: int):
    if spec.kind in ("count", "year"):
        return to_int64(np.full(n, np.nan))
    if spec.kind in NUMERIC_KINDS:
        return np.full(n, np.nan)
    return np.full(n, None, dtype=object)


def validate_table(raw: RawTable, lookups: Lookups) -> ParsedTable:
    """The typed frame of ``raw`` and all its issues (see module docstring)."""
    spec = raw.dataset
    log = IssueLog(raw.file, raw.sheet)
    log.issues.extend(raw.issues)
    n = len(raw.rows)
    roster = raw.layout.roster and spec.name in ROSTER_DATASETS
    if raw.layout.roster and not roster:
        log.add("roster_unsupported", dataset_zh=spec.title_zh, dataset_en=spec.title_en)

    data: dict[str, object] = {}
    for column in spec.columns:
        raw_column = raw.columns.get(column.name)
        if raw_column is None:
            data[column.name] = _empty_values(column, n)
            continue
        result = read_column(raw, raw_column, column, lookups, log)
        data[column.name] = result.values
        for extra, values in result.extra.items():
            data[extra] = values
        required = column.required and not (roster and column.name in ("members_enrolled",
                                                                        "claims"))
        if required:
            missing = result.blank
            log.add_rows("missing_value", raw, raw_column, np.flatnonzero(missing),
                         header_zh=column.header_zh)

    columns = {name: (col.header, col.letter) for name, col in raw.columns.items()}
    # Town, month and year the sheet states once for all rows.
    if spec.name == "station_visits":
        # Visits carry their station's town (set by read_stations).
        data.setdefault("town_code", np.full(n, None, dtype=object))
    elif "town_code" not in raw.columns:
        town = derive_town(raw, lookups, log) if n else None
        data["town_code"] = np.full(n, town, dtype=object)
    for period in ("month", "year"):
        if any(c.name == period for c in spec.columns) and period not in raw.columns and n:
            value = derive_period(raw, period, log)
            if period == "month":
                problem = month_problem(value, lookups.today) if value else None
                if problem:
                    log.add(problem, value=value.strftime("%Y-%m"),
                            today=f"{lookups.today.year}-{lookups.today.month:02d}")
                data["month"] = np.full(n, value, dtype=object)
            else:
                if value is not None and value > lookups.today.year:
                    log.add("future_year", value=value, today=lookups.today.year)
                data["year"] = pd.array([value] * n, dtype="Int64")

    data["_row"] = raw.rows
    # Object arrays stay object (pandas would make text columns "str" and
    # cannot hold datetime.date otherwise).  copy=False: the arrays were made
    # for this frame; copying them cost 20-50 ms per million rows.
    frame = pd.DataFrame({name: pd.Series(values, dtype=object, copy=False)
                          if isinstance(values, np.ndarray) and values.dtype == object
                          else values for name, values in data.items()}, copy=False)

    check_rows(raw, frame, spec, log)
    if spec.name == "stations":
        check_coordinates(raw, frame, log)
    reconcile_totals(raw, frame, spec, log)

    roster_people = 0
    if roster:
        roster_people = n
        frame = aggregate_roster(frame, spec)
    check_spikes(raw, frame, spec, lookups, log)
    issues = log.finish()
    example = template_example(raw, frame, spec, lookups) if not roster else None
    example_rows = []
    if example is not None and example.any():
        example_rows = [int(r) for r in frame.loc[example, "_row"]]
        frame = frame[~example].reset_index(drop=True)
        issues = [i for i in issues if i.row not in example_rows]
    return ParsedTable(dataset=spec.name, file=raw.file, sheet=raw.sheet, frame=frame,
                       columns=columns, issues=issues, title=raw.title,
                       roster_people=roster_people, example_rows=example_rows)


def template_example(raw: RawTable, frame: pd.DataFrame, spec: Dataset,
                     lookups: Lookups) -> np.ndarray | None:
    """Per row: is it the example row of our template (row 3, in grey),
    left in unchanged?  Staff fill the rows below it and often leave it;
    loaded, it would put the sample's figures (安海镇, 2024-07) in the
    warehouse as if reported.  A row counts only if every column with an
    example holds exactly that example."""
    expected = {c.name: typed_example(c, lookups) for c in spec.columns if c.example is not None}
    if not len(frame) or not set(expected) <= set(frame.columns) or None in expected.values():
        return None
    # Typed (numeric) columns first, compared whole; the rest only on the
    # rows still matching, which after a count or two are none or one.
    order = sorted(expected, key=lambda name: frame[name].dtype == object)
    candidates = np.arange(len(frame))
    for name in order:
        value, column = expected[name], frame[name]
        if spec.column(name).kind == "station":
            # As written: the sample station need not be in the register, and
            # an unknown one has no id in the frame.
            cells = raw.columns[name]
            written = np.array([clean_text(v) for v in cells.uniques[cells.codes[candidates]]],
                               dtype=object)
            keep = written == value
        elif column.dtype != object:
            keep = (column.iloc[candidates] == value).fillna(False).to_numpy(dtype=bool)
        else:
            keep = column.to_numpy(dtype=object)[candidates] == value
        candidates = candidates[np.asarray(keep, dtype=bool)]
        if not len(candidates):
            return None
    match = np.zeros(len(frame), dtype=bool)
    match[candidates] = True
    return match


def typed_example(column: Column, lookups: Lookups) -> object:
    """The spec's example value as validation types it (a month as its first
    day, a town as its code); None when it cannot be typed."""
    value = column.example
    try:
        if column.kind == "month":
            return date.fromisoformat(f"{value}-01")
        if column.kind == "date":
            return date.fromisoformat(str(value))
        if column.kind == "town":
            return lookups.towns.resolve(value)
        if column.kind == "station":
            return clean_text(value)
        if column.kind in ("count", "year"):
            return int(value)
        if column.kind in ("amount", "number"):
            return float(value)
    except (ValueError, NotResolved):
        return None
    return str(value)


def aggregate_roster(frame: pd.DataFrame, spec: Dataset) -> pd.DataFrame:
    """One row per person paid -> one row per month x town x scheme:
    claims = people, claims_paid_yuan = their sum.  Stocks are unknown from
    a list of people paid and stay empty (the loader carries them over)."""
    key = list(spec.key)
    grouped = frame.groupby(key, sort=False, dropna=True)
    out = grouped.agg(claims=("_row", "size"),
                      claims_paid_yuan=("claims_paid_yuan", lambda v: round(float(v.sum()), 2)),
                      _row=("_row", "min")).reset_index()
    for column in spec.columns:
        if column.name not in out:
            out[column.name] = _empty_values(column, len(out))
    out["claims"] = out["claims"].astype("Int64")
    for name in key:
        out[name] = out[name].astype(object)
    return out[[c.name for c in spec.columns] + ["_row"]]
