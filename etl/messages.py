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
