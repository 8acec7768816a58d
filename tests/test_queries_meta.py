"""What is loaded and where the numbers come from (the source stamp)."""
from datetime import date

import pandas as pd
from tests.fixture_warehouse import fixture_con, fixture_db  # noqa: F401  (pytest fixtures)

from dashboard.queries import meta

ALL = ("mutual_aid", "summer_camps", "collective_contracts", "stations", "station_visits")


def test_the_latest_loaded_month_ignores_planned_camp_dates(fixture_con):
    # 2024 camp classes end in August, but the reports run to June.
    assert meta.latest_month(fixture_con) == date(2024, 6, 1)


def test_org_units_come_in_code_order(fixture_con):
    units = meta.org_units(fixture_con)
    assert list(units["code"][:3]) == ["350500", "350504", "350504001"]
    assert len(units) == 8


def test_coverage_per_dataset(fixture_con):
    coverage = meta.coverage(fixture_con).set_index("dataset")
    assert coverage.loc["mutual_aid", "last_month"] == pd.Timestamp("2024-06-01")
    assert coverage.loc["mutual_aid", "row_count"] == 71


def test_the_month_pickers_reach_back_to_the_first_monthly_report(fixture_con):
    # Mutual aid is reported from 2023-01; stations opened in 2022-06 do not
    # count: the register is not a monthly report.
    assert meta.first_report_month(meta.coverage(fixture_con)) == date(2023, 1, 1)


def test_an_empty_warehouse_has_no_first_report_month():
    coverage = pd.DataFrame({"dataset": ["mutual_aid", "station_visits", "stations"],
                             "first_month": pd.to_datetime([None, None, "2023-05-01"])})
    assert meta.first_report_month(coverage) is None


def test_the_stamp_counts_the_active_batches_behind_the_view(fixture_con):
    stamp = meta.source_stamp(fixture_con, "350582101", date(2024, 1, 1), date(2024, 6, 1), ALL).iloc[0]
    # 6 mutual-aid months + 2024 camps + both contract ledgers + the station register + 6 visit months.
    assert stamp["as_of"] == "2024-06"
    assert stamp["batches"] == 16
    assert stamp["last_loaded_at"] == pd.Timestamp("2024-07-06 10:00")


def test_a_superseded_batch_is_not_a_source(fixture_con):
    stamp = meta.source_stamp(fixture_con, "3505", date(2024, 3, 1), date(2024, 3, 1), ("mutual_aid",)).iloc[0]
    assert stamp["batches"] == 1
    assert stamp["last_loaded_at"] == pd.Timestamp("2024-04-05 09:00")


def test_no_batches_behind_an_empty_view(fixture_con):
    stamp = meta.source_stamp(fixture_con, "350504100", date(2024, 1, 1), date(2024, 6, 1),
                              ("mutual_aid",)).iloc[0]
    assert stamp["batches"] == 0
