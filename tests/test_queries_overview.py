"""The overview's own queries on the fixture warehouse: stations headline,
monthly trends, the town ranking and the reporting matrix."""
from datetime import date

from tests.fixture_warehouse import fixture_con, fixture_db  # noqa: F401  (pytest fixtures)

from dashboard.queries import overview

ANHAI, CITY = "350582101", "3505"
H1_2024 = {"first": date(2024, 1, 1), "last": date(2024, 6, 1)}
H1_2023 = {"first": date(2023, 1, 1), "last": date(2023, 6, 1)}


def test_anhai_has_18_stations_and_3300_visits_in_2024_h1(fixture_con):
    assert overview.stations_headline(fixture_con, prefix=ANHAI, **H1_2024).iloc[0].to_dict() == \
        {"stations": 18, "visits": 3_300}
    # Six stations opened in March 2024: a year earlier there were 12.
    assert overview.stations_headline(fixture_con, prefix=ANHAI, **H1_2023).iloc[0].to_dict() == \
        {"stations": 12, "visits": 3_000}


def test_a_station_with_an_unknown_opening_date_counts_as_open(fixture_con):
    # 18 安海 + 2 磁灶 + 万安's WA-01 (no date).
    assert overview.stations_headline(fixture_con, prefix=CITY, **H1_2024).iloc[0]["stations"] == 21


def test_monthly_trends_one_flow_per_programme(fixture_con):
    trends = overview.monthly_trends(fixture_con, prefix=CITY, **H1_2024)
    by = {(r.programme, r.month): r.value for r in trends.itertuples()}
    assert by[("mutual_aid", "2024-06")] == 84_235           # 安海 64,235 + 磁灶 20,000
    assert by[("collective_contracts", "2024-03")] == 18      # 17 wage + 1 industry contract
    assert by[("stations", "2024-06")] == 550                 # 磁灶 did not report June
    assert not (trends["programme"] == "summer_camps").any()  # classes start in July


def test_camp_children_count_in_the_month_their_classes_start(fixture_con):
    trends = overview.monthly_trends(fixture_con, prefix=CITY, first=date(2024, 7, 1), last=date(2024, 8, 1))
    camps = trends[trends["programme"] == "summer_camps"]
    assert camps[["month", "value"]].to_records(index=False).tolist() == [("2024-07", 699.0)]


def test_the_town_ranking_has_every_town_of_the_region(fixture_con):
    ranking = overview.town_ranking(fixture_con, prefix=CITY, **H1_2024).set_index("name_zh")
    assert list(ranking.index) == ["万安街道", "罗溪镇", "安海镇", "磁灶镇", "陈埭镇"]
    assert ranking.loc["安海镇"].tolist()[2:] == [385_435.0, 579, 17_580, 3_300]
    assert ranking.loc["罗溪镇"].tolist()[2:] == [0.0, 0, 0, 0]
    assert ranking.loc["陈埭镇", "workers_covered"] == 900


def test_the_county_ranking_sums_each_countys_towns(fixture_con):
    # 晋江市 = 安海 + 磁灶 + 陈埭, 洛江区 = 万安 + 罗溪 (the town ranking's rows summed).
    ranking = overview.unit_ranking(fixture_con, prefix=CITY, **H1_2024, level="county").set_index("name_zh")
    towns = overview.town_ranking(fixture_con, prefix=CITY, **H1_2024)
    assert list(ranking.index) == ["洛江区", "晋江市"]
    assert list(ranking["unit_code"]) == ["350504", "350582"]
    assert ranking.loc["晋江市"].tolist()[2:] == [505_435.0, 579 + 120, 17_580 + 300 + 900, 3_300 + 400]
    assert ranking.loc["洛江区"].tolist()[2:] == [40_000.0, 0, 0, 0]
    metrics = ["claims_paid_yuan", "children_enrolled", "workers_covered", "visits"]
    assert ranking[metrics].sum().tolist() == towns[metrics].sum().tolist()


def test_a_county_whose_towns_file_nothing_is_not_ranked(demo_city_db):
    import duckdb

    with duckdb.connect(str(demo_city_db), read_only=True) as con:
        ranking = overview.unit_ranking(con, prefix=CITY, first=date(2026, 1, 1), last=date(2026, 10, 1),
                                       level="county")
    assert len(ranking) == 11 and "金门县" not in set(ranking["name_zh"])


def test_the_reporting_matrix_is_towns_by_months_by_dataset(fixture_con):
    matrix = overview.reporting_matrix(fixture_con, prefix=CITY, first=date(2023, 7, 1), last=date(2024, 6, 1))
    assert len(matrix) == 5 * 12 * 2
    assert matrix["status"].value_counts().to_dict() == {"reported": 58, "missing": 38, "not_expected": 24}
    wanan = matrix[(matrix["name_zh"] == "万安街道") & (matrix["dataset"] == "mutual_aid")]
    assert list(wanan["status"]) == ["reported"] * 11 + ["missing"]
    # 罗溪 has no station, so it owes no station-visit report.
    luoxi = matrix[(matrix["name_zh"] == "罗溪镇") & (matrix["dataset"] == "station_visits")]
    assert set(luoxi["status"]) == {"not_expected"}


def test_a_citys_reporting_sums_its_towns_to_counties(fixture_con):
    # The city's towns summed per county: 洛江区 has 万安 and 罗溪 (罗溪 never
    # reports mutual aid, 万安 misses June); 晋江市 has 安海, 磁灶 and 陈埭.
    # Only 万安 has a station in 洛江区, so one town owes station visits there.
    by_county = overview.reporting_by_unit(fixture_con, prefix=CITY, first=date(2023, 7, 1),
                                           last=date(2024, 6, 1), level="county")
    assert len(by_county) == 2 * 12 * 2
    june = by_county[by_county["month"] == "2024-06"]
    assert june[["dataset", "name_zh", "towns_expected", "towns_reported"]].to_records(index=False).tolist() == [
        ("mutual_aid", "洛江区", 2, 0), ("mutual_aid", "晋江市", 3, 2),
        ("station_visits", "洛江区", 1, 0), ("station_visits", "晋江市", 2, 1)]
    matrix = overview.reporting_matrix(fixture_con, prefix=CITY, first=date(2023, 7, 1), last=date(2024, 6, 1))
    assert by_county["towns_reported"].sum() == (matrix["status"] == "reported").sum()
    assert by_county["towns_expected"].sum() == (matrix["status"] != "not_expected").sum()


def test_this_months_missing_reports(fixture_con):
    missing = overview.missing_reports(fixture_con, prefix=CITY, month=date(2024, 6, 1))
    assert missing[["dataset", "name_zh"]].to_records(index=False).tolist() == [
        ("mutual_aid", "万安街道"), ("mutual_aid", "罗溪镇"), ("mutual_aid", "陈埭镇"),
        ("station_visits", "万安街道"), ("station_visits", "磁灶镇")]
    assert overview.missing_reports(fixture_con, prefix=ANHAI, month=date(2024, 6, 1)).empty


def test_towns_that_file_no_reports_are_never_late(demo_city_db):
    # The city demo makes three towns late with October 2026.  金门县's five
    # towns (org_units.reporting = false) file nothing and must not be
    # listed with them every month.
    import duckdb

    with duckdb.connect(str(demo_city_db), read_only=True) as con:
        missing = overview.missing_reports(con, prefix=CITY, month=date(2026, 10, 1))
        matrix = overview.reporting_matrix(con, prefix="350527", first=date(2026, 1, 1),
                                           last=date(2026, 10, 1))
    assert sorted(set(missing["name_zh"])) == ["丰州镇", "宝盖镇", "水口镇"]
    assert matrix.empty
