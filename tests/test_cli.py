"""``python -m etl``: what a staff member types and what they see back."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl import cli, reference, warehouse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "load"
JULY = FIXTURES / "安海镇_医疗互助_2024-07.csv"
JULY_CORRECTED = FIXTURES / "安海镇_医疗互助_2024-07_更正.csv"
JULY_DONGSHI = FIXTURES / "东石镇_医疗互助_2024-07.csv"
JULY_BROKEN = FIXTURES / "安海镇_医疗互助_2024-07_有错.csv"
APRIL_TO_JUNE = FIXTURES / "安海镇_医疗互助_2024-04至06.csv"
JULY_SPIKE = FIXTURES / "安海镇_医疗互助_2024-07_激增.csv"


def etl(*args: str, db: Path) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would."""
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "UNION_DB": str(db)})


def run(capsys, *args) -> tuple[int, str, str]:
    """The same command in-process (quicker); returns (exit code, stdout, stderr)."""
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def query(sql: str) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(sql).fetchall()


def test_init_creates_the_warehouse_and_can_run_again(tmp_path):
    db = tmp_path / "union.duckdb"
    units = len(reference.read_org_units())
    for _ in range(2):
        done = etl("init", db=db)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == (f"数据库已就绪：{db}（{units} 个组织单位） / "
                                       f"Warehouse ready: {db} ({units} org units)")
    with warehouse.read(db) as con:
        assert con.execute("SELECT count(*) FROM org_units WHERE level = 'town'").fetchone() == (
            len(reference.read_org_units().query("level == 'town'")),)
        assert con.execute("SELECT count(*) FROM load_batches").fetchone() == (0,)


def test_load_prints_the_summary_and_the_batch_in_both_languages(tmp_path):
    db = tmp_path / "union.duckdb"
    done = etl("load", JULY, db=db)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "0 个错误，0 个警告 / 0 errors, 0 warnings",
        "已导入 2 行（批次 1） / Loaded 2 rows (batch 1)",
    ]
    assert "正在读取并检查 1 个文件…… / Reading and checking 1 file(s)..." in done.stderr
    with warehouse.read(db) as con:
        assert con.execute("SELECT sum(members_enrolled), sum(claims), sum(claims_paid_yuan)::INT "
                           "FROM mutual_aid").fetchone() == (12618, 25, 69200)
        assert con.execute("SELECT file_name, row_count, units, periods, status FROM load_batches"
                           ).fetchall() == [("安海镇_医疗互助_2024-07.csv", 2, ["350582101"],
                                             ["2024-07"], "active")]


def test_load_json_prints_exactly_one_object(empty_db, capsys):
    code, out, _ = run(capsys, "load", JULY, "--json")

    assert code == 0
    result = json.loads(out)
    assert result == {"status": "loaded", "batch_ids": [1], "batch_id": 1, "dataset": "mutual_aid",
                      "rows": 2, "units": ["350582101"], "periods": ["2024-07"], "errors": [],
                      "warnings": [], "notes": ["已导入 2 行（批次 1） / Loaded 2 rows (batch 1)"]}


def test_loading_the_same_file_again_is_a_no_op(empty_db, capsys):
    run(capsys, "load", JULY)
    code, out, _ = run(capsys, "load", JULY, "--json")

    assert code == 0
    result = json.loads(out)
    assert (result["status"], result["batch_id"], result["notes"]) == ("duplicate", 1, [
        "「安海镇_医疗互助_2024-07.csv」已导入过（批次 1），本次不重复导入 / "
        "'安海镇_医疗互助_2024-07.csv' was already loaded as batch 1; nothing to do"])
    assert query("SELECT count(*) FROM load_batches") == [(1,)]
    assert query("SELECT count(*) FROM mutual_aid") == [(2,)]


def test_a_corrected_file_replaces_the_month_and_the_batches_show_it(empty_db, capsys):
    run(capsys, "load", JULY)
    code, out, _ = run(capsys, "load", JULY_CORRECTED)
    assert code == 0, out

    assert query("SELECT sum(claims), sum(claims_paid_yuan)::INT FROM mutual_aid") == [(27, 71000)]
    code, out, _ = run(capsys, "batches")
    lines = out.splitlines()
    assert lines[0].split() == ["批次", "id", "数据集", "dataset", "文件", "file", "行数", "rows",
                                "镇街", "units", "期间", "periods", "导入时间", "loaded", "at",
                                "导入人", "by", "状态", "status"]
    assert lines[1].split()[:6] == ["1", "mutual_aid", "安海镇_医疗互助_2024-07.csv", "2",
                                    "350582101", "2024-07"]
    assert lines[1].split()[-2:] == ["已被替换", "superseded"]
    assert lines[2].split()[:3] == ["2", "mutual_aid", "安海镇_医疗互助_2024-07_更正.csv"]
    assert lines[2].split()[-2:] == ["有效", "active"]

    code, out, _ = run(capsys, "batches", "--json")
    assert [(b["batch_id"], b["status"], b["rows"]) for b in json.loads(out)["batches"]] == [
        (1, "superseded", 2), (2, "active", 2)]


def test_two_files_load_as_two_batches_in_one_command(empty_db, capsys):
    code, out, _ = run(capsys, "load", JULY, JULY_DONGSHI, "--json")

    result = json.loads(out)
    assert (code, result["status"], result["batch_ids"], result["rows"], result["units"]) == (
        0, "loaded", [1, 2], 3, ["350582101", "350582104"])


def test_a_file_with_errors_is_rejected_and_nothing_is_written(empty_db, capsys):
    code, out, _ = run(capsys, "load", JULY_BROKEN, JULY_DONGSHI)

    assert code == 1
    lines = out.splitlines()
    error_lines = [line for line in lines if line.startswith("[错误 error]")]
    assert error_lines == ["[错误 error] 安海镇_医疗互助_2024-07_有错.csv，第 2 行，列「参保人数」，"
                           "D2 — 不能为负数：-5 / Must not be negative: -5"]
    assert "1 个错误，0 个警告 / 1 error, 0 warnings" in lines
    assert lines[-1] == ("有 1 个错误，未写入任何数据；请改正文件后重新导入 / 1 error(s): nothing "
                         "was written; correct the file and load it again")
    # The good file in the same command is not loaded either.
    assert query("SELECT count(*) FROM load_batches") == [(0,)]
    assert query("SELECT count(*) FROM mutual_aid_rows") == [(0,)]


def test_warnings_block_the_load_until_accepted(empty_db, capsys):
    assert run(capsys, "load", APRIL_TO_JUNE)[0] == 0
    code, out, _ = run(capsys, "load", JULY_SPIKE)

    assert code == 1
    assert out.splitlines() == [
        "[警告 warning] 安海镇_医疗互助_2024-07_激增.csv，第 2 行，列「补助人次」，F2 — "
        "安海镇 2024-07 的数值 230 超过近 3 个月中位数 23 的 3 倍，请核实 / 安海镇 2024-07: 230 is "
        "over 3 times the median of the last 3 months (23); please check",
        "0 个错误，1 个警告 / 0 errors, 1 warning",
        "有 1 个警告，未写入任何数据：核对无误后加 --accept-warnings（网页上勾选“确认警告并导入”）"
        "重新导入 / 1 warning(s), nothing was written: check them, then load again with "
        "--accept-warnings (tick 'accept warnings' on the upload page)",
    ]
    assert query("SELECT count(*) FROM load_batches") == [(1,)]

    code, out, _ = run(capsys, "load", JULY_SPIKE, "--accept-warnings", "--json")
    result = json.loads(out)
    assert (code, result["status"], result["batch_id"], len(result["warnings"])) == (
        0, "loaded", 2, 1)
    assert result["warnings"][0]["cell"] == "F2"
    assert query("SELECT sum(claims) FROM mutual_aid WHERE month = DATE '2024-07-01'") == [(232,)]


def test_a_dry_run_checks_and_writes_nothing(empty_db, capsys):
    code, out, _ = run(capsys, "load", JULY, "--dry-run")

    assert code == 0
    assert out.splitlines()[-1] == ("检查通过：可导入 2 行（试运行，未写入） / Check passed: 2 rows "
                                    "would be loaded (dry run, nothing written)")
    assert query("SELECT count(*) FROM load_batches") == [(0,)]


def test_usage_errors_exit_2_with_a_bilingual_message(empty_db, capsys):
    code, _, err = run(capsys, "load", JULY, "--dataset", "医疗")
    assert code == 2
    assert err.strip() == ("未知的数据集「医疗」，可选：mutual_aid, summer_camps, "
                           "collective_contracts, stations, station_visits / Unknown dataset "
                           "'医疗'; choose one of: mutual_aid, summer_camps, collective_contracts, "
                           "stations, station_visits")

    code, _, err = run(capsys, "load", JULY, "--unit", "安海乡")
    assert code == 2
    assert err.strip() == ("未知的镇（街道）「安海乡」：请填写镇街全称、简称或 9 位代码 / Unknown "
                           "town '安海乡': give its full name, short name or 9-digit code")

    code, _, err = run(capsys, "load", "不存在.xlsx")
    assert (code, err.strip()) == (2, "找不到文件「不存在.xlsx」 / File not found: '不存在.xlsx'")

    code, _, err = run(capsys, "load")
    assert code == 2 and "the following arguments are required: FILE" in err

    code, _, _ = run(capsys, "template", "no_such_dataset")
    assert code == 2


def test_rollback_from_the_command_line(empty_db, capsys):
    run(capsys, "load", JULY)
    run(capsys, "load", JULY_CORRECTED)

    code, out, _ = run(capsys, "rollback", 2)
    assert (code, out.strip()) == (0, "批次 2（mutual_aid，安海镇_医疗互助_2024-07_更正.csv）已撤销："
                                      "移除 2 行，恢复 2 行 / Batch 2 (mutual_aid, "
                                      "安海镇_医疗互助_2024-07_更正.csv) rolled back: 2 rows "
                                      "removed, 2 rows restored")
    assert query("SELECT sum(claims) FROM mutual_aid") == [(25,)]

    code, _, err = run(capsys, "rollback", 2)
    assert code == 1 and err.startswith("批次 2 已于 ") and "Batch 2 was already rolled back" in err
    code, _, err = run(capsys, "rollback", 7)
    assert (code, err.strip()) == (2, "没有编号为 7 的导入批次 / There is no load batch 7")
    code, _, _ = run(capsys, "rollback", "two")
    assert code == 2


def test_demo_is_delegated_with_its_options(empty_db, capsys, monkeypatch, tmp_path):
    import etl.demo
    seen = []
    monkeypatch.setattr(etl.demo, "main", lambda args: seen.append((args.scale, args.out)) or 0)

    assert run(capsys, "demo", "--scale", "town", "--out", tmp_path)[0] == 0
    assert run(capsys, "demo")[0] == 0
    assert seen == [("town", tmp_path), ("city", None)]
    assert run(capsys, "demo", "--scale", "planet")[0] == 2


@pytest.mark.parametrize("lang, first", [("zh", "# 数据字典"), ("en", "# Data dictionary")])
def test_dictionary_markdown(capsys, lang, first):
    code, out, _ = run(capsys, "dictionary", "--lang", lang)
    assert code == 0 and out.splitlines()[0] == first
