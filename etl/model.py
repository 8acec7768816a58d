"""The objects that pass between the ETL steps.

read  -> ``SheetGrid``     a sheet's cells as the user typed them
tables-> ``ParsedTable``   one recognised table, values normalised to the
                           dataset's canonical columns, with its issues
load  -> ``LoadResult``    what was written (or why nothing was)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl.messages import ERROR, WARNING, Issue, Note


@dataclass
class SheetGrid:
    """A sheet's raw cells: ``rows[i][j]`` is Excel row i+1, column j+1."""
    file: str                       # the name the user gave the file
    sheet: str                      # sheet name ('' for a CSV)
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1), 0-based inclusive


class HasIssues:
    """Errors and warnings of anything holding ``issues`` (a table, a check)."""
    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]


@dataclass
class ParsedTable(HasIssues):
    """One table found in one sheet, normalised to ``dataset``'s columns.

    ``frame`` holds one row per data row with canonical column names, typed
    values (months as the first ``date`` of the month, codes resolved), and
    ``_row``: the Excel row number the values came from, for messages.
    ``columns`` maps canonical name -> (header as written, column letter).
    """
    dataset: str
    file: str
    sheet: str
    frame: pd.DataFrame
    columns: dict[str, tuple[str, str]]
    issues: list[Issue] = field(default_factory=list)
    title: str = ""
    roster_people: int = 0          # > 0: a per-person list aggregated to the grain
    example_rows: list[int] = field(default_factory=list)  # the template's example, left out


@dataclass
class Context:
    """What validation needs to know about the warehouse, read once per load.

    towns:    org_units rows at town level (code, name_zh, short_zh, parent_code)
    stations: known stations (station_id, station_name, town_code), the current
              register plus any register in the same load
    history:  per dataset, current rows of the towns in the load for the
              trailing months, for the "3x the usual value" warning
    """
    towns: pd.DataFrame
    stations: pd.DataFrame
    today: date
    history: dict[str, pd.DataFrame] = field(default_factory=dict)
    unit: str | None = None         # --unit: the town a sheet without a town column is about


@dataclass
class LoadResult:
    status: str                     # loaded | rejected | duplicate | dry_run
    batch_ids: list[int] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    rows: int = 0
    units: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)   # e.g. roster aggregated, duplicate file

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "batch_ids": self.batch_ids,
            "batch_id": self.batch_ids[0] if len(self.batch_ids) == 1 else (self.batch_ids or None),
            "dataset": self.datasets[0] if len(self.datasets) == 1 else self.datasets,
            "rows": self.rows,
            "units": self.units,
            "periods": self.periods,
            "errors": [i.to_dict() for i in self.issues if i.severity == ERROR],
            "warnings": [i.to_dict() for i in self.issues if i.severity == WARNING],
            "notes": self.notes,
        }
