"""The demo's made-up world: what Quanzhou's town unions did, month by month.

Pure functions from (towns, last full month) to one DataFrame per dataset,
with the datasets' canonical columns (etl.specs) plus ``county_code``.  How
those rows are laid out in office spreadsheets is etl/demo_files.py's job.

Every random draw comes from a generator seeded by (SEED, dataset, town, …),
so a town's numbers do not depend on which other towns are generated (the
"town" scale shows the same 安海镇 as the "city" scale), and a month's
numbers do not depend on ``last_month`` (only which recent reports are still
missing does).

安海镇's 2024 figures are the published ones (PUBLISHED below) and are set
exactly; everything else is drawn to look like a real town's reports.
"""
from __future__ import annotations

import calendar
import itertools
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from etl import coords, specs

SEED = 20240701
FIRST_MONTH = date(2022, 1, 1)
ANHAI = "350582101"


HOSPITAL, WOMEN, ACCIDENT = specs.SCHEMES   # 职工住院医疗互助, 女职工特殊疾病互助, 职工意外伤害互助


@dataclass(frozen=True)
class Published:
    """The figures published for 安海镇, 2024; the demo reproduces them exactly."""
    town: str = ANHAI
    year: int = 2024
    camp_classes: int = 21
    camp_children: int = 579
    members: tuple[tuple[str, int], ...] = ((HOSPITAL, 10995), (WOMEN, 1623))
    claims_h1: int = 130                    # 2024-01..2024-06, both schemes
    claims_paid_h1_cents: int = 38_543_500  # ¥385,435.00
    wage_contracts: int = 285               # active on 2024-12-31, one enterprise each
    wage_contract_workers: int = 17_580
    regional_enterprises: int = 963         # the one 区域性工资集体合同
    regional_workers: int = 24_346
    stations: int = 18

    @property
    def contracts_on(self) -> date:
        return date(self.year, 12, 31)


PUBLISHED = Published()


# Randomness ------------------------------------------------------------------

def rng_for(*keys: object) -> np.random.Generator:
    """A generator that depends only on SEED and ``keys``."""
    digest = zlib.crc32("|".join(str(k) for k in keys).encode("utf-8"))
    return np.random.default_rng([SEED, digest])


def _split_exact(total: int, weights, rng: np.random.Generator, minimum: int = 0) -> np.ndarray:
    """``len(weights)`` non-negative integers >= ``minimum`` summing to ``total``."""
    weights = np.asarray(weights, dtype=float)
    base = np.full(len(weights), minimum, dtype=np.int64)
    rest = total - base.sum()
    if rest < 0:
        raise ValueError(f"cannot split {total} into {len(weights)} parts of at least {minimum}")
    return base + rng.multinomial(rest, weights / weights.sum())


def _scale_exact(raw, total: int) -> np.ndarray:
    """Integers proportional to ``raw`` summing exactly to ``total`` (largest remainder)."""
    raw = np.asarray(raw, dtype=float)
    shares = raw * (total / raw.sum())
    out = np.floor(shares).astype(np.int64)
    short = total - out.sum()
    order = np.argsort(-(shares - out), kind="stable")
    out[order[:short]] += 1
    return out


# Calendar ----------------------------------------------------------------------

def last_full_month(today: date) -> date:
    """The first day of the last month that has ended before ``today``."""
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def month_range(first: date, last: date) -> list[date]:
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:          # 29 February
        return day.replace(year=day.year + years, day=28)


SPRING_FESTIVAL = {2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
                   2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
                   2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
                   2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11)}


def _holiday_dip(month: date) -> float:
    """Outdoor workers go home for Spring Festival: fewer station visits in the
    month(s) the three holiday weeks fall in."""
    festival = SPRING_FESTIVAL.get(month.year, date(month.year, 2, 5))
    window = [festival + timedelta(days=d) for d in range(-5, 16)]
    overlap = sum(1 for d in window if d.year == month.year and d.month == month.month)
    return 1 - 0.55 * overlap / calendar.monthrange(month.year, month.month)[1]


SUMMER = {6: 1.12, 7: 1.35, 8: 1.42, 9: 1.08}


# Towns ---------------------------------------------------------------------------

_INITIALS = ["zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q",
             "x", "r", "z", "c", "s", "y", "w", ""]
_FINALS = ["a", "o", "e", "i", "u", "v", "ai", "ei", "ui", "ao", "ou", "iu", "ie", "ue", "er",
           "an", "en", "in", "un", "ang", "eng", "ing", "ong", "ia", "iao", "ian", "iang",
           "iong", "ua", "uo", "uai", "uan", "uang"]
_SYLLABLES = {i + f for i in _INITIALS for f in _FINALS}


def _syllables(word: str) -> list[str]:
    """'Anhai' -> ['an', 'hai'], "Hui'an" -> ['hui', 'an'] (longest match, backtracking)."""
    parts: list[str] = []
    # "Luóyáng" (one name in the reference has tone marks) -> "Luoyang"
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    for chunk in plain.lower().replace("’", "'").split("'"):
        def split(rest: str) -> list[str] | None:
            if not rest:
                return []
            for n in range(min(6, len(rest)), 0, -1):
                if rest[:n] in _SYLLABLES:
                    tail = split(rest[n:])
                    if tail is not None:
                        return [rest[:n], *tail]
            return None
        parts.extend(split(chunk) or [chunk])
    return parts


def abbreviation(name_en: str) -> str:
    """'Anhai Town' -> 'AH', 'Jinjiang City' -> 'JJ'."""
    return "".join(s[0] for s in _syllables(name_en.split()[0])).upper()


def town_abbreviations(org_units: pd.DataFrame) -> dict[str, str]:
    """Town code -> letters for station and contract ids (安海镇 -> AH).

    Unique within a county: 梅山镇 and 眉山乡 are both "MS", so the later one
    becomes "MES".  Judged on every town, so that a run for some towns gives
    the same ids as a run for all of them.
    """
    towns = org_units[org_units["level"] == "town"].sort_values("code")
    result: dict[str, str] = {}
    for _, county_towns in towns.groupby("parent_code", sort=True):
        taken: set[str] = set()
        for code, name_en in zip(county_towns["code"], county_towns["name_en"]):
            syllables = _syllables(name_en.split()[0])
            initials = "".join(s[0] for s in syllables).upper()
            longer = (syllables[0][:2] + "".join(s[0] for s in syllables[1:])).upper()
            numbered = (f"{initials}{n}" for n in itertools.count(2))
            result[code] = next(c for c in itertools.chain([initials, longer], numbered)
                                if c not in taken)
            taken.add(result[code])
    return result


# Relative size of towns by county and kind (乡 are small and rural).
_COUNTY_WEIGHT = {"350582": 1.25, "350581": 1.15, "350583": 1.1, "350503": 1.1, "350502": 1.0,
                  "350505": 0.9, "350521": 0.9, "350504": 0.8, "350524": 0.7, "350525": 0.65,
                  "350526": 0.65}
_KIND_WEIGHT = {"街道": 1.0, "镇": 1.0, "乡": 0.35}


def towns_frame(org_units: pd.DataFrame, only: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Reporting towns with county names, abbreviations (for ids) and a size.

    ``size`` is the town's scale relative to 安海镇 (1.0): members, stations,
    camps and contracts are drawn in proportion to it.  ``shared_name``
    marks a town whose name another town of the city also has (官桥镇).
    """
    counties = org_units[org_units["level"] == "county"].set_index("code")
    towns = org_units[org_units["code"].isin(reporting_towns(org_units))].copy()
    if only is not None:
        towns = towns[towns["code"].isin(only)]
    towns = towns.sort_values("code").reset_index(drop=True)
    towns["county_code"] = towns["parent_code"]
    towns["county_zh"] = towns["county_code"].map(counties["name_zh"])
    towns["county_abbr"] = towns["county_code"].map(counties["name_en"].map(abbreviation))
    towns["abbr"] = towns["code"].map(town_abbreviations(org_units))
    for axis in ("lon", "lat"):           # a town without a centre gets its county's
        county_centre = towns["county_code"].map(counties[axis].astype(float))
        towns[axis] = towns[axis].astype(float).fillna(county_centre)

    sizes = []
    for code, county, kind in zip(towns["code"], towns["county_code"], towns["kind"]):
        if code == ANHAI:
            sizes.append(1.0)
            continue
        drawn = 0.32 * rng_for("size", code).lognormal(0, 0.45)
        size = drawn * _COUNTY_WEIGHT.get(county, 0.8) * _KIND_WEIGHT.get(kind, 1.0)
        sizes.append(float(np.clip(size, 0.06, 0.95)))
    towns["size"] = sizes

    every_town = org_units[org_units["level"] == "town"]
    names = pd.concat([every_town["name_zh"], every_town["short_zh"]])
    shared = set(names[names.duplicated(keep=False)])
    towns["shared_name"] = towns["name_zh"].isin(shared) | towns["short_zh"].isin(shared)
    return towns[["code", "name_zh", "short_zh", "name_en", "kind", "county_code", "county_zh",
                  "county_abbr", "abbr", "lon", "lat", "size", "shared_name"]]


def reporting_towns(org_units: pd.DataFrame) -> list[str]:
    """Codes of every town that reports to 泉州市总工会."""
    towns = org_units[(org_units["level"] == "town") & org_units["reporting"]]
    return sorted(towns["code"])


LATE_TOWNS = 3


def missing_reports(towns: pd.DataFrame, last_month: date,
                    all_towns: list[str] | None = None) -> set[tuple[str, date]]:
    """(town, month) pairs of ``towns`` whose monthly report never arrived.

    Only in the last twelve months, as in real life (old gaps get chased up),
    and LATE_TOWNS towns of the city (``all_towns``) have not yet reported the
    last month, so that the 报送进度 view has something to show.  安海镇
    always reports.
    """
    recent = month_range(last_month.replace(year=last_month.year - 1), last_month)[1:]
    candidates = [c for c in (all_towns or towns["code"]) if c != ANHAI]
    missing: set[tuple[str, date]] = set()
    for month in recent[:-1]:
        for code in candidates:
            if rng_for("missing", code, month).random() < 0.012:
                missing.add((code, month))
    late = sorted(candidates, key=lambda c: rng_for("late", c, last_month).random())[:LATE_TOWNS]
    missing.update((code, last_month) for code in late)
    ours = set(towns["code"])
    return {(code, month) for code, month in missing if code in ours}


# 职工医疗互助 -----------------------------------------------------------------------

# scheme: (members relative to 住院 members, claims per member per month, yuan per claim)
_SCHEME_SHAPE = {
    HOSPITAL: (1.0, 0.0016, (2300, 3500)),
    WOMEN: (0.15, 0.0011, (2600, 3900)),
    ACCIDENT: (0.45, 0.0007, (1900, 3200)),
}


def mutual_aid(towns: pd.DataFrame, last_month: date,
               missing: set[tuple[str, date]]) -> pd.DataFrame:
    months = month_range(FIRST_MONTH, last_month)
    published_members = dict(PUBLISHED.members)
    rows = []
    for town in towns.itertuples():
        rng = rng_for("mutual_aid", town.code)
        schemes = [HOSPITAL]
        start_year = {HOSPITAL: 2022}
        if town.code == ANHAI or rng.random() < 0.8:
            schemes.append(WOMEN)
            start_year[WOMEN] = (2022 if town.code == ANHAI
                                               else int(rng.choice([2022, 2022, 2023, 2024])))
        if town.code != ANHAI and rng.random() < 0.3:
            schemes.append(ACCIDENT)
            start_year[ACCIDENT] = int(rng.choice([2022, 2023, 2024, 2025]))
        growth = rng.uniform(1.02, 1.06)
        hospital_2024 = published_members[HOSPITAL] * town.size * rng.uniform(0.8, 1.2)
        for scheme in schemes:
            share, claim_rate, (low, high) = _SCHEME_SHAPE[scheme]
            srng = rng_for("mutual_aid", town.code, scheme)
            scheme_share = share * srng.uniform(0.8, 1.25)
            yuan_per_claim = srng.uniform(low, high)
            # 安海镇's other years grow into and out of its published 2024.
            members_2024 = (published_members[scheme] if town.code == ANHAI
                            else hospital_2024 * scheme_share)
            for year in range(start_year[scheme], last_month.year + 1):
                yrng = rng_for("mutual_aid", town.code, scheme, year)
                pinned = town.code == ANHAI and year == PUBLISHED.year
                if pinned:
                    members = published_members[scheme]
                else:
                    members = round(members_2024 * growth ** (year - 2024) * yrng.normal(1, 0.01))
                # Most towns enrol once, in January; some top up in a few months.
                flat_year = pinned or yrng.random() < 0.35
                for month in (m for m in months if m.year == year):
                    draws = yrng.random(3)
                    if month.month == 1:
                        new = round(members * (0.03 + 0.05 * draws[0]))
                    elif not flat_year and draws[1] < 0.22:
                        new = max(1, round(members * (0.002 + 0.008 * draws[0])))
                        members += new
                    else:
                        new = 0
                    winter = 1.1 if month.month in (1, 2, 12) else 1.0
                    claims = int(yrng.poisson(members * claim_rate * winter))
                    cents = int(round(claims * yuan_per_claim * yrng.normal(1, 0.08) * 100))
                    if (town.code, month) in missing:
                        continue
                    rows.append((month, town.code, town.county_code, scheme, members, new,
                                 claims, max(cents, 0)))
    frame = pd.DataFrame(rows, columns=["month", "town_code", "county_code", "scheme",
                                        "members_enrolled", "new_enrolments", "claims",
                                        "claims_paid_cents"])
    if ANHAI in set(towns["code"]):
        frame = _pin_anhai_claims(frame)
    return frame


def _pin_anhai_claims(frame: pd.DataFrame) -> pd.DataFrame:
    """Set 安海镇's Jan-Jun 2024 claims to the published totals, spread over
    the months and schemes like real claims (mostly hospital stays)."""
    year = PUBLISHED.year
    first_half = (frame["month"] >= date(year, 1, 1)) & (frame["month"] <= date(year, 6, 1))
    rows = frame.index[(frame["town_code"] == ANHAI) & first_half]
    if len(rows) < 6 * len(PUBLISHED.members):       # a demo of a day before July 2024
        return frame
    rng = rng_for("published claims", ANHAI, year)
    weights = np.where(frame.loc[rows, "scheme"] == HOSPITAL, 0.86, 0.14) / 6
    claims = _split_exact(PUBLISHED.claims_h1, weights, rng)
    per_claim = rng.uniform(2500, 3450, len(rows))
    cents = _scale_exact(claims * per_claim, PUBLISHED.claims_paid_h1_cents)
    frame.loc[rows, "claims"] = claims
    frame.loc[rows, "claims_paid_cents"] = cents
    return frame


# 工会驿站 ---------------------------------------------------------------------------

_PLACES = ("星塔", "东门", "西门", "南门", "新街", "中山", "民主", "和平", "文化", "城南", "城北",
           "溪边", "后库", "前埔", "山前", "湖中", "霞浦", "石埕", "新村", "福埔", "古楼", "洋埭",
           "宝山", "龙山", "凤山", "金山", "玉湖", "东山", "南山", "桥头", "埔头", "溪头", "上林",
           "下林", "庄头", "岭兜", "新华", "建设", "光明", "幸福", "荣光", "锦绣", "东安", "西安")
_BRANDS = ("恒达", "鑫源", "华泰", "宏发", "永盛", "金辉", "联兴", "盛丰", "嘉禾", "顺昌", "富源",
           "荣辉", "凯达", "泰兴", "协和", "利嘉", "万隆", "信诚", "宏远", "建华", "新亚", "长城",
           "东升", "天润", "祥云", "海峡", "闽兴", "安泰", "隆盛", "德茂", "瑞丰", "汇通")
_COUNTY_INDUSTRIES = {
    "350582": ("鞋业", "服装", "纺织", "食品", "伞业", "陶瓷", "包装"),
    "350581": ("服装", "纺织", "印染", "鞋业", "辅料"),
    "350583": ("建材", "水暖", "石材", "机械", "五金"),
    "350521": ("石材", "雕艺", "鞋业", "食品", "化工"),
    "350524": ("茶业", "藤铁工艺", "食品", "竹木"),
    "350525": ("香业", "陶瓷", "食品", "茶业"),
    "350526": ("陶瓷", "瓷业", "工艺品", "包装"),
    "350505": ("石化", "物流", "机械", "塑胶"),
}
_DEFAULT_INDUSTRIES = ("电子", "机械", "食品", "包装", "物流", "塑胶", "印刷")
_HOST_WEIGHTS = dict(zip(specs.HOST_TYPES, (0.2, 0.2, 0.14, 0.12, 0.12, 0.1, 0.07, 0.05)))
_BANKS = ("农商银行", "农业银行", "建设银行", "邮储银行", "工商银行", "中国银行", "兴业银行")
_MALLS = ("万达广场", "宝龙广场", "世茂广场", "中心商场", "商业街", "财富中心", "国际商务中心")
_OTHER_SITES = ("客运站", "文化中心", "体育公园", "农贸市场", "物流园")
_FACILITIES = ("饮水机", "微波炉", "冰箱", "充电桩", "医药箱", "空调", "桌椅", "卫生间", "图书角",
               "雨具", "手机充电", "打气筒")
# host type -> visitor group -> relative visits
_HOST_MIX = {
    "环卫站点": (3.0, 0.6, 0.7, 0.3, 0.8),
    "商圈楼宇": (0.8, 1.6, 2.2, 0.7, 1.0),
    "加油站": (0.6, 1.0, 1.2, 2.2, 0.8),
    "银行网点": (1.0, 1.1, 1.1, 0.8, 1.2),
    "企业": (0.6, 0.9, 0.9, 0.5, 1.6),
}
_GROUP_BASE = np.array([110.0, 85.0, 120.0, 40.0, 60.0])     # specs.VISITOR_GROUPS order
_MEAL_SHARE = np.array([0.35, 0.25, 0.4, 0.15, 0.2])
_CHARGE_SHARE = np.array([0.03, 0.3, 0.35, 0.2, 0.05])


# Most stations were picked on Amap/Tencent maps (GCJ-02), a few on Baidu
# (BD-09) or read off a phone's GPS (WGS-84).
_CAPTURE = {"GCJ02": coords.wgs84_to_gcj02, "BD09": coords.wgs84_to_bd09,
            "WGS84": lambda lon, lat: (lon, lat)}


def _station_name(host: str, town, place: str, community: str, rng: np.random.Generator
                  ) -> tuple[str, str]:
    """(name, address) of a station at ``place`` hosted by a ``host`` site."""
    # 官桥镇 is in two counties; offices tell them apart by the county.
    town_name = f"{town.county_zh[:2]}{town.name_zh}" if town.shared_name else town.name_zh
    town_short = f"{town.county_zh[:2]}{town.short_zh}" if town.shared_name else town.short_zh
    where = f"{town.county_zh}{town.name_zh}{place}"
    if host in ("党建+邻里中心", "网格党群服务站"):
        return f"{town_name}{place}{community}工会驿站", f"{where}{community}"
    if host == "企业":
        company = f"{_BRANDS[int(rng.integers(len(_BRANDS)))]}{_industry(town.county_code, rng)}"
        return f"{town_name}{company}工会驿站", f"{where}工业区"
    if host == "商圈楼宇":
        return f"{town_name}{place}{_MALLS[int(rng.integers(len(_MALLS)))]}工会驿站", f"{where}路"
    if host == "环卫站点":
        return f"{town_name}{place}环卫工人爱心驿站", f"{where}环卫所"
    if host == "银行网点":
        return f"{_BANKS[int(rng.integers(len(_BANKS)))]}{town_short}{place}网点工会驿站", f"{where}路"
    if host == "加油站":
        brand = "中石化" if rng.random() < 0.6 else "中石油"
        return f"{brand}{town_short}{place}加油站工会驿站", where
    return f"{town_name}{place}{_OTHER_SITES[int(rng.integers(len(_OTHER_SITES)))]}工会驿站", where


_STATION_COLUMNS = ["station_id", "station_name", "town_code", "county_code", "address", "lon",
                    "lat", "lon_wgs84", "lat_wgs84", "crs", "host_type", "opened_date",
                    "facilities", "visit_mix"]


def stations(towns: pd.DataFrame, last_month: date) -> pd.DataFrame:
    """The register as it stands at the end of ``last_month``.  Names are
    unique in the city: some counties report visits by station name."""
    cutoff = month_end(last_month)
    hosts, host_p = list(_HOST_WEIGHTS), np.array(list(_HOST_WEIGHTS.values()))
    rows = []
    used_names: set[str] = set()
    for town in towns.itertuples():
        rng = rng_for("stations", town.code)
        anhai = town.code == ANHAI
        count = PUBLISHED.stations if anhai else max(1, int(rng.poisson(0.5 + 3.5 * town.size)))
        if anhai:
            days = rng.integers(0, (date(2024, 12, 20) - date(2021, 3, 1)).days, count)
            opened = sorted(date(2021, 3, 1) + timedelta(days=int(d)) for d in days)
        else:
            years = rng.choice([2021, 2022, 2023, 2024, 2025, 2026], count,
                               p=[0.22, 0.27, 0.2, 0.15, 0.1, 0.06])
            opened = sorted(date(int(y), 1, 1) + timedelta(days=int(rng.integers(0, 365)))
                            for y in years)
        places = list(rng.permutation(_PLACES))
        if anhai:                      # 安海镇星塔社区工会驿站, the templates' example
            places.remove("星塔")
            places.insert(0, "星塔")
        community = "社区" if town.kind == "街道" or rng.random() < 0.5 else "村"
        host_draw = rng.choice(len(hosts), count, p=host_p)
        for n, (day, host_i) in enumerate(zip(opened, host_draw), start=1):
            host = "党建+邻里中心" if anhai and n == 1 else hosts[host_i]
            name, address = _station_name(host, town, places[(n - 1) % len(places)],
                                          "社区" if n == 1 else community, rng)
            if name in used_names:
                name = name.replace("驿站", f"驿站（{n}）")
            spread = 0.004 + 0.012 * min(town.size, 0.6)      # degrees; bigger towns spread wider
            lon = town.lon + float(np.clip(rng.normal(0, spread), -3 * spread, 3 * spread))
            lat = town.lat + float(np.clip(rng.normal(0, spread), -3 * spread, 3 * spread))
            crs = str(rng.choice(["GCJ02", "BD09", "WGS84"], p=[0.78, 0.11, 0.11]))
            captured_lon, captured_lat = _CAPTURE[crs](lon, lat)
            facilities = "、".join(rng.choice(_FACILITIES, int(rng.integers(3, 7)), replace=False))
            mix = np.array(_HOST_MIX.get(host, (1.0, 1.0, 1.0, 1.0, 1.0)))
            level = float(rng.lognormal(0, 0.35)) * (0.6 + 0.6 * town.size)
            if day > cutoff:
                continue
            used_names.add(name)
            rows.append(dict(
                station_id=f"{town.county_abbr}-{town.abbr}-{n:02d}", station_name=name,
                town_code=town.code, county_code=town.county_code, address=address,
                lon=round(float(captured_lon), 6), lat=round(float(captured_lat), 6),
                lon_wgs84=lon, lat_wgs84=lat, crs=crs, host_type=host, opened_date=day,
                facilities=facilities, visit_mix=mix * level))
    return pd.DataFrame(rows, columns=_STATION_COLUMNS)


def _industry(county_code: str, rng: np.random.Generator) -> str:
    industries = _COUNTY_INDUSTRIES.get(county_code, _DEFAULT_INDUSTRIES)
    return industries[int(rng.integers(len(industries)))]


def station_visits(station_register: pd.DataFrame, last_month: date,
                   missing: set[tuple[str, date]]) -> pd.DataFrame:
    months = month_range(FIRST_MONTH, last_month)
    season = np.array([SUMMER.get(m.month, 1.0) * _holiday_dip(m) * 1.05 ** (m.year - 2022)
                       for m in months])
    groups = np.array(specs.VISITOR_GROUPS)
    frames = []
    for station in station_register.itertuples():
        rng = rng_for("visits", station.station_id)
        opened = station.opened_date.replace(day=1)
        since = np.array([(m.year - opened.year) * 12 + m.month - opened.month for m in months])
        ramp = np.clip((since + 1) / 3, 0, 1)      # a new station takes a few months to be found
        expected = (season * ramp)[:, None] * (_GROUP_BASE * station.visit_mix)[None, :]
        noise = rng.lognormal(0, 0.12, expected.shape)
        visits = np.rint(expected * noise).astype(np.int64)
        shares = rng.uniform(0.0, 1.0, (5,) + expected.shape)
        rest = np.rint(visits * (0.45 + 0.25 * shares[0]))
        water = np.rint(visits * (0.55 + 0.3 * shares[1]))
        meal = np.rint(visits * _MEAL_SHARE * (0.8 + 0.4 * shares[2]))
        charging = np.rint(visits * _CHARGE_SHARE * (0.8 + 0.4 * shares[3]))
        medical = np.rint(visits * 0.02 * shares[4])
        keep = (since >= 0) & np.array([(station.town_code, m) not in missing for m in months])
        month_idx = np.repeat(np.nonzero(keep)[0], 5)
        group_idx = np.tile(np.arange(5), int(keep.sum()))
        frames.append(pd.DataFrame({
            "month": np.array(months, dtype=object)[month_idx],
            "station_id": station.station_id,
            "station_name": station.station_name,
            "town_code": station.town_code,
            "county_code": station.county_code,
            "visitor_group": groups[group_idx],
            "visits": visits[month_idx, group_idx],
            "rest": rest[month_idx, group_idx].astype(np.int64),
            "meal_heating": meal[month_idx, group_idx].astype(np.int64),
            "drinking_water": water[month_idx, group_idx].astype(np.int64),
            "charging": charging[month_idx, group_idx].astype(np.int64),
            "medical": medical[month_idx, group_idx].astype(np.int64),
        }))
    if not frames:
        return pd.DataFrame(columns=["month", "station_id", "station_name", "town_code",
                                     "county_code", "visitor_group", "visits",
                                     *specs.STATION_SERVICES])
    return pd.concat(frames, ignore_index=True).sort_values(
        ["month", "station_id", "visitor_group"], kind="stable",
        key=lambda s: s.map(specs.VISITOR_GROUPS.index) if s.name == "visitor_group" else s,
    ).reset_index(drop=True)


# 职工子女暑托班 ------------------------------------------------------------------------

REGULAR_CLASS, NEW_FORM_CLASS = specs.CLASS_TYPES
_CAMP_YEAR_FACTOR = {2022: 0.55, 2023: 0.75, 2024: 1.0, 2025: 1.1, 2026: 1.2}


def camp_years(last_month: date) -> list[int]:
    """A summer's classes are reported once the summer is over (August)."""
    return [y for y in range(FIRST_MONTH.year, last_month.year + 1)
            if (last_month.year, last_month.month) >= (y, 8)]


_CAMP_COLUMNS = ["year", "town_code", "county_code", "class_name", "host_org", "class_type",
                 "start_date", "end_date", "children_enrolled", "new_form_children", "capacity",
                 "meal_fee_yuan"]


def summer_camps(towns: pd.DataFrame, last_month: date) -> pd.DataFrame:
    rows = []
    for town in towns.itertuples():
        rng = rng_for("camps", town.code)
        base_classes = PUBLISHED.camp_classes * town.size * rng.uniform(0.6, 1.4)
        meal_fee = int(rng.choice([10, 12, 15, 15, 18, 20]))
        places = list(rng.permutation(_PLACES))
        for year in camp_years(last_month):
            yrng = rng_for("camps", town.code, year)
            pinned = town.code == ANHAI and year == PUBLISHED.year
            if pinned:
                n = PUBLISHED.camp_classes
                children = _split_exact(PUBLISHED.camp_children, np.ones(n), yrng, minimum=25)
            else:
                growth = _CAMP_YEAR_FACTOR.get(year, 1.2)
                n = int(round(base_classes * growth * yrng.uniform(0.85, 1.15)))
                if yrng.random() < 0.12:
                    n = 0                                  # no camp that summer
                children = 25 + yrng.binomial(20, 0.35, n)
            special = 0 if n < 4 else max(int(n >= 8), int(round(n * yrng.uniform(0.05, 0.15))))
            first_monday = date(year, 7, 1) + timedelta(days=(7 - date(year, 7, 1).weekday()) % 7)
            for k in range(n):
                is_special = k >= n - special
                kids = int(children[k])
                start = first_monday + timedelta(days=7 * int(yrng.integers(0, 2)))
                end = start + timedelta(days=7 * int(yrng.integers(6, 8)) - 3)
                if is_special:
                    new_form = kids - int(yrng.binomial(kids, 0.15))
                    host_org = f"{town.name_zh}总工会"
                    class_name = f"{town.name_zh}新就业形态劳动者子女暑托专班{k - (n - special) + 1}"
                else:
                    new_form = int(yrng.binomial(kids, yrng.uniform(0.08, 0.2)))
                    draw = yrng.random()
                    if draw < 0.6:
                        host_org = f"{town.name_zh}总工会"
                    elif draw < 0.85:
                        host_org = f"{town.name_zh}{places[k % len(places)]}社区工会"
                    else:
                        host_org = (f"{town.county_zh}{_BRANDS[int(yrng.integers(len(_BRANDS)))]}"
                                    f"{_industry(town.county_code, yrng)}有限公司工会")
                    class_name = f"{town.name_zh}第{k + 1}期暑托班"
                if yrng.random() < 0.04:
                    capacity = kids - int(yrng.integers(1, 4))      # took a few extra children
                else:
                    capacity = int(-(-(kids + int(yrng.integers(0, 9))) // 5) * 5)
                rows.append(dict(year=year, town_code=town.code, county_code=town.county_code,
                                 class_name=class_name, host_org=host_org,
                                 class_type=NEW_FORM_CLASS if is_special else REGULAR_CLASS,
                                 start_date=start, end_date=end, children_enrolled=kids,
                                 new_form_children=new_form, capacity=capacity,
                                 meal_fee_yuan=meal_fee))
    return pd.DataFrame(rows, columns=_CAMP_COLUMNS)


# 集体合同 ----------------------------------------------------------------------------

WAGE, COMPREHENSIVE, REGIONAL, INDUSTRY, WOMEN_RIGHTS = specs.CONTRACT_TYPES
_TERM_YEARS = np.array([1, 2, 3])
_TERM_P = np.array([0.15, 0.2, 0.65])
_HISTORY_FROM = date(2019, 1, 1)   # chains are drawn back to here
_REGISTER_FROM = date(2022, 1, 1)  # the register lists contracts in force on or after this day


def _chain(rng: np.random.Generator, status: str, anchor: date, last_day: date,
           terms=(_TERM_YEARS, _TERM_P)) -> list[tuple[date, date]]:
    """Successive (signed, expiry) terms of one party's contract.

    status says how the chain stands on ``anchor``: "active" (in force, well
    away from either end), "closed" (stopped renewing before), "new" (first
    signed after) or "gap" (lapsed before, renewed after).
    """
    years, p = terms

    def term() -> int:
        return int(rng.choice(years, p=p))

    def expiry_of(signed: date, t: int) -> date:
        return add_years(signed, t) - timedelta(days=1)

    def backward(signed: date) -> list[tuple[date, date]]:
        chain = []
        while signed >= _HISTORY_FROM:
            expiry = signed - timedelta(days=1 if rng.random() < 0.6 else int(rng.integers(2, 60)))
            t = term()
            prev_signed = add_years(expiry + timedelta(days=1), -t)
            chain.insert(0, (prev_signed, expiry))
            signed = prev_signed
            if rng.random() < 0.4:         # the enterprise's first contract
                break
        return chain

    def forward(expiry: date) -> list[tuple[date, date]]:
        chain = []
        while True:
            signed = expiry + timedelta(days=1 if rng.random() < 0.6 else int(rng.integers(2, 45)))
            if signed > last_day or rng.random() < 0.04:
                return chain
            t = term()
            expiry = expiry_of(signed, t)
            chain.append((signed, expiry))

    if status == "active":
        t = term()
        signed = anchor - timedelta(days=int(rng.integers(20, 365 * t - 20)))
        current = [(signed, expiry_of(signed, t))]
        return backward(signed) + current + forward(current[0][1])
    if status == "closed":
        expiry = anchor - timedelta(days=int(rng.integers(20, 365 * 3)))
        t = term()
        signed = add_years(expiry + timedelta(days=1), -t)
        return backward(signed) + [(signed, expiry)]
    if status == "new":
        signed = anchor + timedelta(days=int(rng.integers(20, max(21, (last_day - anchor).days))))
        if signed > last_day:
            return []
        t = term()
        return [(signed, expiry_of(signed, t))] + forward(expiry_of(signed, t))
    if status == "gap":
        expiry = anchor - timedelta(days=int(rng.integers(20, 150)))
        t = term()
        signed = add_years(expiry + timedelta(days=1), -t)
        renewed = anchor + timedelta(days=int(rng.integers(20, 120)))
        chain = backward(signed) + [(signed, expiry)]
        if renewed <= last_day:
            t = term()
            chain += [(renewed, expiry_of(renewed, t))] + forward(expiry_of(renewed, t))
        return chain
    raise ValueError(status)


def collective_contracts(towns: pd.DataFrame, last_month: date) -> pd.DataFrame:
    """Every contract in the county registers that was in force on or after
    _REGISTER_FROM, signed up to the end of ``last_month``, with its id."""
    last_day = month_end(last_month)
    frames = [_town_contracts(town, last_day) for town in towns.itertuples()]
    contracts = pd.concat(frames, ignore_index=True)
    # A town's anchor may lie after ``last_month`` when the demo is built for
    # an earlier today: nothing is signed in the future.
    contracts = contracts[(contracts["expiry_date"] >= _REGISTER_FROM)
                          & (contracts["signed_date"] <= last_day)]
    contracts = contracts.sort_values(["county_code", "town_code", "signed_date", "party_name"],
                                      kind="stable").reset_index(drop=True)
    signed_year = contracts["signed_date"].map(lambda d: d.year)
    seq = contracts.groupby(["town_code", signed_year]).cumcount() + 1
    prefix = dict(zip(towns["code"], towns["county_abbr"] + towns["abbr"]))    # JJAH
    contracts.insert(0, "contract_id", [f"{prefix[t]}-{y}-{n:03d}" for t, y, n
                                        in zip(contracts["town_code"], signed_year, seq)])
    return contracts


def _town_contracts(town, last_day: date) -> pd.DataFrame:
    """One town's contracts.  On an anchor day a known number of enterprise
    wage contracts is in force, covering a known number of workers (安海镇:
    the published 285 and 17,580 on 2024-12-31); the other enterprises have
    stopped, lapsed or not yet signed.  Other towns' anchors are spread over
    2023-2025, so that the city's totals show no kink on any one day."""
    rng = rng_for("contracts", town.code)
    anhai = town.code == ANHAI
    if anhai:
        anchor = PUBLISHED.contracts_on
        active, active_workers = PUBLISHED.wage_contracts, PUBLISHED.wage_contract_workers
    else:
        anchor = date(2023, 1, 1) + timedelta(days=int(rng.integers(0, 3 * 365)))
        active = max(5, round(PUBLISHED.wage_contracts * town.size * rng.uniform(0.5, 0.9)))
        active_workers = int(active * rng.uniform(40, 90))
    # Coverage grows: more enterprises sign for the first time after the
    # anchor than stop renewing before it.
    statuses = (["active"] * active + ["closed"] * int(active * 0.05)
                + ["new"] * int(active * 0.14) + ["gap"] * int(active * 0.04))
    # 安海镇 has only wage and regional contracts; elsewhere some enterprises
    # also sign a comprehensive or a women's-rights contract (3-year terms).
    extra_kinds = () if anhai else ((COMPREHENSIVE, 0.08), (WOMEN_RIGHTS, 0.12))
    three_years = (np.array([3]), np.array([1.0]))
    used_names: set[str] = set()
    rows = []
    for i, status in enumerate(statuses):
        erng = rng_for("contracts", town.code, i)
        name = _enterprise_name(town, erng, used_names)
        workers = max(8.0, erng.lognormal(np.log(45), 0.8))
        chains = [(WAGE, _chain(erng, status, anchor, last_day))]
        chains += [(kind, _chain(erng, status, anchor, last_day, terms=three_years))
                   for kind, p in extra_kinds if erng.random() < p]
        for kind, chain in chains:
            rows += [dict(town_code=town.code, county_code=town.county_code, contract_type=kind,
                          party_name=name, signed_date=signed, expiry_date=expiry,
                          enterprises_covered=1, workers_covered=workers * erng.uniform(0.9, 1.12))
                     for signed, expiry in chain]
    frame = pd.DataFrame(rows)
    in_force = ((frame["contract_type"] == WAGE) & (frame["signed_date"] <= anchor)
                & (frame["expiry_date"] >= anchor))
    frame.loc[in_force, "workers_covered"] = _scale_exact(frame.loc[in_force, "workers_covered"],
                                                          active_workers)
    frame["workers_covered"] = frame["workers_covered"].round().astype(np.int64).clip(lower=3)
    area = pd.DataFrame(_area_contracts(town, rng, PUBLISHED.contracts_on, last_day, active))
    return pd.concat([frame, area], ignore_index=True)


def _enterprise_name(town, rng: np.random.Generator, used: set[str]) -> str:
    for _ in range(50):
        brand = _BRANDS[int(rng.integers(len(_BRANDS)))]
        if rng.random() >= 0.6:
            brand += _PLACES[int(rng.integers(len(_PLACES)))]
        prefix = town.county_zh if rng.random() < 0.7 else "福建"
        name = f"{prefix}{brand}{_industry(town.county_code, rng)}有限公司"
        if name not in used:
            used.add(name)
            return name
    name = f"{town.county_zh}{town.short_zh}第{len(used) + 1}{_industry(town.county_code, rng)}有限公司"
    used.add(name)
    return name


def _area_contracts(town, rng: np.random.Generator, anchor: date, last_day: date,
                    active: int) -> list[dict]:
    """The town's regional wage contract and, in some towns, an industry one:
    one contract each covering many (mostly small) enterprises."""
    rows = []
    anhai = town.code == ANHAI
    kinds = []
    if anhai or rng.random() < 0.85:
        if anhai:
            now = (PUBLISHED.regional_enterprises, PUBLISHED.regional_workers)
        else:
            enterprises = int(active * rng.uniform(1.5, 4))
            now = (enterprises, int(enterprises * rng.uniform(15, 30)))
        kinds.append((REGIONAL, f"{town.name_zh}（区域）", now))
    if not anhai and rng.random() < 0.4:
        enterprises = int(rng.integers(10, 80))
        industry = _industry(town.county_code, rng)
        kinds.append((INDUSTRY, f"{town.name_zh}{industry}行业",
                      (enterprises, int(enterprises * rng.uniform(30, 80)))))
    for kind, party, (enterprises, workers) in kinds:
        signed = date(anchor.year, int(rng.integers(3, 10)), int(rng.integers(1, 29)))
        terms = []
        s = signed
        while s >= _HISTORY_FROM:
            terms.insert(0, s)
            s = add_years(s, -3)
        s = add_years(signed, 3)
        while s <= last_day:
            terms.append(s)
            s = add_years(s, 3)
        for start in terms:
            # Coverage grows a few percent a year around the term in force on anchor.
            factor = 1.04 ** (start.year - signed.year) * rng.uniform(0.97, 1.03)
            if start == signed:
                factor = 1.0
            rows.append(dict(town_code=town.code, county_code=town.county_code, contract_type=kind,
                             party_name=party, signed_date=start,
                             expiry_date=add_years(start, 3) - timedelta(days=1),
                             enterprises_covered=max(2, int(round(enterprises * factor))),
                             workers_covered=max(2, int(round(workers * factor)))))
    return rows
