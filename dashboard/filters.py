"""The view filter shared by every page, and its life in the URL.  Pure.

All filter state lives in the query string — ``region``, ``from``, ``to``
(YYYY-MM), ``cmp`` (yoy|mom) and ``lang`` (zh|en) — so a link reproduces a
view.  ``parse_view`` reads it; a value it cannot use falls back to the
default and leaves a ``Notice`` for the page to show, never an exception.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import periods
from dashboard.periods import Period
from dashboard.queries import LEVELS, NATION_CODE, child_level, region_prefix

CITY_CODE = "350500"  # 泉州市: the default region
LANGS = ("zh", "en")
PARAM_KEYS = ("region", "from", "to", "cmp", "lang")


@dataclass(frozen=True)
class Region:
    code: str
    level: str            # nation / province / city / county / town
    name_zh: str
    name_en: str
    parent_code: str | None = None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


FALLBACK_CITY = Region(CITY_CODE, "city", "泉州市", "Quanzhou", None)
NATION = Region(NATION_CODE, "nation", "全国", "Nationwide", None)


def regions_from_units(units: pd.DataFrame) -> dict[str, Region]:
    """org_units rows (code, level, name_zh, name_en, parent_code) -> {code: Region}.

    A warehouse of several provinces gets the nation above them, so that a
    national federation can look at all of it; one with a single province
    (or only 泉州市) keeps that unit as its top."""
    regions = {}
    for row in units.itertuples(index=False):
        parent = row.parent_code if isinstance(row.parent_code, str) and row.parent_code else None
        regions[row.code] = Region(row.code, row.level, row.name_zh, row.name_en, parent)
    provinces = [r for r in regions.values() if r.level == "province" and r.parent_code is None]
    if len(provinces) > 1:
        for province in provinces:
            regions[province.code] = dataclasses.replace(province, parent_code=NATION_CODE)
        regions[NATION_CODE] = NATION
    return regions


def city_of(regions: Mapping[str, Region]) -> Region:
    if CITY_CODE in regions:
        return regions[CITY_CODE]
    cities = [r for r in regions.values() if r.level == "city"]
    return cities[0] if cities else FALLBACK_CITY


def children_of(regions: Mapping[str, Region], code: str) -> list[Region]:
    """The units directly under ``code``, in code order."""
    return sorted((r for r in regions.values() if r.parent_code == code), key=lambda r: r.code)


def top_of(regions: Mapping[str, Region]) -> Region:
    """The widest unit: the nation, a province, or 泉州市 in the city demo."""
    tops = [r for r in regions.values() if r.parent_code not in regions]
    return min(tops, key=lambda r: (LEVELS.index(r.level), r.code), default=FALLBACK_CITY)


def lineage(regions: Mapping[str, Region], code: str) -> list[Region]:
    """``code``'s unit and every unit above it, the widest first
    (全国, 福建省, 泉州市, 晋江市, 安海镇)."""
    chain: list[Region] = []
    while code in regions and len(chain) < len(LEVELS):
        chain.append(regions[code])
        code = regions[code].parent_code
    return list(reversed(chain))


@dataclass(frozen=True)
class Notice:
    """A URL value that was not usable: ``key`` names the message in strings.py."""
    key: str
    value: str


@dataclass(frozen=True)
class ViewFilter:
    region: Region
    period: Period                  # as chosen; may run past the latest loaded month
    cmp: str                        # periods.YOY or periods.MOM
    lang: str
    latest: date                    # the latest loaded month
    notices: tuple[Notice, ...] = ()
    county: Region | None = None    # the county above a town (for the ranking scope)

    @property
    def prefix(self) -> str:
        return region_prefix(self.region.code, self.region.level)

    @property
    def child_level(self) -> str:
        """The level of the units one below the region (town for a town)."""
        return child_level(self.region.level)

    @property
    def shows_units_below(self) -> bool:
        """A province or the nation: its towns number in the thousands, so
        its rankings, charts and maps show the units one level below it
        (``child_level``) instead.  A city and below show towns."""
        return self.region.level in ("nation", "province")

    @property
    def ranking_prefix(self) -> str:
        """Towns are ranked within the region; for one town, within its county."""
        if self.region.level == "town" and self.county is not None:
            return region_prefix(self.county.code, self.county.level)
        return self.prefix

    @property
    def shown(self) -> Period | None:
        """The period cut at the latest loaded month; None if wholly in the future."""
        return periods.shown_period(self.period, self.latest)

    @property
    def comparison(self) -> Period | None:
        shown = self.shown
        return None if shown is None else periods.comparison_period(shown, self.cmp)

    @property
    def quick_pick(self) -> str | None:
        return periods.matching_quick_pick(self.period, self.latest)

    # Query parameters, ready for ``run(query, **vf.span())`` --------------
    def span(self, compare: bool = False) -> dict:
        """prefix + first/last month of the shown (or comparison) period."""
        period = self.comparison if compare else self.shown
        return {"prefix": self.prefix, "first": period.first, "last": period.last}

    def ranking_span(self) -> dict:
        """Like ``span()`` but over the ranking's towns (a town's whole county)."""
        return {**self.span(), "prefix": self.ranking_prefix}

    @property
    def highlight_town(self) -> str | None:
        """The town a ranking highlights: the region, when it is a town."""
        return self.region.code if self.region.level == "town" else None

    def years(self, compare: bool = False) -> dict:
        """prefix + the years the shown (or comparison) period touches."""
        shown = self.shown
        first_year, last_year = shown.first_year, shown.last_year
        if compare:
            first_year, last_year = periods.comparison_years(first_year, last_year, self.cmp)
        return {"prefix": self.prefix, "first_year": first_year, "last_year": last_year}

    def at_end(self, compare: bool = False) -> dict:
        """prefix + the last day of the shown (or comparison) period: where stocks are read."""
        period = self.comparison if compare else self.shown
        return {"prefix": self.prefix, "as_of": period.end_date}

    def to_params(self) -> dict[str, str]:
        return {
            "region": self.region.code,
            "from": periods.format_month(self.period.first),
            "to": periods.format_month(self.period.last),
            "cmp": self.cmp,
            "lang": self.lang,
        }

    def replace(self, **changes) -> ViewFilter:
        return dataclasses.replace(self, **changes)


def latest_or_default(latest: date | None, today: date) -> date:
    """With nothing loaded, 'latest' is the last full month before today."""
    if latest is not None:
        return periods.month_start(latest)
    return periods.add_months(periods.month_start(today), -1)


def _one(params: Mapping, key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)


def parse_view(params: Mapping, regions: Mapping[str, Region], latest: date) -> ViewFilter:
    """Read the query string into a ViewFilter; unusable values -> defaults + notices."""
    notices: list[Notice] = []

    lang = _one(params, "lang")
    if lang is None:
        lang = "zh"
    elif lang not in LANGS:
        notices.append(Notice("notice.bad_lang", lang))
        lang = "zh"

    city = city_of(regions)
    region_code = _one(params, "region")
    if region_code is None:
        region = city
    elif region_code in regions and regions[region_code].level in LEVELS:
        region = regions[region_code]
    else:
        notices.append(Notice("notice.bad_region", region_code))
        region = city

    period = _parse_period(params, latest, notices)

    cmp = _one(params, "cmp")
    if cmp is None:
        cmp = periods.YOY
    elif cmp not in periods.COMPARISONS:
        notices.append(Notice("notice.bad_cmp", cmp))
        cmp = periods.YOY

    county = regions.get(region.parent_code) if region.level == "town" and region.parent_code else None
    return ViewFilter(region=region, period=period, cmp=cmp, lang=lang, latest=latest,
                      notices=tuple(notices), county=county)


def _parse_period(params: Mapping, latest: date, notices: list[Notice]) -> Period:
    default = periods.default_period(latest)
    from_text, to_text = _one(params, "from"), _one(params, "to")
    first = periods.parse_month(from_text) if from_text is not None else None
    last = periods.parse_month(to_text) if to_text is not None else None
    if from_text is not None and first is None:
        notices.append(Notice("notice.bad_from", from_text))
    if to_text is not None and last is None:
        notices.append(Notice("notice.bad_to", to_text))
    if (from_text is not None and first is None) or (to_text is not None and last is None):
        return default
    if first is None and last is None:
        return default
    # One end given: keep it and take the other from the default, as far as it fits.
    if first is None:
        first = default.first if default.first <= last else last
    if last is None:
        last = default.last if default.last >= first else first
    if first > last:
        notices.append(Notice("notice.bad_range", f"{from_text} > {to_text}"))
        return default
    return Period(first, last)


def with_period(vf: ViewFilter, period: Period) -> ViewFilter:
    return vf.replace(period=period)


def narrowed_to(vf: ViewFilter, regions: Mapping[str, Region], code: str) -> ViewFilter:
    """The same view for another region (a click on a town's bar)."""
    region = regions[code]
    county = regions.get(region.parent_code) if region.level == "town" and region.parent_code else None
    return vf.replace(region=region, county=county)
