"""Rolling a batch back restores exactly what it replaced."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from etl import load as loader
from etl import pipeline, warehouse
from etl.model import ParsedTable

ANHAI, DONGSHI = "350582101", "350582104"
HOSPITAL, WOMEN = "职工住院医疗互助", "女职工特殊疾病互助"
COLUMNS = ["month", "town_code", "scheme", "members_enrolled", "new_enrolments", "claims",
           "claims_paid_yuan"]


def mutual_aid(file: str, rows: list[tuple]) -> ParsedTable:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["month"] = [date.fromisoformat(f"{m}-01") for m in frame["month"]]
    for column in ("members_enrolled", "new_enrolments", "claims"):
        frame[column] = frame[column].astype("Int64")
    frame["claims_paid_yuan"] = frame["claims_paid_yuan"].astype("float64")
    frame["_row"] = range(3, 3 + len(frame))
    return ParsedTable("mutual_aid", file, "Sheet1", frame, {})


def write(*tables: ParsedTable) -> list[int]:
    payloads = {t.file: (t.file.encode(), loader.sha256_of(t.file.encode())) for t in tables}
    with warehouse.write() as con:
        con.execute("BEGIN")
        written = pipeline.write_tables(con, list(tables), payloads, loaded_by="lisi",
                                        loaded_at=datetime(2026, 11, 20, 10, 0))
        con.execute("COMMIT")
    return [w.batch_id for w in written]


def current_rows() -> pd.DataFrame:
    """The current mutual-aid rows as the parser would hand them over."""
    with warehouse.read() as con:
        frame = con.execute(
            "SELECT month, town_code, scheme, members_enrolled, new_enrolments, claims, "
            "claims_paid_yuan::DOUBLE AS claims_paid_yuan FROM mutual_aid "
            "ORDER BY month, town_code, scheme"
        ).df()
    frame["month"] = frame["month"].dt.date
    return frame


def as_stored(table: ParsedTable) -> pd.DataFrame:
    return (table.frame[COLUMNS].sort_values(["month", "town_code", "scheme"])
            .reset_index(drop=True))


def statuses() -> list[tuple]:
    with warehouse.read() as con:
        return con.execute("SELECT batch_id, status FROM load_batches ORDER BY 1").fetchall()


A_ROWS = [("2024-06", ANHAI, HOSPITAL, 10950, 30, 21, 58000.0),
          ("2024-07", ANHAI, HOSPITAL, 10995, 40, 23, 61200.0),
          ("2024-07", ANHAI, WOMEN, 1623, 5, 2, 8000.5),
          ("2024-07", DONGSHI, HOSPITAL, 8200, 12, 9, 21000.0)]
B_ROWS = [("2024-07", ANHAI, HOSPITAL, 11002, 47, 25, 63000.0)]


def compare(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)


def test_rolling_back_a_reload_brings_back_exactly_the_rows_it_replaced(empty_db):
    a = mutual_aid("互助7月.xlsx", A_ROWS)
    write(a)
    write(mutual_aid("安海7月更正.xlsx", B_ROWS))
    assert len(current_rows()) == 3

    done = pipeline.rollback(2, now=datetime(2026, 11, 21, 8, 0))

    compare(current_rows(), as_stored(a))
    assert (done.removed, done.restored) == (1, 2)
    assert done.message == ("批次 2（mutual_aid，安海7月更正.xlsx）已撤销：移除 1 行，恢复 2 行 / "
                            "Batch 2 (mutual_aid, 安海7月更正.xlsx) rolled back: 1 rows removed, "
                            "2 rows restored")
    with warehouse.read() as con:
        assert con.execute("SELECT status, rolled_back_at FROM load_batches WHERE batch_id = 2"
                           ).fetchall() == [("rolled_back", datetime(2026, 11, 21, 8, 0))]
        assert con.execute("SELECT retired_by FROM mutual_aid_rows WHERE batch_id = 2"
                           ).fetchall() == [(2,)]


def test_a_batch_superseded_by_the_rolled_back_one_is_active_again(empty_db):
    a = mutual_aid("安海7月.xlsx", A_ROWS[1:3])
    write(a)
    write(mutual_aid("安海7月更正.xlsx", B_ROWS))
    assert statuses() == [(1, "superseded"), (2, "active")]

    done = pipeline.rollback(2)

    assert statuses() == [(1, "active"), (2, "rolled_back")]
    assert done.reactivated == [1]
    compare(current_rows(), as_stored(a))


def test_rows_whose_scope_a_later_batch_holds_stay_replaced_by_that_batch(empty_db):
    a = mutual_aid("互助7月.xlsx", A_ROWS)
    write(a)                                                     # batch 1
    write(mutual_aid("安海7月更正.xlsx", B_ROWS))                # batch 2 replaces 安海 July
    c = mutual_aid("安海7月再更正.xlsx", [("2024-07", ANHAI, HOSPITAL, 11010, 50, 26, 64000.0)])
    write(c)                                                     # batch 3 replaces batch 2

    pipeline.rollback(2)

    # Batch 3 still holds 安海 July: batch 1's July rows now count as replaced by it.
    with warehouse.read() as con:
        assert con.execute("SELECT DISTINCT retired_by FROM mutual_aid_rows "
                           "WHERE batch_id = 1 AND town_code = ? AND month = DATE '2024-07-01'",
                           [ANHAI]).fetchall() == [(3,)]
    assert current_rows()["claims"].tolist() == [21, 26, 9]
    assert statuses() == [(1, "active"), (2, "rolled_back"), (3, "active")]

    # Rolling batch 3 back as well leaves what batch 1 loaded.
    pipeline.rollback(3)
    compare(current_rows(), as_stored(a))
    assert statuses() == [(1, "active"), (2, "rolled_back"), (3, "rolled_back")]


def test_rolling_back_the_older_batch_leaves_the_newer_one_alone(empty_db):
    write(mutual_aid("互助7月.xlsx", A_ROWS))
    b = mutual_aid("安海7月更正.xlsx", B_ROWS)
    write(b)

    pipeline.rollback(1)

    compare(current_rows(), as_stored(b))
    # Batch 2 rolled back later must not resurrect batch 1's rows.
    pipeline.rollback(2)
    assert len(current_rows()) == 0
    assert statuses() == [(1, "rolled_back"), (2, "rolled_back")]


def test_an_unknown_batch_cannot_be_rolled_back(empty_db):
    with pytest.raises(loader.UnknownBatch) as raised:
        pipeline.rollback(99)
    assert str(raised.value) == "没有编号为 99 的导入批次 / There is no load batch 99"


def test_a_batch_cannot_be_rolled_back_twice(empty_db):
    write(mutual_aid("互助7月.xlsx", A_ROWS))
    pipeline.rollback(1, now=datetime(2026, 11, 21, 8, 5))

    with pytest.raises(loader.AlreadyRolledBack) as raised:
        pipeline.rollback(1)
    assert str(raised.value) == ("批次 1 已于 2026-11-21 08:05 撤销过，无需再次撤销 / "
                                 "Batch 1 was already rolled back at 2026-11-21 08:05")
    assert len(current_rows()) == 0
