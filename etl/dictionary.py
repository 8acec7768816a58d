"""The data dictionary, generated from etl/specs.py: for every dataset and
column, the Chinese header a template writes, the other headers accepted,
the type, unit, bounds, whether it is required, and what one row is.

The 填表说明 sheet of the templates, ``python -m etl dictionary`` and the
app's 数据字典 page all print these same words.
"""
from __future__ import annotations

import io

import pandas as pd

from etl.specs import DATASETS, TOWN, Column, Dataset

# What each kind of column holds, (zh, en).  Worded so that none is itself a
# header the reader accepts (月份, month, 驿站 are): a template's 填表说明
# sheet lists them, and must never be mistaken for a data table.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "town": ("镇街名称或代码", "town name or code"),
    "station": ("驿站编号或名称", "station id or name"),
    "month": ("月份（年-月）", "calendar month"),
    "year": ("四位年份", "four-digit year"),
    "date": ("日期（年-月-日）", "calendar date"),
    "count": ("非负整数", "whole number ≥ 0"),
    "amount": ("金额（最多两位小数）", "amount (at most 2 decimals)"),
    "number": ("数值", "real number"),
    "choice": ("列表选项之一", "one of a list"),
    "text": ("文本", "free text"),
}

# Column headings of the dictionary, by language, in order.  None of them is
# a column alias (单位, 类型, unit are), so that a template's 填表说明 sheet
# is never mistaken for a data table.
HEADINGS: dict[str, dict[str, str]] = {
    "zh": {"dataset": "数据集", "title": "数据集名称", "grain": "每行是", "field": "字段",
           "header": "表头", "aliases": "可用别名", "type": "数据类型", "unit": "计量单位",
           "bounds": "取值范围", "required": "必填", "key": "唯一键", "note": "说明"},
    "en": {"dataset": "dataset", "title": "title", "grain": "one row is", "field": "field",
           "header": "header", "aliases": "accepted aliases", "type": "data type",
           "unit": "unit of measure",
           "bounds": "bounds", "required": "required", "key": "key", "note": "note"},
}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
LIST_SEPARATOR = {"zh": "、", "en": ", "}


def _check_lang(lang: str) -> str:
    if lang not in HEADINGS:
        raise ValueError(f"lang must be one of {sorted(HEADINGS)}, not {lang!r}")
    return lang


def aliases(column: Column) -> list[str]:
    """Every header accepted for the column besides the template's own."""
    seen = {column.header_zh.casefold()}
    out = []
    for header in column.headers[1:]:
        if header.casefold() not in seen:
            seen.add(header.casefold())
            out.append(header)
    return out


def _number(value: float) -> str:
    """10000000 -> "10,000,000"; 118.5 -> "118.5" (never "1e+07")."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def bounds(column: Column, lang: str) -> str:
    """The values a column accepts, in words."""
    sep = LIST_SEPARATOR[lang]
    if column.kind == "choice":
        return sep.join(column.choices)
    if column.kind == "month":
        return "不晚于当前月份" if lang == "zh" else "not in the future"
    if column.min is not None and column.max is not None:
        return f"{_number(column.min)} – {_number(column.max)}"
    if column.min is not None:
        return f"≥ {_number(column.min)}"
    if column.max is not None:
        return f"≤ {_number(column.max)}"
    return ""


def describe_column(spec: Dataset, column: Column, lang: str = "zh") -> dict[str, str]:
    """One column's line, keyed by the HEADINGS keys."""
    lang = _check_lang(lang)
    zh = lang == "zh"
    yes, no = YES_NO[lang]
    return {
        "dataset": spec.name,
        "title": spec.title_zh if zh else spec.title_en,
        "grain": spec.grain_zh if zh else spec.grain_en,
        "field": column.name,
        "header": column.header_zh if zh else f"{column.header_zh} ({column.label_en})",
        "aliases": LIST_SEPARATOR[lang].join(aliases(column)),
        "type": KIND_LABELS[column.kind][0 if zh else 1],
        "unit": column.unit_zh if zh else column.unit_en,
        "bounds": bounds(column, lang),
        "required": yes if column.required else no,
        "key": yes if column.name in spec.key else no,
        "note": column.note_zh if zh else column.note_en,
    }


def dictionary_frame(lang: str = "zh") -> pd.DataFrame:
    """Every column of every dataset, one row each, headed in ``lang``."""
    lang = _check_lang(lang)
    rows = [describe_column(spec, column, lang)
            for spec in DATASETS.values() for column in spec.columns]
    frame = pd.DataFrame(rows, columns=list(HEADINGS[lang]))
    return frame.rename(columns=HEADINGS[lang])


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _header(spec: Dataset, name: str, lang: str) -> str:
    # station_visits is scoped by town without a town column: the station
    # decides the town.
    try:
        column = spec.column(name)
    except KeyError:
        column = TOWN
    return column.header_zh if lang == "zh" else f"{column.header_zh} ({column.label_en})"


def dictionary_markdown(lang: str = "zh") -> str:
    """One section per dataset with a table of its columns."""
    lang = _check_lang(lang)
    zh = lang == "zh"
    heads = HEADINGS[lang]
    table_keys = ["header", "field", "aliases", "type", "unit", "bounds", "required", "note"]
    lines = ["# 数据字典" if zh else "# Data dictionary", ""]
    for spec in DATASETS.values():
        key_headers = " + ".join(_header(spec, k, lang) for k in spec.key)
        scope_headers = " + ".join(_header(spec, k, lang) for k in spec.replace_scope)
        lines += [
            f"## {spec.title_zh if zh else spec.title_en} (`{spec.name}`)",
            "",
            (f"- 每行是：{spec.grain_zh}" if zh else f"- One row is: {spec.grain_en}"),
            (f"- 唯一键：{key_headers}" if zh else f"- Key: {key_headers}"),
            (f"- 重新导入时替换：同一 {scope_headers} 的现有数据" if zh
             else f"- A new load replaces the current rows of the same {scope_headers}"),
            "",
            "| " + " | ".join(heads[k] for k in table_keys) + " |",
            "|" + "---|" * len(table_keys),
        ]
        for column in spec.columns:
            line = describe_column(spec, column, lang)
            lines.append("| " + " | ".join(_cell(line[k]) for k in table_keys) + " |")
        lines.append("")
    return "\n".join(lines)


def dictionary_csv(lang: str = "zh") -> str:
    buffer = io.StringIO()
    dictionary_frame(lang).to_csv(buffer, index=False)
    return buffer.getvalue()
