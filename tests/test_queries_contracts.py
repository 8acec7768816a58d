"""集体合同 on the fixture warehouse: in force on a day, signed in a period, expiring soon."""
from datetime import date

from tests.fixture_warehouse import fixture_con, fixture_db  # noqa: F401  (pytest fixtures)

from dashboard.queries import contracts

ANHAI, CITY, LUOXI = "350582101", "3505", "350504100"
END_H1_2024, END_H1_2023 = date(2024, 6, 30), date(2023, 6, 30)


def test_anhai_has_285_enterprise_contracts_and_one_regional_one(fixture_con):
    in_force = contracts.in_force(fixture_con, prefix=ANHAI, as_of=END_H1_2024).iloc[0]
    assert in_force.to_dict() == {"enterprise_contracts": 285, "enterprise_workers": 17_580,
                                  "area_contracts": 1, "area_enterprises": 963, "area_workers": 24_346}


def test_a_year_earlier_fewer_contracts_were_in_force(fixture_con):
    # AH-D-001 expired on 2023-04-30; the 100 contracts of 2024 were not signed yet.
    in_force = contracts.in_force(fixture_con, prefix=ANHAI, as_of=END_H1_2023).iloc[0]
    assert (in_force["enterprise_contracts"], in_force["enterprise_workers"], in_force["area_contracts"]) \
        == (185, 11_100, 1)


def test_the_city_adds_its_towns_without_counting_area_workers_twice(fixture_con):
    in_force = contracts.in_force(fixture_con, prefix=CITY, as_of=END_H1_2024).iloc[0]
    assert in_force.to_dict() == {"enterprise_contracts": 289, "enterprise_workers": 18_780,
                                  "area_contracts": 2, "area_enterprises": 1_013, "area_workers": 27_346}


def test_contracts_signed_in_a_period(fixture_con):
    signed = contracts.signed_in(fixture_con, prefix=ANHAI, first=date(2024, 1, 1), last=date(2024, 6, 1))
    assert signed.iloc[0].to_dict() == {"contracts": 100, "workers_covered": 6_480}


def test_contracts_signed_by_month_and_type(fixture_con):
    signed = contracts.signed_by_month(fixture_con, prefix=CITY, first=date(2024, 3, 1), last=date(2024, 3, 1))
    assert signed[["month", "contract_type", "contracts"]].to_records(index=False).tolist() == [
        ("2024-03", "工资集体合同", 17), ("2024-03", "行业性工资集体合同", 1)]


def test_in_force_by_type(fixture_con):
    by_type = contracts.in_force_by_type(fixture_con, prefix=ANHAI, as_of=END_H1_2024)
    assert by_type[["contract_type", "is_enterprise", "contracts", "workers_covered"]] \
        .to_records(index=False).tolist() == [("工资集体合同", True, 285, 17_580),
                                              ("区域性工资集体合同", False, 1, 24_346)]


def test_coverage_by_town(fixture_con):
    coverage = contracts.coverage_by_town(fixture_con, prefix=CITY, as_of=END_H1_2024)
    assert coverage[["name_zh", "enterprise_contracts", "enterprise_workers", "area_contracts"]] \
        .to_records(index=False).tolist() == [("安海镇", 285, 17_580, 1), ("陈埭镇", 2, 900, 0),
                                              ("磁灶镇", 2, 300, 1)]


def test_the_renewal_list_holds_contracts_expiring_within_90_days(fixture_con):
    expiring = contracts.expiring(fixture_con, prefix=CITY, as_of=END_H1_2024, days=90)
    # Ten AH-A contracts expire on 2024-08-14 (day 45); CD-001 on day 90 is in,
    # CD-002 on day 91 is out.
    assert len(expiring) == 11
    assert list(expiring["contract_id"][:2]) == ["AH-A-001", "AH-A-002"]
    assert expiring.iloc[-1][["contract_id", "town_zh", "days_left", "workers_covered"]].tolist() == \
        ["CD-001", "陈埭镇", 90, 500]
    assert "CD-002" not in set(expiring["contract_id"])


def test_the_renewal_count_is_the_length_of_the_whole_list(fixture_con):
    # The 汇报 deck says "11 contracts expire within 90 days" without fetching them.
    assert contracts.expiring_count(fixture_con, prefix=CITY, as_of=END_H1_2024, days=90) == 11
    assert contracts.expiring_count(fixture_con, prefix=CITY, as_of=END_H1_2024, days=45) == 10
    assert contracts.expiring_count(fixture_con, prefix=LUOXI, as_of=END_H1_2024) == 0


def test_the_renewal_list_with_a_limit_is_the_soonest_to_expire(fixture_con):
    # Of the 11, the ten AH-A contracts (day 45) come before CD-001 (day 90).
    expiring = contracts.expiring(fixture_con, prefix=CITY, as_of=END_H1_2024, days=90, limit=10)
    assert list(expiring["contract_id"]) == [f"AH-A-{i:03d}" for i in range(1, 11)]
    assert set(expiring["days_left"]) == {45}


def test_a_town_without_contracts(fixture_con):
    in_force = contracts.in_force(fixture_con, prefix=LUOXI, as_of=END_H1_2024).iloc[0]
    assert (in_force["enterprise_contracts"], in_force["area_contracts"], in_force["enterprise_workers"]) \
        == (0, 0, 0)
    assert contracts.expiring(fixture_con, prefix=LUOXI, as_of=END_H1_2024).empty
