"""工会驿站 queries: given these stations and visits, the page shows these numbers.

The warehouse below holds five stations reporting January–June 2024 (182 days):

  station  town            opened      visits per month              per day
  AH-01    安海镇           2023-05-01  快递员 300 + 环卫工人 155 = 455   2730 / 182 = 15.0
  AH-02    安海镇           2024-03-01  外卖送餐员 244 (from March)      976 / 122 = 8.0
  AH-03    安海镇           2022-01-01  其他户外劳动者 3                  18 / 182 ≈ 0.1
  CZ-01    磁灶镇 (晋江)    2023-01-01  网约车司机 182                  1092 / 182 = 6.0
  LX-01    罗溪镇 (洛江区)  2023-01-01  环卫工人 364                    2184 / 182 = 12.0
  AH-05    安海镇           2022-01-01  (never reported a visit)            0 / 182 = 0
  AH-04    安海镇           2024-09-01  (opens after the period)

AH-01's January 快递员 row also reports services: rest 120, meal heating 60,
drinking water 250, charging 40, medical 2.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.queries import region_prefix
from dashboard.queries import stations as q
from etl import warehouse

ANHAI, CIZAO, LUOXI = "350582101", "350582102", "350504100"
# Regions as the queries take them: the prefix of their towns' codes.
JINJIANG = region_prefix("350582", "county")
LUOJIANG = region_prefix("350504", "county")
QUANGANG = region_prefix("350505", "county")
QUANZHOU = region_prefix("350500", "city")
JAN, JUN, DEC = date(2024, 1, 1), date(2024, 6, 1), date(2024, 12, 1)

STATIONS = [
    # id, name, town, lon, lat, opened
    ("AH-01", "安海星塔社区工会驿站", ANHAI, 118.4671, 24.7162, "2023-05-01"),
    ("AH-02", "安海新街工会驿站", ANHAI, 118.4702, 24.7201, "2024-03-01"),
    ("AH-03", "安海码头工会驿站", ANHAI, 118.4598, 24.7055, "2022-01-01"),
    ("CZ-01", "磁灶工会驿站", CIZAO, 118.5003, 24.8311, "2023-01-01"),
    ("LX-01", "罗溪工会驿站", LUOXI, 118.6352, 25.1849, "2023-01-01"),
    ("AH-05", "安海空置工会驿站", ANHAI, 118.4630, 24.7120, "2022-01-01"),
    ("AH-04", "安海未开工会驿站", ANHAI, 118.4650, 24.7100, "2024-09-01"),
]
MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
MONTHLY_VISITS = [
    # station, visitor group, visits per month, first month
    ("AH-01", "快递员", 300, "2024-01"),
    ("AH-01", "环卫工人", 155, "2024-01"),
    ("AH-02", "外卖送餐员", 244, "2024-03"),
    ("AH-03", "其他户外劳动者", 3, "2024-01"),
    ("CZ-01", "网约车司机", 182, "2024-01"),
    ("LX-01", "环卫工人", 364, "2024-01"),
]
AH01_JANUARY_SERVICES = {"rest": 120, "meal_heating": 60, "drinking_water": 250,
                         "charging": 40, "medical": 2}


@pytest.fixture
def stations_db(empty_db):
    with warehouse.write(empty_db) as con:
        con.execute("BEGIN")
        for sid, name, town, lon, lat, opened in STATIONS:
            con.execute(
                "INSERT INTO stations_rows (batch_id, station_id, station_name, town_code, lon, lat,"
                " crs, lon_wgs84, lat_wgs84, opened_date) VALUES (1, ?, ?, ?, ?, ?, 'WGS84', ?, ?, ?)",
                [sid, name, town, lon, lat, lon, lat, opened])
        towns = {sid: town for sid, _, town, *_ in STATIONS}
        for sid, group, visits, first in MONTHLY_VISITS:
            for month in MONTHS:
                if month < first:
                    continue
                services = (AH01_JANUARY_SERVICES if (sid, group, month) == ("AH-01", "快递员", "2024-01")
                            else {})
                con.execute(
                    "INSERT INTO station_visits_rows (batch_id, month, station_id, town_code,"
                    " visitor_group, visits, rest, meal_heating, drinking_water, charging, medical)"
                    " VALUES (2, CAST(? AS DATE), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [month + "-01", sid, towns[sid], group, visits,
                     *[services.get(s) for s in ("rest", "meal_heating", "drinking_water",
                                                 "charging", "medical")]])
        con.execute("COMMIT")
    return empty_db


def by_id(frame):
    return frame.set_index("station_id")


def test_visits_per_station_day_count_only_the_days_a_station_was_open(stations_db):
    with warehouse.read(stations_db) as con:
        summary = by_id(q.station_summary(con, ANHAI, JAN, JUN))
    assert summary.loc["AH-02", "visits"] == 976
    assert summary.loc["AH-02", "open_days"] == 122       # March 1 – June 30
    assert summary.loc["AH-02", "visits_per_day"] == pytest.approx(8.0)
    assert summary.loc["AH-01", "open_days"] == 182
    assert summary.loc["AH-01", "visits_per_day"] == pytest.approx(15.0)


def test_a_station_opened_after_the_period_is_not_on_the_map(stations_db):
    with warehouse.read(stations_db) as con:
        summary = q.station_summary(con, ANHAI, JAN, JUN)
    assert sorted(summary["station_id"]) == ["AH-01", "AH-02", "AH-03", "AH-05"]


def test_a_period_past_the_last_reported_month_ends_with_that_month(stations_db):
    # Reports run to June; July–December are not yet reported, not empty days.
    with warehouse.read(stations_db) as con:
        summary = by_id(q.station_summary(con, ANHAI, JAN, DEC))
    assert summary.loc["AH-01", "open_days"] == 182
    assert summary.loc["AH-01", "visits_per_day"] == pytest.approx(15.0)


def test_little_used_station_is_flagged_against_the_median_of_the_view(stations_db):
    # Whole city: per day 15, 8, 0.1, 6, 12, 0 -> median 7, threshold 25 % = 1.75.
    with warehouse.read(stations_db) as con:
        city = by_id(q.station_summary(con, QUANZHOU, JAN, JUN))
        county = by_id(q.station_summary(con, JINJIANG, JAN, JUN))
    assert q.LOW_USE_SHARE_OF_MEDIAN == 0.25
    assert sorted(city.index[city["low_use"]]) == ["AH-03", "AH-05"]
    assert city.loc["AH-03", "visits_per_day"] == pytest.approx(18 / 182)
    assert city.loc["AH-03", "median_per_day"] == pytest.approx(7.0)
    assert city.loc["AH-03", "low_use_threshold"] == pytest.approx(1.75)
    # 晋江市 alone: 15, 8, 0.1, 6, 0 -> median 6, threshold 1.5.
    assert county.loc["AH-03", "median_per_day"] == pytest.approx(6.0)
    assert county.loc["AH-03", "low_use_threshold"] == pytest.approx(1.5)
    assert sorted(county.index[county["low_use"]]) == ["AH-03", "AH-05"]


def test_a_station_nobody_visited_is_flagged_even_when_the_median_is_zero(stations_db):
    # AH-05 alone in its view: median 0, threshold 0, and still little used.
    with warehouse.read(stations_db) as con:
        alone = q.station_summary(con, ANHAI, JAN, JUN, station_id="AH-05")
    assert alone.loc[0, "median_per_day"] == 0
    assert alone.loc[0, "visits"] == 0 and bool(alone.loc[0, "low_use"]) is True
    assert pd.isna(alone.loc[0, "top_group"])


def test_region_holds_the_stations_of_its_towns(stations_db):
    with warehouse.read(stations_db) as con:
        city = q.station_summary(con, QUANZHOU, JAN, JUN)
        jinjiang = q.station_summary(con, JINJIANG, JAN, JUN)
        luojiang = q.station_summary(con, LUOJIANG, JAN, JUN)
    assert sorted(city["station_id"]) == ["AH-01", "AH-02", "AH-03", "AH-05", "CZ-01", "LX-01"]
    assert sorted(jinjiang["station_id"]) == ["AH-01", "AH-02", "AH-03", "AH-05", "CZ-01"]
    assert list(luojiang["station_id"]) == ["LX-01"]
    assert list(luojiang["town_name_zh"]) == ["罗溪镇"]


def test_tooltip_facts_name_town_visits_and_top_visitor_group(stations_db):
    with warehouse.read(stations_db) as con:
        ah01 = by_id(q.station_summary(con, ANHAI, JAN, JUN)).loc["AH-01"]
    assert ah01["station_name"] == "安海星塔社区工会驿站"
    assert ah01["town_name_zh"] == "安海镇"
    assert ah01["town_name_en"] == "Anhai Town"
    assert ah01["visits"] == 2730
    assert ah01["top_group"] == "快递员"
    assert (ah01["lon"], ah01["lat"]) == (118.4671, 24.7162)


def test_town_summary_adds_up_stations_visits_and_station_days(stations_db):
    with warehouse.read(stations_db) as con:
        towns = q.town_summary(con, QUANZHOU, JAN, JUN).set_index("town_code")
    anhai = towns.loc[ANHAI]
    assert anhai["stations"] == 4
    assert anhai["visits"] == 2730 + 976 + 18 + 0
    assert anhai["station_days"] == 182 + 122 + 182 + 182
    assert anhai["visits_per_day"] == pytest.approx(3724 / 668)
    assert anhai["low_use_stations"] == 2
    assert anhai["lon"] == pytest.approx((118.4671 + 118.4702 + 118.4598 + 118.4630) / 4)
    assert list(towns.index) == [ANHAI, LUOXI, CIZAO]      # most visited first


def test_visits_by_visitor_group_per_month(stations_db):
    with warehouse.read(stations_db) as con:
        groups = q.visits_by_group(con, ANHAI, JAN, JUN)
    march = groups[groups["month"] == "2024-03"].set_index("visitor_group")["visits"].to_dict()
    assert march == {"快递员": 300, "环卫工人": 155, "外卖送餐员": 244, "其他户外劳动者": 3}
    assert groups["visits"].sum() == 2730 + 976 + 18


def test_visits_by_service_per_month(stations_db):
    with warehouse.read(stations_db) as con:
        services = q.visits_by_service(con, JINJIANG, JAN, JUN)
    january = services[services["month"] == "2024-01"].set_index("service")["visits"].to_dict()
    assert january == AH01_JANUARY_SERVICES
    assert set(services["month"]) == {"2024-01"}          # no other month reported services


def test_one_station_narrows_the_charts(stations_db):
    with warehouse.read(stations_db) as con:
        groups = q.visits_by_group(con, ANHAI, JAN, JUN, station_id="AH-02")
        summary = q.station_summary(con, ANHAI, JAN, JUN, station_id="AH-02")
    assert list(groups["month"]) == ["2024-03", "2024-04", "2024-05", "2024-06"]
    assert set(groups["visitor_group"]) == {"外卖送餐员"}
    assert list(summary["station_id"]) == ["AH-02"]


def test_a_region_without_stations_is_empty(stations_db):
    with warehouse.read(stations_db) as con:
        assert q.station_summary(con, QUANGANG, JAN, JUN).empty      # 泉港区
        assert q.town_summary(con, QUANGANG, JAN, JUN).empty
        assert q.visits_by_group(con, QUANGANG, JAN, JUN).empty


def test_the_reason_each_station_is_flagged_is_written_out(stations_db):
    from dashboard import stations_view

    with warehouse.read(stations_db) as con:
        city = q.station_summary(con, QUANZHOU, JAN, JUN)
    reasons = stations_view.low_use_table(city, "zh").set_index("station_id")["low_use_reason"]
    assert reasons.to_dict() == {
        "AH-03": "日均 0.1 人次，低于 1.8（中位数 7.0 的 25%）",
        "AH-05": "本时段没有服务人次记录（开放 182 天）",
    }
    assert stations_view.low_use_rule(city, "en") == (
        "Stations with fewer visits per station-day than 25% of the median station in this "
        "view (7.0), i.e. below 1.8.")
    # 2,730 + 976 + 18 + 0 + 1,092 + 2,184 = 7,000 visits over 5 × 182 + 122 = 1,032 station-days.
    assert stations_view.visits_per_station_day(city) == pytest.approx(7000 / 1032)
