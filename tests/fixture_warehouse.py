"""A small warehouse for dashboard tests, built by direct inserts into the schema.

It reproduces the published 2024 figures for 安海镇 (350582101) and adds a few
neighbours so that rankings, subtrees, gaps and comparisons have something to
show.  Everything below is written out as rules simple enough to add up by hand.

Org units: 泉州市 350500 > 晋江市 350582 (安海镇 …101, 磁灶镇 …102, 陈埭镇 …103)
                      > 洛江区 350504 (万安街道 350504001, 罗溪镇 350504100).
Loaded months: 2023-01 .. 2024-06 — the latest loaded month is 2024-06.

职工医疗互助 (one batch per month, loaded on the 5th of the next month 09:00)
  安海 住院    members 2023: 10,000 + 50·m, 2024: 10,695 + 50·m  (2024-06: 10,995)
               claims 18/month (2023), 20/month (2024); ¥50,000 / ¥60,000 a month
  安海 女职工  members 2023: 1,500 + 10·m, 2024: 1,563 + 10·m    (2024-06: 1,623)
               claims 1/month (2023); 2024: 2,2,2,2,1,1; ¥3,000 a month (2023);
               2024: ¥4,240 Jan–May, ¥4,235 Jun
               => 2024-01..06 安海: 130 claims, ¥385,435 (2023-01..06: 114, ¥318,000)
  磁灶 住院    members 2023: 5,000 + 20·m, 2024: 5,240 + 20·m; 10 claims, ¥20,000 a month
  万安 住院    members 3,000; 5 claims, ¥8,000 a month; 2023-01 .. 2024-05 (June missing)
  陈埭, 罗溪   never report.
  A first, wrong 2024-03 batch (安海 住院 99 claims, ¥999,999) was superseded by
  the correct one: its rows are in mutual_aid_rows with retired_by set.

职工子女暑托班 (one batch per year, loaded on 5 July 08:00, before classes start)
  安海 2022: 16 classes, 420 children (4 × 27 + 12 × 26), no new-form count, no capacity
       2023: 18 classes, 480 children (12 × 27 + 6 × 26), 4 new-form each, capacity 30
       2024: 21 classes, 579 children (12 × 28 + 9 × 27), 6 new-form each, capacity 30;
             classes 20 and 21 are 新就业形态专班
  磁灶 2022: 4 × 30, 2023: 3 × 30, 2024: 4 × 30 children; 5 new-form each, capacity 35
  陈埭, 万安, 罗溪: no classes.

集体合同 (ledger 2023 loaded 2023-07-01; additions 2024-H1 loaded 2024-07-02)
  安海 A  10 工资集体合同 signed 2021-08-15, expire 2024-08-14, 60 workers each
       B 175 signed 2022-03-01, expire 2025-02-28, 60 workers each
       C 100 signed on the 10th of 2024-01 .. 2024-06 (17,17,17,17,16,16), 3-year terms,
             65 workers (first 80) / 64 (last 20)
       D   1 signed 2020-05-01, expired 2023-04-30, 80 workers
       R   1 区域性工资集体合同 signed 2023-01-10, expires 2025-12-31: 963 enterprises, 24,346 workers
       => in force 2024-06-30: 285 + 1, 17,580 workers; 2023-06-30: 185 + 1, 11,100 workers
  磁灶 2 工资集体合同 (100, 200 workers) 2023-05-01 .. 2026-04-30;
       1 行业性工资集体合同 2024-03-01 .. 2027-02-28: 50 enterprises, 3,000 workers
  陈埭 CD-001 综合性集体合同 500 workers expires 2024-09-28 (day 90 after 2024-06-30);
       CD-002 工资集体合同 400 workers expires 2024-09-29 (day 91); both signed 2021.

工会驿站 (register loaded 2024-07-03)
  安海 AH-01..AH-12 opened 2022-06-01, AH-13..AH-18 opened 2024-03-01  (18 stations)
  磁灶 CZ-01, CZ-02 opened 2022-10-01;  万安 WA-01 opening date unknown.
驿站服务人次 (one batch per month, loaded on the 6th of the next month 10:00)
  AH-01 外卖送餐员 250/month (2023), 300/month (2024); AH-01 快递员 100; AH-02 环卫工人 150
  CZ-01 外卖送餐员 80/month, 2023-01 .. 2024-05 (June missing)
  => 安海 2024-01..06: 3,300 visits; 2023-01..06: 3,000
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from etl import reference, warehouse

ANHAI, CIZAO, CHENDAI = "350582101", "350582102", "350582103"
WANAN, LUOXI = "350504001", "350504100"
JINJIANG, LUOJIANG, QUANZHOU = "350582", "350504", "350500"
LATEST_MONTH = date(2024, 6, 1)

ORG_UNITS = pd.DataFrame(
    [
        (QUANZHOU, "city", "地级市", "泉州市", "泉州", "Quanzhou", None, 118.675, 24.874),
        (LUOJIANG, "county", "市辖区", "洛江区", "洛江", "Luojiang District", QUANZHOU, 118.671, 24.940),
        (JINJIANG, "county", "县级市", "晋江市", "晋江", "Jinjiang", QUANZHOU, 118.552, 24.781),
        (WANAN, "town", "街道", "万安街道", "万安", "Wan'an Subdistrict", LUOJIANG, 118.660, 24.950),
        (LUOXI, "town", "镇", "罗溪镇", "罗溪", "Luoxi Town", LUOJIANG, 118.600, 25.080),
        (ANHAI, "town", "镇", "安海镇", "安海", "Anhai Town", JINJIANG, 118.467, 24.716),
        (CIZAO, "town", "镇", "磁灶镇", "磁灶", "Cizao Town", JINJIANG, 118.500, 24.820),
        (CHENDAI, "town", "镇", "陈埭镇", "陈埭", "Chendai Town", JINJIANG, 118.610, 24.830),
    ],
    columns=["code", "level", "kind", "name_zh", "short_zh", "name_en", "parent_code", "lon", "lat"],
)

HOSPITAL, WOMEN = "职工住院医疗互助", "女职工特殊疾病互助"


def _months(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _next_month(month: date, day: int, hour: int) -> datetime:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime(following.year, following.month, day, hour, 0)


def _batch(con, dataset, file_name, loaded_at, units, batch_periods, row_count, status="active") -> int:
    return con.execute(
        """
        INSERT INTO load_batches (dataset, file_name, sha256, sheets, row_count, units, periods,
                                  loaded_at, loaded_by, status)
        VALUES ($dataset, $file_name, $sha, ['Sheet1'], $rows, $units, $periods, $loaded_at,
                'fixture', $status)
        RETURNING batch_id
        """,
        {"dataset": dataset, "file_name": file_name, "sha": f"fixture-{dataset}-{file_name}",
         "rows": row_count, "units": units, "periods": batch_periods, "loaded_at": loaded_at,
         "status": status},
    ).fetchone()[0]


def _mutual_aid_rows(month: date) -> list[tuple]:
    """(town, scheme, members, new, claims, yuan) reported for ``month``."""
    m, y2024 = month.month, month.year == 2024
    rows = [
        (ANHAI, HOSPITAL, (10_695 if y2024 else 10_000) + 50 * m, 50,
         20 if y2024 else 18, 60_000 if y2024 else 50_000),
        (ANHAI, WOMEN, (1_563 if y2024 else 1_500) + 10 * m, 10,
         (2 if m <= 4 else 1) if y2024 else 1,
         (4_240 if m <= 5 else 4_235) if y2024 else 3_000),
        (CIZAO, HOSPITAL, (5_240 if y2024 else 5_000) + 20 * m, 20, 10, 20_000),
    ]
    if month <= date(2024, 5, 1):
        rows.append((WANAN, HOSPITAL, 3_000, 0, 5, 8_000))
    return rows


def _insert_mutual_aid(con) -> None:
    insert = """INSERT INTO mutual_aid_rows (batch_id, retired_by, month, town_code, scheme,
                    members_enrolled, new_enrolments, claims, claims_paid_yuan)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
    for month in _months(date(2023, 1, 1), LATEST_MONTH):
        label = f"{month:%Y-%m}"
        rows = _mutual_aid_rows(month)
        wrong_batch = None
        if month == date(2024, 3, 1):
            wrong_batch = _batch(con, "mutual_aid", "医疗互助月报2024-03（初报）.xlsx",
                                 datetime(2024, 4, 3, 9, 0), [ANHAI], [label], 1, status="superseded")
        batch = _batch(con, "mutual_aid", f"医疗互助月报{label}.xlsx", _next_month(month, 5, 9),
                       sorted({r[0] for r in rows}), [label], len(rows))
        if wrong_batch is not None:
            con.execute(insert, [wrong_batch, batch, month, ANHAI, HOSPITAL, 10_845, 50, 99, 999_999])
        con.executemany(insert, [[batch, None, month, *row] for row in rows])


def _camp_classes() -> list[tuple]:
    """(year, town, class_name, host, type, start, end, children, new_form, capacity, meal_fee)."""
    classes = []
    anhai = {2022: (16, 4, 27, 26, None, None), 2023: (18, 12, 27, 26, 4, 30),
             2024: (21, 12, 28, 27, 6, 30)}
    starts = {2022: (date(2022, 7, 11), date(2022, 8, 1)), 2023: (date(2023, 7, 10), date(2023, 7, 31)),
              2024: (date(2024, 7, 8), date(2024, 7, 29))}
    for year, (n, n_big, big, small, new_form, capacity) in anhai.items():
        for i in range(1, n + 1):
            start = starts[year][0] if i <= n // 2 else starts[year][1]
            class_type = "新就业形态专班" if year == 2024 and i >= 20 else "普通班"
            classes.append((year, ANHAI, f"安海镇暑托班{i:02d}班", "安海镇总工会", class_type, start,
                            start + timedelta(days=25), big if i <= n_big else small, new_form,
                            capacity, 15))
    for year, n in {2022: 4, 2023: 3, 2024: 4}.items():
        for i in range(1, n + 1):
            start = starts[year][0]
            classes.append((year, CIZAO, f"磁灶镇暑托班{i:02d}班", "磁灶镇总工会", "普通班", start,
                            start + timedelta(days=25), 30, 5, 35, 12))
    return classes


def _insert_camps(con) -> None:
    classes = _camp_classes()
    for year in (2022, 2023, 2024):
        rows = [c for c in classes if c[0] == year]
        batch = _batch(con, "summer_camps", f"暑托班{year}.xlsx", datetime(year, 7, 5, 8, 0),
                       sorted({r[1] for r in rows}), [str(year)], len(rows))
        con.executemany(
            """INSERT INTO summer_camps_rows (batch_id, year, town_code, class_name, host_org,
                   class_type, start_date, end_date, children_enrolled, new_form_children,
                   capacity, meal_fee_yuan)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [[batch, *row] for row in rows],
        )


def _contracts() -> tuple[list[tuple], list[tuple]]:
    """(id, town, type, party, signed, expiry, enterprises, workers) for the two ledgers."""
    wage = "工资集体合同"
    ledger_2023, additions_2024 = [], []
    for i in range(1, 11):
        ledger_2023.append((f"AH-A-{i:03d}", ANHAI, wage, f"安海甲{i:03d}鞋业有限公司",
                            date(2021, 8, 15), date(2024, 8, 14), 1, 60))
    for i in range(1, 176):
        ledger_2023.append((f"AH-B-{i:03d}", ANHAI, wage, f"安海乙{i:03d}五金有限公司",
                            date(2022, 3, 1), date(2025, 2, 28), 1, 60))
    ledger_2023.append(("AH-D-001", ANHAI, wage, "安海丁001纺织有限公司",
                        date(2020, 5, 1), date(2023, 4, 30), 1, 80))
    ledger_2023.append(("AH-R-001", ANHAI, "区域性工资集体合同", "安海镇区域性工资集体合同",
                        date(2023, 1, 10), date(2025, 12, 31), 963, 24_346))
    ledger_2023.append(("CZ-001", CIZAO, wage, "磁灶陶瓷一厂", date(2023, 5, 1), date(2026, 4, 30), 1, 100))
    ledger_2023.append(("CZ-002", CIZAO, wage, "磁灶陶瓷二厂", date(2023, 5, 1), date(2026, 4, 30), 1, 200))
    ledger_2023.append(("CD-001", CHENDAI, "综合性集体合同", "陈埭某服装有限公司",
                        date(2021, 9, 29), date(2024, 9, 28), 1, 500))
    ledger_2023.append(("CD-002", CHENDAI, wage, "陈埭某鞋材有限公司",
                        date(2021, 9, 30), date(2024, 9, 29), 1, 400))
    for i in range(1, 101):
        month = (i - 1) % 6 + 1
        signed = date(2024, month, 10)
        additions_2024.append((f"AH-C-{i:03d}", ANHAI, wage, f"安海丙{i:03d}食品有限公司", signed,
                               date(2027, month, 9), 1, 65 if i <= 80 else 64))
    additions_2024.append(("CZ-I-001", CIZAO, "行业性工资集体合同", "磁灶镇陶瓷行业",
                           date(2024, 3, 1), date(2027, 2, 28), 50, 3_000))
    return ledger_2023, additions_2024


def _insert_contracts(con) -> None:
    ledger_2023, additions_2024 = _contracts()
    for file_name, loaded_at, rows in (("集体合同台账2023.xlsx", datetime(2023, 7, 1, 9, 0), ledger_2023),
                                       ("集体合同台账2024上半年.xlsx", datetime(2024, 7, 2, 9, 0), additions_2024)):
        batch = _batch(con, "collective_contracts", file_name, loaded_at,
                       sorted({r[1] for r in rows}), sorted({r[0] for r in rows}), len(rows))
        con.executemany(
            """INSERT INTO collective_contracts_rows (batch_id, contract_id, town_code, contract_type,
                   party_name, signed_date, expiry_date, enterprises_covered, workers_covered)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [[batch, *row] for row in rows],
        )


HOSTS = ("党建+邻里中心", "网格党群服务站", "企业", "商圈楼宇", "环卫站点", "银行网点")


def _stations() -> list[tuple]:
    """(id, name, town, address, lon, lat, host, opened, facilities); GCJ-02 as captured."""
    stations = []
    for i in range(1, 19):
        opened = date(2022, 6, 1) if i <= 12 else date(2024, 3, 1)
        stations.append((f"AH-{i:02d}", f"安海镇工会驿站{i:02d}", ANHAI, f"晋江市安海镇第{i}网格",
                         round(118.440 + 0.004 * i, 6), round(24.700 + 0.002 * i, 6),
                         HOSTS[(i - 1) % len(HOSTS)], opened, "饮水机、微波炉、充电桩"))
    for i in (1, 2):
        stations.append((f"CZ-{i:02d}", f"磁灶镇工会驿站{i:02d}", CIZAO, f"晋江市磁灶镇{i}号",
                         round(118.495 + 0.004 * i, 6), 24.820, "企业", date(2022, 10, 1), "饮水机"))
    stations.append(("WA-01", "万安街道工会驿站", WANAN, "洛江区万安街道", 118.662, 24.952,
                     "党建+邻里中心", None, "饮水机、药箱"))
    return stations


def _insert_stations(con) -> None:
    stations = _stations()
    batch = _batch(con, "stations", "驿站名册.xlsx", datetime(2024, 7, 3, 9, 0),
                   sorted({s[2] for s in stations}), sorted(s[0] for s in stations), len(stations))
    # GCJ-02 sits about 0.0048° east and 0.0026° north of WGS-84 around Quanzhou.
    con.executemany(
        """INSERT INTO stations_rows (batch_id, station_id, station_name, town_code, address, lon, lat,
               crs, lon_wgs84, lat_wgs84, host_type, opened_date, facilities)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'GCJ02', ?, ?, ?, ?, ?)""",
        [[batch, sid, name, town, address, lon, lat, round(lon - 0.0048, 6), round(lat + 0.0026, 6),
          host, opened, facilities]
         for sid, name, town, address, lon, lat, host, opened, facilities in stations],
    )


def _visit_rows(month: date) -> list[tuple]:
    """(station, town, group, visits) reported for ``month``."""
    rows = [("AH-01", ANHAI, "外卖送餐员", 300 if month.year == 2024 else 250),
            ("AH-01", ANHAI, "快递员", 100),
            ("AH-02", ANHAI, "环卫工人", 150)]
    if month <= date(2024, 5, 1):
        rows.append(("CZ-01", CIZAO, "外卖送餐员", 80))
    return rows


def _insert_visits(con) -> None:
    for month in _months(date(2023, 1, 1), LATEST_MONTH):
        rows = _visit_rows(month)
        label = f"{month:%Y-%m}"
        batch = _batch(con, "station_visits", f"驿站服务人次{label}.xlsx", _next_month(month, 6, 10),
                       sorted({r[1] for r in rows}), [label], len(rows))
        con.executemany(
            """INSERT INTO station_visits_rows (batch_id, month, station_id, town_code, visitor_group,
                   visits, rest, meal_heating, drinking_water, charging, medical)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [[batch, month, sid, town, group, visits, visits * 6 // 10, visits // 5, visits // 2,
              visits // 10, 1] for sid, town, group, visits in rows],
        )


def build_fixture_warehouse(db: Path) -> Path:
    """Write the fixture warehouse to ``db`` (a new file) and return its path."""
    db = Path(db)
    with warehouse.write(db) as con:
        con.execute("BEGIN")
        warehouse.create_schema(con)
        reference.load_org_units(con, ORG_UNITS)
        _insert_mutual_aid(con)
        _insert_camps(con)
        _insert_contracts(con)
        _insert_stations(con)
        _insert_visits(con)
        con.execute("COMMIT")
    return db


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """The fixture warehouse file, built once per test session; tests only read it.

    Each test module that imports this fixture gets its own copy of it from
    pytest, so the file lives at a fixed place in the session's temporary
    directory and is built only by the first."""
    db = tmp_path_factory.getbasetemp() / "fixture_warehouse" / "warehouse.duckdb"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        build_fixture_warehouse(db)
    return db


@pytest.fixture
def fixture_con(fixture_db):
    """A read-only connection to the fixture warehouse, closed after the test."""
    with warehouse.read(fixture_db) as con:
        yield con
