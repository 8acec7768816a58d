"""The data dictionary says, for every column of every dataset, what the
specs say: header, aliases, type, unit, bounds, required, grain."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from etl.dictionary import dictionary_frame, dictionary_markdown
from etl.specs import DATASETS

ROOT = Path(__file__).resolve().parent.parent


def test_every_column_of_every_dataset_has_one_row():
    frame = dictionary_frame("zh")
    assert len(frame) == sum(len(spec.columns) for spec in DATASETS.values()) == 45
    assert list(frame.columns) == ["数据集", "数据集名称", "每行是", "字段", "表头", "可用别名",
                                   "数据类型", "计量单位", "取值范围", "必填", "唯一键", "说明"]
    assert frame.groupby("数据集", sort=False).size().to_dict() == {
        "mutual_aid": 7, "summer_camps": 11, "collective_contracts": 8, "stations": 10,
        "station_visits": 9}


def test_members_enrolled_reads_as_in_the_spec_in_chinese():
    frame = dictionary_frame("zh")
    row = frame[frame["字段"] == "members_enrolled"].iloc[0].to_dict()
    assert row == {
        "数据集": "mutual_aid", "数据集名称": "职工医疗互助", "每行是": "每镇街每月每个互助项目一行",
        "字段": "members_enrolled", "表头": "参保人数",
        "可用别名": "在保人数、参加人数、参保职工数、参保人数（人）、enrolled、members、"
                    "members_enrolled、Members enrolled",
        "数据类型": "非负整数", "计量单位": "人", "取值范围": "0 – 10,000,000", "必填": "是", "唯一键": "否",
        "说明": "月末在保人数（存量）",
    }


def test_choices_bounds_and_optional_columns_in_english():
    frame = dictionary_frame("en").set_index("field")
    assert frame.loc["scheme", "bounds"] == "职工住院医疗互助, 女职工特殊疾病互助, 职工意外伤害互助"
    assert frame.loc["scheme", "key"] == "yes"
    assert frame.loc["meal_fee_yuan", "bounds"] == "0 – 200"
    assert frame.loc["meal_fee_yuan", "unit of measure"] == "yuan/day"
    assert frame.loc["meal_fee_yuan", "required"] == "no"
    assert frame.loc["lon", "bounds"] == "-180 – 180"
    assert frame.loc["claims_paid_yuan", "data type"] == "amount (at most 2 decimals)"
    assert frame.loc["visits", "header"] == "服务人次 (Visits)"
    assert frame.loc["visits", "one row is"] == "one row per month per station per visitor group"


def test_markdown_has_a_section_per_dataset_with_key_and_replace_scope():
    text = dictionary_markdown("zh")
    assert text.count("\n## ") == 5
    assert "## 驿站服务人次 (`station_visits`)" in text
    assert "- 唯一键：月份 + 驿站 + 服务对象" in text
    # station_visits has no town column, yet a reload replaces a town's month.
    assert "- 重新导入时替换：同一 镇（街道） + 月份 的现有数据" in text
    assert ("| 补助金额（元） | claims_paid_yuan | 补助金额、金额(元)、金额（元）、补助金额(元)、"
            "理赔金额（元）、赔付金额、补助情况/金额、补助情况/金额（元）、amount paid、amount、"
            "claims_paid_yuan | 金额（最多两位小数） | 元 | ≥ 0 | 是 |  |") in text


def test_the_cli_prints_the_dictionary_as_csv():
    done = subprocess.run([sys.executable, "-m", "etl", "dictionary", "--lang", "en",
                           "--format", "csv"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 45
    assert rows[0]["field"] == "month" and rows[0]["bounds"] == "not in the future"
    assert rows[-1]["field"] == "medical" and rows[-1]["unit of measure"] == "visits"
