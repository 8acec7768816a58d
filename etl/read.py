"""Reading an uploaded file into sheets of raw cells (``SheetGrid``).

Workbooks go through python-calamine (fast, and it reads .xls and .ods too);
CSV text is decoded here because people's CSVs come in UTF-8, UTF-8 with a
BOM, UTF-16 ("Unicode text" from Excel) and, most often from Excel on a
Chinese Windows, GBK — which must arrive as Chinese, never as mojibake.

Nothing here raises on a bad file: every way a file can be unreadable becomes
a file-level Issue saying what is wrong in words the uploader can act on.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
from pathlib import PurePath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import python_calamine

from etl.messages import Issue, issue
from etl.model import SheetGrid

WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
SUPPORTED = ", ".join(WORKBOOK_EXTENSIONS + TEXT_EXTENSIONS)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# An encrypted .xlsx is an OLE container holding an "EncryptionInfo" stream.
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_DELIMITERS = (",", "\t", ";")


def extension(name: str) -> str:
    return PurePath(name).suffix.lower()


def read_file(name: str, data: bytes) -> tuple[list[SheetGrid], list[Issue]]:
    """The sheets of one uploaded file, or the file-level issue that stops it."""
    ext = extension(name)
    if not data.strip() or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return [], [issue("empty_file", file=name)]
    # Content decides for binary workbooks, so an .xlsx saved as "x.csv" still reads.
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        if ext not in WORKBOOK_EXTENSIONS + TEXT_EXTENSIONS:
            return [], [issue("unsupported_file_type", file=name, ext=ext or "-", supported=SUPPORTED)]
        return read_workbook(name, data)
    if ext in TEXT_EXTENSIONS:
        return read_csv(name, data)
    if ext in WORKBOOK_EXTENSIONS:
        return [], [issue("not_a_spreadsheet", file=name, ext=ext)]
    return [], [issue("unsupported_file_type", file=name, ext=ext or "-", supported=SUPPORTED)]


@contextlib.contextmanager
def _no_cyclic_gc():
    """The cyclic garbage collector paused while a sheet becomes Python rows.

    to_python makes one list per row; every 700 new lists start a
    collection, and as they pile up the full collections walk the whole
    heap again and again: ~50 ms of a 100,000-row sheet's ~400 ms, to find
    nothing, since lists of cells refer to no one.  Reference counting still
    frees everything as usual; the collector runs again afterwards.  Only
    the one who paused it resumes it, so it is never left off (another
    thread reading at the same time may find it on again sooner)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def read_workbook(name: str, data: bytes) -> tuple[list[SheetGrid], list[Issue]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        return [], [issue("password_protected", file=name)]
    except Exception:  # calamine reports every damaged file as a bare CalamineError
        if data.startswith(_OLE_MAGIC) and _ENCRYPTION_INFO in data[:65536]:
            return [], [issue("password_protected", file=name)]
        return [], [issue("unreadable_file", file=name)]
    grids = []
    try:
        with workbook:
            for meta in workbook.sheets_metadata:
                # Hidden sheets in office templates hold the drop-down lists, not data.
                if (meta.typ != python_calamine.SheetTypeEnum.WorkSheet
                        or meta.visible != python_calamine.SheetVisibleEnum.Visible):
                    continue
                with _no_cyclic_gc():
                    sheet = workbook.get_sheet_by_name(meta.name)
                    # skip_empty_area=False keeps rows[i] == Excel row i+1, so
                    # the row numbers in messages are the ones the user sees.
                    rows = sheet.to_python(skip_empty_area=False)
                merged = [(r0, c0, r1, c1)
                          for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
                grids.append(SheetGrid(file=name, sheet=meta.name, rows=rows, merged=merged))
    except Exception:
        return [], [issue("unreadable_file", file=name)]
    if not any(any(cell != "" for cell in row) for grid in grids for row in grid.rows):
        return [], [issue("empty_file", file=name)]
    return grids, []


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM first, then strict UTF-8, then GB18030 (a
    superset of GBK, what Excel on Chinese Windows writes).  Raises
    UnicodeDecodeError when none of them fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


class ColumnarGrid(SheetGrid):
    """A CSV sheet held column by column: ``columns[j]`` is a pyarrow string
    array of column j+1, one entry per line ('' for an empty cell), so that
    a million-row file is never a million Python lists.  ``rows`` (the
    SheetGrid view, rows[i] == line i+1) is built on first use only."""

    def __init__(self, file: str, sheet: str, columns: list[pa.Array]):
        self.file, self.sheet, self.merged = file, sheet, []
        self.columns = columns
        self.height = len(columns[0]) if columns else 0
        self._rows: list[list[object]] | None = None

    @property
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            self._rows = [list(row) for row in zip(*(c.to_pylist() for c in self.columns))]
        return self._rows

    @rows.setter
    def rows(self, rows: list[list[object]]) -> None:
        self._rows = rows

    @property
    def materialised(self) -> bool:
        return self._rows is not None

    def head(self, count: int) -> list[list[object]]:
        if self._rows is not None:
            return self._rows[:count]
        return [list(row) for row in zip(*(c.slice(0, count).to_pylist() for c in self.columns))]


def _head_lines(text: str, count: int) -> list[str]:
    """text.splitlines()[:count] without splitting the whole text."""
    size = 8192
    while True:
        lines = text[:size].splitlines()
        # More lines than wanted: the first ``count`` are all complete.
        if len(lines) > count or size >= len(text):
            return lines[:count]
        size *= 4


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into
    more than one field: comma, tab or semicolon."""
    sample = _head_lines(text, 30)
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delimiter) if row]
        except csv.Error:
            continue
        multi = [w for w in widths if w > 1]
        if not multi:
            continue
        modal = max(set(multi), key=multi.count)
        score = multi.count(modal) * modal
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(name: str, data: bytes) -> tuple[list[SheetGrid], list[Issue]]:
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError:
        return [], [issue("unknown_encoding", file=name)]
    if "\x00" in text:
        return [], [issue("not_a_spreadsheet", file=name, ext=extension(name))]
    if not text or text.isspace():        # not text.strip(), which would copy it
        return [], [issue("empty_file", file=name)]
    delimiter = "\t" if extension(name) == ".tsv" else sniff_delimiter(text)
    grid = _read_columns(name, data, text, encoding, delimiter)
    if grid is not None:
        return [grid], []
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return [], [issue("unreadable_file", file=name)]
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
    return [SheetGrid(file=name, sheet="", rows=rows)], []


def _read_columns(name: str, data: bytes, text: str, encoding: str,
                  delimiter: str) -> ColumnarGrid | None:
    """The CSV parsed by pyarrow, column by column, when that gives exactly
    what csv.reader gives: text without quotes (so every line break ends a
    row and every delimiter ends a field) whose lines all have the same
    number of fields (an empty line reads as a row of '' either way).
    None otherwise: the caller then reads it with csv.reader."""
    if '"' in text:
        return None
    if encoding == "utf-8":
        utf8 = data
    elif encoding == "utf-8-sig":
        utf8 = data[len(codecs.BOM_UTF8):]
    else:
        utf8 = text.encode("utf-8")
    first = _head_lines(text, 1)
    width = len(first[0].split(delimiter)) if first else 1
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(utf8),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False,
                                              escape_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{j}": pa.string() for j in range(width)},
                strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None     # ragged lines: csv.reader pads them
    if table.num_columns != width:
        return None
    columns = [column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
               for column in table.columns]
    columns = [c.cast(pa.string()) if c.type != pa.string() else c for c in columns]
    # csv.reader refuses a field over its size limit; so must this.
    limit = csv.field_size_limit()
    for column in columns:
        longest = pc.max(pc.binary_length(column)).as_py() or 0
        if longest > limit and (pc.max(pc.utf8_length(column)).as_py() or 0) > limit:
            return None
    return ColumnarGrid(name, "", columns)
