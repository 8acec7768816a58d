"""The audit log: every login, upload, rollback, export, deck and account
change, with who, when, what and outcome; append-only (etl/audit.py)."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import accounts, audit, pipeline

ROOT = Path(__file__).resolve().parent.parent
LOAD = ROOT / "tests" / "fixtures" / "load"
ANHAI, JINJIANG, WANAN = "350582101", "350582", "350504001"
PASSWORD = "Quanzhou-2026-test"
T0 = datetime(2026, 11, 23, 9, 0, 0)


def fixture_file(name: str) -> tuple[str, bytes]:
    return name, (LOAD / name).read_bytes()


def rows(log, *columns):
    return [tuple(r) for r in log[list(columns)].itertuples(index=False)][::-1]


def test_each_login_attempt_is_logged_with_who_when_and_how_it_ended(empty_db):
    accounts.add("lihua", PASSWORD, role="uploader", scope_code=ANHAI, by=None)
    accounts.authenticate("lihua", "not-the-password", now=T0)
    accounts.authenticate("lihua", PASSWORD, now=datetime(2026, 11, 23, 9, 0, 5))
    accounts.authenticate("stranger", PASSWORD, now=datetime(2026, 11, 23, 9, 0, 9))
    log = audit.entries(action="login")
    assert rows(log, "logged_at", "actor", "outcome", "detail", "scope_code") == [
        (T0, "lihua", "failure", "wrong password", ANHAI),
        (datetime(2026, 11, 23, 9, 0, 5), "lihua", "success", None, ANHAI),
        (datetime(2026, 11, 23, 9, 0, 9), "stranger", "failure", "unknown user", None)]


def test_uploads_and_rollbacks_are_logged_with_their_outcome(empty_db):
    accepted = pipeline.load([fixture_file("安海镇_医疗互助_2024-07.csv")], loaded_by="lihua",
                             scope=ANHAI, source="app")
    refused = pipeline.load([fixture_file("东石镇_医疗互助_2024-07.csv")], loaded_by="lihua",
                            scope=ANHAI, source="app")
    assert (accepted.status, refused.status) == ("loaded", "rejected")
    pipeline.load([fixture_file("安海镇_医疗互助_2024-07.csv")], loaded_by="lihua", scope=ANHAI,
                  source="app")
    pipeline.rollback(accepted.batch_ids[0], by="lihua", scope=ANHAI, source="app")
    with pytest.raises(Exception):
        pipeline.rollback(accepted.batch_ids[0], by="lihua", scope=ANHAI, source="app")
    log = audit.entries()
    assert rows(log, "actor", "action", "outcome", "target", "detail") == [
        ("lihua", "upload", "success", "安海镇_医疗互助_2024-07.csv",
         "batches 1; 2 rows; units 350582101; periods 2024-07"),
        ("lihua", "upload", "rejected", "东石镇_医疗互助_2024-07.csv", "errors: rows_outside_scope"),
        ("lihua", "upload", "duplicate", "安海镇_医疗互助_2024-07.csv", "already loaded as batch 1"),
        ("lihua", "rollback", "success", "batch 1",
         "mutual_aid, 安海镇_医疗互助_2024-07.csv: 2 removed, 0 restored"),
        ("lihua", "rollback", "refused", "batch 1", "batch_already_rolled_back"),
    ]
    assert set(log["source"]) == {"app"} and set(log["scope_code"]) == {ANHAI}


def test_a_rejected_upload_is_logged_without_changing_the_warehouse_by_a_byte(empty_db):
    before = hashlib.sha256(empty_db.read_bytes()).hexdigest()
    result = pipeline.load([fixture_file("安海镇_医疗互助_2024-07_有错.csv")], loaded_by="lihua")
    assert result.status == "rejected"
    assert hashlib.sha256(empty_db.read_bytes()).hexdigest() == before
    assert list(audit.entries()["outcome"]) == ["rejected"]


def test_account_changes_are_logged_and_an_admin_reads_only_their_scope(empty_db):
    city = accounts.add("boss", PASSWORD, role="admin", scope_code="350500", by=None)
    county = accounts.add("jj-admin", PASSWORD, role="admin", scope_code=JINJIANG, by=city)
    accounts.add("anhai-staff", PASSWORD, role="uploader", scope_code=ANHAI, by=county)
    accounts.add("wanan-staff", PASSWORD, role="uploader", scope_code=WANAN, by=city)
    try:
        accounts.add("wanan-2", PASSWORD, role="uploader", scope_code=WANAN, by=county)
    except accounts.AccountError as error:
        accounts.refuse(county, error, "wanan-2")
    everything = audit.entries(action="account")
    assert rows(everything, "actor", "outcome", "target", "detail") == [
        (accounts.operator(), "success", "boss", "add role=admin scope=350500"),
        ("boss", "success", "jj-admin", "add role=admin scope=350582"),
        ("jj-admin", "success", "anhai-staff", "add role=uploader scope=350582101"),
        ("boss", "success", "wanan-staff", "add role=uploader scope=350504001"),
        ("jj-admin", "refused", "wanan-2", "grant_scope_too_wide"),
    ]
    assert list(audit.entries(action="account", scope=JINJIANG)["target"])[::-1] == [
        "jj-admin", "anhai-staff", "wanan-2"]


def export_script(action: str, what: str) -> None:
    from dashboard.ui import auth

    auth.record(action, what, detail="350582101 2024-01..2024-06")


@pytest.mark.parametrize("action, what", [("export", "职工医疗互助 明细.xlsx"), ("deck", "汇报.pptx")])
def test_exports_and_decks_are_logged_for_whoever_is_looking(empty_db, action, what):
    accounts.add("lihua", PASSWORD, role="viewer", scope_code=ANHAI, by=None)
    from tests.signed_in import sign_in

    at = AppTest.from_function(export_script, args=(action, what))
    sign_in(at, "lihua").run()
    anonymous = AppTest.from_function(export_script, args=(action, what))
    anonymous.run()
    assert rows(audit.entries(action=action), "actor", "outcome", "target", "scope_code") == [
        ("lihua", "success", what, ANHAI), ("anonymous", "success", what, "350500")]


def test_what_a_stranger_types_is_stored_cut_and_without_nul_bytes(empty_db):
    audit.record("a\x00b" + "x" * 2000, "login", "failure")
    (actor,) = audit.entries()["actor"]
    assert len(actor) == 500 and actor.startswith("abxxx") and actor.endswith("…")


def test_unknown_actions_and_outcomes_are_refused_rather_than_logged_vaguely(empty_db):
    with pytest.raises(ValueError):
        audit.record("lihua", "delete_everything", "success")
    with pytest.raises(ValueError):
        audit.record("lihua", "login", "maybe")
    assert audit.entries().empty


_CODE = [*ROOT.joinpath("etl").glob("*.py"), *ROOT.joinpath("dashboard").rglob("*.py"),
         *ROOT.joinpath("pages").glob("*.py"), ROOT / "app.py"]


def test_no_code_updates_or_deletes_the_audit_log():
    changes = re.compile(r"(UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE)\s+(\w+\.)?audit_log",
                         re.IGNORECASE)
    offending = [str(path.relative_to(ROOT)) for path in _CODE
                 if changes.search(path.read_text(encoding="utf-8"))]
    assert offending == []
    # And the module offers appending and reading only.
    public = {name for name in vars(audit) if not name.startswith("_") and callable(getattr(audit, name))
              and getattr(getattr(audit, name), "__module__", "") == "etl.audit"}
    assert public == {"access_write", "access_read", "access_version", "append", "record",
                      "record_quietly", "record_on", "entries", "failures_since_success", "Event"}
