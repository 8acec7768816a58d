"""The front half of the ETL: uploaded files -> validated ParsedTables.

Two phases, so that the order of the files does not matter: first every file
is read and each sheet's table and dataset recognised; then station
registers are validated first (a visits sheet may name a station registered
in the same load) and the rest after them.  Duplicate keys are checked last,
across all sheets and files of the load.
"""
from __future__ import annotations

import pandas as pd

from etl.messages import Issue, issue
from etl.model import Context, ParsedTable, SheetGrid
from etl.read import read_file
from etl.resolve import StationResolver
from etl.tables import MIN_HEADER_MATCHES, Layout, extract, locate, missing_columns
from etl.validate import Lookups, check_duplicate_keys, validate_table

REGISTER = "stations"


def parse_files(files: list[tuple[str, bytes]], context: Context, *,
                dataset: str | None = None) -> tuple[list[ParsedTable], list[Issue]]:
    """files: (display name, raw bytes). Returns the tables found (each with
    its own issues) and file-level issues (unreadable file, no recognised
    table, ...)."""
    file_issues: list[Issue] = []
    found: list[tuple[SheetGrid, Layout]] = []
    for name, data in files:
        grids, issues = read_file(name, data)
        file_issues.extend(issues)
        if issues:
            continue
        tables, issues = recognise(name, grids, dataset)
        found.extend(tables)
        file_issues.extend(issues)

    lookups = Lookups.from_context(context)
    parsed: dict[int, ParsedTable] = {}
    for index, (grid, layout) in enumerate(found):
        if layout.dataset == REGISTER:
            parsed[index] = parse_table(grid, layout, lookups)
    if parsed:
        lookups.stations = StationResolver(known_stations(context.stations, list(parsed.values())))
    for index, (grid, layout) in enumerate(found):
        if index not in parsed:
            parsed[index] = parse_table(grid, layout, lookups)
    # In the order of the files and sheets; a table with neither rows nor
    # problems (an empty template sheet) is nothing to load, but one that
    # held only the template's example row is kept so that the load says so.
    tables = [parsed[i] for i in range(len(found))
              if len(parsed[i].frame) or parsed[i].issues or parsed[i].example_rows]
    check_duplicate_keys(tables)
    return tables, file_issues


def recognise(name: str, grids: list[SheetGrid], dataset: str | None
              ) -> tuple[list[tuple[SheetGrid, Layout]], list[Issue]]:
    """The sheets of one file that hold a table.  Sheets without one (a
    填表说明 sheet) are skipped silently, unless no sheet has one: then the
    sheet that came closest is reported (its missing columns), or, if none
    named a single known column, the file."""
    layouts = [(grid, locate(grid, dataset)) for grid in grids]
    tables = [(g, layout) for g, layout in layouts
              if layout is not None and layout.score >= MIN_HEADER_MATCHES]
    if tables:
        return tables, []
    weak = [(g, layout) for g, layout in layouts if layout is not None]
    if weak:
        return [max(weak, key=lambda item: item[1].score)], []
    sheets = "、".join(f"「{g.sheet}」" for g in grids if g.sheet) or "-"
    return [], [issue("no_table_found", file=name, sheets=sheets)]


def parse_table(grid: SheetGrid, layout: Layout, lookups: Lookups) -> ParsedTable:
    raw = extract(grid, layout)
    raw.issues.extend(missing_columns(layout, file=grid.file, sheet=grid.sheet))
    return validate_table(raw, lookups)


def known_stations(current: pd.DataFrame, tables: list[ParsedTable]) -> pd.DataFrame:
    """The register in the warehouse plus the stations registered in this
    load (these win: they are what will be current after it)."""
    columns = ["station_id", "station_name", "town_code"]
    new = [t.frame[columns] for t in tables
           if t.dataset == REGISTER and len(t.frame) and set(columns) <= set(t.frame.columns)]
    if not new:
        return current
    incoming = pd.concat(new, ignore_index=True).dropna()
    merged = pd.concat([current[columns], incoming], ignore_index=True)
    return merged.drop_duplicates("station_id", keep="last").reset_index(drop=True)
