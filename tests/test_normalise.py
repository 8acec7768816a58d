"""What people type into cells, and the value the loader makes of it."""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from etl.normalise import (choice_lookup, clean_text, excel_serial_to_date, half_width,
                           header_key, is_blank, map_uniques, number_uniques, parse_choice,
                           parse_date, parse_month, parse_number, parse_year)
from etl.specs import MUTUAL_AID


@pytest.mark.parametrize("typed, value", [
    (12.0, 12),                 # calamine gives every number as a float
    (61200.5, 61200.5),
    ("12", 12),                 # a number stored as text
    (" 12 ", 12),
    ("1,234", 1234),            # thousands separators
    ("10,995人", 10995),        # with its unit
    ("23人次", 23),
    ("3次", 3),
    ("8个", 8),
    ("285家", 285),
    ("8,000元", 8000),
    ("1.2万", 12000),           # 万 = ten thousand, exactly
    ("6.12万", 61200),
    ("5万元", 50000),
    ("0.5万元", 5000),
    ("１２３", 123),             # full-width digits
    ("６１，２００．５０", 61200.5),  # full-width comma and point
    ("85%", 0.85),
    ("８５％", 0.85),
    ("¥300", 300),
    ("-3", -3),                 # read as typed; the validator refuses it for a count
])
def test_numbers_as_typed(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "  ", "—", "——", "-", "/", "无", "空", "－", None,
                                   float("nan")])
def test_blank_marks_are_missing(typed):
    assert is_blank(typed)
    assert parse_number(typed) is None


@pytest.mark.parametrize("typed", ["约100", "100以上", "1,2", "12..5", "abc", True])
def test_not_numbers(typed):
    with pytest.raises(ValueError):
        parse_number(typed)


def test_numbers_of_a_column_are_read_once_per_distinct_value():
    numbers, blank, bad = number_uniques(np.array([12.0, "1.2万", "—", "约5", "7"], dtype=object))
    assert numbers[:2].tolist() == [12.0, 12000.0]
    assert numbers[4] == 7.0
    assert blank.tolist() == [False, False, True, False, False]
    assert bad.tolist() == [False, False, False, True, False]


@pytest.mark.parametrize("typed", [
    "2024-07", "2024/7", "2024.7", "2024.07", "2024年7月", "2024年07月", "2024年7月份",
    "202407", 202407.0, "2024-7-1", "2024-07-15", "2024/7/15", "2024年7月15日",
    "2024-07-01 00:00:00", date(2024, 7, 1), datetime(2024, 7, 15, 0, 0),
    45474.0,                    # Excel's serial number for 2024-07-01
    "45474", 2024.07, "２０２４年７月", "2024 年 7 月",
])
def test_months_written_every_way_are_july_2024(typed):
    assert parse_month(typed) == date(2024, 7, 1)


def test_month_typed_as_a_number_keeps_its_digits():
    # Excel stores 2024.10 as 2024.1: that is January; October must be typed as text.
    assert parse_month(2024.12) == date(2024, 12, 1)
    assert parse_month(2024.1) == date(2024, 1, 1)
    assert parse_month("2024.10") == date(2024, 10, 1)


@pytest.mark.parametrize("typed", ["2024-13", "2024年", "7月", "2024", 2024.0, "1-6月",
                                   "2024年1-6月", "abc", 123.0])
def test_not_months(typed):
    with pytest.raises(ValueError):
        parse_month(typed)


@pytest.mark.parametrize("typed", [
    "2024-07-15", "2024/7/15", "2024.7.15", "2024年7月15日", "20240715", 20240715.0,
    date(2024, 7, 15), datetime(2024, 7, 15, 9, 30), 45488.0, "2024-07-15 00:00:00",
])
def test_days_written_every_way(typed):
    assert parse_date(typed) == date(2024, 7, 15)


@pytest.mark.parametrize("typed", ["2024-02-30", "2024-07", "明天", 15.0])
def test_not_days(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


def test_excel_serial_numbers():
    assert excel_serial_to_date(45474) == date(2024, 7, 1)
    assert excel_serial_to_date(45627) == date(2024, 12, 1)
    with pytest.raises(ValueError):
        excel_serial_to_date(12)   # row counts are not dates


@pytest.mark.parametrize("typed", [2024, 2024.0, "2024", "2024年", "2024年度", "２０２４",
                                   date(2024, 7, 1)])
def test_years(typed):
    assert parse_year(typed) == 2024


def test_not_a_year():
    with pytest.raises(ValueError):
        parse_year("24年")


def test_names_with_stray_and_full_width_spaces_are_collapsed():
    assert clean_text("  安海镇  星塔　社区  ") == "安海镇 星塔 社区"
    assert clean_text(2024001.0) == "2024001"   # an id Excel stored as a number
    assert clean_text("—") is None


def test_headers_compare_without_spaces_breaks_and_bracket_widths():
    assert header_key("补助金额\n（元）") == header_key("补助金额(元)") == "补助金额(元)"
    assert header_key(" 镇（街道）* ") == "镇(街道)"
    assert header_key("Month") == "month"


def test_half_width():
    assert half_width("２０２４年７月（人）") == "2024年7月(人)"


def test_choices_by_value_alias_and_exact():
    scheme = MUTUAL_AID.column("scheme")
    lookup = choice_lookup(scheme.choices, scheme.value_aliases)
    assert parse_choice("职工住院医疗互助", lookup) == "职工住院医疗互助"
    assert parse_choice("住院", lookup) == "职工住院医疗互助"
    assert parse_choice(" 女职工特殊疾病 ", lookup) == "女职工特殊疾病互助"
    assert parse_choice("", lookup) is None
    with pytest.raises(ValueError):
        parse_choice("大病互助", lookup)


def test_map_uniques_reports_blank_and_bad_separately():
    values, blank, bad = map_uniques(np.array(["2024-07", "", "七月"], dtype=object), parse_month)
    assert values.tolist() == [date(2024, 7, 1), None, None]
    assert blank.tolist() == [False, True, False]
    assert bad.tolist() == [False, False, True]
