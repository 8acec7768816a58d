"""Turning the names people write into codes: towns and stations.

A town may be written as its 9-digit code (350582101), its full name (安海镇),
its short name (安海), with its county in front (晋江市安海镇, 晋江安海镇) or as
its union (安海镇总工会).  Some short and even full names are shared (官桥镇
is in both 安溪县 and 南安市), so a name can be ambiguous; the error then
lists the candidates.  An unknown name gets a "did you mean".
"""
from __future__ import annotations

import difflib
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from etl import reference
from etl.normalise import is_blank, match_key

# What is written after a town's name when the "unit" is its trade union.
_UNION_SUFFIXES = ("总工会", "工会联合会", "工会")
# A county-level prefix when org_units' counties are not at hand: up to 4
# characters ending in 市/县/区, optionally after 泉州(市).
_COUNTY_PREFIX = re.compile(r"^(?:泉州市?)?(.{1,4}?[市县区])(.+)$")
_CITY_PREFIXES = ("泉州市", "泉州")
STATION_COLUMNS = ("station_id", "station_name", "town_code")
_COUNTY_NAME = re.compile(r"[\u4e00-\u9fff]{2}[市县区]")


class NotResolved(ValueError):
    """A name that is unknown (``candidates`` = suggestions) or ambiguous
    (``candidates`` = the places it could be)."""

    def __init__(self, written: str, *, ambiguous: bool, candidates: list[str]):
        super().__init__(written)
        self.written = written
        self.ambiguous = ambiguous
        self.candidates = candidates


@dataclass(frozen=True)
class Town:
    code: str
    name_zh: str
    county_zh: str = ""

    @property
    def label(self) -> str:
        """How a candidate is listed: 官桥镇（安溪县，350524103）."""
        where = f"{self.county_zh}，" if self.county_zh else ""
        return f"{self.name_zh}（{where}{self.code}）"


class TownResolver:
    """Looks towns up by code or name; built once per load from Context.towns.

    ``towns`` needs code, name_zh, short_zh, parent_code.  Rows of other
    levels (a ``level`` column with county rows) are used, when present, to
    name counties: "晋江市安海镇" is then checked against 安海镇's county.
    """

    @classmethod
    def cached(cls, towns: pd.DataFrame) -> "TownResolver":
        """The resolver for these towns (with their counties), built once per
        distinct table of towns: each load's context holds a fresh copy of
        the same 168 rows."""
        return _remembered(_TOWNS, towns, lambda: cls(with_counties(towns)))

    def __init__(self, towns: pd.DataFrame):
        frame = towns.astype({"code": str})
        counties: dict[str, tuple[str, str]] = {}
        if "level" in frame.columns:
            for row in frame[frame["level"] == "county"].itertuples():
                counties[row.code] = (row.name_zh, row.short_zh)
            frame = frame[frame["level"] == "town"]
        self.towns: dict[str, Town] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_county_name: dict[str, list[str]] = {}
        for row in frame.itertuples():
            code = str(row.code)
            parent = str(row.parent_code) if not is_blank(row.parent_code) else ""
            county_zh, county_short = counties.get(parent, ("", ""))
            self.towns[code] = Town(code, row.name_zh, county_zh)
            for name in dict.fromkeys((row.name_zh, row.short_zh)):
                self._add(self._by_name, name, code)
                for county in (county_zh, county_short):
                    if county:
                        for city in ("", *_CITY_PREFIXES):
                            self._add(self._by_county_name, city + county + name, code)
        self._has_counties = bool(counties)
        self._county_names = sorted({match_key(n) for pair in counties.values() for n in pair
                                     if n.endswith(("市", "县", "区"))}, key=len, reverse=True)
        self._names = list(self._by_name)

    @staticmethod
    def _add(index: dict[str, list[str]], name: str, code: str) -> None:
        codes = index.setdefault(match_key(name), [])
        if code not in codes:
            codes.append(code)

    def resolve(self, value: object) -> str | None:
        """The town code for ``value``; None for a blank; raises NotResolved."""
        if is_blank(value):
            return None
        key = match_key(value)
        if key in self.towns:
            return key
        codes = self._lookup(key)
        if codes is None:
            for suffix in _UNION_SUFFIXES:
                if key.endswith(suffix) and len(key) > len(suffix):
                    codes = self._lookup(key[: -len(suffix)])
                    break
        written = str(value).strip()
        if not codes:
            raise NotResolved(written, ambiguous=False, candidates=self.suggest(key))
        if len(codes) > 1:
            raise NotResolved(written, ambiguous=True,
                              candidates=[self.towns[c].label for c in codes])
        return codes[0]

    def _lookup(self, key: str) -> list[str] | None:
        if key in self._by_name:
            return self._by_name[key]
        if key in self._by_county_name:
            return self._by_county_name[key]
        if not self._has_counties:
            match = _COUNTY_PREFIX.match(key)
            if match and match[2] in self._by_name:
                return self._by_name[match[2]]
        return None

    def suggest(self, key: str) -> list[str]:
        """Up to three known names closest to ``key`` (full names shown)."""
        close = difflib.get_close_matches(key, self._names, n=6, cutoff=0.5)
        names = []
        for name in close:
            for code in self._by_name[name]:
                label = self.towns[code].name_zh
                if label not in names:
                    names.append(label)
        return names[:3]

    def name(self, code: str) -> str:
        return self.towns[code].name_zh if code in self.towns else code

    def find_in_text(self, text: str) -> set[str]:
        """Codes of the towns named in free text (a title, a file name).

        Full names first ("安海镇2024年7月…"); only when no full name occurs,
        short names ("安海_2024-07.xlsx").  A name shared by several towns
        counts as all of them, so the caller sees the text is not decisive.
        """
        key = match_key(text)
        for long_names in (True, False):
            if not long_names:
                # "丰泽区…" names a county, not 丰泽街道.
                for county in self._county_names or ():
                    key = key.replace(county, " ")
                key = _COUNTY_NAME.sub(" ", key)
            found: set[str] = set()
            spans: list[str] = []
            for name, codes in self._by_name.items():
                is_long = any(match_key(self.towns[c].name_zh) == name for c in codes)
                if is_long == long_names and name in key:
                    spans.append(name)
            # "西园" inside "西园街道" is one mention, not two.
            for name in spans:
                if not any(name != other and name in other for other in spans):
                    found.update(self._by_name[name])
            if found:
                return found
        return set()


@dataclass(frozen=True)
class Station:
    station_id: str
    station_name: str
    town_code: str


class StationResolver:
    """Looks stations up by id or by name (Context.stations: station_id,
    station_name, town_code — the register plus registers in the same load)."""

    @classmethod
    def cached(cls, stations: pd.DataFrame) -> "StationResolver":
        return _remembered(_STATIONS, stations[list(STATION_COLUMNS)], lambda: cls(stations))

    def __init__(self, stations: pd.DataFrame):
        self.stations: dict[str, Station] = {}
        self._by_id: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        for row in stations.itertuples():
            station = Station(str(row.station_id), str(row.station_name), str(row.town_code))
            self.stations[station.station_id] = station
            self._by_id[match_key(station.station_id)] = station.station_id
            ids = self._by_name.setdefault(match_key(station.station_name), [])
            if station.station_id not in ids:
                ids.append(station.station_id)

    def resolve(self, value: object) -> Station | None:
        if is_blank(value):
            return None
        key = match_key(value)
        written = str(value).strip()
        if key in self._by_id:
            return self.stations[self._by_id[key]]
        ids = self._by_name.get(key, [])
        if len(ids) == 1:
            return self.stations[ids[0]]
        if ids:
            raise NotResolved(written, ambiguous=True,
                              candidates=[f"{i}（{self.stations[i].station_name}）" for i in ids])
        close = difflib.get_close_matches(key, list(self._by_name) + list(self._by_id), n=3,
                                          cutoff=0.6)
        suggestions = []
        for hit in close:
            for station_id in self._by_name.get(hit, [self._by_id.get(hit)]):
                if station_id:
                    label = f"{self.stations[station_id].station_name}（{station_id}）"
                    if label not in suggestions:
                        suggestions.append(label)
        raise NotResolved(written, ambiguous=False, candidates=suggestions[:3])


def with_counties(towns: pd.DataFrame) -> pd.DataFrame:
    """The towns plus their counties, which "安溪县官桥镇" needs (官桥镇 is in
    安溪县 and in 南安市).  A table of town rows only (what the loader's
    context holds) gets the county rows from the shipped reference data,
    where county names live."""
    if "level" in towns.columns and (towns["level"] == "county").any():
        return towns
    counties = _reference_counties()
    columns = ["code", "level", "name_zh", "short_zh", "parent_code"]
    return pd.concat([towns.assign(level="town")[columns], counties[columns]],
                     ignore_index=True)


@lru_cache(maxsize=1)
def _reference_counties() -> pd.DataFrame:
    units = reference.read_org_units()
    return units[units["level"] == "county"].reset_index(drop=True)


# Resolvers are immutable once built, so a load (and the next one, from the
# same warehouse) reuses them instead of re-indexing every name.  They are
# remembered by a fingerprint of the table's content.
_TOWNS: OrderedDict = OrderedDict()
_STATIONS: OrderedDict = OrderedDict()
_REMEMBERED = 8


def _remembered(cache: OrderedDict, table: pd.DataFrame, build):
    rows = pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy()
    key = (tuple(table.columns), len(rows), int(rows.sum(dtype=np.uint64)),
           int(np.bitwise_xor.reduce(rows)) if len(rows) else 0)
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    cache[key] = value = build()
    while len(cache) > _REMEMBERED:
        cache.popitem(last=False)
    return value
