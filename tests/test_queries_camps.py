"""职工子女暑托班 on the fixture warehouse."""
from tests.fixture_warehouse import fixture_con, fixture_db  # noqa: F401  (pytest fixtures)

from dashboard.queries import camps

ANHAI, CIZAO, CHENDAI, CITY = "350582101", "350582102", "350582103", "3505"


def test_anhai_2024_is_579_children_in_21_classes(fixture_con):
    headline = camps.headline(fixture_con, prefix=ANHAI, first_year=2024, last_year=2024).iloc[0]
    assert headline.to_dict() == {"classes": 21, "children_enrolled": 579, "new_form_children": 126,
                                  "capacity": 630}


def test_a_record_year_is_strictly_above_every_earlier_year(fixture_con):
    city = camps.by_year(fixture_con, prefix=CITY, last_year=2024)
    assert list(city["year"]) == [2022, 2023, 2024]
    assert list(city["children_enrolled"]) == [540, 570, 699]
    assert list(city["classes"]) == [20, 21, 25]
    # The first year on record is not a record; 2023 and 2024 each beat all before.
    assert list(city["record_children"]) == [False, True, True]
    assert list(city["record_classes"]) == [False, True, True]


def test_equalling_the_best_year_is_not_a_record(fixture_con):
    cizao = camps.by_year(fixture_con, prefix=CIZAO, last_year=2024)
    assert list(cizao["children_enrolled"]) == [120, 90, 120]
    assert list(cizao["record_children"]) == [False, False, False]


def test_history_stops_at_the_periods_last_year(fixture_con):
    assert list(camps.by_year(fixture_con, prefix=CITY, last_year=2023)["year"]) == [2022, 2023]


def test_new_form_share_per_year(fixture_con):
    anhai = camps.by_year(fixture_con, prefix=ANHAI, last_year=2024).set_index("year")
    assert anhai.loc[2024, "new_form_share"] == 0.2176          # 126 / 579
    assert anhai.loc[2023, "new_form_share"] == 0.15            # 72 / 480
    assert anhai[["new_form_share"]].isna().loc[2022, "new_form_share"]   # not counted in 2022


def test_children_and_fill_rate_by_town(fixture_con):
    by_town = camps.by_town(fixture_con, prefix=CITY, first_year=2024, last_year=2024)
    assert by_town[["name_zh", "classes", "children_enrolled", "capacity", "fill_rate"]] \
        .to_records(index=False).tolist() == [("安海镇", 21, 579, 630, 0.919), ("磁灶镇", 4, 120, 140, 0.8571)]


def test_the_class_list(fixture_con):
    classes = camps.class_list(fixture_con, prefix=ANHAI, first_year=2024, last_year=2024)
    assert len(classes) == 21
    assert (classes["class_type"] == "新就业形态专班").sum() == 2
    assert classes.iloc[0][["class_name", "host_org", "children_enrolled"]].tolist() == \
        ["安海镇暑托班01班", "安海镇总工会", 28]


def test_the_class_list_with_a_limit_is_the_most_recent_years_classes(fixture_con):
    # 磁灶 had 4 classes in 2022, 3 in 2023 and 4 in 2024: 11 in all.
    assert len(camps.class_list(fixture_con, prefix=CIZAO, first_year=2022, last_year=2024)) == 11
    classes = camps.class_list(fixture_con, prefix=CIZAO, first_year=2022, last_year=2024, limit=5)
    assert classes[["year", "class_name"]].to_records(index=False).tolist() == [
        (2024, "磁灶镇暑托班01班"), (2024, "磁灶镇暑托班02班"), (2024, "磁灶镇暑托班03班"),
        (2024, "磁灶镇暑托班04班"), (2023, "磁灶镇暑托班01班"),
    ]


def test_a_town_without_camps(fixture_con):
    assert camps.headline(fixture_con, prefix=CHENDAI, first_year=2024, last_year=2024).iloc[0]["classes"] == 0
    assert camps.by_year(fixture_con, prefix=CHENDAI, last_year=2024).empty
    assert camps.by_town(fixture_con, prefix=CHENDAI, first_year=2024, last_year=2024).empty
