"""The view in the URL: given this query string, the dashboard shows this view
(and says so when it had to fall back to a default)."""
from datetime import date

import pandas as pd

import pytest
from tests.fixture_warehouse import ORG_UNITS

from dashboard import filters
from dashboard.filters import Notice, parse_view
from dashboard.periods import Period
from dashboard.queries import region_prefix

REGIONS = filters.regions_from_units(ORG_UNITS)
LATEST = date(2024, 6, 1)


def view(**params):
    return parse_view(params, REGIONS, LATEST)


def test_no_parameters_give_the_default_view():
    vf = view()
    assert vf.region.name_zh == "泉州市"
    assert vf.period == Period(date(2024, 1, 1), date(2024, 6, 1))
    assert (vf.cmp, vf.lang, vf.notices) == ("yoy", "zh", ())
    assert vf.to_params() == {"region": "350500", "from": "2024-01", "to": "2024-06",
                              "cmp": "yoy", "lang": "zh"}


def test_a_full_url_restores_the_view():
    vf = view(region="350582101", **{"from": "2023-07", "to": "2023-12"}, cmp="mom", lang="en")
    assert vf.region.name_en == "Anhai Town"
    assert vf.period == Period(date(2023, 7, 1), date(2023, 12, 1))
    assert vf.comparison == Period(date(2023, 1, 1), date(2023, 6, 1))
    assert (vf.cmp, vf.lang, vf.notices) == ("mom", "en", ())


def test_an_impossible_month_falls_back_to_the_default_period_with_a_notice():
    vf = view(**{"from": "2024-13"})
    assert vf.period == Period(date(2024, 1, 1), date(2024, 6, 1))
    assert vf.notices == (Notice("notice.bad_from", "2024-13"),)


def test_an_unknown_region_falls_back_to_quanzhou_with_a_notice():
    vf = view(region="999999")
    assert vf.region.code == "350500"
    assert vf.notices == (Notice("notice.bad_region", "999999"),)


def test_an_unsupported_language_falls_back_to_chinese_with_a_notice():
    vf = view(lang="fr")
    assert vf.lang == "zh"
    assert vf.notices == (Notice("notice.bad_lang", "fr"),)


def test_an_unknown_comparison_falls_back_to_yoy_with_a_notice():
    vf = view(cmp="qoq")
    assert vf.cmp == "yoy"
    assert vf.notices == (Notice("notice.bad_cmp", "qoq"),)


def test_a_period_running_backwards_falls_back_with_a_notice():
    vf = view(**{"from": "2024-05", "to": "2024-02"})
    assert vf.period == Period(date(2024, 1, 1), date(2024, 6, 1))
    assert vf.notices == (Notice("notice.bad_range", "2024-05 > 2024-02"),)


def test_several_bad_values_each_get_their_notice():
    vf = view(region="abc", lang="fr", **{"to": "June"})
    assert [n.key for n in vf.notices] == ["notice.bad_lang", "notice.bad_region", "notice.bad_to"]


def test_one_end_of_the_period_takes_the_other_from_the_default():
    assert view(to="2024-03").period == Period(date(2024, 1, 1), date(2024, 3, 1))
    assert view(**{"from": "2023-10"}).period == Period(date(2023, 10, 1), date(2024, 6, 1))


def test_repeated_parameters_use_the_last_value():
    assert parse_view({"region": ["350582", "350504"]}, REGIONS, LATEST).region.name_zh == "洛江区"


def test_a_region_selects_its_subtree_by_code_prefix():
    assert view(region="350500").prefix == "3505"
    assert view(region="350582").prefix == "350582"
    town = view(region="350582101")
    assert town.prefix == "350582101"
    assert town.ranking_prefix == "350582"          # a town is ranked within its county
    assert town.highlight_town == "350582101"
    assert view(region="350582").highlight_town is None


def test_region_prefix_knows_city_county_and_town():
    assert region_prefix("350500", "city") == "3505"
    assert region_prefix("350582", "county") == "350582"
    assert region_prefix("350582101", "town") == "350582101"
    with pytest.raises(ValueError):
        region_prefix("350582", "village")


def test_a_future_period_is_kept_but_has_nothing_shown():
    vf = view(**{"from": "2024-09", "to": "2024-12"})
    assert vf.period == Period(date(2024, 9, 1), date(2024, 12, 1))
    assert vf.shown is None and vf.comparison is None
    assert vf.notices == ()


def test_query_parameters_for_the_shown_and_compared_periods():
    vf = view(region="350582101", **{"from": "2024-01", "to": "2024-12"})
    assert vf.span() == {"prefix": "350582101", "first": date(2024, 1, 1), "last": date(2024, 6, 1)}
    assert vf.span(compare=True) == {"prefix": "350582101", "first": date(2023, 1, 1),
                                     "last": date(2023, 6, 1)}
    assert vf.at_end() == {"prefix": "350582101", "as_of": date(2024, 6, 30)}
    assert vf.at_end(compare=True) == {"prefix": "350582101", "as_of": date(2023, 6, 30)}
    assert vf.years() == {"prefix": "350582101", "first_year": 2024, "last_year": 2024}
    assert vf.years(compare=True) == {"prefix": "350582101", "first_year": 2023, "last_year": 2023}
    assert vf.ranking_span()["prefix"] == "350582"


def test_with_nothing_loaded_the_latest_month_is_the_last_full_month():
    assert filters.latest_or_default(None, date(2026, 11, 23)) == date(2026, 10, 1)
    assert filters.latest_or_default(date(2024, 6, 1), date(2026, 11, 23)) == date(2024, 6, 1)


def test_the_region_tree_lists_counties_then_their_towns():
    counties = filters.children_of(REGIONS, "350500")
    assert [c.name_zh for c in counties] == ["洛江区", "晋江市"]
    assert [t.name_zh for t in filters.children_of(REGIONS, "350582")] == ["安海镇", "磁灶镇", "陈埭镇"]


# Above the city: a national warehouse ---------------------------------------

NATIONAL_UNITS = pd.DataFrame(
    [("350000", "province", "福建省", "Fujian", None),
     ("110000", "province", "北京市", "Beijing", None),
     ("350500", "city", "泉州市", "Quanzhou", "350000"),
     ("350582", "county", "晋江市", "Jinjiang", "350500"),
     ("350582101", "town", "安海镇", "Anhai Town", "350582")],
    columns=["code", "level", "name_zh", "name_en", "parent_code"])


def test_a_warehouse_of_several_provinces_has_the_nation_above_them():
    regions = filters.regions_from_units(NATIONAL_UNITS)
    assert regions["100000"].name_zh == "全国"
    assert [r.code for r in filters.children_of(regions, "100000")] == ["110000", "350000"]
    assert [r.name_zh for r in filters.lineage(regions, "350582101")] == [
        "全国", "福建省", "泉州市", "晋江市", "安海镇"]


def test_one_province_or_one_city_is_its_own_top():
    one_province = filters.regions_from_units(NATIONAL_UNITS[NATIONAL_UNITS["code"] != "110000"])
    assert "100000" not in one_province
    assert [r.code for r in filters.lineage(one_province, "350500")] == ["350000", "350500"]
    assert [r.code for r in filters.lineage(REGIONS, "350582101")] == ["350500", "350582", "350582101"]


def test_the_nation_and_a_province_can_be_viewed_and_count_every_town_below_them():
    regions = filters.regions_from_units(NATIONAL_UNITS)
    nation = parse_view({"region": "100000"}, regions, LATEST)
    province = parse_view({"region": "350000"}, regions, LATEST)
    assert (nation.region.level, nation.prefix, nation.child_level, nation.notices) == (
        "nation", "", "province", ())
    assert (province.prefix, province.child_level) == ("35", "city")
    assert nation.shows_units_below and province.shows_units_below
    # ... while a city still defaults to itself, ranks its counties on the
    # overview and shows towns elsewhere
    city = parse_view({}, regions, LATEST)
    assert (city.region.code, city.child_level, city.shows_units_below) == ("350500", "county", False)


def test_the_top_is_the_widest_unit_the_warehouse_holds():
    assert filters.top_of(filters.regions_from_units(NATIONAL_UNITS)).code == "100000"
    assert filters.top_of(REGIONS).code == "350500"
