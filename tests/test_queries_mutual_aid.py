"""职工医疗互助 on the fixture warehouse (see fixture_warehouse.py for the rules)."""
from datetime import date

from tests.fixture_warehouse import fixture_con, fixture_db  # noqa: F401  (pytest fixtures)

from dashboard.queries import mutual_aid

ANHAI, CITY, WANAN = "350582101", "3505", "350504001"
H1_2024 = {"first": date(2024, 1, 1), "last": date(2024, 6, 1)}


def test_anhai_2024_headline_is_the_published_one(fixture_con):
    headline = mutual_aid.headline(fixture_con, prefix=ANHAI, **H1_2024)
    schemes = headline[headline["scheme"].notna()].set_index("scheme")
    total = headline[headline["scheme"].isna()].iloc[0]
    assert schemes.loc["职工住院医疗互助", "members_enrolled"] == 10_995
    assert schemes.loc["女职工特殊疾病互助", "members_enrolled"] == 1_623
    assert list(schemes["stock_month"]) == ["2024-06", "2024-06"]
    assert total["claims"] == 130
    assert total["claims_paid_yuan"] == 385_435
    assert total["new_enrolments"] == 360


def test_members_are_the_latest_month_never_a_sum_over_months(fixture_con):
    # Six monthly stocks of 10,745 .. 10,995 would add up to 65,220.
    headline = mutual_aid.headline(fixture_con, prefix=ANHAI, **H1_2024)
    assert headline.iloc[0]["members_enrolled"] == 10_995
    # The total row never adds schemes' members together.
    assert headline[headline["scheme"].isna()]["members_enrolled"].isna().all()


def test_members_of_a_region_are_read_at_its_own_latest_month(fixture_con):
    # 万安 did not report June: its stock is May's.
    headline = mutual_aid.headline(fixture_con, prefix=WANAN, **H1_2024)
    assert headline.iloc[0]["stock_month"] == "2024-05"
    assert headline.iloc[0]["members_enrolled"] == 3_000
    # The city in June counts the towns that reported June: 10,995 + 5,360.
    city = mutual_aid.headline(fixture_con, prefix=CITY, **H1_2024)
    assert city.iloc[0]["members_enrolled"] == 16_355


def test_a_superseded_report_is_not_counted(fixture_con):
    # The first 2024-03 report said 99 claims, ¥999,999; the correction replaced it.
    claims = mutual_aid.claims_by_month(fixture_con, prefix=ANHAI, first=date(2024, 3, 1),
                                        last=date(2024, 3, 1))
    assert claims.to_dict("records") == [
        {"month": "2024-03", "claims": 22, "claims_paid_yuan": 64_240.0, "average_payout_yuan": 2_920.0}]


def test_claims_by_month_and_average_payout(fixture_con):
    claims = mutual_aid.claims_by_month(fixture_con, prefix=ANHAI, **H1_2024)
    assert list(claims["month"]) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert list(claims["claims"]) == [22, 22, 22, 22, 21, 21]
    assert claims.iloc[-1]["claims_paid_yuan"] == 64_235
    assert claims.iloc[-1]["average_payout_yuan"] == 3_058.81   # 64,235 / 21


def test_enrolment_by_scheme_is_one_row_per_month_and_scheme(fixture_con):
    enrolment = mutual_aid.enrolment_by_scheme(fixture_con, prefix=ANHAI, **H1_2024)
    assert len(enrolment) == 12
    june = enrolment[enrolment["month"] == "2024-06"]
    assert list(june["scheme"]) == ["职工住院医疗互助", "女职工特殊疾病互助"]
    assert list(june["members_enrolled"]) == [10_995, 1_623]


def test_towns_are_ranked_by_yuan_paid(fixture_con):
    ranking = mutual_aid.town_ranking(fixture_con, prefix=CITY, **H1_2024)
    assert list(ranking["name_zh"]) == ["安海镇", "磁灶镇", "万安街道"]
    assert list(ranking["claims_paid_yuan"]) == [385_435, 120_000, 40_000]
    assert list(ranking["claims"]) == [130, 60, 25]


def test_detail_rows_for_the_table_and_export(fixture_con):
    detail = mutual_aid.detail(fixture_con, prefix=CITY, first=date(2024, 6, 1), last=date(2024, 6, 1))
    assert detail[["town_zh", "county_zh", "scheme", "members_enrolled", "claims_paid_yuan"]] \
        .to_records(index=False).tolist() == [
            ("安海镇", "晋江市", "职工住院医疗互助", 10_995, 60_000.0),
            ("安海镇", "晋江市", "女职工特殊疾病互助", 1_623, 4_235.0),
            ("磁灶镇", "晋江市", "职工住院医疗互助", 5_360, 20_000.0),
        ]
    assert detail.iloc[0]["town_en"] == "Anhai Town"


def test_a_period_without_reports_returns_no_rows(fixture_con):
    assert mutual_aid.headline(fixture_con, prefix=ANHAI, first=date(2024, 7, 1),
                               last=date(2024, 9, 1)).empty
    assert mutual_aid.headline(fixture_con, prefix="350582103", **H1_2024).empty


# A table shows at most settings.table_row_limit() rows; it asks its query for
# one more, which DuckDB cuts (LIMIT), so that a row past the cap says "cut".

def test_detail_with_a_limit_is_the_most_recent_rows(fixture_con):
    # The city's first half of 2024 has 23 rows (4 a month, 3 in June: 万安 missed it).
    assert len(mutual_aid.detail(fixture_con, prefix=CITY, **H1_2024)) == 23
    detail = mutual_aid.detail(fixture_con, prefix=CITY, **H1_2024, limit=5)
    assert detail[["month", "town_zh", "scheme"]].to_records(index=False).tolist() == [
        ("2024-06", "安海镇", "职工住院医疗互助"),
        ("2024-06", "安海镇", "女职工特殊疾病互助"),
        ("2024-06", "磁灶镇", "职工住院医疗互助"),
        ("2024-05", "万安街道", "职工住院医疗互助"),     # 350504001 comes before 安海's 350582101
        ("2024-05", "安海镇", "职工住院医疗互助"),
    ]


def test_a_row_past_the_tables_cap_tells_a_cut_view_from_one_that_fits(fixture_con):
    june = {"first": date(2024, 6, 1), "last": date(2024, 6, 1)}     # 3 rows
    # A table of 2 rows asks for 3 and gets 3: there is more than it shows.
    assert len(mutual_aid.detail(fixture_con, prefix=CITY, **june, limit=2 + 1)) == 3
    # A table of 3 rows asks for 4 and gets 3: the view fits, nothing was cut.
    assert len(mutual_aid.detail(fixture_con, prefix=CITY, **june, limit=3 + 1)) == 3
