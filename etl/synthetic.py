"""Province- and nation-size warehouses, generated inside DuckDB.

``python -m etl demo --scale province|nation`` builds one of these.  The city
demo (etl/demo.py) writes office spreadsheets and loads them through the
pipeline; at these scales that would take days, and what we want to know is
whether the dashboard stays fast when the warehouse is big.  So every row is
made by set-based ``INSERT … SELECT`` from ``range()``, with pseudo-random
values from DuckDB's ``hash()`` of (seed, ordinals), never row by row in
Python.

The world (``Scale``): real province codes (35 福建省 first), under each
``cities_per_province`` prefecture cities (PPCC00), under each
``counties_per_city`` county-level units (PPCCKK), under each
``towns_per_county`` towns (9 digits: the county's code and 001–0nn for
街道, 1nn for 镇, 2nn for 乡).  City 3505 is the real 泉州市 with its real
counties and towns from data/reference/org_units.csv, so the dashboard's
default view (泉州市) is the same region at every scale.

Counts follow closed rules of the towns' and stations' ordinals (listed
below and recomputed by ``expected_rows``), so a test can check the SQL
against them; only the values (visits, members, dates within a term …)
are hashed.  Towns are numbered ``t`` = 0, 1, … in code order, stations
``s`` in (town, number) order, months ``m`` = 0 … months-1.

* stations: ``STATIONS_PER_TOWN[t % 8]`` per town (3.75 on average); every
  tenth station (s % 10 == 0) opens in month (s // 10) % (months - 12),
  the others before the first month.
* a town misses its monthly reports for month m when ``missed_report(t, m)``:
  rarely in the last year, and a few towns have not sent the last month.
* station_visits: one row per open station, month not missed, visitor group.
* mutual_aid: 住院 in every town, 女职工特疾 when t % 5 != 0, 意外伤害
  when t % 10 < 3; one row per scheme and month not missed.
* summer_camps: every summer inside the period, ``camp_classes(t, y)``
  classes (none when (t + y) % 8 == 0).
* collective_contracts: ``ENTERPRISES_BASE + (t * 7) % ENTERPRISES_SPREAD``
  enterprises e, each with a chain of contracts of ``CONTRACT_TERMS[(t + e)
  % 4]`` years, the first signed (t * 31 + e * 17) % 365 days after
  first_month - 2 years, each renewed the day after the last expires, kept
  while signed by the last day; a 区域性 chain when t % 7 != 0 and a 行业性
  one when t % 5 == 2 (3-year terms, first signed (t * 31) % 365 days in).

A town's numbers depend on its ordinal, so the same town differs between
scales; within a scale (and a DuckDB version) a build is repeatable.

Batches: one per dataset and province and month (monthly data), year
(camps), year signed (contracts), and one register per province, all
``loaded_by = 'demo'`` so that the demo may replace the warehouse again.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from etl import reference, settings, warehouse
from etl.specs import SCHEMES, VISITOR_GROUPS

Progress = Callable[[float, str], None]
LOADED_BY = "demo"      # as etl/demo.py: a demo warehouse may be rebuilt over
QUANZHOU = "350500"
QUANZHOU_PROVINCE = "35"
SEED = 20261123


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int              # taken from PROVINCES in order (福建 first)
    cities_per_province: int    # 泉州市 counts as one of 福建's
    counties_per_city: int
    towns_per_county: int
    months: int = 60            # ending at the last full month
    seed: int = SEED


# About 40,000 towns, 3,000 counties, 150,000 stations, 45 million visit rows.
NATION = Scale("nation", provinces=31, cities_per_province=11, counties_per_city=9,
               towns_per_county=13)
# One province of about a tenth of that.
PROVINCE = Scale("province", provinces=1, cities_per_province=34, counties_per_city=9,
                 towns_per_county=13)
SCALES = {s.name: s for s in (PROVINCE, NATION)}

# (code prefix, name, short name, English name, centre lon, lat)
PROVINCES = (
    ("35", "福建省", "福建", "Fujian", 119.30, 26.08),
    ("11", "北京市", "北京", "Beijing", 116.40, 39.90),
    ("12", "天津市", "天津", "Tianjin", 117.20, 39.13),
    ("13", "河北省", "河北", "Hebei", 114.50, 38.04),
    ("14", "山西省", "山西", "Shanxi", 112.55, 37.87),
    ("15", "内蒙古自治区", "内蒙古", "Inner Mongolia", 111.75, 40.84),
    ("21", "辽宁省", "辽宁", "Liaoning", 123.43, 41.80),
    ("22", "吉林省", "吉林", "Jilin", 125.32, 43.90),
    ("23", "黑龙江省", "黑龙江", "Heilongjiang", 126.64, 45.76),
    ("31", "上海市", "上海", "Shanghai", 121.47, 31.23),
    ("32", "江苏省", "江苏", "Jiangsu", 118.78, 32.06),
    ("33", "浙江省", "浙江", "Zhejiang", 120.15, 30.27),
    ("34", "安徽省", "安徽", "Anhui", 117.28, 31.86),
    ("36", "江西省", "江西", "Jiangxi", 115.89, 28.68),
    ("37", "山东省", "山东", "Shandong", 117.00, 36.67),
    ("41", "河南省", "河南", "Henan", 113.65, 34.76),
    ("42", "湖北省", "湖北", "Hubei", 114.31, 30.59),
    ("43", "湖南省", "湖南", "Hunan", 112.94, 28.23),
    ("44", "广东省", "广东", "Guangdong", 113.27, 23.13),
    ("45", "广西壮族自治区", "广西", "Guangxi", 108.32, 22.82),
    ("46", "海南省", "海南", "Hainan", 110.35, 20.02),
    ("50", "重庆市", "重庆", "Chongqing", 106.55, 29.56),
    ("51", "四川省", "四川", "Sichuan", 104.07, 30.67),
    ("52", "贵州省", "贵州", "Guizhou", 106.71, 26.58),
    ("53", "云南省", "云南", "Yunnan", 102.71, 25.04),
    ("54", "西藏自治区", "西藏", "Tibet", 91.13, 29.65),
    ("61", "陕西省", "陕西", "Shaanxi", 108.95, 34.27),
    ("62", "甘肃省", "甘肃", "Gansu", 103.82, 36.06),
    ("63", "青海省", "青海", "Qinghai", 101.78, 36.62),
    ("64", "宁夏回族自治区", "宁夏", "Ningxia", 106.27, 38.47),
    ("65", "新疆维吾尔自治区", "新疆", "Xinjiang", 87.62, 43.83),
)

# Made-up place names are two of these syllables.
SYLLABLES = (("安", "an"), ("宁", "ning"), ("平", "ping"), ("和", "he"), ("德", "de"),
             ("化", "hua"), ("永", "yong"), ("春", "chun"), ("长", "chang"), ("乐", "le"),
             ("清", "qing"), ("泉", "quan"), ("南", "nan"), ("东", "dong"), ("西", "xi"),
             ("北", "bei"), ("新", "xin"), ("丰", "feng"), ("华", "hua"), ("阳", "yang"),
             ("山", "shan"), ("江", "jiang"), ("河", "he"), ("湖", "hu"), ("林", "lin"),
             ("石", "shi"), ("桥", "qiao"), ("龙", "long"), ("凤", "feng"), ("金", "jin"),
             ("云", "yun"), ("海", "hai"), ("明", "ming"), ("泰", "tai"), ("兴", "xing"),
             ("城", "cheng"))
BRANDS = ("恒达", "鑫源", "华泰", "宏发", "永盛", "金辉", "联兴", "盛丰", "嘉禾", "顺昌", "富源",
          "荣辉", "凯达", "泰兴", "协和", "利嘉")
INDUSTRIES = ("鞋业", "服装", "纺织", "食品", "机械", "电子", "建材", "物流", "包装", "陶瓷")
HOST_TYPES = ("党建+邻里中心", "网格党群服务站", "企业", "商圈楼宇", "环卫站点", "银行网点",
              "加油站", "其他")

STATIONS_PER_TOWN = (2, 5, 3, 6, 1, 4, 3, 6)          # by t % 8: 3.75 on average
GROUP_BASE = (110, 85, 120, 40, 60)                   # visits, specs.VISITOR_GROUPS order
SCHEME_SHARE = (1.0, 0.15, 0.45)                      # members relative to 住院
SCHEME_CLAIM_RATE = (0.0016, 0.0011, 0.0007)          # claims per member per month
ENTERPRISES_BASE, ENTERPRISES_SPREAD = 31, 41         # 51 enterprises a town on average
CONTRACT_TERMS = (1, 2, 3, 3)                         # years, an enterprise's by (t + e) % 4
AREA_CONTRACT_TERM = 3                                # years, regional and industry contracts
SEASON = (1.05, 0.7, 0.95, 1.0, 1.0, 1.12, 1.35, 1.42, 1.08, 1.0, 1.0, 1.05)  # Jan..Dec


# The rules, in Python (for expected_rows) ------------------------------------

def missed_report(t, m, months: int):
    """Whether town ``t`` never sent month ``m``'s reports (numpy or ints).
    Mirrored by the SQL macro syn_missing."""
    t, m = np.asarray(t), np.asarray(m)
    return (((m >= months - 12) & ((t * 131 + m * 71) % 500 == 0))
            | ((m == months - 1) & (t % 1999 == 7)))


def camp_classes(t, year: int):
    """Summer-camp classes of town ``t`` in ``year`` (numpy or ints); none
    when (t + year) % 8 == 0, otherwise 2 to 9."""
    t = np.asarray(t)
    return np.where((t + year) % 8 == 0, 0, 2 + (t * 3 + year) % 8)


def months_of(last_month: date, months: int) -> list[date]:
    """The ``months`` first-of-month dates ending at ``last_month``."""
    first = _add_months(last_month, -(months - 1))
    return [_add_months(first, k) for k in range(months)]


def _add_months(day: date, k: int) -> date:
    index = day.year * 12 + day.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def last_full_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def camp_years(first_month: date, last_month: date) -> list[int]:
    """Summers (July and August) wholly inside the period."""
    return [y for y in range(first_month.year, last_month.year + 1)
            if date(y, 7, 1) >= first_month and date(y, 8, 1) <= last_month]


def unit_counts(scale: Scale, quanzhou: pd.DataFrame | None = None) -> dict[str, int]:
    """org_units rows per level for ``scale``."""
    quanzhou = _quanzhou_units() if quanzhou is None else quanzhou
    synthetic_cities = scale.provinces * scale.cities_per_province - 1
    counties = synthetic_cities * scale.counties_per_city
    return {
        "province": scale.provinces,
        "city": synthetic_cities + 1,
        "county": counties + int((quanzhou["level"] == "county").sum()),
        "town": counties * scale.towns_per_county + int((quanzhou["level"] == "town").sum()),
    }


def expected_rows(scale: Scale, today: date) -> dict[str, int]:
    """Rows per dataset that ``build`` writes for ``scale``: the rules of the
    module docstring, computed in numpy."""
    towns = unit_counts(scale)["town"]
    months = months_of(last_full_month(today), scale.months)
    first_month, last_month = months[0], months[-1]
    t = np.arange(towns)
    per_town = np.asarray(STATIONS_PER_TOWN)[t % len(STATIONS_PER_TOWN)]
    station_town = np.repeat(t, per_town)
    s = np.arange(len(station_town))
    opens = np.where(s % 10 == 0, (s // 10) % max(scale.months - 12, 1), 0)
    m = np.arange(scale.months)
    missed = missed_report(t[:, None], m[None, :], scale.months)          # towns x months
    reported = ~missed[station_town] & (m[None, :] >= opens[:, None])
    schemes = 1 + (t % 5 != 0) + (t % 10 < 3)
    classes = sum(int(camp_classes(t, y).sum()) for y in camp_years(first_month, last_month))
    # Contract chains: terms[years][offset] = contracts of a chain of
    # ``years``-year terms whose first is signed ``offset`` days in.
    terms = {years: _terms_by_offset(first_month, last_month, years)
             for years in {*CONTRACT_TERMS, AREA_CONTRACT_TERM}}
    enterprises = ENTERPRISES_BASE + (t * 7) % ENTERPRISES_SPREAD
    contracts = 0
    for e in range(int(enterprises.max())):
        years = np.asarray(CONTRACT_TERMS)[(t + e) % len(CONTRACT_TERMS)]
        offset = (t * 31 + e * 17) % 365
        chain = np.select([years == y for y in terms], [terms[y][offset] for y in terms])
        contracts += int(chain[e < enterprises].sum())
    area = terms[AREA_CONTRACT_TERM][(t * 31) % 365]
    contracts += int(area[t % 7 != 0].sum()) + int(area[t % 5 == 2].sum())
    return {
        "stations": len(s),
        "station_visits": int(reported.sum()) * len(VISITOR_GROUPS),
        "mutual_aid": int(((~missed) * schemes[:, None]).sum()),
        "summer_camps": classes,
        "collective_contracts": contracts,
    }


def _contract_span(first_month: date, last_month: date) -> tuple[date, date, int]:
    """(first chain start, last day of the period, most terms a chain can have)."""
    start = _add_years(first_month, -2)
    last_day = _add_months(last_month, 1) - timedelta(days=1)
    return start, last_day, (last_day.year - start.year) // min(CONTRACT_TERMS) + 1


def _terms_by_offset(first_month: date, last_month: date, years: int) -> np.ndarray:
    """For each start offset 0..364 days: the contracts of a chain of
    ``years``-year terms signed by the last day."""
    start, last_day, max_terms = _contract_span(first_month, last_month)
    return np.array([
        sum(_add_years(start + timedelta(days=offset), years * k) <= last_day
            for k in range(max_terms))
        for offset in range(365)])


# SQL --------------------------------------------------------------------------

def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The helpers every statement below uses: uniform [0, 1) from the seed
    and up to four keys (deterministic for a given DuckDB version), the
    missed-report rule (as ``missed_report``), and made-up names.  Macros take no
    prepared parameters, so the syllables are spliced in as literals, built
    from the constant SYLLABLES above, never from input."""
    chars = "[" + ", ".join(f"'{c}'" for c, _ in SYLLABLES) + "]"
    pinyin = "[" + ", ".join(f"'{p}'" for _, p in SYLLABLES) + "]"
    con.execute(f"""
        CREATE OR REPLACE TEMP MACRO syn_u(seed, a, b, c, d) AS
            (hash(seed, a, b, c, d) >> 11)::DOUBLE / 9007199254740992;
        CREATE OR REPLACE TEMP MACRO syn_missing(t, m, months) AS
            (m >= months - 12 AND (t * 131 + m * 71) % 500 = 0) OR (m = months - 1 AND t % 1999 = 7);
        CREATE OR REPLACE TEMP MACRO syn_pick(seed, code, salt, i) AS
            1 + (hash(seed, code, salt, i) % {len(SYLLABLES)})::INTEGER;
        CREATE OR REPLACE TEMP MACRO syn_name(seed, code, salt) AS
            {chars}[syn_pick(seed, code, salt, 1)] || {chars}[syn_pick(seed, code, salt, 2)];
        CREATE OR REPLACE TEMP MACRO syn_pinyin(seed, code, salt) AS
            upper({pinyin}[syn_pick(seed, code, salt, 1)][1])
            || {pinyin}[syn_pick(seed, code, salt, 1)][2:] || {pinyin}[syn_pick(seed, code, salt, 2)];
    """)


_PROVINCES_SQL = """
    INSERT INTO org_units (code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat)
    SELECT prefix || '0000', 'province', CASE WHEN name_zh LIKE '%市' THEN '直辖市'
                                              WHEN name_zh LIKE '%自治区' THEN '自治区' ELSE '省' END,
           name_zh, short_zh, name_en, NULL, lon, lat
    FROM syn_provinces
"""

_CITIES_SQL = (
    """
    CREATE TEMP TABLE syn_cities AS
    SELECT p.p, p.prefix || lpad(c::VARCHAR, 2, '0') || '00' AS code,
           p.lon + (syn_u($seed, p.prefix, c, 1, 0) - 0.5) * 6 AS lon,
           p.lat + (syn_u($seed, p.prefix, c, 2, 0) - 0.5) * 4 AS lat
    FROM syn_provinces AS p, range(1, $cities + 1) AS r(c)
    WHERE NOT (p.prefix = $quanzhou_province AND c = least(5, $cities))
""",
    """
    INSERT INTO org_units (code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat)
    SELECT code, 'city', '地级市', syn_name($seed, code, 0) || '市', syn_name($seed, code, 0),
           syn_pinyin($seed, code, 0) || ' City', left(code, 2) || '0000', lon, lat
    FROM syn_cities
""")

_COUNTIES_SQL = (
    """
    CREATE TEMP TABLE syn_counties AS
    SELECT c.p, left(c.code, 4) || lpad(k::VARCHAR, 2, '0') AS code, c.code AS parent_code,
           CASE WHEN k <= 3 THEN '市辖区' WHEN k % 4 = 0 THEN '县级市' ELSE '县' END AS kind,
           c.lon + (syn_u($seed, c.code, k, 1, 0) - 0.5) * 1.2 AS lon,
           c.lat + (syn_u($seed, c.code, k, 2, 0) - 0.5) * 1.0 AS lat
    FROM syn_cities AS c, range(1, $counties + 1) AS r(k)
""",
    """
    INSERT INTO org_units (code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat)
    SELECT code, 'county', kind,
           syn_name($seed, code, 0) || CASE kind WHEN '市辖区' THEN '区' WHEN '县级市' THEN '市' ELSE '县' END,
           syn_name($seed, code, 0),
           syn_pinyin($seed, code, 0) || CASE kind WHEN '市辖区' THEN ' District'
                                               WHEN '县级市' THEN ' City' ELSE ' County' END,
           parent_code, lon, lat
    FROM syn_counties
""")

# Towns 1 .. n/3 are 街道 (001..), every fifth other one a 乡 (2nn), the rest 镇 (1nn).
_TOWNS_SQL = """
    INSERT INTO org_units (code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat)
    SELECT code, 'town', kind,
           syn_name($seed, code, 0) || CASE kind WHEN '街道' THEN '街道' WHEN '乡' THEN '乡' ELSE '镇' END,
           syn_name($seed, code, 0),
           syn_pinyin($seed, code, 0) || CASE kind WHEN '街道' THEN ' Subdistrict'
                                               WHEN '乡' THEN ' Township' ELSE ' Town' END,
           parent_code, lon, lat
    FROM (
        SELECT k.code || lpad((CASE WHEN j <= $towns // 3 THEN j
                                    WHEN j % 5 = 0 THEN 200 + j ELSE 100 + j END)::VARCHAR, 3, '0') AS code,
               CASE WHEN j <= $towns // 3 THEN '街道' WHEN j % 5 = 0 THEN '乡' ELSE '镇' END AS kind,
               k.code AS parent_code,
               k.lon + (syn_u($seed, k.code, j, 1, 0) - 0.5) * 0.3 AS lon,
               k.lat + (syn_u($seed, k.code, j, 2, 0) - 0.5) * 0.25 AS lat
        FROM syn_counties AS k, range(1, $towns + 1) AS r(j)
    )
"""

# Every town with its ordinal t and its province's ordinal p.
_TOWN_ORDINALS_SQL = """
    CREATE TEMP TABLE syn_towns AS
    SELECT (row_number() OVER (ORDER BY u.code) - 1)::BIGINT AS t, u.code, u.short_zh,
           u.name_zh, coalesce(u.lon, c.lon) AS lon, coalesce(u.lat, c.lat) AS lat, p.p
    FROM org_units AS u
    LEFT JOIN org_units AS c ON c.code = u.parent_code
    JOIN syn_provinces AS p ON p.prefix = left(u.code, 2)
    WHERE u.level = 'town'
"""

_STATIONS_SQL = (
    """
    CREATE TEMP TABLE syn_stations AS
    SELECT *, CASE WHEN s % 10 = 0 THEN (s // 10) % greatest($months - 12, 1) ELSE 0 END AS opens
    FROM (
        SELECT (row_number() OVER (ORDER BY t.t, n) - 1)::BIGINT AS s, t.t, t.p, t.code AS town_code,
               t.code || '-' || lpad(n::VARCHAR, 2, '0') AS station_id, n, t.short_zh, t.name_zh,
               t.lon, t.lat
        FROM syn_towns AS t, range(1, list_max($per_town) + 1) AS r(n)
        WHERE n <= list_extract($per_town, (t.t % len($per_town) + 1)::INTEGER)
    )
""",
    """
    INSERT INTO stations_rows
    SELECT $batch0 + p, NULL, station_id,
           name_zh || list_extract($places, 1 + (hash($seed, s, 3) % len($places))::INTEGER)
               || list_extract(['社区', '村', '路', '广场'], 1 + (hash($seed, s, 4) % 4)::INTEGER)
               || '工会驿站',
           town_code, name_zh || '第' || n || '站', lon_w, lat_w, 'WGS84', lon_w, lat_w,
           list_extract($hosts, 1 + (hash($seed, s, 5) % len($hosts))::INTEGER),
           CASE WHEN s % 10 = 0 THEN $first_month::DATE + to_months(opens::INTEGER)
                                     + to_days((hash($seed, s, 6) % 28)::INTEGER)
                ELSE $first_month::DATE - to_days(1 + (hash($seed, s, 6) % 2000)::INTEGER) END,
           '饮水机、微波炉、充电桩、医药箱'
    FROM (SELECT *, round(lon + (syn_u($seed, s, 1, 0, 0) - 0.5) * 0.04, 6) AS lon_w,
                    round(lat + (syn_u($seed, s, 2, 0, 0) - 0.5) * 0.04, 6) AS lat_w
          FROM syn_stations)
    ORDER BY s
""")

# One month of visits: station x visitor group, in the order a month's files
# load.  $batch0 is the month's first batch id; provinces follow at $months apart.
_VISITS_SQL = """
    INSERT INTO station_visits_rows
    WITH v AS (
        SELECT s.p, s.town_code, s.station_id, g.g, g.visitor_group,
               round(list_extract($group_base, (g.g + 1)::INTEGER)
                     * (0.5 + 1.2 * syn_u($seed, s.s, 7, 0, 0))
                     * $season * (0.85 + 0.3 * syn_u($seed, s.s, $m, g.g, 8)))::INTEGER AS visits,
               syn_u($seed, s.s, $m, g.g, 9) AS r
        FROM syn_stations AS s, syn_groups AS g
        WHERE s.opens <= $m AND NOT syn_missing(s.t, $m, $months)
    )
    SELECT $batch0 + p * $months, NULL, $month, station_id, town_code, visitor_group, visits,
           round(visits * (0.45 + 0.25 * r))::INTEGER,
           round(visits * (0.15 + 0.25 * r))::INTEGER,
           round(visits * (0.55 + 0.3 * r))::INTEGER,
           round(visits * 0.25 * r)::INTEGER,
           round(visits * 0.02 * r)::INTEGER
    FROM v
    ORDER BY town_code, station_id, g
"""

_MUTUAL_AID_SQL = """
    INSERT INTO mutual_aid_rows
    WITH enrolled AS (
        SELECT t.p, t.code, sc.k, sc.scheme,
               round(6000 * (0.3 + 1.4 * syn_u($seed, t.t, sc.k, 10, 0))
                     * list_extract($shares, (sc.k + 1)::INTEGER) * (1 + 0.004 * $m))::INTEGER AS members,
               list_extract($rates, (sc.k + 1)::INTEGER) AS rate,
               syn_u($seed, t.t, sc.k, $m, 11) AS r
        FROM syn_towns AS t, syn_schemes AS sc
        WHERE (sc.k = 0 OR (sc.k = 1 AND t.t % 5 <> 0) OR (sc.k = 2 AND t.t % 10 < 3))
          AND NOT syn_missing(t.t, $m, $months)
    ),
    claimed AS (
        SELECT *, round(members * rate * $season * (0.6 + 0.8 * r))::INTEGER AS claims
        FROM enrolled
    )
    SELECT $batch0 + p * $months, NULL, $month, code, scheme, members,
           CASE WHEN month($month::DATE) = 1 THEN round(members * 0.05)
                ELSE round(members * 0.002 * r) END::INTEGER,
           claims, round(claims * (2000 + 1500 * r), 2)::DECIMAL(14, 2)
    FROM claimed
    ORDER BY code, k
"""

# One summer's classes; $batch0 is the year's first batch id, provinces $years apart.
_CAMPS_SQL = """
    INSERT INTO summer_camps_rows
    WITH classes AS (
        SELECT t.p, t.t, t.code, t.name_zh, k,
               CASE WHEN (t.t + $year) % 8 = 0 THEN 0 ELSE 2 + (t.t * 3 + $year) % 8 END AS n,
               25 + floor(20 * syn_u($seed, t.t, $year, k, 12))::INTEGER AS children,
               syn_u($seed, t.t, $year, k, 13) AS r,
               make_date($year, 7, 1) + to_days((hash($seed, t.t, $year, k, 14) % 14)::INTEGER) AS starts
        FROM syn_towns AS t, range(1, 10) AS r(k)
    )
    SELECT $batch0 + p * $years, NULL, $year, code,
           name_zh || CASE WHEN k = n AND n >= 4 THEN '新就业形态劳动者子女暑托专班'
                           ELSE '第' || k || '期暑托班' END,
           name_zh || '总工会',
           CASE WHEN k = n AND n >= 4 THEN '新就业形态专班' ELSE '普通班' END,
           starts, starts + to_days(39),
           children,
           CASE WHEN k = n AND n >= 4 THEN children - floor(children * 0.15 * r)::INTEGER
                ELSE floor(children * (0.08 + 0.12 * r))::INTEGER END,
           children + floor(6 * r)::INTEGER,
           (10 + 5 * floor(3 * r))::DECIMAL(8, 2)
    FROM classes
    WHERE k <= n
    ORDER BY code, k
"""

# Enterprise chains (e >= 0) and area chains (e = -1 regional, -2 industry).
# Batches: one per province and year signed, provinces $signed_years apart.
_CONTRACTS_SQL = """
    INSERT INTO collective_contracts_rows
    WITH parties AS (
        SELECT t.p, t.t, t.code, t.short_zh, t.name_zh, e.e,
               CASE WHEN e.e = -1 THEN '区域性工资集体合同'
                    WHEN e.e = -2 THEN '行业性工资集体合同'
                    WHEN e.e % 12 = 0 THEN '综合性集体合同'
                    WHEN e.e % 9 = 4 THEN '女职工权益保护专项合同'
                    ELSE '工资集体合同' END AS contract_type,
               CASE WHEN e.e < 0 THEN $area_term
                    ELSE list_extract($terms, ((t.t + e.e) % len($terms) + 1)::INTEGER) END AS term,
               $start::DATE + to_days(((t.t * 31 + greatest(e.e, 0) * 17) % 365)::INTEGER) AS first_signed
        FROM syn_towns AS t, range(-2, $enterprises_end) AS e(e)
        WHERE e.e < $enterprises_base + (t.t * 7) % $enterprises_spread
          AND (e.e >= 0 OR (e.e = -1 AND t.t % 7 <> 0) OR (e.e = -2 AND t.t % 5 = 2))
    ),
    terms AS (
        SELECT parties.*, k, (first_signed + to_years((term * k)::INTEGER))::DATE AS signed
        FROM parties, range(0, $max_terms) AS r(k)
    )
    SELECT $batch0 + p * $signed_years + (year(signed) - year($start::DATE)), NULL,
           code || CASE WHEN e = -1 THEN '-Q' WHEN e = -2 THEN '-H'
                        ELSE '-E' || lpad(e::VARCHAR, 3, '0') END || '-' || k,
           code, contract_type,
           CASE WHEN e = -1 THEN name_zh || '（区域）'
                WHEN e = -2 THEN name_zh || $industries[1 + (hash($seed, t, 15) % len($industries))::INTEGER]
                                 || '行业'
                ELSE short_zh || $brands[1 + (hash($seed, t, e, 16) % len($brands))::INTEGER]
                     || $industries[1 + (hash($seed, t, e, 17) % len($industries))::INTEGER]
                     || '有限公司' END,
           signed, (signed + to_years(term::INTEGER) - INTERVAL 1 DAY)::DATE,
           CASE WHEN e < 0 THEN 20 + floor(200 * syn_u($seed, t, e, 18, 0))::INTEGER ELSE 1 END,
           CASE WHEN e < 0 THEN (20 + floor(200 * syn_u($seed, t, e, 18, 0))::INTEGER)
                                * (15 + floor(15 * syn_u($seed, t, e, 19, 0))::INTEGER)
                ELSE 20 + floor(400 * pow(syn_u($seed, t, e, k, 20), 2))::INTEGER END
    FROM terms
    WHERE signed <= $last_day
    ORDER BY code, e, k
"""

# The batch log, from the rows each batch holds.  Monthly reports arrive 3 to
# 14 days after their month, so some are late (after the 10th).
_BATCHES_SQL = """
    INSERT INTO load_batches (batch_id, dataset, file_name, sha256, sheets, row_count, units,
                              periods, loaded_at, loaded_by, status, rolled_back_at, note)
    SELECT batch_id, $dataset, '{title}（合成数据）' || batch_id || '.xlsx',
           sha256($dataset || batch_id || $seed), ['Sheet1'], count(*)::INTEGER,
           list(DISTINCT town_code ORDER BY town_code), list(DISTINCT period ORDER BY period),
           max(loaded)::TIMESTAMP + to_hours((hash(batch_id, $seed) % 10)::INTEGER + 8),
           $loaded_by, 'active', NULL, $note
    FROM (SELECT batch_id, town_code, {period} AS period, {loaded} AS loaded FROM {table})
    GROUP BY batch_id
    ORDER BY batch_id
"""
# dataset: (table, period, the day its file arrived); constants, never input.
_BATCH_SHAPES = {
    "stations": ("stations_rows", "'register'", "$last_day::DATE + to_days(1)"),
    "station_visits": ("station_visits_rows", "strftime(month, '%Y-%m')",
                       "last_day(month) + to_days(3 + (hash(batch_id, 21) % 12)::INTEGER)"),
    "mutual_aid": ("mutual_aid_rows", "strftime(month, '%Y-%m')",
                   "last_day(month) + to_days(3 + (hash(batch_id, 22) % 12)::INTEGER)"),
    "summer_camps": ("summer_camps_rows", "year::VARCHAR", "make_date(year, 9, 10)"),
    "collective_contracts": ("collective_contracts_rows", "strftime(signed_date, '%Y-%m')",
                             "least(make_date(year(signed_date), 12, 31), $last_day::DATE) + to_days(5)"),
}
_TITLES = {"stations": "工会驿站名册", "station_visits": "驿站服务人次", "mutual_aid": "职工医疗互助",
           "summer_camps": "职工子女暑托班", "collective_contracts": "集体合同备案台账"}

ROW_COUNT_SQL = {name: f"SELECT count(*) FROM {table}"
                 for name, (table, _, _) in _BATCH_SHAPES.items()}


def _run(con: duckdb.DuckDBPyConnection, statements: str | tuple[str, ...], params: dict) -> None:
    """Run one statement or several in turn, each with the parameters it
    names (DuckDB refuses parameters a statement does not use)."""
    for sql in (statements,) if isinstance(statements, str) else statements:
        con.execute(sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)})


def _quanzhou_units() -> pd.DataFrame:
    return reference.read_org_units()


def _quiet(_fraction: float, _message: str) -> None:
    pass


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(f"{name}_in", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_in")
    con.unregister(f"{name}_in")


def generate(con: duckdb.DuckDBPyConnection, scale: Scale, today: date,
             progress: Progress = _quiet) -> dict[str, float]:
    """Fill the warehouse on ``con`` (schema created, no facts) for ``scale``,
    statement by statement (each commits; build into a file nobody reads yet).
    Returns seconds per step."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str, fraction: float) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[name] = round(now - started, 2)
        started = now
        progress(fraction, f"合成数据 / synthetic: {name} ({seconds[name]} s)")

    months = months_of(last_full_month(today), scale.months)
    first_month, last_month = months[0], months[-1]
    contract_start, last_day, max_terms = _contract_span(first_month, last_month)
    seed = scale.seed
    create_macros(con)

    # Org units: provinces, 泉州市 as it really is, the made-up rest.
    provinces = pd.DataFrame(PROVINCES[:scale.provinces],
                             columns=["prefix", "name_zh", "short_zh", "name_en", "lon", "lat"])
    provinces.insert(0, "p", range(len(provinces)))
    _temp_table(con, "syn_provinces", provinces)
    con.execute("DELETE FROM org_units")
    con.execute(_PROVINCES_SQL)
    con.register("syn_quanzhou", _quanzhou_units())
    con.execute("""
        INSERT INTO org_units (code, level, kind, name_zh, short_zh, name_en, parent_code, lon, lat,
                               reporting)
        SELECT code, level, kind, name_zh, short_zh, name_en,
               CASE WHEN level = 'city' THEN $province ELSE parent_code END, lon, lat, reporting
        FROM syn_quanzhou
    """, {"province": QUANZHOU_PROVINCE + "0000"})
    con.unregister("syn_quanzhou")
    _run(con, _CITIES_SQL, {"seed": seed, "cities": scale.cities_per_province,
                              "quanzhou_province": QUANZHOU_PROVINCE})
    _run(con, _COUNTIES_SQL, {"seed": seed, "counties": scale.counties_per_city})
    _run(con, _TOWNS_SQL, {"seed": seed, "towns": scale.towns_per_county})
    con.execute(_TOWN_ORDINALS_SQL)
    step("org_units", 0.02)

    # Batch ids: consecutive blocks per dataset (see the SQL above for the layout).
    n_provinces, years = len(provinces), camp_years(first_month, last_month)
    signed_years = last_day.year - contract_start.year + 1
    batch0 = {"stations": 1}
    batch0["station_visits"] = batch0["stations"] + n_provinces
    batch0["mutual_aid"] = batch0["station_visits"] + n_provinces * scale.months
    batch0["summer_camps"] = batch0["mutual_aid"] + n_provinces * scale.months
    batch0["collective_contracts"] = batch0["summer_camps"] + n_provinces * len(years)

    _run(con, _STATIONS_SQL, {"seed": seed, "months": scale.months,
                                "per_town": list(STATIONS_PER_TOWN), "batch0": batch0["stations"],
                                "places": [c for c, _ in SYLLABLES], "hosts": list(HOST_TYPES),
                                "first_month": first_month})
    step("stations", 0.04)

    _temp_table(con, "syn_groups", pd.DataFrame({"g": range(len(VISITOR_GROUPS)),
                                                 "visitor_group": VISITOR_GROUPS}))
    _temp_table(con, "syn_schemes", pd.DataFrame({"k": range(len(SCHEMES)), "scheme": SCHEMES}))
    for m, month in enumerate(months):
        season = SEASON[month.month - 1]
        common = {"seed": seed, "m": m, "months": scale.months, "month": month, "season": season}
        _run(con, _VISITS_SQL, {**common, "group_base": list(GROUP_BASE),
                                  "batch0": batch0["station_visits"] + m})
        _run(con, _MUTUAL_AID_SQL, {**common, "shares": list(SCHEME_SHARE),
                                      "rates": list(SCHEME_CLAIM_RATE),
                                      "batch0": batch0["mutual_aid"] + m})
        progress(0.04 + 0.7 * (m + 1) / len(months),
                 f"合成数据 / synthetic: monthly reports {month:%Y-%m}")
    step("station_visits + mutual_aid", 0.74)

    for i, year in enumerate(years):
        _run(con, _CAMPS_SQL, {"seed": seed, "year": year, "years": len(years),
                                 "batch0": batch0["summer_camps"] + i})
    step("summer_camps", 0.76)

    _run(con, _CONTRACTS_SQL, {
        "seed": seed, "start": contract_start, "last_day": last_day, "max_terms": max_terms,
        "terms": list(CONTRACT_TERMS), "area_term": AREA_CONTRACT_TERM, "signed_years": signed_years,
        "enterprises_base": ENTERPRISES_BASE, "enterprises_spread": ENTERPRISES_SPREAD,
        "enterprises_end": ENTERPRISES_BASE + ENTERPRISES_SPREAD - 1,
        "batch0": batch0["collective_contracts"], "brands": list(BRANDS),
        "industries": list(INDUSTRIES)})
    step("collective_contracts", 0.84)

    note = f"合成数据 synthetic: etl/synthetic.py scale={scale.name} seed={seed}"
    for dataset, (table, period, loaded) in _BATCH_SHAPES.items():
        sql = _BATCHES_SQL.format(title=_TITLES[dataset], table=table, period=period,
                                  loaded=loaded)
        params = {"dataset": dataset, "seed": str(seed), "loaded_by": LOADED_BY, "note": note}
        if "$last_day" in sql:
            params["last_day"] = last_day
        con.execute(sql, params)
    # The next real load gets the next id.
    (top,) = con.execute("SELECT max(batch_id) FROM load_batches").fetchone()
    con.execute("SELECT max(nextval('batch_ids')) FROM range($n)", {"n": top or 0})
    step("load_batches", 0.9)
    con.execute("CHECKPOINT")
    step("checkpoint", 0.98)
    return seconds


def _holds_real_data(db: Path) -> bool:
    if not db.exists():
        return False
    with warehouse.read(db) as con:
        if not warehouse.has_table(con, "load_batches"):
            return False
        (count,) = con.execute("SELECT count(*) FROM load_batches WHERE loaded_by <> $by",
                               {"by": LOADED_BY}).fetchone()
    return count > 0


class SyntheticError(RuntimeError):
    def __init__(self, message_zh: str, message_en: str):
        self.message_zh, self.message_en = message_zh, message_en
        super().__init__(f"{message_zh} / {message_en}")


def build(db: Path | str | None = None, scale: Scale | str = "nation", *,
          today: date | None = None, progress: Progress | None = None) -> dict:
    """Build a fresh synthetic warehouse at ``db`` (default: settings.db_path()).

    Built beside ``db`` and moved into place when complete; a warehouse
    holding data loaded by people is never replaced (SyntheticError).
    Returns a summary in the shape of etl.demo.build_demo_warehouse's:
    scale, today, db, files (0: nothing is written but the warehouse), rows
    per dataset, seconds (total and per step), problems (none)."""
    progress = progress or _quiet
    today = today or date.today()
    scale = SCALES[scale] if isinstance(scale, str) else scale
    db = Path(db or settings.db_path())
    if _holds_real_data(db):
        raise SyntheticError(f"数据库 {db} 已有正式导入的数据，合成数据不会覆盖它。",
                             f"{db} holds data loaded by people; synthetic data will not replace it.")
    started, cpu_started = time.perf_counter(), time.process_time()
    building = db.with_name(db.name + ".synthetic-building")
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    with warehouse.write(building) as con:
        warehouse.create_schema(con)
        steps = generate(con, scale, today, progress)
        rows = {name: con.execute(sql).fetchone()[0] for name, sql in ROW_COUNT_SQL.items()}
        units = dict(con.execute(
            "SELECT level, count(*) FROM org_units GROUP BY level").fetchall())
    building.replace(db)
    for leftover in (".lock", ".writer.lock"):
        building.with_name(building.name + leftover).unlink(missing_ok=True)
    seconds = round(time.perf_counter() - started, 2)
    progress(1.0, "合成数据已就绪 / synthetic warehouse ready")
    return {
        "scale": scale.name, "today": today.isoformat(), "db": str(db),
        "out_dir": "合成数据不写表格 / synthetic: no spreadsheets",
        "files": 0, "rows": rows, "org_units": units, "steps": steps,
        "generate_seconds": seconds, "load_seconds": 0.0, "seconds": seconds,
        "cpu_seconds": round(time.process_time() - cpu_started, 2),
        "size_bytes": db.stat().st_size, "problems": [],
    }
