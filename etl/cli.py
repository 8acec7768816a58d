"""``python -m etl``: init, demo, load, template, batches, rollback, dictionary.

Exit codes: 0 done (loaded, a duplicate file that needed nothing, a dry run
that passed), 1 input rejected or the warehouse busy (nothing written),
2 usage errors (bad arguments, unknown dataset, town or batch, missing file).
Results go to stdout, progress to stderr.  ``load --json`` prints exactly one
JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from etl import load as loader
from etl import pipeline, settings, template, warehouse
from etl.dictionary import dictionary_csv, dictionary_markdown
from etl.messages import Issue, issue, summary
from etl.template import display_width
from etl.specs import DATASETS

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

SEVERITY_LABELS = {"error": "错误 error", "warning": "警告 warning", "info": "提示 note"}
STATUS_LABELS = {"active": "有效 active", "superseded": "已被替换 superseded",
                 "rolled_back": "已撤销 rolled back"}
BATCH_COLUMNS = [  # (batch log column, heading)
    ("batch_id", "批次 id"), ("dataset", "数据集 dataset"), ("file_name", "文件 file"),
    ("row_count", "行数 rows"), ("units", "镇街 units"), ("periods", "期间 periods"),
    ("loaded_at", "导入时间 loaded at"), ("loaded_by", "导入人 by"), ("status", "状态 status"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="工会活动数据导入 / union activity data loader. "
                    f"数据库 / warehouse: UNION_DB (now {settings.db_path()})")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("init", help="建库（表结构与组织单位），可重复运行 / create the warehouse")

    demo = commands.add_parser("demo", help="生成演示数据 / generate demo spreadsheets")
    demo.add_argument("--scale", choices=["town", "city", "province", "nation"], default="city")
    demo.add_argument("--out", type=Path, default=None, help="输出目录 / output directory")

    load = commands.add_parser("load", help="导入文件 / load files")
    load.add_argument("files", nargs="+", metavar="FILE")
    load.add_argument("--dataset", help="数据集 / dataset: " + ", ".join(DATASETS))
    load.add_argument("--unit", help="表内没有镇街列时所属的镇街 / the town of a sheet "
                                     "without a town column")
    load.add_argument("--dry-run", action="store_true", help="只检查不写入 / check only")
    load.add_argument("--accept-warnings", action="store_true",
                      help="确认警告后导入 / load despite warnings")
    load.add_argument("--json", action="store_true", help="输出一个 JSON 对象 / print one JSON object")

    tpl = commands.add_parser("template", help="生成导入模板 / write an input template")
    tpl.add_argument("dataset", metavar="DATASET", help=", ".join(DATASETS))
    tpl.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")

    batches = commands.add_parser("batches", help="导入批次 / the batch log")
    batches.add_argument("--json", action="store_true")

    rollback = commands.add_parser("rollback", help="撤销一个批次 / undo a batch")
    rollback.add_argument("batch_id", type=int, metavar="BATCH_ID")

    dictionary = commands.add_parser("dictionary", help="数据字典 / the data dictionary")
    dictionary.add_argument("--lang", choices=["zh", "en"], default="zh")
    dictionary.add_argument("--format", choices=["md", "csv"], default="md")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "init": cmd_init, "demo": cmd_demo, "load": cmd_load, "template": cmd_template,
        "batches": cmd_batches, "rollback": cmd_rollback, "dictionary": cmd_dictionary,
    }[args.command]
    try:
        return handler(args)
    except pipeline.UsageError as exc:
        return _fail(exc.issue, EXIT_USAGE, as_json=getattr(args, "json", False))
    except warehouse.WarehouseBusy as exc:
        _say(f"{exc.message_zh} / {exc.message_en}")
        return EXIT_REJECTED


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _fail(problem: Issue, code: int, *, as_json: bool = False) -> int:
    if as_json:
        print(json.dumps({"status": "error", "errors": [problem.to_dict()]}, ensure_ascii=False))
    else:
        _say(f"{problem.message_zh} / {problem.message_en}")
    return code


# Commands --------------------------------------------------------------------
def cmd_init(args) -> int:
    count = pipeline.init()
    msg = issue("warehouse_ready", path=settings.db_path(), units=count)
    print(f"{msg.message_zh} / {msg.message_en}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from etl import demo  # written apart; only this command needs it
    returned = demo.main(args)
    return EXIT_OK if returned is None else int(returned)


def cmd_load(args) -> int:
    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            return _fail(issue("file_not_found", path=name), EXIT_USAGE, as_json=args.json)
        files.append((path.name, path.read_bytes()))
    try:
        result = pipeline.load(files, dataset=args.dataset, unit=args.unit,
                               accept_warnings=args.accept_warnings, dry_run=args.dry_run,
                               progress=_say)
    except (pipeline.UsageError, warehouse.WarehouseBusy):
        raise
    except Exception as exc:  # rolled back already; say so instead of a traceback
        return _fail(issue("load_failed", error=f"{type(exc).__name__}: {exc}"), EXIT_REJECTED,
                     as_json=args.json)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print_load_result(result)
    return EXIT_REJECTED if result.status == "rejected" else EXIT_OK


def issue_line(problem: Issue) -> str:
    """文件 工作表 行 列 单元格 — 中文消息 / English message"""
    where = problem.where("zh")
    label = SEVERITY_LABELS.get(problem.severity, problem.severity)
    return f"[{label}] {where} — {problem.message_zh} / {problem.message_en}"


def print_load_result(result) -> None:
    for problem in result.issues:
        print(issue_line(problem))
    print(f"{summary(result.issues, 'zh')} / {summary(result.issues, 'en')}")
    for note in result.notes:
        print(note)


def cmd_template(args) -> int:
    name = pipeline.resolve_dataset(args.dataset)
    spec = DATASETS[name]
    path = args.output or Path(template.default_file_name(spec))
    template.write_template(spec, path)
    print(f"模板已生成 / template written: {path}")
    return EXIT_OK


def _short_list(values, limit: int = 3) -> str:
    values = [str(v) for v in (values if values is not None else [])]
    if len(values) <= limit:
        return ", ".join(values)
    return ", ".join(values[:limit]) + f" …(+{len(values) - limit})"


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def format_batches(log: pd.DataFrame) -> str:
    """The batch log as an aligned text table."""
    rows = []
    for batch in log.itertuples(index=False):
        rows.append([
            str(batch.batch_id), batch.dataset, batch.file_name, str(batch.row_count),
            _short_list(batch.units), _short_list(batch.periods),
            f"{pd.Timestamp(batch.loaded_at):%Y-%m-%d %H:%M}", batch.loaded_by,
            STATUS_LABELS.get(batch.status, batch.status),
        ])
    headings = [heading for _, heading in BATCH_COLUMNS]
    widths = [max([display_width(h), *(display_width(r[i]) for r in rows)])
              for i, h in enumerate(headings)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headings, widths)).rstrip()]
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def cmd_batches(args) -> int:
    log = pipeline.batches()
    if args.json:
        records = []
        for batch in log.itertuples(index=False):
            records.append({
                "batch_id": int(batch.batch_id), "dataset": batch.dataset,
                "file": batch.file_name, "sha256": batch.sha256,
                "sheets": list(batch.sheets if batch.sheets is not None else []),
                "rows": int(batch.row_count),
                "units": list(batch.units if batch.units is not None else []),
                "periods": list(batch.periods if batch.periods is not None else []),
                "loaded_at": pd.Timestamp(batch.loaded_at).isoformat(),
                "loaded_by": batch.loaded_by, "status": batch.status,
                "rolled_back_at": (None if pd.isna(batch.rolled_back_at)
                                   else pd.Timestamp(batch.rolled_back_at).isoformat()),
                "note": batch.note,
            })
        print(json.dumps({"batches": records}, ensure_ascii=False))
        return EXIT_OK
    if not len(log):
        print("还没有导入批次 / no batches yet")
        return EXIT_OK
    print(format_batches(log))
    return EXIT_OK


def cmd_rollback(args) -> int:
    try:
        done = pipeline.rollback(args.batch_id)
    except loader.UnknownBatch as exc:
        return _fail(exc.issue, EXIT_USAGE)
    except loader.AlreadyRolledBack as exc:
        return _fail(exc.issue, EXIT_REJECTED)
    print(done.message)
    return EXIT_OK


def cmd_dictionary(args) -> int:
    text = (dictionary_markdown(args.lang) if args.format == "md" else dictionary_csv(args.lang))
    sys.stdout.write(text)
    return EXIT_OK

