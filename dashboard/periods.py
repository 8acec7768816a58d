"""Periods and the rules for comparing them.  Pure: no Streamlit, no SQL.

A month is a ``datetime.date`` on the first day of that month; a ``Period`` is
an inclusive run of months.  The rules every page follows:

* **Stocks** (members enrolled, contracts in force, stations) describe a moment:
  a period shows the state at its end — the latest month in the period that has
  data, or the last day of the period — and is never summed over months.
* **Flows** (claims, yuan paid, visits, new enrolments, children, contracts
  signed) happen during the period and are summed over it.
* A period is cut at the latest loaded month before anything is compared, so
  that "this year" in October compares January–October with January–October
  of last year, not with all of last year (``shown_period``).
* 同比 (yoy) compares with the same months one year earlier; 环比 (mom) with
  the run of the same length just before.  Annual data (summer camps) compares
  years with years (``comparison_years``).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

STOCK = "stock"
FLOW = "flow"

# The kind of every headline measure; cards explain it in their help text.
MEASURE_KIND: dict[str, str] = {
    "members_enrolled": STOCK,
    "active_contracts": STOCK,
    "workers_covered": STOCK,
    "stations": STOCK,
    "claims": FLOW,
    "claims_paid_yuan": FLOW,
    "new_enrolments": FLOW,
    "visits": FLOW,
    "children_enrolled": FLOW,
    "classes": FLOW,
    "contracts_signed": FLOW,
}

YOY = "yoy"
MOM = "mom"
COMPARISONS = (YOY, MOM)

QUICK_PICKS = ("this_month", "this_quarter", "this_year", "last_year", "last_12")

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of ``month``: the moment a stock is read at."""
    return date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def parse_month(text: str) -> date | None:
    """'2024-07' -> date(2024, 7, 1); anything else (2024-13, 2024-7, '') -> None."""
    match = _MONTH_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return date(year, month, 1)


def format_month(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def months_between(first: date, last: date) -> int:
    """Inclusive count: Jan..Mar is 3."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Period:
    """An inclusive run of months, ``first`` .. ``last`` (both first-of-month dates)."""
    first: date
    last: date

    def __post_init__(self):
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError("Period months are first-of-month dates")
        if self.first > self.last:
            raise ValueError(f"Period starts after it ends: {self.first} > {self.last}")

    @property
    def months(self) -> int:
        return months_between(self.first, self.last)

    @property
    def end_date(self) -> date:
        """The last day of the period: where stocks by date are read."""
        return month_end(self.last)

    @property
    def first_year(self) -> int:
        return self.first.year

    @property
    def last_year(self) -> int:
        return self.last.year

    def month_list(self) -> list[date]:
        return [add_months(self.first, i) for i in range(self.months)]

    def month_labels(self) -> list[str]:
        return [format_month(m) for m in self.month_list()]

    def shift(self, n_months: int) -> Period:
        return Period(add_months(self.first, n_months), add_months(self.last, n_months))


def quick_period(pick: str, latest: date) -> Period:
    """The period a quick pick means, relative to the latest loaded month."""
    if pick == "this_month":
        return Period(latest, latest)
    if pick == "this_quarter":
        quarter_first = date(latest.year, (latest.month - 1) // 3 * 3 + 1, 1)
        return Period(quarter_first, latest)
    if pick == "this_year":
        return Period(date(latest.year, 1, 1), latest)
    if pick == "last_year":
        return Period(date(latest.year - 1, 1, 1), date(latest.year - 1, 12, 1))
    if pick == "last_12":
        return Period(add_months(latest, -11), latest)
    raise ValueError(f"unknown quick pick {pick!r}")


def matching_quick_pick(period: Period, latest: date) -> str | None:
    """The quick pick that yields exactly ``period``, if any (the widget shows it)."""
    for pick in QUICK_PICKS:
        if quick_period(pick, latest) == period:
            return pick
    return None


def default_period(latest: date) -> Period:
    """今年 up to the latest loaded month."""
    return quick_period("this_year", latest)


def shown_period(period: Period, latest: date) -> Period | None:
    """The part of ``period`` that can have data: cut at the latest loaded
    month.  None when the whole period lies after it (an empty state)."""
    if period.first > latest:
        return None
    return Period(period.first, min(period.last, latest))


def comparison_period(period: Period, cmp: str) -> Period:
    """同比: the same months a year earlier.  环比: the same number of months just before."""
    if cmp == YOY:
        return period.shift(-12)
    if cmp == MOM:
        return period.shift(-period.months)
    raise ValueError(f"unknown comparison {cmp!r}")


def comparison_years(first_year: int, last_year: int, cmp: str) -> tuple[int, int]:
    """Annual data compares years with years: 同比 moves back one year; 环比 moves
    back by the number of years shown (2023–2024 -> 2021–2022)."""
    if cmp == YOY:
        return first_year - 1, last_year - 1
    if cmp == MOM:
        span = last_year - first_year + 1
        return first_year - span, last_year - span
    raise ValueError(f"unknown comparison {cmp!r}")


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


@dataclass(frozen=True)
class Change:
    """A headline's change against its comparison period."""
    value: float
    previous: float | None

    @property
    def absolute(self) -> float | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def relative(self) -> float | None:
        """Share of the previous value; None when there is nothing to divide by."""
        if self.previous is None or self.previous == 0:
            return None
        return (self.value - self.previous) / self.previous
