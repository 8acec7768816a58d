"""Scope: an org unit covers its subtree, by code prefix (etl/scope.py)."""
from __future__ import annotations

import pytest

from etl import scope

QUANZHOU, JINJIANG, LUOJIANG = "350500", "350582", "350504"
ANHAI, CIZAO, WANAN = "350582101", "350582102", "350504001"
NATION = "100000"   # above every province of a national warehouse


@pytest.mark.parametrize("code, level", [
    (QUANZHOU, "city"), (JINJIANG, "county"), (ANHAI, "town"), ("350000", "province"),
    (NATION, "nation"),
    ("3505", None), ("35058210", None), ("35058210x", None), ("", None), (None, None),
    (" 350582", None), ("３５０５８２", None),
])
def test_the_level_of_a_code_is_told_by_its_shape(code, level):
    assert scope.level_of(code) == level


@pytest.mark.parametrize("code, holder, inside", [
    (ANHAI, ANHAI, True),            # itself
    (ANHAI, JINJIANG, True),         # its county
    (ANHAI, QUANZHOU, True),         # its city
    (JINJIANG, QUANZHOU, True),
    (CIZAO, ANHAI, False),           # a neighbouring town
    (JINJIANG, ANHAI, False),        # the county above
    (QUANZHOU, JINJIANG, False),     # the city above
    (WANAN, JINJIANG, False),        # another county's town
    (LUOJIANG, JINJIANG, False),
    ("350582", "350582101", False),
    ("3505821019", QUANZHOU, False),  # not a code at all
    ("350582101'); DROP TABLE accounts; --", QUANZHOU, False),
    (ANHAI, NATION, True),           # the nation holds every town
    ("110101001", NATION, True),
    (NATION, QUANZHOU, False),       # ... and lies within no narrower scope
    (ANHAI, "35", False),            # a prefix is not a scope
])
def test_a_unit_lies_within_a_scope_when_the_scope_is_it_or_above_it(code, holder, inside):
    assert scope.within(code, holder) is inside


@pytest.mark.parametrize("prefix, holder, clamped", [
    ("3505", QUANZHOU, "3505"),          # the city's own view
    ("3505", JINJIANG, "350582"),        # 泉州市 asked, 晋江市 given
    ("3505", ANHAI, ANHAI),
    ("350582", ANHAI, ANHAI),            # the county ranking of a town account: the town only
    ("350582102", JINJIANG, "350582102"),
    (ANHAI, ANHAI, ANHAI),
    ("350582102", ANHAI, None),          # the neighbour: refused
    ("350504", JINJIANG, None),
    ("35", QUANZHOU, "3505"),            # the province prefix is wider: clamped
    ("", QUANZHOU, "3505"),              # the nation's prefix (every town): clamped too
    ("", NATION, ""),                    # ... and kept for a national account
    ("3505", NATION, "3505"),
    ("3505%", QUANZHOU, None),
    (None, QUANZHOU, None),
])
def test_a_query_prefix_is_narrowed_to_the_scope_or_refused(prefix, holder, clamped):
    assert scope.clamp_prefix(prefix, holder) == clamped


def test_the_codes_outside_a_scope_are_named_once_each_in_order():
    assert scope.outside([ANHAI, CIZAO, ANHAI, WANAN, CIZAO], ANHAI) == [CIZAO, WANAN]
    assert scope.outside([ANHAI, CIZAO], JINJIANG) == []


def test_granting_only_within_ones_own_scope():
    assert scope.grants_within(ANHAI, JINJIANG)
    assert scope.grants_within(JINJIANG, JINJIANG)
    assert not scope.grants_within(QUANZHOU, JINJIANG)
    assert not scope.grants_within(WANAN, JINJIANG)


def test_the_prefix_of_each_level_is_the_one_the_dashboard_queries_filter_by():
    from dashboard.queries import region_prefix

    assert scope.prefix_of(QUANZHOU) == region_prefix(QUANZHOU, "city") == "3505"
    assert scope.prefix_of(JINJIANG) == region_prefix(JINJIANG, "county") == "350582"
    assert scope.prefix_of(ANHAI) == ANHAI
    with pytest.raises(ValueError):
        scope.prefix_of("3505")
