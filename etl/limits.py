"""Upload limits, checked before a file is parsed.

A parser given a hostile file can be made to use any amount of memory and
time, so what a file *declares* is checked first, cheaply:

* its size in bytes;
* an .xlsx is a zip: the sizes its members declare once unpacked (in total,
  and each member's packing ratio) are read from the zip's directory without
  unpacking anything, so a zip bomb is refused before it is inflated;
* the number of sheets, and each sheet's rows and columns from the
  ``<dimension ref="A1:H250">`` tag at the head of its XML (at most
  ``_HEAD_BYTES`` of it are unpacked to find the tag);
* for CSV text, rows (line breaks) and columns (delimiters in the widest of
  the first lines), counted on the bytes: an upper estimate (a delimiter or
  line break inside quotes counts too), so it errs on the side of refusing.

Each check yields an Issue with a code from etl/messages.py; no issues means
the parser may try.  What these checks cannot see (a member that lies about
its size, an .xls) is bounded by the size limit.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from etl import settings
from etl.messages import Issue, issue

MB = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
# Members smaller than this unpack to little whatever their ratio.
_RATIO_FLOOR_BYTES = 1 * MB
_HEAD_BYTES = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_SHEET_XML = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,4})\$?([0-9]{1,8})"
                        rb"(?::\$?([A-Z]{1,4})\$?([0-9]{1,8}))?\"")
_DELIMITERS = (b",", b"\t", b";")
_FIRST_LINES = 50


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_sheets: int
    max_columns: int
    max_cells: int
    max_unzipped_bytes: int
    max_ratio: float

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(max_bytes=int(settings.max_upload_mb() * MB),
                   max_rows=settings.max_upload_rows(),
                   max_sheets=settings.max_upload_sheets(),
                   max_columns=settings.max_upload_columns(),
                   max_cells=settings.max_upload_cells(),
                   max_unzipped_bytes=int(settings.max_unzipped_mb() * MB),
                   max_ratio=settings.max_zip_ratio())


def size_text(size: int) -> str:
    value = size / MB
    if value >= 1024:
        return f"{value / 1024:.1f} GB"
    return f"{value:.0f} MB" if abs(value - round(value)) < 0.05 else f"{value:.1f} MB"


def count_text(count: int) -> str:
    return f"{count:,}"


def column_number(letters: bytes | str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(char) - 64
    return number


def check(name: str, data: bytes, limits: Limits | None = None) -> list[Issue]:
    """What stops ``data`` from being parsed, or nothing."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        return [issue("file_too_large", file=name, size=size_text(len(data)),
                      limit=size_text(limits.max_bytes))]
    if data.startswith(_ZIP_MAGIC):
        return check_workbook(name, data, limits)
    if data.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        return []       # .xls or an encrypted workbook: only the size is knowable cheaply
    return check_text(name, data, limits)


def check_workbook(name: str, data: bytes, limits: Limits) -> list[Issue]:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return []       # damaged: the reader says so in words the uploader can act on
    if len(members) > MAX_ZIP_MEMBERS:
        return [issue("zip_too_many_members", file=name, count=count_text(len(members)),
                      limit=count_text(MAX_ZIP_MEMBERS))]
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unzipped_bytes:
        return [issue("zip_too_large", file=name, unpacked=size_text(unpacked),
                      limit=size_text(limits.max_unzipped_bytes))]
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
            return [issue("zip_bomb", file=name, member=member.filename[:80],
                          ratio=f"{ratio:,.0f}", limit=f"{limits.max_ratio:,.0f}")]
    sheets = [m for m in members if _SHEET_XML.match(m.filename)]
    if len(sheets) > limits.max_sheets:
        return [issue("too_many_sheets", file=name, count=count_text(len(sheets)),
                      limit=count_text(limits.max_sheets))]
    rows = cells = 0
    for member in sheets:
        shape = _dimension(book, member)
        if shape is None:
            continue
        sheet_rows, sheet_columns = shape
        if sheet_columns > limits.max_columns:
            return [issue("too_many_columns", file=name, columns=count_text(sheet_columns),
                          limit=count_text(limits.max_columns))]
        rows += sheet_rows
        cells += sheet_rows * sheet_columns
    return _rows_and_cells(name, rows, cells, limits)


def _dimension(book: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int] | None:
    """(rows, columns) a sheet's dimension tag declares, from the rows and
    columns of its last cell; None without a tag."""
    try:
        with book.open(member) as stream:
            head = stream.read(_HEAD_BYTES)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return None     # encrypted or damaged member: the reader reports it
    found = _DIMENSION.search(head)
    if not found:
        return None
    last_column = found.group(3) or found.group(1)
    last_row = found.group(4) or found.group(2)
    return int(last_row), column_number(last_column)


def check_text(name: str, data: bytes, limits: Limits) -> list[Issue]:
    rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    head = data.split(b"\n", _FIRST_LINES)[:_FIRST_LINES]
    columns = max((line.count(d) + 1 for line in head for d in _DELIMITERS), default=1)
    if columns > limits.max_columns:
        return [issue("too_many_columns", file=name, columns=count_text(columns),
                      limit=count_text(limits.max_columns))]
    return _rows_and_cells(name, rows, rows * columns, limits)


def _rows_and_cells(name: str, rows: int, cells: int, limits: Limits) -> list[Issue]:
    if rows > limits.max_rows:
        return [issue("too_many_rows", file=name, rows=count_text(rows),
                      limit=count_text(limits.max_rows))]
    if cells > limits.max_cells:
        return [issue("too_many_cells", file=name, cells=count_text(cells),
                      limit=count_text(limits.max_cells))]
    return []
