"""Streamlit glue for 数据上传 and 数据管理: widgets, session state, and the
calls into the ETL (``etl.pipeline``: the same check, load and rollback the
command line runs).  What is shown is computed in dashboard/upload_report.py
and dashboard/queries/admin.py.

Nothing is written before the user confirms: the upload page runs
``pipeline.check`` (read-only) on every new set of files and keeps its result
in the session; only the commit button runs ``pipeline.load``.

Both pages need a sign-in (dashboard/ui/auth.py): uploading and rolling back
need the uploader role, and the account's scope goes to the pipeline, which
refuses a file with any row outside it and a rollback of a batch outside it.
Whatever came from a file (names, cells) is shown through ``auth.md_safe``.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import exports, geo, maps
from dashboard import upload_report as report
from dashboard.filters import ViewFilter
from dashboard.queries import admin, meta
from dashboard.queries.overview import MONTHLY_DATASETS
from dashboard.strings import fmt_count, t
from dashboard.ui import entry
from dashboard.ui import auth
from dashboard.ui.data import clear_caches, run, warehouse_handle
from dashboard.ui.sidebar import page_start
from etl import load as loader
from etl import pipeline, settings, template, warehouse
from etl import scope as scopes
from etl.dictionary import dictionary_csv, dictionary_frame
from etl.messages import in_language
from etl.read import TEXT_EXTENSIONS, WORKBOOK_EXTENSIONS
from etl.specs import DATASETS

# Tables longer than this go to st.dataframe (scrolling, canvas-drawn); shorter
# ones to st.table, whose cells are plain text a reader (and a test) can find.
TABLE_ROWS = 60

K_UPLOADER = "upload_files"
K_ROUND = "upload_round"          # bumped after a load so the uploader starts empty
K_CHECK = "upload_check"          # {"key": ..., "result": CheckResult, "checked_at": ...}
K_DONE = "upload_done"            # what the last load did, shown after its rerun
K_ACCEPT = "upload_accept_warnings"
K_ADMIN_DONE = "admin_done"
K_ROLLBACK = "admin_rollback_batch"   # the batch whose rollback dialog is open


def start(page_key: str) -> ViewFilter | None:
    """The shared sidebar and title; None (and a title only) before any
    warehouse exists, so that a first upload can create it."""
    entry.through_app()
    if warehouse_handle().exists():
        return page_start(page_key)
    st.title(t(f"page.{page_key}", _url_lang()))
    return None


def _url_lang() -> str:
    lang = st.query_params.get("lang", "zh")
    return lang if lang in ("zh", "en") else "zh"


def uploader(lang: str):
    """The signed-in account, if it may upload and roll back; else None,
    having said why (the check that counts is this one, at the click, not
    whether a button was drawn)."""
    principal = auth.current()
    if principal.has_role("uploader"):
        return principal.account
    if principal.signed_in:
        st.error(t("auth.role_needed", lang, role=t(f"role.{principal.account.role}", lang),
                   needed=t("role.uploader", lang)))
    else:
        st.error(t("auth.login_needed", lang))
    return None


def _town_names(lang: str) -> dict[str, str]:
    if not warehouse_handle().exists():
        return {}
    units = run(meta.org_units)
    return dict(zip(units["code"].astype(str), units["name_en" if lang == "en" else "name_zh"]))


def _table(frame: pd.DataFrame) -> None:
    if len(frame) <= TABLE_ROWS:
        # st.table renders markdown in its cells: what came from a file is escaped.
        text = frame.copy()
        for column in text.columns:
            if text[column].dtype == object or pd.api.types.is_string_dtype(text[column]):
                text[column] = text[column].map(lambda v: auth.md_safe(v) if isinstance(v, str) else v)
        st.table(text, hide_index=True)
    else:
        st.dataframe(frame, hide_index=True)


# 数据上传 -------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=20)
def _template_bytes(dataset: str, db_path: str, data_version: tuple[int, int]) -> bytes:
    # data_version keys the cache: the dropdowns list the towns and stations loaded.
    return template.build_template(DATASETS[dataset], db=Path(db_path))


def upload_page(vf: ViewFilter | None) -> None:
    lang = vf.lang if vf else _url_lang()
    account = auth.require("uploader", lang)
    st.caption(t("upload.intro", lang))
    show_done(lang)

    dataset_column, unit_column = st.columns(2)
    dataset = dataset_column.selectbox(
        t("upload.dataset", lang), [None, *DATASETS], key="upload_dataset",
        format_func=lambda d: t("upload.dataset_auto", lang) if d is None
        else report.dataset_title(d, lang))
    towns = _town_names(lang)
    town_codes = [c for c in towns if len(c) == 9 and scopes.within(c, account.scope_code)]
    unit = unit_column.selectbox(
        t("upload.unit", lang), [None, *town_codes], key="upload_unit",
        format_func=lambda c: t("upload.unit_none", lang) if c is None else towns.get(c, c))
    if dataset:
        spec = DATASETS[dataset]
        handle = warehouse_handle()
        st.download_button(t("upload.template", lang, title=report.dataset_title(dataset, lang)),
                           data=_template_bytes(dataset, str(handle.path), handle.version()),
                           file_name=template.default_file_name(spec), mime=exports.XLSX_MIME,
                           key="upload_template")
    else:
        st.caption(t("upload.template_hint", lang))

    limits = report.UploadLimits.from_settings()
    uploaded = st.file_uploader(
        t("upload.files", lang), accept_multiple_files=True,
        type=[ext.lstrip(".") for ext in WORKBOOK_EXTENSIONS + TEXT_EXTENSIONS],
        key=f"{K_UPLOADER}_{st.session_state.get(K_ROUND, 0)}",
        help=t("upload.files_help", lang, mb=f"{limits.max_bytes / report.MB:g}",
               rows=fmt_count(limits.max_rows)))
    if not uploaded:
        st.session_state.pop(K_CHECK, None)
        return
    files = [(f.name, f.getvalue()) for f in uploaded]
    if refuse_over_limits(files, limits, lang):
        return
    result, checked_at = _checked(files, dataset, unit, lang, account.scope_code)
    if result is not None:
        show_check(result, files, dataset=dataset, unit=unit, lang=lang, town_names=towns,
                   checked_at=checked_at)


def refuse_over_limits(files: list[tuple[str, bytes]], limits: report.UploadLimits,
                       lang: str) -> bool:
    """Says which files are too big or too long, before any is parsed."""
    problems = report.over_limits(files, limits)
    for problem in problems:
        st.error(problem.bilingual(lang))
    if problems:
        st.caption(t("upload.limit_stop", lang))
    return bool(problems)


def _checked(files, dataset, unit, lang, scope):
    """pipeline.check of these files, once per set of files, choices, scope
    and warehouse version (a load elsewhere means checking again)."""
    key = (tuple((name, hashlib.sha256(data).hexdigest()) for name, data in files), dataset, unit,
           scope, warehouse_handle().version())
    kept = st.session_state.get(K_CHECK)
    if kept and kept["key"] == key:
        return kept["result"], kept["checked_at"]
    bar = st.progress(0.05, text=t("upload.checking", lang, count=len(files)))
    steps = []

    def progress(_message: str) -> None:
        steps.append(_message)
        bar.progress(min(0.3 + 0.3 * len(steps), 0.9), text=t("upload.checking", lang,
                                                              count=len(files)))
    try:
        result = pipeline.check(files, dataset=dataset, unit=unit, progress=progress, scope=scope)
    except warehouse.WarehouseBusy:
        bar.empty()
        st.error(t("upload.busy", lang))
        return None, None
    bar.empty()
    checked_at = datetime.now()
    st.session_state[K_CHECK] = {"key": key, "result": result, "checked_at": checked_at}
    st.session_state.pop(K_ACCEPT, None)
    return result, checked_at


def show_check(result: pipeline.CheckResult, files: list[tuple[str, bytes]], *,
               dataset: str | None, unit: str | None, lang: str,
               town_names: dict[str, str], checked_at: datetime) -> None:
    """The check's outcome: duplicates, the report, the preview, and the
    commit button (enabled only without errors and with warnings accepted)."""
    for name, batch_id in result.duplicates.items():
        st.info(t("upload.duplicate", lang, file=auth.md_safe(name), batch_id=batch_id))
    if result.duplicates and not result.tables and not result.issues:
        st.success(t("upload.all_duplicates", lang))
        return

    st.subheader(t("upload.report", lang))
    line = report.summary_line(result.issues, lang)
    if result.errors:
        st.error(line)
    elif result.warnings:
        st.warning(line)
    else:
        st.success(f"{line} · {t('upload.check_ok', lang, rows=fmt_count(result.rows))}")
    if result.issues:
        _table(report.report_frame(result.issues, lang))
        names = [name for name, _ in files]
        st.download_button(t("upload.report_download", lang),
                           data=report.report_xlsx(result.issues, lang, files=names,
                                                   checked_at=checked_at),
                           file_name=report.report_file_name(names, lang),
                           mime=exports.XLSX_MIME, key="upload_report_xlsx")
    notes = [n for n in result.notes
             if not any(name in n and f"{batch_id}" in n for name, batch_id in result.duplicates.items())]
    for note in notes:
        st.caption(auth.md_safe(in_language(note, lang)))

    if result.tables and len(result.preview):
        st.subheader(t("upload.preview", lang))
        st.caption(t("upload.preview_hint", lang))
        _table(report.preview_table(result.preview, lang, town_names))
        st.markdown(f"**{t('upload.changes', lang)}**")
        if len(result.changes):
            _table(report.change_table(result.changes, lang, town_names))
        else:
            st.caption(t("upload.no_changes", lang))
        _station_map(result, lang)

    accepted = False
    if result.warnings and not result.errors:
        accepted = st.checkbox(t("upload.accept_warnings", lang, count=len(result.warnings)),
                               key=K_ACCEPT)
    gate = report.commit_gate(len(result.errors), len(result.warnings), result.rows, accepted)
    if gate.reason == "upload.blocked_errors":
        st.error(t(gate.reason, lang))
    elif gate.reason:
        st.caption(t(gate.reason, lang))
    st.caption(t("upload.not_written", lang))
    if st.button(t("upload.commit", lang, rows=fmt_count(result.rows)), type="primary",
                 disabled=not gate.enabled, key="upload_commit"):
        _commit(files, dataset=dataset, unit=unit, accepted=accepted, lang=lang)


def _station_map(result: pipeline.CheckResult, lang: str) -> None:
    registers = [t_.frame for t_ in result.tables if t_.dataset == "stations" and len(t_.frame)]
    if not registers or not warehouse_handle().exists():
        return
    units = run(meta.org_units)
    points = report.station_points(registers, units[units["level"] == "town"])
    if points.empty:
        return
    st.markdown(f"**{t('upload.map_preview', lang)}**")
    region = report.region_of_units(points["town_code"])
    outlines = geo.outlines_for_region(geo.county_outlines(), units, region, lang)
    deck = maps.station_deck(
        points, lang=lang, outlines=outlines, labels=geo.label_points(units, region, lang),
        bounds=geo.view_bounds(outlines, units, region, points["lon"], points["lat"]),
        tiles=maps.tile_url())
    st.pydeck_chart(deck, key="upload_station_map")


def _commit(files, *, dataset, unit, accepted: bool, lang: str) -> None:
    account = uploader(lang)
    if account is None:
        return
    bar = st.progress(0.1, text=t("upload.writing", lang))
    try:
        loaded = pipeline.load(files, dataset=dataset, unit=unit, accept_warnings=accepted,
                               loaded_by=account.username, scope=account.scope_code, source="app",
                               progress=lambda _m: bar.progress(0.6, text=t("upload.writing", lang)))
    except warehouse.WarehouseBusy:
        bar.empty()
        st.error(t("upload.busy", lang))
        return
    bar.empty()
    if loaded.status == "loaded":
        clear_caches()
        st.session_state[K_DONE] = {"batch_ids": loaded.batch_ids, "rows": loaded.rows,
                                    "datasets": loaded.datasets, "units": loaded.units,
                                    "periods": loaded.periods, "notes": loaded.notes}
        st.session_state[K_ROUND] = st.session_state.get(K_ROUND, 0) + 1
        st.session_state.pop(K_CHECK, None)
        st.rerun()
    elif loaded.status == "duplicate":
        st.info(t("upload.all_duplicates", lang))
    else:
        # The warehouse changed between the check and the load (another load).
        st.error(t("upload.rejected", lang,
                   reason=auth.md_safe(" ".join(in_language(n, lang) for n in loaded.notes[-1:]))))


def show_done(lang: str) -> None:
    done = st.session_state.get(K_DONE)
    if not done:
        return
    st.success(t("upload.loaded", lang, batch_ids=", ".join(str(b) for b in done["batch_ids"]),
                 rows=fmt_count(done["rows"])))
    for note in done["notes"]:
        st.caption(auth.md_safe(in_language(note, lang)))
    link = report.dashboard_link(done["datasets"], done["units"], done["periods"], lang)
    if link is not None:
        try:
            st.page_link(link.page, label=link.label(lang), query_params=link.params, icon="📊")
        except Exception:  # the page is not registered (a test running this page alone)
            st.markdown(f"[{link.label(lang)}](/{Path(link.page).stem}?{link.query_string})")
    if st.button(t("upload.another", lang), key="upload_another"):
        st.session_state.pop(K_DONE, None)
        st.rerun()


# 数据管理 -------------------------------------------------------------------------------

def admin_page(vf: ViewFilter | None) -> None:
    lang = vf.lang if vf else _url_lang()
    account = auth.require("viewer", lang)
    done = st.session_state.pop(K_ADMIN_DONE, None)
    if done:
        st.success(done)
    tabs = st.tabs([t(f"admin.tab.{k}", lang) for k in ("batches", "reporting", "dictionary",
                                                        "stations")])
    with tabs[0]:
        _batches_tab(lang, account)
    with tabs[1]:
        _reporting_tab(vf, lang)
    with tabs[2]:
        _dictionary_tab(lang)
    with tabs[3]:
        _register_tab(vf, lang)


def _in_scope(units, scope: str) -> bool:
    """A batch is someone's to see and roll back when all its towns are theirs."""
    codes = [] if units is None else list(units)
    return all(scopes.within(str(code), scope) for code in codes)


def _batches_tab(lang: str, account) -> None:
    if not warehouse_handle().exists():
        st.info(t("admin.no_batches", lang))
        return
    batches = run(admin.batch_list)
    batches = batches[[_in_scope(units, account.scope_code) for units in batches["units"]]]
    if batches.empty:
        st.info(t("admin.no_batches", lang))
        return
    st.dataframe(report.batch_table(batches, lang, _town_names(lang)), hide_index=True)
    by_id = {int(row["batch_id"]): row for _, row in batches.iterrows()}
    batch_id = st.selectbox(t("admin.batch_pick", lang), list(by_id), key="admin_batch",
                            format_func=lambda b: report.batch_option(by_id[b], lang))
    batch = by_id[batch_id]
    original = loader.archive_path(batch["sha256"], batch["file_name"])
    download, rollback = st.columns(2)
    if original.exists():
        download.download_button(t("admin.download_original", lang), data=original.read_bytes,  # read only when clicked
                                 file_name=batch["file_name"], key=f"admin_original_{batch_id}",
                                 on_click=auth.record, args=("export", f"batch {batch_id}"),
                                 kwargs={"detail": f"original file {batch['file_name']}"})
    else:
        download.caption(t("admin.original_missing", lang))
    if batch["status"] == "rolled_back":
        rollback.caption(t("admin.rollback_done_already", lang,
                           when=report.moment_text(batch["rolled_back_at"])))
    elif not account.can_upload:
        rollback.caption(t("upload.forbidden_rollback", lang, role=t(f"role.{account.role}", lang)))
    elif rollback.button(t("admin.rollback", lang), key=f"admin_rollback_{batch_id}"):
        st.session_state[K_ROLLBACK] = batch_id
    # The dialog stays open across reruns until confirmed, cancelled or dismissed.
    if st.session_state.get(K_ROLLBACK) is not None:
        st.dialog(t("admin.rollback_title", lang), on_dismiss=_close_rollback)(_rollback_dialog)(
            st.session_state[K_ROLLBACK], lang)


def _close_rollback() -> None:
    st.session_state.pop(K_ROLLBACK, None)


def _rollback_dialog(batch_id: int, lang: str) -> None:
    """Says what the rollback will remove and restore, then does it on confirm."""
    try:
        with warehouse.write() as con:
            preview = admin.rollback_preview(con, batch_id)
    except loader.BatchError as refused:
        _close_rollback()
        st.error(refused.issue.message_en if lang == "en" else refused.issue.message_zh)
        return
    except warehouse.WarehouseBusy:
        st.error(t("upload.busy", lang))
        return
    st.write(t("admin.rollback_what", lang, batch_id=batch_id,
               dataset=report.dataset_title(preview.dataset, lang), file=auth.md_safe(preview.file),
               removed=fmt_count(preview.removed), restored=fmt_count(preview.restored)))
    if preview.reactivated:
        st.write(t("admin.rollback_reactivates", lang,
                   batches=", ".join(str(b) for b in preview.reactivated)))
    else:
        st.write(t("admin.rollback_none_reactivated", lang))
    st.caption(t("admin.rollback_kept", lang))
    confirm, cancel = st.columns(2)
    if confirm.button(t("admin.rollback_confirm", lang), type="primary", key="admin_confirm"):
        _close_rollback()
        account = uploader(lang)
        if account is None:
            return
        try:
            undone = pipeline.rollback(batch_id, scope=account.scope_code, by=account.username,
                                       source="app")
        except loader.BatchError as refused:
            st.error(refused.issue.message_en if lang == "en" else refused.issue.message_zh)
            return
        except warehouse.WarehouseBusy:
            st.error(t("upload.busy", lang))
            return
        clear_caches()
        st.session_state[K_ADMIN_DONE] = t("admin.rolled_back", lang, batch_id=batch_id,
                                           removed=fmt_count(undone.removed),
                                           restored=fmt_count(undone.restored))
        st.rerun()
    if cancel.button(t("admin.rollback_cancel", lang), key="admin_cancel"):
        _close_rollback()
        st.rerun()


STATUS_COLOURS = {"reported": "#d5f5e3", "late": "#fdebd0", "missing": "#fadbd8",
                  "pending": "#eaeded", "not_expected": ""}


def _reporting_tab(vf: ViewFilter | None, lang: str) -> None:
    if vf is None:
        st.info(t("admin.no_batches", lang))
        return
    today = date.today()
    years = list(range(today.year, min(vf.latest.year, today.year) - 6, -1))
    year_column, dataset_column = st.columns(2)
    year = year_column.selectbox(t("admin.year", lang), years, key="admin_year",
                                 index=years.index(vf.latest.year) if vf.latest.year in years else 0)
    dataset = dataset_column.radio(t("admin.report_dataset", lang), list(MONTHLY_DATASETS),
                                   key="admin_report_dataset", horizontal=True,
                                   format_func=lambda d: report.dataset_title(d, lang))
    due_day = settings.report_due_day()
    status = run(admin.reporting_status, prefix=vf.prefix, year=year, today=today,
                 due_day=due_day)
    if status.empty:
        st.info(t("admin.no_months", lang, year=year))
        return
    st.caption(t("admin.late_rule", lang, day=due_day, last=status["month"].max()))
    grid = report.status_grid(status, dataset, lang)
    colours = {report.status_label(s, lang): c for s, c in STATUS_COLOURS.items() if c}
    st.dataframe(grid.style.map(lambda v: f"background-color: {colours[v]}" if v in colours else ""),
                 hide_index=True)
    counts = admin.status_counts(status)
    to_call = report.to_call_table(counts, dataset, lang)
    st.markdown(f"**{t('admin.to_call', lang)}**")
    if to_call.empty:
        st.caption(t("admin.none_to_call", lang))
    else:
        _table(to_call)
    stamp = exports.ExportStamp(
        filters=[(t("sidebar.region", lang), vf.region.name(lang)), (t("admin.year", lang), str(year)),
                 (t("admin.report_dataset", lang), report.dataset_title(dataset, lang))],
        as_of=status["month"].max(), exported_at=datetime.now(), lang=lang)
    workbook = exports.tables_to_xlsx({t("admin.status_sheet", lang): grid,
                                       t("admin.counts_sheet", lang): to_call}, stamp)
    st.download_button(t("admin.status_export", lang), data=workbook, mime=exports.XLSX_MIME,
                       file_name=exports.export_file_name(t("admin.status_sheet", lang),
                                                          vf.region.name(lang), str(year),
                                                          report.dataset_title(dataset, lang),
                                                          "xlsx"),
                       key="admin_status_xlsx", on_click=auth.record,
                       args=("export", t("admin.status_sheet", "zh")),
                       kwargs={"detail": f"{vf.region.code} {year} {dataset}"})


def _dictionary_tab(lang: str) -> None:
    st.dataframe(dictionary_frame(lang), hide_index=True)
    st.download_button(t("admin.dictionary_download", lang), data=dictionary_csv(lang).encode("utf-8-sig"),
                       file_name=f"{t('admin.tab.dictionary', lang)}.csv", mime="text/csv",
                       key="admin_dictionary_csv")


def _register_tab(vf: ViewFilter | None, lang: str) -> None:
    st.caption(t("admin.register_hint", lang))
    if vf is None:
        return
    register = run(admin.station_register, prefix=vf.prefix)
    st.caption(t("admin.register_count", lang, count=fmt_count(len(register))))
    st.dataframe(report.register_table(register, lang), hide_index=True)
