"""Turning what people type into spreadsheets into values.

Pure functions, one per kind of value.  Each scalar parser returns the value,
``None`` for a blank (including the usual "nothing here" marks —, -, /, 无,
空), or raises ``ValueError`` for something it cannot read; the validator
turns that into an Issue.  ``number_uniques`` and ``map_uniques`` apply them
to the distinct values of a column only, which is what keeps a 100k-row
sheet fast: a month column has a few dozen distinct values, and plain numbers
(what calamine returns for numeric cells) skip the string parser entirely.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd

# Full-width ASCII (０-９, Ａ-Ｚ, （）, ，．％：－ …) -> ASCII, and the ideographic
# space -> a space.  People type these with a Chinese input method on.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0xFFE5: ord("¥")})

# What people write in a cell to mean "nothing".
BLANK_MARKERS = frozenset({
    "", "—", "——", "-", "--", "/", "\\", "无", "空", "暂无", "n/a", "na", "null", "none", "nan",
})

_WHITESPACE = re.compile(r"\s+")
_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)"
    r"(?P<wan>万)?(?P<unit>人次|人|元|个|家|次|户|名|班|期|所|份|天)?$"
)
_YEAR_MONTH = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})(?:月份?)?$")
_YYYYMM = re.compile(r"^(\d{4})(\d{2})$")
_YEAR_MONTH_DAY = re.compile(
    r"^(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?(?:\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_YYYYMMDD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})(?:年度?)?$")

# Excel's day 0 (its serial numbers count from here, including the 1900 leap-day bug).
_EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers we accept as dates: 1990-01-01 .. 2099-12-31.  Anything else
# that looks like a bare number is more likely a typo than a date.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73415


def half_width(text: str) -> str:
    """'２０２４年７月' -> '2024年7月'; '（人）' -> '(人)'."""
    return text.translate(_HALF_WIDTH)


def is_blank(value: object) -> bool:
    """Empty cell, whitespace, NaN, or a mark meaning "nothing" (—, -, /, 无, 空)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        text = value.strip()
        # Every mark is at most 4 characters: longer text is never blank.
        return not text or (len(text) <= 4 and
                            _WHITESPACE.sub("", half_width(text)).lower() in BLANK_MARKERS)
    return False


@lru_cache(maxsize=8192)
def header_key(text: object) -> str:
    """How headers are compared: no spaces or line breaks (full-width ones
    included), （）-> (), ：-> :, lower case, no '*' required-marks or a
    trailing colon.  '补助金额\\n（元）' and '补助金额(元)' compare equal."""
    # str.split() splits on exactly what \s matches, and is faster than re.sub.
    key = "".join(half_width(str(text)).split()).lower()
    return key.strip("*:")


def clean_text(value: object) -> str | None:
    """Free text as stored: runs of spaces (full-width too) collapsed, ends
    stripped; an Excel number that is a whole number loses its '.0'."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    return _WHITESPACE.sub(" ", str(value).replace("\u3000", " ")).strip()


def match_key(value: object) -> str:
    """A name as compared with known names: half-width, no spaces, lower case."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(half_width(str(value)).split()).lower()


def parse_number(value: object) -> float | None:
    """A number as typed: 12, 12.0, '12', '1,234', '１２', '12人', '3次',
    '1.2万' (12000), '5万元', '85%' (0.85), '¥300'.  Raises ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ValueError("not a number")
        return number
    if not isinstance(value, str):
        raise ValueError("not a number")
    text = _WHITESPACE.sub("", half_width(value))
    if text.lower() in BLANK_MARKERS:
        return None
    text = text.lstrip("¥").removeprefix("RMB").removeprefix("rmb")
    scale = Decimal(1)
    if text.endswith("%"):
        text, scale = text[:-1], Decimal("0.01")
    match = _NUMBER.match(text)
    if not match:
        raise ValueError("not a number")
    if match["wan"]:
        scale *= 10000
    try:
        # Decimal so that '1.2万' is exactly 12000, not 12000.000000000002.
        return float(Decimal(match["num"].replace(",", "")) * scale)
    except InvalidOperation:
        raise ValueError("not a number") from None


def excel_serial_to_date(serial: float) -> date:
    """Excel's day number -> date (45474 -> 2024-07-01).  Raises ValueError
    outside 1990..2099, where a bare number is not plausibly a date."""
    if not (_SERIAL_MIN <= serial <= _SERIAL_MAX):
        raise ValueError("not a date")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _checked_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("no such date") from None


def parse_month(value: object) -> date | None:
    """A month -> its first day: 2024-07, 2024/7, 2024.7, 2024年7月, 202407,
    2024-7-1, an Excel date or serial (45474).  Raises ValueError."""
    if isinstance(value, datetime):
        return date(value.year, value.month, 1)
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    if isinstance(value, bool):
        raise ValueError("not a month")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer():
            number = int(value)
            if 190001 <= number <= 299912:
                return parse_month(str(number))
            day = excel_serial_to_date(number)
            return date(day.year, day.month, 1)
        # 2024.07 typed as a number: its shortest repr is what was typed.
        return parse_month(repr(float(value)))
    if not isinstance(value, str):
        raise ValueError("not a month")
    text = _WHITESPACE.sub(" ", half_width(value)).strip()
    if text.lower() in BLANK_MARKERS:
        return None
    compact = text.replace(" ", "")
    for pattern in (_YEAR_MONTH, _YYYYMM):
        match = pattern.match(compact)
        if match:
            return _checked_date(int(match[1]), int(match[2]), 1)
    match = (_YEAR_MONTH_DAY.match(text) or _YEAR_MONTH_DAY.match(compact)
             or _YYYYMMDD.match(compact))
    if match:
        day = _checked_date(int(match[1]), int(match[2]), int(match[3]))
        return date(day.year, day.month, 1)
    if re.fullmatch(r"\d{5}(?:\.0+)?", compact):
        return parse_month(float(compact))
    raise ValueError("not a month")


def parse_date(value: object) -> date | None:
    """A day: 2024-07-15, 2024/7/15, 2024.7.15, 2024年7月15日, 20240715, an
    Excel date or serial.  Raises ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer() and 19000101 <= int(value) <= 29991231:
            return parse_date(str(int(value)))
        return excel_serial_to_date(float(value))
    if not isinstance(value, str):
        raise ValueError("not a date")
    text = _WHITESPACE.sub(" ", half_width(value)).strip()
    if text.lower() in BLANK_MARKERS:
        return None
    compact = text.replace(" ", "")
    match = (_YEAR_MONTH_DAY.match(text) or _YEAR_MONTH_DAY.match(compact)
             or _YYYYMMDD.match(compact))
    if match:
        return _checked_date(int(match[1]), int(match[2]), int(match[3]))
    if re.fullmatch(r"\d{5}(?:\.0+)?", compact):
        return excel_serial_to_date(float(compact))
    raise ValueError("not a date")


def parse_year(value: object) -> int | None:
    """A year: 2024, 2024.0, '2024', '2024年', '2024年度', or a date's year."""
    if isinstance(value, (datetime, date)):
        return value.year
    if isinstance(value, bool):
        raise ValueError("not a year")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer() and 1000 <= value <= 9999:
            return int(value)
        raise ValueError("not a year")
    if not isinstance(value, str):
        raise ValueError("not a year")
    text = _WHITESPACE.sub("", half_width(value))
    if text.lower() in BLANK_MARKERS:
        return None
    match = _YEAR.match(text)
    if not match:
        raise ValueError("not a year")
    return int(match[1])


def choice_lookup(choices: tuple[str, ...], value_aliases: dict[str, str]) -> dict[str, str]:
    """match_key(written) -> the canonical choice, for parse_choice."""
    lookup = {match_key(alias): canonical for alias, canonical in value_aliases.items()}
    lookup.update({match_key(choice): choice for choice in choices})
    return lookup


def parse_choice(value: object, lookup: dict[str, str]) -> str | None:
    """One of the column's choices, as written or by a value alias."""
    if is_blank(value):
        return None
    try:
        return lookup[match_key(value)]
    except KeyError:
        raise ValueError("not a choice") from None


# Column-at-a-time helpers ----------------------------------------------------

def factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of an object array; codes index the distinct values."""
    # The NaN sentinel path is the faster one; a NaN cell (rare: calamine
    # gives '' for empty cells) gets a code of its own afterwards.
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    missing = codes < 0
    if missing.any():
        codes = np.where(missing, len(uniques), codes)
        uniques = np.append(uniques, np.array([np.nan], dtype=object))
    return codes, uniques


# Below this many values a Python loop beats building a pandas Series.
_SMALL = 64


def _plain_float(value: object) -> float:
    """float(value) for real numbers (not bools), NaN for anything else."""
    if type(value) is float or type(value) is int:
        return float(value)
    return math.nan


def numbers_or_nan(values: np.ndarray) -> np.ndarray:
    """Each value as a float where it is a plain number or numeric text
    ('12'), NaN elsewhere; vectorised for long arrays."""
    if len(values) < _SMALL:
        out = np.empty(len(values), dtype=float)
        for i, value in enumerate(values):
            number = _plain_float(value)
            if math.isnan(number) and isinstance(value, str):
                try:
                    number = float(value)
                except ValueError:
                    number = math.nan
            out[i] = number
        return out
    return np.array(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce"),
                    dtype=float)


def is_number(values: np.ndarray) -> np.ndarray:
    """True where a value is a finite number (or numeric text)."""
    return np.isfinite(numbers_or_nan(values))


def number_uniques(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(numbers, blank, bad) for the distinct values of a numeric column.

    Real numbers convert in one vectorised step; only the strings that are
    not plain numbers ('1,234', '12人', '1.2万', '—') go through parse_number.
    """
    numbers = numbers_or_nan(uniques)
    blank = np.zeros(len(uniques), dtype=bool)
    bad = np.zeros(len(uniques), dtype=bool)
    # Booleans would pass to_numeric as 0/1; infinities are not numbers anyone typed.
    for index in np.flatnonzero(~np.isfinite(numbers) | _is_bool(uniques)):
        try:
            number = parse_number(uniques[index])
        except ValueError:
            bad[index] = True
            numbers[index] = np.nan
            continue
        if number is None:
            blank[index] = True
            numbers[index] = np.nan
        else:
            numbers[index] = number
    return numbers, blank, bad


def _is_bool(uniques: np.ndarray) -> np.ndarray:
    return np.fromiter((type(v) is bool for v in uniques), dtype=bool, count=len(uniques))


def map_uniques(uniques: np.ndarray, parse: Callable[[object], object]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, blank, bad) from applying ``parse`` to each distinct value."""
    values = np.empty(len(uniques), dtype=object)
    blank = np.zeros(len(uniques), dtype=bool)
    bad = np.zeros(len(uniques), dtype=bool)
    for index, raw in enumerate(uniques):
        try:
            value = parse(raw)
        except ValueError:
            bad[index] = True
            value = None
        values[index] = value
        if value is None and not bad[index]:
            blank[index] = True
    return values, blank, bad


def display(value: object) -> str:
    """A cell value as the user typed it, for messages: 12.0 -> '12'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
