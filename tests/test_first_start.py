"""A newcomer's first start: no warehouse yet, one command, a working dashboard."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_the_first_start_builds_the_demo_warehouse_with_progress_and_opens_the_overview(
        tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("UNION_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()

    assert [e.message for e in at.exception] == []
    # The progress bar ends saying the warehouse is ready, and the overview
    # follows on the same run with numbers from the new warehouse.
    (bar,) = at.get("progress")
    assert bar.proto.text == "演示数据库已就绪"
    assert at.title[0].value == "总览"
    assert at.main.caption[-1].value.startswith("数据截至 ")
    # Built whole and moved into place: no half-built file is left behind.
    assert db.exists()
    assert not list(tmp_path.glob("*.building*"))
