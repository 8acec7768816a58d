"""Problems found in an uploaded file, and their words in Chinese and English.

Every problem has a stable ``code`` (tests, the upload page and ``--json``
rely on it) and is reported with where it is: file, sheet, the row number the
user sees in Excel, the column header as written and the cell ref (``D7``).
The message templates live in ``CATALOG`` below, one entry per code, so the
two languages are always written together.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"      # blocks the load
WARNING = "warning"  # loads only when accepted (--accept-warnings / the checkbox)

# code: (severity, Chinese template, English template).  Templates are
# str.format()ed with the Issue's ``params``.
CATALOG: dict[str, tuple[str, str, str]] = {
    # Filled in by the ETL modules; each module adds the codes it raises here,
    # never inline.  See tests/test_messages.py for the rule that every code
    # used in etl/ is in this table.
    # Loading, batches and the command line (etl/load.py, etl/pipeline.py,
    # etl/cli.py).  Severity "info" marks a note, not a problem: it is shown
    # in the notes of a load, never counted by summary().
    "dataset_unknown": (ERROR, "未知的数据集「{name}」，可选：{choices}",
                        "Unknown dataset '{name}'; choose one of: {choices}"),
    "unit_unknown": (ERROR, "未知的镇（街道）「{unit}」：请填写镇街全称、简称或 9 位代码",
                     "Unknown town '{unit}': give its full name, short name or 9-digit code"),
    "file_not_found": (ERROR, "找不到文件「{path}」", "File not found: '{path}'"),
    "nothing_to_load": (ERROR, "文件中没有找到可导入的数据行", "No data rows to load were found in the files"),
    "load_failed": (ERROR, "导入失败，已整体回滚，数据库未作任何改变：{error}",
                    "The load failed and was rolled back; the warehouse is unchanged: {error}"),
    "batch_unknown": (ERROR, "没有编号为 {batch_id} 的导入批次", "There is no load batch {batch_id}"),
    "batch_already_rolled_back": (ERROR, "批次 {batch_id} 已于 {when} 撤销过，无需再次撤销",
                                  "Batch {batch_id} was already rolled back at {when}"),
    "warehouse_missing": (ERROR, "数据库尚未建立：请先运行 python -m etl init",
                          "There is no warehouse yet: run python -m etl init first"),
    "file_duplicate": ("info", "「{file_name}」已导入过（批次 {batch_id}），本次不重复导入",
                       "'{file_name}' was already loaded as batch {batch_id}; nothing to do"),
    "file_repeated": ("info", "「{file_name}」与「{first}」内容完全相同，只导入一次",
                      "'{file_name}' has the same content as '{first}'; loaded once"),
    "template_example_skipped": ("info", "第 {rows} 行是模板自带的示例行，未导入（请删除或改写示例行）",
                                 "row {rows} is the template's own example row and was not "
                                 "loaded (delete or overwrite it)"),
    "roster_aggregated": ("info", "名册：{people} 人已汇总，未保存个人信息",
                          "roster: {people} people aggregated, no personal data kept"),
    "rejected_errors": ("info", "有 {count} 个错误，未写入任何数据；请改正文件后重新导入",
                        "{count} error(s): nothing was written; correct the file and load it again"),
    "warnings_need_acceptance": ("info",
                                 "有 {count} 个警告，未写入任何数据：核对无误后加 --accept-warnings"
                                 "（网页上勾选“确认警告并导入”）重新导入",
                                 "{count} warning(s), nothing was written: check them, then load "
                                 "again with --accept-warnings (tick 'accept warnings' on the "
                                 "upload page)"),
    "dry_run_ok": ("info", "检查通过：可导入 {rows} 行（试运行，未写入）",
                   "Check passed: {rows} rows would be loaded (dry run, nothing written)"),
    "loaded": ("info", "已导入 {rows} 行（批次 {batch_ids}）", "Loaded {rows} rows (batch {batch_ids})"),
    "batch_superseded": ("info", "批次 {batch_id} 的数据已全部被批次 {by} 替换",
                         "All rows of batch {batch_id} are now replaced by batch {by}"),
    "batch_rolled_back": ("info", "批次 {batch_id}（{dataset}，{file_name}）已撤销：移除 {removed} 行，恢复 {restored} 行",
                          "Batch {batch_id} ({dataset}, {file_name}) rolled back: {removed} rows removed, "
                          "{restored} rows restored"),
    "warehouse_ready": ("info", "数据库已就绪：{path}（{units} 个组织单位）",
                        "Warehouse ready: {path} ({units} org units)"),
    "progress_reading": ("info", "正在读取并检查 {count} 个文件……", "Reading and checking {count} file(s)..."),
    "progress_writing": ("info", "正在写入数据库（{rows} 行）……", "Writing {rows} rows to the warehouse..."),
    # Upload limits, checked before a file is parsed (etl/limits.py).
    "file_too_large": (ERROR, "文件大小 {size}，超过上限 {limit}：请拆分后分批上传",
                       "The file is {size}, over the {limit} limit: split it and upload the parts"),
    "zip_too_large": (ERROR, "工作簿声明解压后共 {unpacked}，超过上限 {limit}：疑似压缩炸弹，未读取",
                      "The workbook declares {unpacked} once unpacked, over the {limit} limit: "
                      "a likely zip bomb, not read"),
    "zip_bomb": (ERROR, "工作簿中的「{member}」压缩比为 {ratio}:1，超过上限 {limit}:1：疑似压缩炸弹，未读取",
                 "'{member}' in the workbook is packed {ratio}:1, over the {limit}:1 limit: "
                 "a likely zip bomb, not read"),
    "zip_too_many_members": (ERROR, "工作簿包含 {count} 个部件，超过上限 {limit}：未读取",
                             "The workbook holds {count} parts, over the {limit} limit: not read"),
    "too_many_sheets": (ERROR, "工作簿有 {count} 个工作表，超过上限 {limit} 个：请删去无关的工作表",
                        "The workbook has {count} sheets, over the {limit} limit: remove the "
                        "sheets that are not data"),
    "too_many_rows": (ERROR, "文件有 {rows} 行，超过上限 {limit} 行：请拆分后分批上传",
                      "The file has {rows} rows, over the {limit}-row limit: split it and upload the parts"),
    "too_many_columns": (ERROR, "表格有 {columns} 列，超过上限 {limit} 列：未读取",
                         "A sheet has {columns} columns, over the {limit}-column limit: not read"),
    "too_many_cells": (ERROR, "文件有 {cells} 个单元格，超过上限 {limit} 个：请拆分后分批上传",
                       "The file has {cells} cells, over the {limit} limit: split it and upload the parts"),
    # Scope: a file with any row outside the uploader's org unit is refused whole.
    "rows_outside_scope": (ERROR, "第 {rows} 行属于{towns}，不在您的权限范围（{scope}）内：整个文件不予导入",
                           "Row(s) {rows} belong to {towns_en}, outside your scope ({scope_en}): "
                           "the whole file is refused"),
    "batch_outside_scope": (ERROR, "批次 {batch_id} 含有您权限范围（{scope}）以外的数据（{towns}），不能撤销",
                            "Batch {batch_id} holds data outside your scope ({scope_en}): {towns_en}; "
                            "it cannot be rolled back by you"),
    # Accounts (etl/accounts.py, python -m etl users).
    "username_invalid": (ERROR, "用户名「{username}」无效：请用 2–40 个小写字母、数字或 _ . -，以字母或数字开头",
                         "User name '{username}' is not valid: use 2-40 lower-case letters, digits "
                         "or _ . -, starting with a letter or digit"),
    "password_too_short": (ERROR, "密码至少 {length} 个字符", "A password has at least {length} characters"),
    "password_has_username": (ERROR, "密码不能包含用户名", "The password must not contain the user name"),
    "password_too_simple": (ERROR, "密码太简单：至少要有 4 个不同的字符",
                            "The password is too simple: use at least 4 different characters"),
    "passwords_differ": (ERROR, "两次输入的密码不一致", "The two passwords differ"),
    "password_or_email": (ERROR, "请设置密码，或填写统一身份认证使用的邮箱",
                          "Give a password, or the e-mail used for single sign-on"),
    "email_invalid": (ERROR, "邮箱「{email}」格式不正确", "'{email}' is not an e-mail address"),
    "email_taken": (ERROR, "邮箱「{email}」已被另一个账户使用", "The e-mail '{email}' belongs to another account"),
    "role_unknown": (ERROR, "未知的角色「{role}」，可选：{choices}", "Unknown role '{role}'; choose one of: {choices}"),
    "scope_unknown": (ERROR, "未知的组织单位代码「{scope}」", "Unknown org unit code '{scope}'"),
    "account_unknown": (ERROR, "没有用户「{username}」", "There is no user '{username}'"),
    "account_exists": (ERROR, "用户「{username}」已存在", "The user '{username}' exists already"),
    "not_an_admin": (ERROR, "只有管理员可以管理账户", "Only administrators manage accounts"),
    "grant_role_too_wide": (ERROR, "不能授予高于自身的角色（{role}，您是 {own}）",
                            "You cannot grant a role above your own ({role}; you are {own})"),
    "grant_scope_too_wide": (ERROR, "不能授予自身权限范围（{own}）以外的范围：{scope}",
                             "You cannot grant a scope outside your own ({own}): {scope}"),
    "cannot_change_self": (ERROR, "不能停用自己的账户或更改自己的角色和范围：请由另一位管理员操作",
                           "You cannot disable your own account or change your own role or scope: "
                           "ask another administrator"),
    "setup_token_wrong": (ERROR, "初始化口令不正确：请使用服务器启动时打印的口令",
                          "The setup token is wrong: use the one the server printed at start"),
    "first_admin_exists": (ERROR, "已经有管理员了：请由管理员创建账户，或在服务器上运行 python -m etl users add",
                           "An administrator exists already: ask them, or run python -m etl users add "
                           "on the server"),
    "account_added": ("info", "已创建用户 {username}（{role}，范围：{scope}）",
                      "User {username} created ({role}, scope: {scope})"),
    "password_set": ("info", "用户 {username} 的密码已更改", "The password of {username} was changed"),
    "account_disabled": ("info", "用户 {username} 已停用", "User {username} is disabled"),
    "account_enabled": ("info", "用户 {username} 已启用", "User {username} is enabled"),
    "login_as_unknown": (ERROR, "--as：没有可用的上传账户「{username}」（不存在、已停用或不是上传员）",
                         "--as: '{username}' is not an enabled uploader account"),
    # Reading, recognising and validating uploaded files (etl/read.py,
    # etl/tables.py, etl/validate.py, etl/parse.py).  Where the problem is
    # (file, sheet, row, column, cell) travels in the Issue, not the text.
    "empty_file": (ERROR, "文件是空的，没有任何内容", "The file is empty"),
    "unsupported_file_type": (ERROR, "不支持的文件类型「{ext}」；请上传 {supported} 文件",
                              "Unsupported file type '{ext}'; upload a {supported} file"),
    "not_a_spreadsheet": (ERROR, "文件扩展名是「{ext}」，但内容不是 Excel 工作簿（像是文本或网页）；"
                                 "请在 Excel 中打开后“另存为” .xlsx，或把扩展名改为 .csv",
                          "The file is named '{ext}' but is not an Excel workbook (it looks like text "
                          "or a web page); open it in Excel and 'Save as' .xlsx, or rename it .csv"),
    "unreadable_file": (ERROR, "文件已损坏或不是有效的 Excel/CSV 文件，无法读取；请重新导出后上传",
                        "The file is damaged or not a valid Excel/CSV file; export it again and upload"),
    "password_protected": (ERROR, "工作簿设置了打开密码，无法读取；请取消密码后再上传",
                           "The workbook is password-protected; remove the password and upload again"),
    "unknown_encoding": (ERROR, "无法识别 CSV 文件的文字编码；请用 Excel “另存为” CSV UTF-8",
                         "The CSV file's text encoding is not recognised; save it as 'CSV UTF-8' in Excel"),
    "no_table_found": (ERROR, "文件中没有找到可识别的表格（工作表：{sheets}）；表头应包含模板中的列名，"
                              "如「月份」「镇（街道）」",
                       "No recognisable table in the file (sheets: {sheets}); the header should use "
                       "the template's column names, e.g. 月份, 镇（街道）"),
    "missing_column": (ERROR, "「{dataset_zh}」表缺少必填列：{missing_zh}。文件中未识别的列：{unknown_zh}",
                       "The {dataset_en} table lacks required column(s): {missing_en}. Columns in the "
                       "file not understood: {unknown_en}"),
    "more_issues": (ERROR, "同类问题（{kind}）还有 {count} 处，未逐一列出",
                    "{count} more problem(s) of the same kind ({kind}) not listed one by one"),
    "more_warnings": (WARNING, "同类警告（{kind}）还有 {count} 处，未逐一列出",
                      "{count} more warning(s) of the same kind ({kind}) not listed one by one"),
    "missing_value": (ERROR, "「{header_zh}」不能为空", "'{header_zh}' must not be blank"),
    "bad_number": (ERROR, "「{value}」不是有效的{expected_zh}", "'{value}' is not {expected_en}"),
    "negative_value": (ERROR, "不能为负数：{value}", "Must not be negative: {value}"),
    "not_whole_number": (ERROR, "应为整数：{value}", "Must be a whole number: {value}"),
    "too_many_decimals": (ERROR, "金额最多保留两位小数：{value}",
                          "An amount has at most 2 decimals: {value}"),
    "out_of_range": (ERROR, "数值 {value} 超出允许范围（{low} 至 {high}）",
                     "Value {value} is outside the allowed range ({low} to {high})"),
    "bad_month": (ERROR, "「{value}」不是有效的月份，请写成 2024-07 或 2024年7月",
                  "'{value}' is not a month; write e.g. 2024-07 or 2024年7月"),
    "bad_date": (ERROR, "「{value}」不是有效的日期，请写成 2024-07-15",
                 "'{value}' is not a date; write e.g. 2024-07-15"),
    "bad_year": (ERROR, "「{value}」不是有效的年份，请写成 2024", "'{value}' is not a year; write e.g. 2024"),
    "future_month": (ERROR, "月份 {value} 晚于当前月份 {today}", "Month {value} is after the current month {today}"),
    "month_too_early": (ERROR, "月份 {value} 早于 2000 年，请检查", "Month {value} is before 2000; check it"),
    "future_year": (ERROR, "年度 {value} 晚于今年（{today}）", "Year {value} is after this year ({today})"),
    "bad_choice": (ERROR, "「{value}」不是可选值，应为：{choices}", "'{value}' is not allowed; choose one of: {choices}"),
    "unknown_town": (ERROR, "未知的镇（街道）「{value}」{hint_zh}", "Unknown town '{value}'{hint_en}"),
    "ambiguous_town": (ERROR, "「{value}」对应多个镇（街道）：{candidates}；请写全称或代码",
                       "'{value}' matches several towns: {candidates}; give the full name or code"),
    "unknown_station": (ERROR, "未知的驿站「{value}」{hint_zh}；新驿站请先导入驿站名册",
                        "Unknown station '{value}'{hint_en}; load a register with new stations first"),
    "ambiguous_station": (ERROR, "「{value}」对应多个驿站：{candidates}；请填写驿站编号",
                          "'{value}' matches several stations: {candidates}; give the station id"),
    "town_not_named": (ERROR, "无法确定本表属于哪个镇（街道）（标题：{title}）：请增加「镇（街道）」列，"
                              "或导入时指定单位（--unit）",
                       "Cannot tell which town this sheet is about (title: {title}): add a 镇（街道） "
                       "column or name the unit when loading (--unit)"),
    "month_not_named": (ERROR, "无法确定本表的月份（标题：{title}）：请增加「月份」列，或在标题中写明如 2024年7月",
                        "Cannot tell which month this sheet is about (title: {title}): add a 月份 "
                        "column or state it in the title, e.g. 2024年7月"),
    "year_not_named": (ERROR, "无法确定本表的年度（标题：{title}）：请增加「年度」列，或在标题中写明如 2024年",
                       "Cannot tell which year this sheet is about (title: {title}): add a 年度 column "
                       "or state it in the title, e.g. 2024年"),
    "roster_unsupported": (ERROR, "「{dataset_zh}」不接受个人名单（含姓名/身份证号/电话），请按模板填写汇总数",
                           "{dataset_en} cannot be loaded from a list of people (names/ID/phone "
                           "numbers); fill in the template's totals"),
    "expiry_before_signing": (ERROR, "到期日期 {left} 早于签订日期 {right}",
                              "Expiry date {left} is before the signing date {right}"),
    "end_before_start": (ERROR, "结班日期 {left} 早于开班日期 {right}",
                         "End date {left} is before the start date {right}"),
    "workers_below_enterprises": (ERROR, "覆盖职工人数 {left} 少于覆盖企业数 {right}",
                                  "Workers covered ({left}) fewer than enterprises covered ({right})"),
    "new_form_exceeds_children": (ERROR, "新就业形态劳动者子女 {left} 人多于报名人数 {right} 人",
                                  "Children of new-form workers ({left}) exceed children enrolled ({right})"),
    "claims_exceed_members": (ERROR, "补助人次 {left} 多于参保人数 {right}",
                              "Claims ({left}) exceed members enrolled ({right})"),
    "coords_swapped": (ERROR, "经纬度似乎填反了：经度 {lon}，纬度 {lat}（泉州约为经度 118、纬度 25）",
                       "Longitude and latitude look swapped: lon {lon}, lat {lat} (Quanzhou is about "
                       "lon 118, lat 25)"),
    "outside_quanzhou": (ERROR, "坐标（经度 {lon}，纬度 {lat}）不在泉州市范围内",
                         "The point (lon {lon}, lat {lat}) is not in Quanzhou"),
    "total_mismatch": (ERROR, "「{label}」行为 {stated}，但上方 {rows} 行数据之和为 {added}",
                       "The '{label}' row says {stated} but the {rows} data rows add up to {added}"),
    "value_spike": (WARNING, "{town} {period} 的数值 {value} 超过近 {window_zh}中位数 {median} 的 {factor} 倍，请核实",
                    "{town} {period}: {value} is over {factor} times the median of the last "
                    "{window_en} ({median}); please check"),
    "duplicate_key": (ERROR, "重复的行（{key}），与{first_zh}相同", "Duplicate row ({key}): same as {first_en}"),
}


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    message_zh: str
    message_en: str
    file: str = ""
    sheet: str = ""
    row: int | None = None      # Excel row number, 1-based, as the user sees it
    column: str = ""            # the header as written in the file
    cell: str = ""              # e.g. "D7"

    def to_dict(self) -> dict:
        return asdict(self)

    def where(self, lang: str = "zh") -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」" if lang == "zh" else f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if lang == "zh" else f"row {self.row}")
        if self.column:
            parts.append(f"列「{self.column}」" if lang == "zh" else f"column '{self.column}'")
        if self.cell:
            parts.append(self.cell)
        return "，".join(p for p in parts if p) if lang == "zh" else ", ".join(p for p in parts if p)


def issue(code: str, *, file: str = "", sheet: str = "", row: int | None = None,
          column: str = "", cell: str = "", **params) -> Issue:
    """Build an Issue from the catalogue; ``params`` fill the templates."""
    severity, zh, en = CATALOG[code]
    return Issue(code=code, severity=severity, message_zh=zh.format(**params),
                 message_en=en.format(**params), file=file, sheet=sheet, row=row,
                 column=column, cell=cell)


class Note(str):
    """Something a load says that is not a problem (a file already loaded,
    rows left out, the batch written).  As a string it reads "中文 / English",
    for the command line and --json, which serve both; ``text(lang)`` is one
    language, for the app, which speaks the one the user chose.  ``file``:
    the file it is about, said once in front."""

    message_zh: str
    message_en: str
    file: str

    def __new__(cls, message_zh: str, message_en: str, file: str = "") -> "Note":
        front = f"{file}: " if file else ""
        note = super().__new__(cls, f"{front}{message_zh} / {message_en}")
        note.message_zh, note.message_en, note.file = message_zh, message_en, file
        return note

    def __reduce__(self):   # st.session_state and caches may copy it
        return (Note, (self.message_zh, self.message_en, self.file))

    def text(self, lang: str) -> str:
        front = f"{self.file}: " if self.file else ""
        return front + (self.message_en if lang == "en" else self.message_zh)

    def about(self, file: str) -> "Note":
        """The same note, saying which file it is about."""
        return Note(self.message_zh, self.message_en, file)


def note(code: str, **params) -> Note:
    msg = issue(code, **params)
    return Note(msg.message_zh, msg.message_en)


def in_language(text: str, lang: str) -> str:
    """A note in ``lang`` (anything else as it is)."""
    return text.text(lang) if isinstance(text, Note) else text


def column_letter(index0: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def summary(issues: list[Issue], lang: str = "zh") -> str:
    """The one-line summary: "3 个错误，1 个警告" / "3 errors, 1 warning"."""
    errors = sum(1 for i in issues if i.severity == ERROR)
    warnings = sum(1 for i in issues if i.severity == WARNING)
    if lang == "zh":
        return f"{errors} 个错误，{warnings} 个警告"
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
