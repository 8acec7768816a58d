"""Periods and comparisons: what 今年, 同比 and 环比 mean, given the latest loaded month."""
from datetime import date

import pytest

from dashboard import periods
from dashboard.periods import Change, Period


def months(first: str, last: str) -> Period:
    return Period(periods.parse_month(first), periods.parse_month(last))


@pytest.mark.parametrize("text, expected", [
    ("2024-07", date(2024, 7, 1)),
    ("2024-12", date(2024, 12, 1)),
    (" 2024-01 ", date(2024, 1, 1)),
    ("2024-13", None),
    ("2024-00", None),
    ("2024-7", None),
    ("202407", None),
    ("2024年7月", None),
    ("", None),
])
def test_a_month_in_the_url_is_yyyy_mm_and_nothing_else(text, expected):
    assert periods.parse_month(text) == expected


def test_month_arithmetic_crosses_years():
    assert periods.add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert periods.add_months(date(2024, 11, 1), 3) == date(2025, 2, 1)
    assert periods.month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert periods.months_between(date(2023, 7, 1), date(2024, 6, 1)) == 12


def test_a_period_lists_its_months_as_axis_labels():
    period = months("2023-11", "2024-02")
    assert period.months == 4
    assert period.month_labels() == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert period.end_date == date(2024, 2, 29)
    assert (period.first_year, period.last_year) == (2023, 2024)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        months("2024-05", "2024-02")


@pytest.mark.parametrize("pick, first, last", [
    ("this_month", "2024-06", "2024-06"),
    ("this_quarter", "2024-04", "2024-06"),
    ("this_year", "2024-01", "2024-06"),
    ("last_year", "2023-01", "2023-12"),
    ("last_12", "2023-07", "2024-06"),
])
def test_quick_picks_count_from_the_latest_loaded_month(pick, first, last):
    assert periods.quick_period(pick, date(2024, 6, 1)) == months(first, last)


def test_this_quarter_in_january_is_january_alone():
    assert periods.quick_period("this_quarter", date(2025, 1, 1)) == months("2025-01", "2025-01")


def test_the_quick_pick_of_a_period_is_recognised_and_custom_ones_are_not():
    latest = date(2024, 6, 1)
    assert periods.matching_quick_pick(months("2024-01", "2024-06"), latest) == "this_year"
    assert periods.matching_quick_pick(months("2023-01", "2023-12"), latest) == "last_year"
    assert periods.matching_quick_pick(months("2024-02", "2024-05"), latest) is None


def test_the_default_period_is_this_year_up_to_the_latest_month():
    assert periods.default_period(date(2026, 10, 1)) == months("2026-01", "2026-10")


def test_yoy_compares_the_same_months_a_year_earlier():
    # Also when 2025-03 is the latest loaded month: never the whole of 2024.
    shown = periods.shown_period(months("2025-01", "2025-03"), latest=date(2025, 3, 1))
    assert periods.comparison_period(shown, periods.YOY) == months("2024-01", "2024-03")


def test_this_year_is_cut_at_the_latest_month_before_it_is_compared():
    shown = periods.shown_period(months("2024-01", "2024-12"), latest=date(2024, 10, 1))
    assert shown == months("2024-01", "2024-10")
    assert periods.comparison_period(shown, periods.YOY) == months("2023-01", "2023-10")


def test_mom_compares_with_the_same_number_of_months_just_before():
    assert periods.comparison_period(months("2025-01", "2025-03"), periods.MOM) == months("2024-10", "2024-12")
    assert periods.comparison_period(months("2024-06", "2024-06"), periods.MOM) == months("2024-05", "2024-05")


def test_a_period_wholly_after_the_data_has_nothing_to_show():
    assert periods.shown_period(months("2024-07", "2024-09"), latest=date(2024, 6, 1)) is None


def test_annual_data_compares_years_with_years():
    assert periods.comparison_years(2024, 2024, periods.YOY) == (2023, 2023)
    assert periods.comparison_years(2024, 2024, periods.MOM) == (2023, 2023)
    assert periods.comparison_years(2023, 2024, periods.YOY) == (2022, 2023)
    assert periods.comparison_years(2023, 2024, periods.MOM) == (2021, 2022)


def test_stocks_and_flows_are_named():
    assert periods.MEASURE_KIND["members_enrolled"] == periods.STOCK
    assert periods.MEASURE_KIND["active_contracts"] == periods.STOCK
    assert periods.MEASURE_KIND["stations"] == periods.STOCK
    assert periods.MEASURE_KIND["claims_paid_yuan"] == periods.FLOW
    assert periods.MEASURE_KIND["visits"] == periods.FLOW
    assert periods.MEASURE_KIND["children_enrolled"] == periods.FLOW


def test_a_change_against_nothing_has_no_percentage():
    assert Change(10_995, 10_300).absolute == 695
    assert round(Change(10_995, 10_300).relative, 4) == 0.0675
    assert Change(5, 0).relative is None
    assert Change(5, None).absolute is None
