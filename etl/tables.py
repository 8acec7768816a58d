"""Finding the table in a sheet: its header, its dataset, its data rows.

Office sheets put a title and a 填报单位/日期 line above the header, may
split the header over two rows with merged cells (补助情况 over 人次 and 金额),
number the rows (序号), add 合计/小计 rows, and end with 填表人/审核人/联系电话
lines.  This module recognises all of that from the column specs' aliases and
hands the validator only the data rows, column by column, as factorised
arrays (codes into the distinct values) so that each distinct value is
looked at once.
"""
from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.messages import Issue, column_letter, issue
from etl.model import SheetGrid
from etl.normalise import factorize, header_key, is_blank, is_number
from etl.read import ColumnarGrid
from etl.specs import DATASETS, ROSTER_PII_HEADERS, TOTAL_ROW_LABELS, Dataset

HEADER_SCAN_ROWS = 15
# A row needs this many cells naming columns of one dataset to be a header.
MIN_HEADER_MATCHES = 2

# Headers that are understood and deliberately not loaded.
IGNORED_HEADERS = frozenset(header_key(h) for h in (
    "序号", "序", "no", "no.", "编号序", "备注", "说明", "remark", "remarks", "note", "notes"))
# First words of the lines under a table (and of cells that are not data).
NOTE_PREFIXES = tuple(header_key(p) for p in (
    "填表人", "填报人", "制表人", "制表", "审核人", "审核", "负责人", "单位负责人", "分管领导",
    "联系人", "联系电话", "电话", "经办人", "统计人", "填表日期", "填报日期", "制表日期",
    "报送日期", "注", "备注", "说明", "填表说明", "数据来源"))
_TOTAL_KEYS = frozenset(header_key(label) for label in TOTAL_ROW_LABELS)
_TOTAL_WORDS = ("合计", "总计", "小计")
_SUBTOTAL_WORD = "小计"
_TRAILING_UNIT = re.compile(r"\([^()]*\)$")
_SPACES = re.compile(r"\s+")

# Datasets whose rows can be a per-person list, and which columns such a
# list must have (the counts are made by counting the people).
ROSTER_DATASETS = {"mutual_aid": ("month", "town_code", "scheme", "claims_paid_yuan")}
# Columns a sheet may leave out because the load can supply them: the town
# from --unit, the title or the file name; the month or year from the title.
DERIVABLE = frozenset({"town_code", "month", "year"})


def _alias_index() -> dict[str, dict[str, list[tuple[int, str]]]]:
    """dataset -> header_key(alias) -> [(priority, column name)]."""
    index: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for spec in DATASETS.values():
        keys: dict[str, list[tuple[int, str]]] = {}
        for col in spec.columns:
            for priority, header in enumerate(col.headers):
                entry = keys.setdefault(header_key(header), [])
                if all(name != col.name for _, name in entry):
                    entry.append((priority, col.name))
        index[spec.name] = keys
    return index


ALIASES = _alias_index()
PII_KEYS = {header_key(h): kind for kind, headers in ROSTER_PII_HEADERS.items() for h in headers}
# Every header any dataset knows: a row naming none of them is no header,
# whatever the dataset (most rows of a sheet, checked cheaply).
KNOWN_KEYS = frozenset(PII_KEYS).union(*(keys for keys in ALIASES.values()))


@dataclass
class HeaderCell:
    index: int            # 0-based column
    written: str          # as shown in messages: "补助情况/金额（元）"
    parent: str = ""      # the upper row of a two-row header
    child: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    """Where a table is in a sheet and what its columns mean."""
    dataset: str
    header_rows: tuple[int, ...]                  # 0-based grid rows
    cells: list[HeaderCell]
    mapping: dict[str, HeaderCell]                # canonical column -> header cell
    pii: list[HeaderCell]
    unknown: list[HeaderCell]
    title_lines: list[str]
    score: int

    @property
    def roster(self) -> bool:
        return bool(self.pii)

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1


@dataclass
class RawColumn:
    """One mapped column's data rows: ``uniques[codes]`` are the raw cells."""
    name: str
    header: str
    letter: str
    codes: np.ndarray
    uniques: np.ndarray
    scale: float = 1.0      # 10000 when the header says 万元
    # Set when every cell is a plain number (the common case for counts):
    # the values themselves, and codes/uniques are then the identity.
    numbers: np.ndarray | None = None


@dataclass
class TotalRow:
    row: int                # Excel row
    label: str
    subtotal: bool          # 小计: adds up the data rows since the previous total
    cells: dict[str, object]
    before: int             # data rows above it


@dataclass
class RawTable:
    file: str
    sheet: str
    layout: Layout
    rows: np.ndarray                                  # Excel row number of each data row
    columns: dict[str, RawColumn]
    totals: list[TotalRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def dataset(self) -> Dataset:
        return DATASETS[self.layout.dataset]

    @property
    def title(self) -> str:
        return self.layout.title_lines[0] if self.layout.title_lines else ""


# Headers -----------------------------------------------------------------

def _columnar(grid: SheetGrid) -> bool:
    """A CSV still held as columns (nobody has asked for its rows)."""
    return isinstance(grid, ColumnarGrid) and not grid.materialised


def _height(grid: SheetGrid) -> int:
    return grid.height if _columnar(grid) else len(grid.rows)


def _head(grid: SheetGrid, count: int) -> list[list[object]]:
    return grid.head(count) if _columnar(grid) else grid.rows[:count]


def _text(value: object) -> str:
    if type(value) is str and len(value) > 8 and not value[0].isspace():
        return _SPACES.sub(" ", value).strip()     # surely not a blank mark
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _SPACES.sub(" ", str(value)).strip()


def _filled_top(grid: SheetGrid, rows: int) -> list[list[str]]:
    """The first ``rows`` rows as text, with each merged range's value copied
    across the whole range (calamine puts it in the top-left cell only)."""
    top = [[_text(v) for v in row] for row in _head(grid, rows)]
    for r0, c0, r1, c1 in grid.merged:
        if r0 >= rows:
            continue
        value = top[r0][c0] if c0 < len(top[r0]) else ""
        for r in range(r0, min(r1, rows - 1) + 1):
            for c in range(c0, min(c1, len(top[r]) - 1) + 1):
                top[r][c] = value
    return top


def _single_cells(row: list[str]) -> list[HeaderCell]:
    return [HeaderCell(j, text) for j, text in enumerate(row) if text]


def _two_row_cells(upper: list[str], lower: list[str]) -> list[HeaderCell]:
    cells = []
    for j in range(max(len(upper), len(lower))):
        parent = upper[j] if j < len(upper) else ""
        child = lower[j] if j < len(lower) else ""
        if not parent and not child:
            continue
        if parent and child and parent != child:
            cells.append(HeaderCell(j, f"{parent}/{child}", parent, child))
        else:
            cells.append(HeaderCell(j, parent or child))
    return cells


def _candidates(key: str) -> list[str]:
    """Keys to try for a header: as written, then without a trailing (unit)."""
    out = [key]
    stripped = _TRAILING_UNIT.sub("", key)
    if stripped and stripped != key:
        out.append(stripped)
    return out


def _lookup(aliases: dict[str, list[tuple[int, str]]], text: str) -> tuple[int, str] | None:
    for rank, key in enumerate(_candidates(header_key(text))):
        hits = aliases.get(key)
        if hits:
            # Several columns may share an alias (编号); the lowest priority wins.
            priority, name = min(hits)
            return rank * 100 + priority, name
    return None


def map_columns(cells: list[HeaderCell], dataset: str
                ) -> tuple[dict[str, HeaderCell], list[HeaderCell], list[HeaderCell]]:
    """(canonical -> cell, PII cells, cells not understood) for one dataset."""
    aliases = ALIASES[dataset]
    best: dict[str, tuple[int, HeaderCell]] = {}
    child_hits: dict[str, list[HeaderCell]] = {}
    pii, unknown = [], []
    for cell in cells:
        key = header_key(cell.written)
        if key in PII_KEYS or header_key(cell.child) in PII_KEYS:
            pii.append(cell)
            continue
        hit = _lookup(aliases, cell.written)
        if hit is None and cell.child:
            hit = _lookup(aliases, cell.child)
            if hit is not None:
                child_hits.setdefault(hit[1], []).append(cell)
                hit = (hit[0] + 1000, hit[1])
        if hit is None:
            if key not in IGNORED_HEADERS and header_key(cell.parent) not in IGNORED_HEADERS:
                unknown.append(cell)
            continue
        rank, name = hit
        if name not in best or rank < best[name][0]:
            best[name] = (rank, cell)
    mapping = {}
    for name, (rank, cell) in best.items():
        # A child header alone ("人次" under two parents) counts only when it
        # points at one column; otherwise nobody can tell which is meant.
        if rank >= 1000 and len(child_hits.get(name, [])) > 1:
            unknown.extend(child_hits[name])
            continue
        mapping[name] = cell
    order = {c.name: i for i, c in enumerate(DATASETS[dataset].columns)}
    mapping = dict(sorted(mapping.items(), key=lambda item: order[item[0]]))
    return mapping, pii, sorted(unknown, key=lambda cell: cell.index)


def _rank(dataset: str, mapping: dict[str, HeaderCell], pii: list[HeaderCell]) -> tuple:
    """How well a header fits a dataset: required columns covered (as a
    share), then columns matched."""
    spec = DATASETS[dataset]
    required = required_columns(spec, roster=bool(pii) and dataset in ROSTER_DATASETS)
    covered = sum(1 for name in required if name in mapping)
    return covered / len(required), len(mapping)


def required_columns(spec: Dataset, *, roster: bool) -> tuple[str, ...]:
    if roster:
        return ROSTER_DATASETS[spec.name]
    return tuple(c.name for c in spec.required)


def _best_dataset(cells: list[HeaderCell], forced: str | None) -> tuple[str, int, tuple]:
    """(dataset, number of header cells understood, rank)."""
    best = None
    for name in ([forced] if forced else DATASETS):
        mapping, pii, _ = map_columns(cells, name)
        rank = _rank(name, mapping, pii)
        score = len(mapping) + len(pii)
        candidate = (rank, score, name)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    rank, score, name = best
    return name, score, rank


def locate(grid: SheetGrid, dataset: str | None = None) -> Layout | None:
    """The header and dataset of the table in ``grid``: the row among the
    first HEADER_SCAN_ROWS (or pair of rows, when merged cells make a
    two-row header) whose cells name most columns.  None when no row names
    even one."""
    height = _height(grid)
    scan = min(HEADER_SCAN_ROWS, height)
    top = _filled_top(grid, min(scan + 1, height))
    merged_starts = {}
    for r0, c0, r1, c1 in grid.merged:
        if r0 < scan and (c1 > c0 or r1 > r0):
            merged_starts.setdefault(r0, []).append((r0, c0, r1, c1))
    best = None
    for r in range(scan):
        options = [((r,), _single_cells(top[r]), 0)]
        if r + 1 < len(top) and r in merged_starts and _looks_like_subheader(top[r + 1]):
            split = _splits_columns(top[r], top[r + 1], merged_starts[r])
            options.append(((r, r + 1), _two_row_cells(top[r], top[r + 1]), 1 if split else -1))
        for rows, cells, preference in options:
            if not any(_known(cell) for cell in cells):
                continue
            name, score, rank = _best_dataset(cells, dataset)
            # Prefer more columns understood; then the better-fitting dataset;
            # then a header whose merged cells are split below (补助情况 over
            # 人次, 金额), then one row (not a title glued onto the header).
            key = (score, rank, preference)
            if score and (best is None or key > best[0]):
                best = (key, rows, cells, name)
    if best is None:
        return None
    (score, _, _), rows, cells, name = best
    mapping, pii, unknown = map_columns(cells, name)
    title_lines = [" ".join(t for t in dict.fromkeys(top[r]) if t) for r in range(rows[0])]
    return Layout(dataset=name, header_rows=rows, cells=cells, mapping=mapping, pii=pii,
                  unknown=unknown, title_lines=[t for t in title_lines if t], score=score)


def _splits_columns(upper: list[str], lower: list[str],
                    merges: list[tuple[int, int, int, int]]) -> bool:
    """True when the lower row subdivides the upper one: the upper row has
    several headers and every text below sits under a merged group (or
    repeats a header merged down), unlike a title merged over a header."""
    if len({t for t in upper if t}) < 2:
        return False
    groups = [(c0, c1) for _, c0, _, c1 in merges if c1 > c0]
    if not groups:
        return False
    for j, text in enumerate(lower):
        if not text:
            continue
        under_group = any(c0 <= j <= c1 for c0, c1 in groups)
        merged_down = j < len(upper) and upper[j] == text
        if not (under_group or merged_down):
            return False
    return True


def _known(cell: HeaderCell) -> bool:
    return _known_text(cell.written) or (bool(cell.child) and _known_text(cell.child))


@lru_cache(maxsize=8192)
def _known_text(text: str) -> bool:
    return any(key in KNOWN_KEYS for key in _candidates(header_key(text)))


def _looks_like_subheader(row: list[str]) -> bool:
    """A row of text only (no numbers): the lower half of a two-row header."""
    texts = [t for t in row if t]
    return bool(texts) and not any(re.fullmatch(r"[-+]?[\d,.]+", t) for t in texts)


# Data rows ---------------------------------------------------------------

def _is_total_label(value: object) -> bool:
    if not isinstance(value, str) or _is_note(value):
        return False
    key = header_key(value)
    if key in _TOTAL_KEYS:
        return True
    # "全镇合计", "合计：", "小计(安海)" — short cells that say total.
    return len(key) <= 10 and any(word in key for word in _TOTAL_WORDS)


def _is_note(value: object) -> bool:
    return isinstance(value, str) and header_key(value).startswith(NOTE_PREFIXES)


def classify_uniques(uniques: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(blank, text, total label, note) for each distinct value of a column.

    Real numbers are recognised in one vectorised step; only the rest (text,
    dates, blanks) is looked at one by one.
    """
    count = len(uniques)
    blank = np.zeros(count, dtype=bool)
    text = np.zeros(count, dtype=bool)
    total = np.zeros(count, dtype=bool)
    note = np.zeros(count, dtype=bool)
    for i in np.flatnonzero(~is_number(uniques)):
        value = uniques[i]
        if is_blank(value):
            blank[i] = True
        elif isinstance(value, str):
            text[i] = True
            note[i] = _is_note(value)
            total[i] = not note[i] and _is_total_label(value)
    return blank, text, total, note


def _fill_down_merged(grid: SheetGrid, layout: Layout) -> None:
    """A town (or month, or scheme) merged down over several data rows
    belongs to each of them; numbers merged down are not copied (that would
    count them twice)."""
    text_columns = {cell.index for name, cell in layout.mapping.items()
                    if DATASETS[layout.dataset].column(name).kind
                    not in ("count", "amount", "number")}
    for r0, c0, r1, c1 in grid.merged:
        if r1 > r0 and r0 >= layout.first_data_row and c0 in text_columns:
            value = grid.rows[r0][c0]
            for r in range(r0 + 1, min(r1, len(grid.rows) - 1) + 1):
                if grid.rows[r][c0] in ("", None):
                    grid.rows[r][c0] = value


def extract(grid: SheetGrid, layout: Layout) -> RawTable:
    """The data rows of the table, without empty rows, notes and totals
    (which are kept aside to be reconciled once the numbers are read)."""
    _fill_down_merged(grid, layout)
    start = layout.first_data_row
    if _columnar(grid):
        # A CSV's columns go straight from pyarrow, never through Python lists.
        columns = [column.slice(start) for column in grid.columns]
        width, n = len(columns), max(grid.height - start, 0)

        def body_row(i: int) -> list[object]:
            return [column[i].as_py() for column in columns]
    else:
        body = grid.rows[start:]
        widths = set(map(len, body))
        if len(widths) > 1:     # CSV rows and hand-made grids may be ragged
            width = max(widths)
            body = [list(r) + [""] * (width - len(r)) for r in body]
        width = max(widths, default=0)
        n = len(body)
        columns = None

        def body_row(i: int) -> list[object]:
            return body[i]
    if n == 0 or width == 0:
        return RawTable(grid.file, grid.sheet, layout, np.zeros(0, dtype=np.int64), {
            name: RawColumn(name, cell.written, cell.letter, np.zeros(0, dtype=np.intp),
                            np.empty(0, dtype=object), _scale(layout, name, cell))
            for name, cell in layout.mapping.items()})
    if columns is None:
        # One 2-D object array and its columns.  np.fromiter over the cells
        # in order, not np.array(body): every row has ``width`` cells by now,
        # and np.array spends as long again checking each row's shape and
        # whether its cells are sequences themselves (~25 ms against ~13
        # for 100,000 rows).
        cells = np.fromiter(itertools.chain.from_iterable(body), dtype=object,
                            count=n * width).reshape(n, width)
        columns = [np.ascontiguousarray(cells[:, j]) for j in range(width)]

    # Per column (rows contiguous): which cells hold anything, text, a note.
    spec = DATASETS[layout.dataset]
    # Columns that may be all numbers: counts/amounts, and columns nobody
    # reads (序号) but whose cells still say whether a row is empty.
    mapped_kinds = {cell.index: spec.column(name).kind for name, cell in layout.mapping.items()}
    numbers_by_column: dict[int, np.ndarray] = {}
    factorised = []
    nonblank = np.zeros((width, n), dtype=bool)
    text = np.zeros((width, n), dtype=bool)
    note = np.zeros((width, n), dtype=bool)
    total = np.zeros(n, dtype=bool)
    for j, column in enumerate(columns):
        if mapped_kinds.get(j, "count") in ("count", "amount", "number"):
            numbers = _column_numbers(column)
            if numbers is not None:
                numbers_by_column[j] = numbers
                factorised.append(None)
                nonblank[j] = True
                continue
        codes, uniques = _factorize_column(column)
        factorised.append((codes, uniques))
        blank_u, text_u, total_u, note_u = classify_uniques(uniques)
        nonblank[j] = ~blank_u[codes]
        if text_u.any():
            text[j] = text_u[codes]
            if total_u.any():
                total |= total_u[codes]
            if note_u.any():
                note[j] = note_u[codes]

    filled = nonblank.sum(axis=0)
    blank_row = filled == 0
    first = nonblank.argmax(axis=0)
    note_row = note[first, np.arange(n)] & ~blank_row & ~total
    lone_text = (filled == 1) & (nonblank & text).any(axis=0)
    data_like = ~blank_row & ~total & ~note_row & ~lone_text
    last_data = int(np.flatnonzero(data_like)[-1]) if data_like.any() else -1
    trailing_note = lone_text & (np.arange(n) > last_data) & ~total
    # Totals may sit above, among or below the data rows; notes only below.
    keep = ~(blank_row | total | note_row | trailing_note)
    every_row = bool(keep.all())
    excel_rows = (np.arange(n) if every_row else np.flatnonzero(keep)) + start + 1

    mapped = {}
    kept = n if every_row else int(keep.sum())
    for name, cell in layout.mapping.items():
        scale = _scale(layout, name, cell)
        if cell.index in numbers_by_column:
            values = numbers_by_column[cell.index]
            column = columns[cell.index]
            if isinstance(column, pa.Array):
                column = ArrowCells(column)
            if not every_row:
                values, column = values[keep], column[keep]
            mapped[name] = RawColumn(name, cell.written, cell.letter, np.arange(kept), column,
                                     scale, numbers=values)
            continue
        codes, uniques = factorised[cell.index] if cell.index < width else (
            np.zeros(n, dtype=np.intp), np.array([""], dtype=object))
        if not every_row:
            codes, uniques = _compact(codes[keep], uniques)
        mapped[name] = RawColumn(name, cell.written, cell.letter, codes, uniques, scale)

    totals = []
    kept_before = np.cumsum(keep)
    for i in np.flatnonzero(total):
        values = body_row(int(i))
        label = next((v for v in values if _is_total_label(v)), "")
        cells = {name: values[cell.index] if cell.index < len(values) else ""
                 for name, cell in layout.mapping.items()}
        totals.append(TotalRow(row=int(i) + start + 1, label=str(label).strip(),
                               subtotal=_SUBTOTAL_WORD in header_key(label), cells=cells,
                               before=int(kept_before[i])))
    return RawTable(grid.file, grid.sheet, layout, excel_rows.astype(np.int64), mapped, totals)


class ArrowCells:
    """A CSV column's cells as written (str), read one at a time: what a
    message quotes from a column that was read as numbers in one step."""

    def __init__(self, array: pa.Array):
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, index):
        if isinstance(index, np.ndarray) and index.dtype == bool:
            return ArrowCells(self.array.filter(pa.array(index)))
        return self.array[int(index)].as_py()


def _column_numbers(column) -> np.ndarray | None:
    if not isinstance(column, pa.Array):
        return all_numbers(column)
    # Arrow's number syntax is a subset of Python's float(): what it reads,
    # float() reads the same; anything else ('12人', ' 12', '') goes the
    # object way so that it is judged exactly as before.
    try:
        numbers = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return all_numbers(column.to_numpy(zero_copy_only=False))
    if not np.isfinite(numbers).all():
        return None
    return numbers


def _factorize_column(column) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(column, pa.Array):
        return factorize(column)
    # In order of first appearance, as pd.factorize; a CSV cell is never null.
    encoded = pc.dictionary_encode(column)
    return (encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp),
            encoded.dictionary.to_numpy(zero_copy_only=False).astype(object))


def all_numbers(column: np.ndarray) -> np.ndarray | None:
    """The column as floats when every cell is a number (or numeric text),
    else None: then it goes the slow way, one distinct value at a time."""
    try:
        numbers = column.astype(float)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(numbers).all():
        return None
    return numbers


def _compact(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the distinct values no kept row uses (a note's text, a total's label)."""
    used = np.zeros(len(uniques), dtype=bool)
    used[codes] = True
    if used.all():
        return codes, uniques
    renumber = np.cumsum(used) - 1
    return renumber[codes], uniques[used]


def _scale(layout: Layout, name: str, cell: HeaderCell) -> float:
    kind = DATASETS[layout.dataset].column(name).kind
    return 10000.0 if kind == "amount" and "万元" in header_key(cell.written) else 1.0


# What a table lacks ------------------------------------------------------

def closest_alias(text: str, dataset: str) -> str | None:
    """The known header closest to ``text`` (as the spec writes it)."""
    spec = DATASETS[dataset]
    written: dict[str, str] = {}
    for col in spec.columns:
        for header in col.headers:
            written.setdefault(header_key(header), header)
    close = difflib.get_close_matches(header_key(text), list(written), n=1, cutoff=0.4)
    return written[close[0]] if close else None


def missing_columns(layout: Layout, *, file: str, sheet: str,
                    derivable: frozenset[str] = DERIVABLE) -> list[Issue]:
    """One issue naming the required columns not found (and that cannot be
    supplied otherwise), the headers not understood, and for each of those
    the closest known header."""
    spec = DATASETS[layout.dataset]
    roster = layout.roster and spec.name in ROSTER_DATASETS
    missing = [spec.column(name) for name in required_columns(spec, roster=roster)
               if name not in layout.mapping and name not in derivable]
    if not missing:
        return []
    return [issue("missing_column", file=file, sheet=sheet,
                  row=layout.header_rows[-1] + 1,
                  dataset_zh=spec.title_zh, dataset_en=spec.title_en,
                  missing_zh="、".join(f"「{c.header_zh}」" for c in missing),
                  missing_en=", ".join(f"'{c.header_zh}' ({c.label_en})" for c in missing),
                  unknown_zh=_unknown_list(layout, "zh"),
                  unknown_en=_unknown_list(layout, "en"))]


def _unknown_list(layout: Layout, lang: str) -> str:
    if not layout.unknown:
        return "无" if lang == "zh" else "none"
    parts = []
    for cell in layout.unknown:
        alias = closest_alias(cell.written, layout.dataset)
        if alias and lang == "zh":
            parts.append(f"「{cell.written}」（{cell.letter} 列，最接近「{alias}」）")
        elif alias:
            parts.append(f"'{cell.written}' (column {cell.letter}, closest: '{alias}')")
        elif lang == "zh":
            parts.append(f"「{cell.written}」（{cell.letter} 列）")
        else:
            parts.append(f"'{cell.written}' (column {cell.letter})")
    return "、".join(parts) if lang == "zh" else "; ".join(parts)
