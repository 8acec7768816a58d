"""Blank input templates, one .xlsx per dataset, generated from the specs.

The data sheet has a title row, the Chinese headers (required ones in red,
each with its note as a comment), one example row, dropdowns for towns,
stations and every choice column, and column widths and number formats
that keep a typed "2024-07" text and a date a date.  A 填表说明 sheet lists
every column as the data dictionary does, in Chinese and English.
"""
from __future__ import annotations

import io
import unicodedata
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter

from etl import context as warehouse_context
from etl import settings, warehouse
from etl.dictionary import HEADINGS, describe_column
from etl.specs import Column, Dataset

GUIDE_SHEET = "填表说明"
LISTS_SHEET = "下拉选项"
HEADER_ROW = 1         # 0-based: row 2 in Excel, under the title
EXAMPLE_ROW = 2
VALIDATED_ROWS = 2000  # how many rows under the header get the dropdowns

NUMBER_FORMATS = {
    "count": "0",
    "year": "0",
    "amount": "#,##0.00",
    "number": "0.000000",
    "date": "yyyy-mm-dd",
    # Typed as text so Excel does not turn "2024-07" into a date, or a town
    # code into a number.
    "month": "@",
    "town": "@",
    "station": "@",
    "text": "@",
    "choice": "@",
}


def default_file_name(spec: Dataset) -> str:
    return f"{spec.title_zh}_导入模板.xlsx"


def display_width(text: object) -> int:
    """Columns an Excel cell needs: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _example(column: Column) -> object:
    if column.kind == "date" and isinstance(column.example, str):
        return date.fromisoformat(column.example)
    return column.example


def dropdown_lists(spec: Dataset, db: Path | None = None) -> dict[str, list[str]]:
    """Per column, the values its dropdown offers: towns from the warehouse
    (or the reference list before ``init``), station ids from the current
    register when there is a warehouse, and every choice column's choices."""
    db = Path(db or settings.db_path())
    towns, stations = None, None
    if db.exists():
        with warehouse.read(db) as con:
            if warehouse.has_table(con, "org_units"):
                towns = warehouse_context.read_towns(con)
                stations = warehouse_context.read_stations(con)
    if towns is None:
        towns = warehouse_context.read_towns(None)
    lists: dict[str, list[str]] = {}
    for column in spec.columns:
        if column.kind == "town":
            lists[column.name] = towns["name_zh"].astype(str).tolist()
        elif column.kind == "station" and stations is not None and len(stations):
            lists[column.name] = stations["station_id"].astype(str).tolist()
        elif column.kind == "choice":
            lists[column.name] = list(column.choices)
    return lists


def build_template(spec: Dataset, *, db: Path | None = None) -> bytes:
    """The template workbook for ``spec``, as bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    _data_sheet(book, spec, dropdown_lists(spec, db))
    _guide_sheet(book, spec)
    book.close()
    return buffer.getvalue()


def write_template(spec: Dataset, path: Path | str, *, db: Path | None = None) -> Path:
    path = Path(path)
    path.write_bytes(build_template(spec, db=db))
    return path


def _data_sheet(book: xlsxwriter.Workbook, spec: Dataset, lists: dict[str, list[str]]) -> None:
    sheet = book.add_worksheet(spec.title_zh[:31])
    title = book.add_format({"bold": True, "font_size": 14, "valign": "vcenter"})
    required = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#C0392B",
                                "border": 1, "align": "center", "valign": "vcenter",
                                "text_wrap": True})
    optional = book.add_format({"bold": True, "bg_color": "#D5D8DC", "border": 1,
                                "align": "center", "valign": "vcenter", "text_wrap": True})
    formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
    example_formats = {kind: book.add_format({"num_format": fmt, "font_color": "#7F8C8D"})
                       for kind, fmt in NUMBER_FORMATS.items()}

    last = len(spec.columns) - 1
    sheet.merge_range(0, 0, 0, last,
                      f"{spec.title_zh}（{spec.grain_zh}）  红色表头为必填，第 3 行为示例，"
                      f"请覆盖或删除 / {spec.title_en}: {spec.grain_en}; red headers are "
                      "required; row 3 is an example, overwrite or delete it", title)
    sheet.set_row(0, 30)
    sheet.set_row(HEADER_ROW, 32)

    list_columns = _write_lists(book, lists)
    for index, column in enumerate(spec.columns):
        sheet.write_string(HEADER_ROW, index, column.header_zh,
                           required if column.required else optional)
        comment = ("必填 / required" if column.required else "选填 / optional")
        if column.note_zh:
            comment += f"\n{column.note_zh}\n{column.note_en}"
        sheet.write_comment(HEADER_ROW, index, comment, {"x_scale": 2, "y_scale": 1.5})

        example = _example(column)
        cell_format = example_formats[column.kind]
        if isinstance(example, date):
            sheet.write_datetime(EXAMPLE_ROW, index, example, cell_format)
        elif isinstance(example, (int, float)):
            sheet.write_number(EXAMPLE_ROW, index, example, cell_format)
        elif example is not None:
            sheet.write_string(EXAMPLE_ROW, index, str(example), cell_format)

        width = max(display_width(column.header_zh), display_width(example or ""), 8) + 2
        sheet.set_column(index, index, min(width, 40), formats[column.kind])

        if column.name in list_columns:
            sheet.data_validation(EXAMPLE_ROW, index, EXAMPLE_ROW + VALIDATED_ROWS, index, {
                "validate": "list",
                "source": f"={list_columns[column.name]}",
                # Codes, short names and value aliases are accepted too, so a
                # value off the list is questioned, not refused.
                "error_type": "warning",
                "error_title": "不在列表中 / Not in the list",
                "error_message": "请从下拉列表选择 / please pick from the list",
            })
    sheet.freeze_panes(EXAMPLE_ROW, 0)
    sheet.activate()


def _write_lists(book: xlsxwriter.Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """Put the dropdown values on a hidden sheet, one column per list, and
    name each range (an inline list is limited to 255 characters)."""
    if not lists:
        return {}
    sheet = book.add_worksheet(LISTS_SHEET)
    names = {}
    for index, (column_name, values) in enumerate(lists.items()):
        for row, value in enumerate(values):
            sheet.write_string(row, index, value)
        letter = xlsxwriter.utility.xl_col_to_name(index)
        range_name = f"list_{column_name}"
        book.define_name(range_name,
                         f"='{LISTS_SHEET}'!${letter}$1:${letter}${max(len(values), 1)}")
        names[column_name] = range_name
    sheet.hide()
    return names


# The canonical field name is left out, and each cell holds both languages
# ("人次 / visits"): a lone "visits" or "station_id" is an accepted header,
# and a row holding two accepted headers could pass for a table's header row.
GUIDE_KEYS = ["header", "aliases", "type", "unit", "bounds", "required", "note"]


def _both(zh: str, en: str) -> str:
    if not en or zh == en:
        return zh
    if not zh:
        return en
    return f"{zh} / {en}"


def guide_frame(spec: Dataset) -> pd.DataFrame:
    """The 填表说明 table: per column, the dictionary's words in Chinese and
    English.  The header column holds the Chinese header alone, as typed."""
    rows = []
    for column in spec.columns:
        zh = describe_column(spec, column, "zh")
        en = describe_column(spec, column, "en")
        row = {_both(HEADINGS["zh"]["header"], HEADINGS["en"]["header"]): column.header_zh}
        for key in GUIDE_KEYS[1:]:
            # The aliases are the same words in either language.
            value = zh[key] if key == "aliases" else _both(zh[key], en[key])
            row[_both(HEADINGS["zh"][key], HEADINGS["en"][key])] = value
        rows.append(row)
    return pd.DataFrame(rows)


def _guide_sheet(book: xlsxwriter.Workbook, spec: Dataset) -> None:
    sheet = book.add_worksheet(GUIDE_SHEET)
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#D5D8DC", "border": 1, "text_wrap": True,
                            "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet.write_string(0, 0, f"{spec.title_zh} 填表说明 / {spec.title_en}: how to fill in", bold)
    sheet.write_string(1, 0, f"每行是：{spec.grain_zh} / One row is: {spec.grain_en}")
    sheet.write_string(2, 0, "同一镇街同一期间重新导入，会替换原有数据（可撤销） / Loading the same "
                             "town and period again replaces the earlier rows (and can be undone)")
    guide = guide_frame(spec)
    top = 4
    for index, name in enumerate(guide.columns):
        sheet.write_string(top, index, name, head)
        longest = max([display_width(name), *(display_width(v) for v in guide[name])])
        sheet.set_column(index, index, min(max(longest + 2, 8), 45))
    for row, values in enumerate(guide.itertuples(index=False), start=top + 1):
        for index, value in enumerate(values):
            sheet.write_string(row, index, str(value), wrap)
