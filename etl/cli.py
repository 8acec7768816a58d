"""``python -m etl``: init, demo, load, template, batches, rollback, dictionary,
users (accounts), audit (the audit log).

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

from etl import accounts, audit
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
    load.add_argument("--as", dest="as_user", metavar="USER",
                      help="以该上传账户的名义和权限范围导入 / load as this uploader account, "
                           "within its scope")

    tpl = commands.add_parser("template", help="生成导入模板 / write an input template")
    tpl.add_argument("dataset", metavar="DATASET", help=", ".join(DATASETS))
    tpl.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")

    batches = commands.add_parser("batches", help="导入批次 / the batch log")
    batches.add_argument("--json", action="store_true")

    rollback = commands.add_parser("rollback", help="撤销一个批次 / undo a batch")
    rollback.add_argument("batch_id", type=int, metavar="BATCH_ID")
    rollback.add_argument("--as", dest="as_user", metavar="USER",
                          help="以该账户的名义和权限范围撤销 / roll back as this account, within its scope")

    users = commands.add_parser("users", help="账户管理 / accounts")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="新建账户 / create an account")
    add.add_argument("username", metavar="USER")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument("--scope", required=True, metavar="CODE",
                     help="组织单位代码，含下级 / org unit code, covering its subtree (350500 = 泉州市)")
    add.add_argument("--name", default=None, help="显示名 / display name")
    add.add_argument("--email", default=None, help="统一身份认证邮箱 / e-mail for single sign-on")
    add.add_argument("--sso-only", action="store_true",
                     help="不设密码，只能统一身份认证登录 / no password: single sign-on only")
    add.add_argument("--password-stdin", action="store_true",
                     help="从标准输入读一行作为密码 / read the password as one line from stdin")
    listing = user_commands.add_parser("list", help="列出账户 / list accounts")
    listing.add_argument("--json", action="store_true")
    passwd = user_commands.add_parser("passwd", help="设置密码 / set a password")
    passwd.add_argument("username", metavar="USER")
    passwd.add_argument("--password-stdin", action="store_true")
    disable = user_commands.add_parser("disable", help="停用账户 / disable an account")
    disable.add_argument("username", metavar="USER")
    enable = user_commands.add_parser("enable", help="启用账户 / enable an account")
    enable.add_argument("username", metavar="USER")

    audit_log = commands.add_parser("audit", help="审计日志 / the audit log")
    audit_log.add_argument("--action", choices=audit.ACTIONS, default=None)
    audit_log.add_argument("--limit", type=int, default=50)
    audit_log.add_argument("--json", action="store_true")

    dictionary = commands.add_parser("dictionary", help="数据字典 / the data dictionary")
    dictionary.add_argument("--lang", choices=["zh", "en"], default="zh")
    dictionary.add_argument("--format", choices=["md", "csv"], default="md")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "init": cmd_init, "demo": cmd_demo, "load": cmd_load, "template": cmd_template,
        "batches": cmd_batches, "rollback": cmd_rollback, "dictionary": cmd_dictionary,
        "users": cmd_users, "audit": cmd_audit,
    }[args.command]
    try:
        return handler(args)
    except pipeline.UsageError as exc:
        return _fail(exc.issue, EXIT_USAGE, as_json=getattr(args, "json", False))
    except warehouse.WarehouseBusy as exc:
        _say(f"{exc.message_zh} / {exc.message_en}")
        return EXIT_REJECTED
    except accounts.AccountError as exc:
        return _fail(exc.issue, EXIT_USAGE, as_json=getattr(args, "json", False))


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
    account = _acting_account(args.as_user, "uploader")
    if args.as_user and account is None:
        return _fail(issue("login_as_unknown", username=args.as_user), EXIT_USAGE, as_json=args.json)
    try:
        result = pipeline.load(files, dataset=args.dataset, unit=args.unit,
                               accept_warnings=args.accept_warnings, dry_run=args.dry_run,
                               progress=_say, scope=account.scope_code if account else None,
                               loaded_by=account.username if account else None)
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


def _acting_account(username: str | None, role: str) -> accounts.Account | None:
    """``--as USER``: the account whose name and scope the command takes,
    if it exists, is enabled and has ``role``.  No password: whoever runs
    the command line holds the files already; --as is for the record and
    for the scope check, not a login."""
    if not username:
        return None
    account = accounts.get(username)
    if account is None or account.disabled or not account.has_role(role):
        return None
    return account


def cmd_rollback(args) -> int:
    account = _acting_account(args.as_user, "uploader")
    if args.as_user and account is None:
        return _fail(issue("login_as_unknown", username=args.as_user), EXIT_USAGE)
    try:
        done = pipeline.rollback(args.batch_id, scope=account.scope_code if account else None,
                                 by=account.username if account else None)
    except loader.UnknownBatch as exc:
        return _fail(exc.issue, EXIT_USAGE)
    except loader.BatchError as exc:
        return _fail(exc.issue, EXIT_REJECTED)
    print(done.message)
    return EXIT_OK


# Accounts ------------------------------------------------------------------------
def _read_password(from_stdin: bool) -> str:
    """One line from stdin (scripts), or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        raise accounts.AccountError("passwords_differ")
    return first


def _unit_name(code: str) -> str:
    return accounts.known_units().get(code, code)


def cmd_users(args) -> int:
    action = args.users_command
    if action == "list":
        return _list_users(args.json)
    if action == "add":
        password = None if args.sso_only else _read_password(args.password_stdin)
        made = accounts.add(args.username, password, role=args.role, scope_code=args.scope,
                            by=None, display_name=args.name, email=args.email)
        msg = issue("account_added", username=made.username, role=made.role,
                    scope=f"{_unit_name(made.scope_code)} {made.scope_code}")
    elif action == "passwd":
        name = accounts.normalise_username(args.username)
        if accounts.get(name) is None:
            raise accounts.AccountError("account_unknown", username=name)
        accounts.set_password(name, _read_password(args.password_stdin), by=None)
        msg = issue("password_set", username=name)
    else:
        changed = accounts.set_disabled(args.username, action == "disable", by=None)
        msg = issue("account_disabled" if changed.disabled else "account_enabled",
                    username=changed.username)
    print(f"{msg.message_zh} / {msg.message_en}")
    return EXIT_OK


USER_COLUMNS = [("username", "用户 user"), ("display_name", "名称 name"), ("role", "角色 role"),
                ("scope", "范围 scope"), ("email", "邮箱 e-mail"), ("state", "状态 state")]


def _list_users(as_json: bool) -> int:
    listed = accounts.list_accounts()
    if as_json:
        print(json.dumps({"users": [
            {"username": a.username, "display_name": a.display_name, "role": a.role,
             "scope": a.scope_code, "email": None if pd.isna(a.email) else a.email,
             "disabled": bool(a.disabled)} for a in listed.itertuples(index=False)]},
            ensure_ascii=False))
        return EXIT_OK
    if not len(listed):
        print("还没有账户：用 python -m etl users add 创建第一个管理员 / no accounts yet: "
              "create the first admin with python -m etl users add")
        return EXIT_OK
    rows = [[a.username, a.display_name, a.role, f"{_unit_name(a.scope_code)} {a.scope_code}",
             "" if pd.isna(a.email) else a.email, "停用 disabled" if a.disabled else "启用 enabled"]
            for a in listed.itertuples(index=False)]
    print(_aligned([heading for _, heading in USER_COLUMNS], rows))
    return EXIT_OK


def _aligned(headings: list[str], rows: list[list[str]]) -> str:
    widths = [max([display_width(h), *(display_width(r[i]) for r in rows)])
              for i, h in enumerate(headings)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headings, widths)).rstrip()]
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def cmd_audit(args) -> int:
    log = audit.entries(action=args.action).head(args.limit)
    if args.json:
        print(json.dumps({"events": [
            {"event_id": int(e.event_id), "logged_at": pd.Timestamp(e.logged_at).isoformat(),
             "actor": e.actor, "action": e.action, "outcome": e.outcome, "target": e.target,
             "detail": e.detail, "scope": e.scope_code, "source": e.source}
            for e in log.itertuples(index=False)]}, ensure_ascii=False, default=str))
        return EXIT_OK
    rows = [[f"{pd.Timestamp(e.logged_at):%Y-%m-%d %H:%M:%S}", str(e.actor), e.action, e.outcome,
             "" if e.target is None or pd.isna(e.target) else str(e.target)[:60],
             "" if e.detail is None or pd.isna(e.detail) else str(e.detail)[:80]]
            for e in log.itertuples(index=False)]
    print(_aligned(["时间 time", "谁 who", "操作 action", "结果 outcome", "对象 target",
                    "详情 detail"], rows))
    return EXIT_OK


def cmd_dictionary(args) -> int:
    text = (dictionary_markdown(args.lang) if args.format == "md" else dictionary_csv(args.lang))
    sys.stdout.write(text)
    return EXIT_OK

