"""The demo world (etl/demo_world.py) laid out the way offices send it.

Each county office compiles its towns' monthly reports into one workbook per
dataset per year, one sheet per month ("2024年7月"), each sheet with a
title, sometimes a 填报单位 line, the header row, the towns' rows, a 合计 row
and a 填表人 line.  Counties differ: those on the template name the month
only in the title and the sheet tab; others write a month column and the
older headers the reader also knows (specs aliases), short town names (安海)
or scheme nicknames (住院医疗互助), dates as text; 永春县 and 德化县 send
CSV saved by Excel on Chinese Windows (GBK/GB18030), a year per file.
安海镇 sends its own 2024 mutual-aid reports in the town office's form:
no town column, the town and month only in the title, a two-row merged
header (补助情况 over 人次 / 金额（元）).

``file_jobs`` lists the files; nothing here touches disk.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

import pandas as pd
import xlsxwriter

from etl import specs
from etl.demo_world import ANHAI, PUBLISHED, rng_for
from etl.specs import Column

# How each county writes its files: header style (0 = the template's headers,
# 1 and 2 = older aliases), town names (full or short), months, dates.
_COUNTY_STYLE = {"350581": 1, "350583": 1, "350521": 2, "350524": 2, "350525": 1, "350526": 2}
# Counties that save their monthly reports as CSV, and in which encoding.
CSV_COUNTIES = {"350525": "gbk", "350526": "gb18030"}
# Of those, the ones whose station-visit reports are CSV too.
CSV_VISITS_COUNTIES = ("350525",)
# Counties whose visit reports name stations instead of giving their ids.
_VISITS_BY_NAME = ("350524", "350505")
# Counties that leave the optional service columns out of their visit reports.
_NO_SERVICE_COLUMNS = ("350504",)

_SURNAMES = "陈林黄吴王蔡李张许郑洪庄苏施杨"
_GIVEN = ("丽华", "建国", "志强", "美玲", "晓燕", "文斌", "秀英", "伟明", "雅琴", "振华", "淑芬",
          "俊杰", "海燕", "明辉", "惠珍")


def style_of(county_code: str) -> int:
    return _COUNTY_STYLE.get(county_code, 0)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def header(column: Column, style: int) -> str:
    """The header a county of ``style`` writes for ``column``."""
    if style == 0:
        return column.header_zh
    older = [a for a in column.aliases if _has_cjk(a) and "/" not in a]
    return older[(style - 1) % len(older)] if older else column.header_zh


def value_label(column: Column, value: str, style: int) -> str:
    """A choice as a county of ``style`` writes it (住院医疗互助 for 职工住院医疗互助)."""
    if style == 0:
        return value
    nicknames = [k for k, v in column.value_aliases.items() if v == value and k != value]
    return nicknames[(style - 1) % len(nicknames)] if nicknames else value


def _staff(*keys: object) -> str:
    rng = rng_for("staff", *keys)
    return _SURNAMES[int(rng.integers(len(_SURNAMES)))] + _GIVEN[int(rng.integers(len(_GIVEN)))]


def _signature(unit: str, filed: date) -> str:
    return (f"填表人：{_staff(unit, 'filler')}　　审核人：{_staff(unit, 'checker')}　　"
            f"填报日期：{filed.year}年{filed.month}月{filed.day}日")


def _filed_on(month: date) -> date:
    """Reports go in during the first week of the next month."""
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt + timedelta(days=4)


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


# Cells ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    """A month cell: an Excel date shown as 2024年7月, or text in a CSV."""
    value: date


@dataclass(frozen=True)
class Day:
    """A date cell shown in ``fmt`` ('yyyy-mm-dd' …); ``text`` writes it as typed text."""
    value: date
    fmt: str = "yyyy-mm-dd"
    text: str | None = None


@dataclass(frozen=True)
class Yuan:
    cents: int


@dataclass
class Table:
    """One sheet (or CSV): title lines, header, data rows, a 合计 row, notes."""
    sheet: str
    title: str
    headers: list[str]
    rows: list[list[object]]
    total: list[object] | None = None
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Month):
        return month_label(value.value)
    if isinstance(value, Day):
        return value.text or f"{value.value.year}/{value.value.month}/{value.value.day}"
    if isinstance(value, Yuan):
        return f"{value.cents / 100:.2f}"
    return str(value)


# Writers -----------------------------------------------------------------------

_WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                     "strings_to_urls": False}


def _new_workbook(buffer: io.BytesIO, created: date) -> tuple[xlsxwriter.Workbook, dict]:
    book = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    # A fixed creation time keeps the bytes identical from run to run.
    book.set_properties({"created": datetime(created.year, created.month, created.day, 9, 0, 0),
                         "author": "泉州市总工会（演示数据）"})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center",
                                  "valign": "vcenter"}),
        "header": book.add_format({"bold": True, "border": 1, "align": "center",
                                   "valign": "vcenter", "text_wrap": True, "bg_color": "#F2F2F2"}),
        "cell": book.add_format({"border": 1}),
        "yuan": book.add_format({"num_format": "#,##0.00"}),
        "month": book.add_format({"num_format": 'yyyy"年"m"月"'}),
        "total": book.add_format({"bold": True, "border": 1}),
        "total_yuan": book.add_format({"bold": True, "border": 1, "num_format": "#,##0.00"}),
        "note": book.add_format({"font_size": 10}),
    }
    return book, formats


def _write_cell(sheet, row: int, col: int, value: object, formats: dict, day_formats: dict,
                book: xlsxwriter.Workbook, total: bool = False) -> None:
    # Data cells go unformatted: a format on every cell costs a quarter of the
    # writing time and the reader does not care.
    cell = formats["total"] if total else None
    if value is None:
        sheet.write_blank(row, col, None, cell)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, cell)
    elif isinstance(value, Yuan):
        sheet.write_number(row, col, value.cents / 100, formats["total_yuan" if total else "yuan"])
    elif isinstance(value, Month):
        first = datetime(value.value.year, value.value.month, 1)
        sheet.write_datetime(row, col, first, formats["month"])
    elif isinstance(value, Day):
        if value.text is not None:
            sheet.write_string(row, col, value.text, cell)
        else:
            if value.fmt not in day_formats:
                day_formats[value.fmt] = book.add_format({"num_format": value.fmt})
            sheet.write_datetime(row, col, datetime(value.value.year, value.value.month,
                                                    value.value.day), day_formats[value.fmt])
    else:
        sheet.write_number(row, col, value, cell)


def _widths(table: Table) -> list[float]:
    """Column widths that fit the header and the first rows (CJK counts double)."""
    def width(value: object) -> float:
        text = str(value) if isinstance(value, (str, int, float)) else "2024-07-08"
        return sum(2.1 if _has_cjk(ch) else 1.1 for ch in text)
    return [max(8.0, width(h), *(width(row[c]) for row in table.rows[:30]))
            for c, h in enumerate(table.headers)]


def workbook_bytes(tables: list[Table], created: date) -> bytes:
    buffer = io.BytesIO()
    book, formats = _new_workbook(buffer, created)
    day_formats: dict[str, object] = {}
    for table in tables:
        sheet = book.add_worksheet(table.sheet)
        width = len(table.headers)
        r = 0
        sheet.merge_range(r, 0, r, width - 1, table.title, formats["title"])
        sheet.set_row(r, 24)
        r += 1
        if table.subtitle:
            sheet.write_string(r, 0, table.subtitle, formats["note"])
            r += 1
        sheet.write_row(r, 0, table.headers, formats["header"])
        r += 1
        for values in table.rows:
            for c, value in enumerate(values):
                _write_cell(sheet, r, c, value, formats, day_formats, book)
            r += 1
        if table.total is not None:
            for c, value in enumerate(table.total):
                _write_cell(sheet, r, c, value, formats, day_formats, book, total=True)
            r += 1
        for note in table.notes:
            r += 1
            sheet.write_string(r, 0, note, formats["note"])
        for c, chars in enumerate(_widths(table)):
            sheet.set_column(c, c, chars)
    book.close()
    return buffer.getvalue()


def csv_bytes(table: Table, encoding: str) -> bytes:
    """A sheet as Excel on Chinese Windows saves it: "CSV (逗号分隔)", GBK,
    CRLF, the title in the first cell of a row as wide as the table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    width = len(table.headers)
    writer.writerow([table.title] + [""] * (width - 1))
    if table.subtitle:
        writer.writerow([table.subtitle] + [""] * (width - 1))
    writer.writerow(table.headers)
    for values in table.rows:
        writer.writerow([_csv_cell(v) for v in values])
    if table.total is not None:
        writer.writerow([_csv_cell(v) for v in table.total])
    for note in table.notes:
        writer.writerow([note] + [""] * (width - 1))
    return out.getvalue().encode(encoding)


# 职工医疗互助 ------------------------------------------------------------------------

def _town_label(towns: pd.DataFrame, style: int) -> dict[str, str]:
    """How a county office names its towns.  A name two counties share
    (安溪县 and 南安市 both have a 官桥镇) is written with its county in
    front, as offices do once a city-wide list has bitten them."""
    names = towns["short_zh"] if style == 1 else towns["name_zh"]
    full = towns["county_zh"] + towns["name_zh"]
    return dict(zip(towns["code"], names.where(~towns["shared_name"], full)))


def _month_cell(month: date, style: int) -> object:
    if style == 0:
        return Month(month)
    if style == 1:
        return month_label(month)
    return f"{month.year}-{month.month:02d}"


# One column of a county table: header, values, and its 合计 cell (None: blank).
TableColumn = tuple[str, list, object]


def _assemble(columns: list[TableColumn]) -> dict:
    """headers, rows and the 合计 row (labelled in the first column) of ``columns``."""
    headers = [h for h, _, _ in columns]
    rows = [list(values) for values in zip(*(v for _, v, _ in columns))]
    total = [t for _, _, t in columns]
    total[0] = "合计"
    return {"headers": headers, "rows": rows, "total": total}


def _ints(values: pd.Series) -> list[int]:
    return [int(v) for v in values]


def _month_columns(rows: pd.DataFrame, month: date | None, style: int, month_header: str,
                   others: list[TableColumn]) -> list[TableColumn]:
    """A monthly sheet of a county using the template names its month in the
    title and the sheet tab only; the older forms, and a year's CSV, carry a
    month column (style-1 counties after the town, the others first)."""
    if month is not None and style == 0:
        return others
    months = (month_header, [_month_cell(m, style) for m in rows["month"]], None)
    if style == 1:
        return others[:1] + [months] + others[1:]
    return [months] + others


def mutual_aid_table(rows: pd.DataFrame, towns: pd.DataFrame, reporter: str, month: date | None,
                     style: int, sheet: str) -> Table:
    """A county's mutual-aid report: one month (a sheet) or a year (a CSV)."""
    spec = specs.MUTUAL_AID
    label = _town_label(towns, style)
    scheme_col = spec.column("scheme")
    cents = rows["claims_paid_cents"]
    columns = [(header(spec.column("town_code"), style), [label[c] for c in rows["town_code"]],
                None),
               (header(scheme_col, style),
                [value_label(scheme_col, v, style) for v in rows["scheme"]], None)]
    columns += [(header(spec.column(name), style), _ints(rows[name]), int(rows[name].sum()))
                for name in ("members_enrolled", "new_enrolments", "claims")]
    columns.append((header(spec.column("claims_paid_yuan"), style), [Yuan(int(c)) for c in cents],
                    Yuan(int(cents.sum()))))
    columns = _month_columns(rows, month, style, header(spec.column("month"), style), columns)
    period = month_label(month) if month else f"{rows['month'].iloc[0].year}年"
    filed = _filed_on(month or rows["month"].max())
    return Table(
        sheet=sheet, title=f"{reporter}{period}职工医疗互助情况汇总表", **_assemble(columns),
        subtitle=f"填报单位：{reporter}总工会　　　　单位：人、人次、元" if style != 1 else "",
        notes=[_signature(reporter, filed)])


def _two_row_header(column: Column) -> tuple[str, str]:
    """The last "upper/lower" alias of ``column``, split in two."""
    upper, lower = [a for a in column.aliases if "/" in a][-1].split("/")
    return upper, lower


def anhai_mutual_aid_file(rows: pd.DataFrame, month: date) -> bytes:
    """安海镇's own monthly form, as its office fills it in by hand."""
    title = f"安海镇{month_label(month)}职工医疗互助情况统计表"
    buffer = io.BytesIO()
    filed = _filed_on(month)
    book, formats = _new_workbook(buffer, filed)
    sheet = book.add_worksheet("Sheet1")
    spec = specs.MUTUAL_AID
    sheet.merge_range(0, 0, 0, 4, title, formats["title"])
    sheet.set_row(0, 26)
    for c, name in enumerate(("scheme", "members_enrolled", "new_enrolments")):
        sheet.merge_range(1, c, 2, c, spec.column(name).header_zh, formats["header"])
    # The two-row header the specs know as "补助情况/人次" and "补助情况/金额（元）".
    (group, claims), (_, paid) = (_two_row_header(spec.column(name))
                                  for name in ("claims", "claims_paid_yuan"))
    sheet.merge_range(1, 3, 1, 4, group, formats["header"])
    sheet.write_string(2, 3, claims, formats["header"])
    sheet.write_string(2, 4, paid, formats["header"])
    r = 3
    for row in rows.itertuples():
        sheet.write_string(r, 0, row.scheme, formats["cell"])
        sheet.write_number(r, 1, int(row.members_enrolled), formats["cell"])
        sheet.write_number(r, 2, int(row.new_enrolments), formats["cell"])
        sheet.write_number(r, 3, int(row.claims), formats["cell"])
        sheet.write_number(r, 4, int(row.claims_paid_cents) / 100, formats["yuan"])
        r += 1
    sheet.write_string(r, 0, "合计", formats["total"])
    for c, name in ((1, "members_enrolled"), (2, "new_enrolments"), (3, "claims")):
        sheet.write_number(r, c, int(rows[name].sum()), formats["total"])
    sheet.write_number(r, 4, int(rows["claims_paid_cents"].sum()) / 100, formats["total_yuan"])
    sheet.write_string(r + 2, 0, _signature("安海镇", filed), formats["note"])
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 4, 12)
    book.close()
    return buffer.getvalue()


# 驿站服务人次 -----------------------------------------------------------------------

def station_visits_table(rows: pd.DataFrame, reporter: str, county_code: str, month: date | None,
                         style: int, sheet: str) -> Table:
    spec = specs.STATION_VISITS
    by_name = county_code in _VISITS_BY_NAME
    services = () if county_code in _NO_SERVICE_COLUMNS else specs.STATION_SERVICES
    group_col = spec.column("visitor_group")
    group_labels = {g: value_label(group_col, g, style) for g in specs.VISITOR_GROUPS}
    # The station column's aliases start 驿站编号, 驿站名称.
    id_header, name_header = spec.column("station_id").aliases[:2]
    columns = [(name_header, list(rows["station_name"]), None) if by_name
               else (id_header, list(rows["station_id"]), None),
               (header(group_col, style), [group_labels[g] for g in rows["visitor_group"]], None)]
    columns += [(header(spec.column(name), style), _ints(rows[name]), int(rows[name].sum()))
                for name in ("visits", *services)]
    columns = _month_columns(rows, month, style, header(spec.column("month"), style), columns)
    period = month_label(month) if month else f"{rows['month'].iloc[0].year}年"
    filed = _filed_on(month or rows["month"].max())
    return Table(sheet=sheet, title=f"{reporter}{period}工会驿站服务情况统计表", **_assemble(columns),
                 notes=[_signature(f"{reporter}驿站", filed)])


# 职工子女暑托班 ------------------------------------------------------------------------

def _day(day: date, style: int) -> Day:
    if style == 1:
        return Day(day, text=f"{day.year}年{day.month}月{day.day}日")
    if style == 2:
        return Day(day, text=f"{day.year}/{day.month}/{day.day}")
    return Day(day)


def summer_camps_table(rows: pd.DataFrame, towns: pd.DataFrame, reporter: str, year: int,
                       style: int) -> Table:
    spec = specs.SUMMER_CAMPS
    label = _town_label(towns, style)
    type_col = spec.column("class_type")

    def col(name: str, values: list, total: object = None) -> TableColumn:
        return header(spec.column(name), style), values, total

    columns = [
        col("year", [f"{y}年" if style == 1 else int(y) for y in rows["year"]]),
        col("town_code", [label[c] for c in rows["town_code"]]),
        col("class_name", list(rows["class_name"])),
        col("host_org", list(rows["host_org"])),
        col("class_type", [value_label(type_col, v, style) for v in rows["class_type"]]),
        col("start_date", [_day(d, style) for d in rows["start_date"]]),
        col("end_date", [_day(d, style) for d in rows["end_date"]]),
        *(col(name, _ints(rows[name]), int(rows[name].sum()))
          for name in ("children_enrolled", "new_form_children", "capacity")),
        col("meal_fee_yuan", _ints(rows["meal_fee_yuan"])),
    ]
    return Table(sheet=f"{year}年暑托班", title=f"{reporter}{year}年职工子女暑托班情况统计表",
                 **_assemble(columns),
                 notes=[_signature(f"{reporter}暑托", date(year, 9, 10)),
                        "说明：新就业形态劳动者指外卖送餐员、快递员、网约车司机等。"])


# 集体合同 ----------------------------------------------------------------------------

def _contract_day(day: date, style: int) -> Day:
    if style == 1:
        return Day(day, text=f"{day.year}年{day.month}月{day.day}日")
    return Day(day, fmt="yyyy/m/d" if style == 0 else "yyyy-mm-dd")


def contracts_table(rows: pd.DataFrame, towns: pd.DataFrame, reporter: str, as_of: date,
                    style: int) -> Table:
    spec = specs.COLLECTIVE_CONTRACTS
    names = ["contract_id", "town_code", "contract_type", "party_name", "signed_date",
             "expiry_date", "enterprises_covered", "workers_covered"]
    headers = ["序号"] + [header(spec.column(n), style) for n in names]
    label = _town_label(towns, style)
    type_col = spec.column("contract_type")
    data = []
    for n, r in enumerate(rows.itertuples(), start=1):
        data.append([n, r.contract_id, label[r.town_code],
                     value_label(type_col, r.contract_type, style), r.party_name,
                     _contract_day(r.signed_date, style), _contract_day(r.expiry_date, style),
                     int(r.enterprises_covered), int(r.workers_covered)])
    return Table(sheet="备案台账", title=f"{reporter}集体合同备案台账（截至{month_label(as_of)}）",
                 headers=headers, rows=data)


# 工会驿站名册 ------------------------------------------------------------------------

def _crs_labels(crs: str) -> list[str]:
    """How registers write a coordinate system: its name, a nickname (高德,
    百度, GPS …) or, for GCJ-02, nothing at all (blank means GCJ-02)."""
    column = specs.STATIONS.column("crs")
    labels = [crs] + [k for k, v in column.value_aliases.items() if v == crs]
    return labels + [""] if crs == "GCJ02" else labels


def stations_table(register: pd.DataFrame, towns: pd.DataFrame, reporter: str,
                   as_of: date) -> Table:
    spec = specs.STATIONS
    names = ["station_id", "station_name", "town_code", "address", "lon", "lat", "crs", "host_type",
             "opened_date", "facilities"]
    headers = [spec.column(n).header_zh for n in names]
    label = _town_label(towns, 0)
    data = []
    for r in register.itertuples():
        labels = _crs_labels(r.crs)
        crs_label = labels[int(rng_for("crs label", r.station_id).integers(len(labels)))]
        data.append([r.station_id, r.station_name, label[r.town_code], r.address,
                     float(r.lon), float(r.lat), crs_label or None, r.host_type,
                     Day(r.opened_date), r.facilities])
    return Table(sheet="驿站名册", title=f"{reporter}工会驿站名册（截至{month_label(as_of)}）",
                 headers=headers, rows=data,
                 notes=["说明：坐标系留空的为高德地图（GCJ02）拾取坐标。"])


# Files ----------------------------------------------------------------------------

def _by_year(frame: pd.DataFrame, column: str = "month") -> dict[int, pd.DataFrame]:
    years = frame[column].map(lambda v: v if isinstance(v, int) else v.year)
    return {int(y): part for y, part in frame.groupby(years, sort=True)}


FileJob = tuple[str, Callable[[], bytes]]


def file_jobs(world: dict[str, pd.DataFrame], towns: pd.DataFrame, last_month: date,
              scale: str) -> list[FileJob]:
    """(relative path, a function making its bytes) for every demo file, in
    the order a loader should take them: the station register before the
    visit reports that name its stations.  Making the bytes is the slow part,
    so the caller can report progress file by file."""
    jobs: list[FileJob] = []
    counties = list(towns.drop_duplicates("county_code")[["county_code", "county_zh"]]
                    .itertuples(index=False))
    city_reporter = "泉州市" if scale == "city" else "安海镇"

    def reporter_of(county_zh: str) -> str:
        return county_zh if scale == "city" else "安海镇"

    def folder_of(county_zh: str) -> str:
        return county_zh if scale == "city" else "晋江市"

    def workbook(tables: Callable[[], list[Table]], created: date) -> Callable[[], bytes]:
        return lambda: workbook_bytes(tables(), created)

    def csv_file(table: Callable[[], Table], encoding: str) -> Callable[[], bytes]:
        return lambda: csv_bytes(table(), encoding)

    stations = world["stations"]
    jobs.append((f"{city_reporter}工会驿站名册.xlsx",
                 workbook(lambda: [stations_table(stations, towns, city_reporter, last_month)],
                          _filed_on(last_month))))

    contracts = world["collective_contracts"]
    for county_code, county_zh in counties:
        part = contracts[contracts["county_code"] == county_code]
        if len(part):
            reporter = reporter_of(county_zh)
            jobs.append((f"{folder_of(county_zh)}/{reporter}集体合同备案台账.xlsx", workbook(
                lambda part=part, reporter=reporter, style=style_of(county_code):
                    [contracts_table(part, towns, reporter, last_month, style)],
                _filed_on(last_month))))

    camps = world["summer_camps"]
    for county_code, county_zh in counties:
        reporter = reporter_of(county_zh)
        for year, part in _by_year(camps[camps["county_code"] == county_code], "year").items():
            jobs.append((f"{folder_of(county_zh)}/{reporter}{year}年职工子女暑托班情况统计表.xlsx",
                         workbook(lambda part=part, reporter=reporter, year=year,
                                  style=style_of(county_code):
                                  [summer_camps_table(part, towns, reporter, year, style)],
                                  date(year, 9, 10))))

    # 安海镇 sent its 2024 reports itself, so 晋江市's workbooks leave it out.
    aid = world["mutual_aid"]
    own = (aid["town_code"] == ANHAI) & aid["month"].map(lambda m: m.year == PUBLISHED.year)
    for county_code, county_zh in counties:
        reporter = reporter_of(county_zh)
        style = style_of(county_code)
        county_aid = aid[~own & (aid["county_code"] == county_code)]
        for year, part in _by_year(county_aid).items():
            stem = f"{folder_of(county_zh)}/{reporter}{year}年职工医疗互助月报"
            if county_code in CSV_COUNTIES:
                by_month = part.sort_values(["month", "town_code"], kind="stable")
                jobs.append((f"{stem}.csv", csv_file(
                    lambda rows=by_month, reporter=reporter, style=style:
                        mutual_aid_table(rows, towns, reporter, None, style, sheet=""),
                    CSV_COUNTIES[county_code])))
                continue
            jobs.append((f"{stem}.xlsx", workbook(
                lambda part=part, reporter=reporter, style=style:
                    [mutual_aid_table(rows, towns, reporter, month, style, month_label(month))
                     for month, rows in part.groupby("month", sort=True)],
                _filed_on(part["month"].max()))))
    for month, rows in aid[own].groupby("month", sort=True):
        path = f"晋江市/安海镇/安海镇{month_label(month)}职工医疗互助情况统计表.xlsx"
        jobs.append((path, lambda rows=rows, month=month: anhai_mutual_aid_file(rows, month)))

    visits = world["station_visits"]
    for county_code, county_zh in counties:
        reporter = reporter_of(county_zh)
        style = style_of(county_code)
        county_visits = visits[visits["county_code"] == county_code]
        for year, part in _by_year(county_visits).items():
            stem = f"{folder_of(county_zh)}/{reporter}{year}年工会驿站服务人次月报"
            if county_code in CSV_VISITS_COUNTIES:
                jobs.append((f"{stem}.csv", csv_file(
                    lambda part=part, reporter=reporter, code=county_code, style=style:
                        station_visits_table(part, reporter, code, None, style, sheet=""),
                    CSV_COUNTIES[county_code])))
                continue
            jobs.append((f"{stem}.xlsx", workbook(
                lambda part=part, reporter=reporter, code=county_code, style=style:
                    [station_visits_table(rows, reporter, code, month, style, month_label(month))
                     for month, rows in part.groupby("month", sort=True)],
                _filed_on(part["month"].max()))))
    return jobs


def build_files(world: dict[str, pd.DataFrame], towns: pd.DataFrame, last_month: date,
                scale: str) -> list[tuple[str, bytes]]:
    """Every demo file as (relative path, bytes), in load order."""
    return [(path, make()) for path, make in file_jobs(world, towns, last_month, scale)]
