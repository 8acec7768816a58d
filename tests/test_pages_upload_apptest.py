"""The 数据上传 page in Streamlit's AppTest.

AppTest cannot drop a file into st.file_uploader, so the page's states after
an upload are driven through the functions the page calls with the uploaded
bytes (``show_check`` with a real ``pipeline.check`` result, ``show_done``,
``refuse_over_limits``), each run as a small Streamlit script.  The page
itself is opened through app.py for what it shows before a file arrives.
The upload itself, end to end, is in tests/browser/test_upload.py.

The warehouse is a copy of the fixture warehouse (tests/fixture_warehouse.py):
安海镇's June 2024 住院 row has 20 claims and ¥60,000; the 43 batches there
mean the first load here is batch 44.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import pipeline, warehouse
from tests.fixture_warehouse import fixture_db  # noqa: F401  (a pytest fixture)
from tests.signed_in import account, sign_in

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "upload"
WRONG = "安海镇医疗互助2024年6月_有错.xlsx"
RIGHT = "安海镇医疗互助2024年6月.xlsx"
TODAY = date(2024, 7, 20)
# 安海's 住院 aid paid ¥60,000 a month in 2024: ¥612,000 is more than 3 × the usual value.
SPIKE_CSV = ("镇街,月份,互助项目,参保人数,补助人次,补助金额\n"
             "安海镇,2024-06,职工住院医疗互助,10995,20,612000\n"
             "安海镇,2024-06,女职工特殊疾病互助,1623,1,4235\n")


@pytest.fixture
def db(fixture_db, tmp_path, monkeypatch):  # noqa: F811
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_db, copy)
    monkeypatch.setenv("UNION_DB", str(copy))
    account("staff", "uploader", "350500")      # the page needs a signed-in uploader
    return copy


def check_script(names: list[str], texts: dict, lang: str, today) -> None:
    """What the page shows after these files were dropped in."""
    from datetime import datetime
    from pathlib import Path

    from dashboard.ui import upload
    from etl import pipeline

    fixtures = Path("tests/fixtures/upload")
    files = [(name, (fixtures / name).read_bytes()) for name in names]
    files += [(name, text.encode("utf-8")) for name, text in texts.items()]
    upload.show_done(lang)
    result = pipeline.check(files, today=today)
    upload.show_check(result, files, dataset=None, unit=None, lang=lang,
                      town_names={"350582101": "安海镇" if lang == "zh" else "Anhai Town"},
                      checked_at=datetime(2024, 7, 20, 9, 30))


def run_check(names=(), texts=None, lang="zh") -> AppTest:
    at = AppTest.from_function(check_script, args=(list(names), texts or {}, lang, TODAY),
                               default_timeout=60)
    sign_in(at, "staff").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_rows(at: AppTest, index: int) -> list[list]:
    return at.table[index].value.values.tolist()


def test_before_any_file_the_page_offers_datasets_templates_and_states_the_limits(db, monkeypatch):
    monkeypatch.setenv("UNION_MAX_UPLOAD_MB", "5")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(at, "staff").run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert at.title[0].value == "数据上传"
    assert "上传各镇街报送的 Excel / CSV 表格：先检查、预览，确认后才写入数据库。" in [c.value for c in at.caption]
    assert at.selectbox(key="upload_dataset").value is None
    assert "选择数据集后可下载对应的导入模板（含下拉选项和填表说明）。" in [c.value for c in at.caption]
    uploader = at.get("file_uploader")[0]
    assert uploader.label == "选择或拖入文件（可多选）"
    assert uploader.help == "支持 .xlsx、.xls、.csv；单个文件不超过 5 MB、200,000 行。"
    at.selectbox(key="upload_dataset").set_value("collective_contracts").run()
    assert at.get("download_button")[0].label == "下载「集体合同」导入模板"
    assert "upload_commit" not in [b.key for b in at.button]   # nothing to commit yet


def test_the_page_speaks_english_on_request(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    sign_in(at, "staff").run()
    at.switch_page("pages/upload.py").run()
    assert at.title[0].value == "Upload data"
    assert at.get("file_uploader")[0].help == (
        "Accepts .xlsx, .xls, .csv; at most 20 MB and 200,000 rows per file.")
    at.selectbox(key="upload_dataset").set_value("mutual_aid").run()
    assert at.get("download_button")[0].label == "Download the 'Workers' mutual medical aid' template"


def test_a_file_with_errors_names_each_cell_and_cannot_be_loaded(db):
    at = run_check([WRONG])
    assert [e.value for e in at.error] == ["2 个错误，0 个警告", "有错误，不能导入：请改正文件后重新上传。"]
    rows = table_rows(at, 0)
    assert rows[0] == ["错误", WRONG, "6月", 3, "补助金额(元)", "F3", "「六万一千二」不是有效的金额"]
    assert [r[5] for r in rows] == ["F3", "F5"]
    assert at.get("download_button")[0].label == "下载检查报告（Excel）"
    commit = at.button(key="upload_commit")
    assert commit.label == "确认导入（2 行）"
    assert commit.disabled


def test_the_report_is_in_english_on_request(db):
    at = run_check([WRONG], lang="en")
    assert at.error[0].value == "2 errors, 0 warnings"
    assert table_rows(at, 0)[0][:6] == ["Error", WRONG, "6月", 3, "补助金额(元)", "F3"]
    assert table_rows(at, 0)[0][6] == "'六万一千二' is not an amount"


# Row 2 is the template's example row, copied unchanged; row 3 is a report.
WITH_EXAMPLE_CSV = ("月份,镇（街道）,互助项目,参保人数,新增参保人数,补助人次,补助金额（元）\n"
                    "2024-07,安海镇,职工住院医疗互助,10995,0,23,61200\n"
                    "2024-07,安海镇,女职工特殊疾病互助,1623,0,1,4235\n")


@pytest.mark.parametrize("lang, note", [
    ("zh", "安海7月.csv: 第 2 行是模板自带的示例行，未导入（请删除或改写示例行）"),
    ("en", "安海7月.csv: row 2 is the template's own example row and was not loaded "
           "(delete or overwrite it)"),
])
def test_notes_about_a_file_speak_the_pages_language(db, lang, note):
    at = run_check(texts={"安海7月.csv": WITH_EXAMPLE_CSV}, lang=lang)
    assert note in [c.value for c in at.caption]
    assert table_rows(at, 0)[0][4] == 1       # the preview counts the one real row


def test_a_clean_file_previews_added_and_replaced_rows_with_old_and_new_values(db):
    at = run_check([RIGHT])
    assert at.success[0].value == "0 个错误，0 个警告 · 检查通过：可导入 2 行。"
    assert [s.value for s in at.subheader] == ["检查结果", "导入预览"]
    preview, changes = table_rows(at, 0), table_rows(at, 1)
    assert preview == [["职工医疗互助", RIGHT, "安海镇", "2024-06", 2, 0, 2, 0, 0]]
    assert ["安海镇", "2024-06", "职工住院医疗互助", "补助金额（元）", "60,000", "61,200",
            "60,000 → 61,200"] in changes
    assert ["安海镇", "2024-06", "职工住院医疗互助", "补助人次", "20", "21", "20 → 21"] in changes
    assert "以上为预览：确认导入之前，数据库不会有任何改变。" in [c.value for c in at.caption]
    commit = at.button(key="upload_commit")
    assert not commit.disabled
    with warehouse.read() as con:   # nothing written by the check
        assert con.execute("SELECT count(*) FROM load_batches").fetchone() == (43,)


def test_warnings_must_be_acknowledged_before_the_commit_button_works(db):
    at = run_check(texts={"安海镇6月.csv": SPIKE_CSV})
    assert at.warning[0].value == "0 个错误，1 个警告"
    assert table_rows(at, 0)[0][0] == "警告"
    assert at.button(key="upload_commit").disabled
    assert "请先核对警告并勾选确认。" in [c.value for c in at.caption]
    box = at.checkbox(key="upload_accept_warnings")
    assert box.label == "我已核对以上 1 个警告，确认导入"
    box.check().run()
    assert not at.button(key="upload_commit").disabled


def test_confirming_loads_the_file_and_the_same_file_again_is_not_loaded_twice(db):
    at = run_check([RIGHT])
    at.button(key="upload_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == "导入成功：批次 44，共 2 行。"
    link = [m.value for m in at.markdown if "查看导入的数据" in m.value]
    assert link == ["[在「职工医疗互助」中查看导入的数据]"
                    "(/mutual_aid?region=350582101&from=2024-06&to=2024-06&lang=zh)"]
    # The rerun checks the same bytes again: already loaded.
    assert [i.value for i in at.info] == [f"「{RIGHT}」已导入过（批次 44），不会重复导入。"]
    assert "所选文件均已导入过，无需再次导入。" in [s.value for s in at.success]
    with warehouse.read() as con:
        assert con.execute("""SELECT claims, claims_paid_yuan::DOUBLE, batch_id FROM mutual_aid
                              WHERE town_code = '350582101' AND month = DATE '2024-06-01'
                                AND scheme = '职工住院医疗互助'""").fetchone() == (21, 61200.0, 44)
        assert con.execute("SELECT loaded_by, file_name FROM load_batches WHERE batch_id = 44"
                           ).fetchone() == ("staff", RIGHT)


def limits_script(max_rows: int, lang: str) -> None:
    from pathlib import Path

    from dashboard import upload_report
    from dashboard.ui import upload

    name = "安海镇医疗互助2024年6月.xlsx"
    files = [(name, (Path("tests/fixtures/upload") / name).read_bytes())]
    upload.refuse_over_limits(files, upload_report.UploadLimits(20 * 1024 * 1024, max_rows), lang)


def test_a_file_over_the_row_limit_is_refused_before_it_is_read(db):
    at = AppTest.from_function(limits_script, args=(4, "zh"), default_timeout=30)
    at.run()
    assert [e.value for e in at.error] == [
        f"「{RIGHT}」有 5 行，超过上限 4 行：请拆分后分批上传。 / "
        f"'{RIGHT}' has 5 rows, over the 4-row limit: split it and upload the parts."]
    assert [c.value for c in at.caption] == ["以上文件未读取，也未写入任何数据。"]
    within = AppTest.from_function(limits_script, args=(5, "zh"), default_timeout=30)
    within.run()
    assert not within.error


def test_a_file_someone_else_loaded_meanwhile_is_reported_as_loaded_not_loaded_again(db):
    at = run_check([RIGHT])
    # Another user (or the command line) loads the same file before the click.
    files = [(RIGHT, (FIXTURES / RIGHT).read_bytes())]
    assert pipeline.load(files, loaded_by="zhangsan").batch_ids == [44]
    at.button(key="upload_commit").click().run()
    assert [i.value for i in at.info] == [f"「{RIGHT}」已导入过（批次 44），不会重复导入。"]
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM load_batches").fetchone() == (44,)


def test_a_station_register_shows_its_coordinate_errors_and_a_map_of_the_valid_stations(db):
    at = run_check(["驿站名册_坐标有误.xlsx"])
    assert at.error[0].value == "2 个错误，0 个警告"
    rows = table_rows(at, 0)
    assert [(r[3], r[5], r[6]) for r in rows] == [
        (3, "E3", "经纬度似乎填反了：经度 24.722，纬度 118.475（泉州约为经度 118、纬度 25）"),
        (4, "E4", "坐标（经度 116.4，纬度 39.9）不在泉州市范围内")]
    assert "**驿站位置预览**" in [m.value for m in at.markdown]
    deck = at.get("deck_gl_json_chart")[0].proto.json
    assert "AH-T1" in deck and "AH-T2" not in deck and "AH-T3" not in deck
    assert at.button(key="upload_commit").disabled
