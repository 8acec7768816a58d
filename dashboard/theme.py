"""Colours and type for every chart and map: one colour per programme, used
everywhere that programme appears, and type large enough for a projector."""
from __future__ import annotations

# One colour per programme (headings, bars, lines, map points).
PROGRAMME_COLOURS: dict[str, str] = {
    "mutual_aid": "#C8102E",            # red: medical aid
    "summer_camps": "#E8890C",          # orange: children's summer
    "collective_contracts": "#00827F",  # teal: contracts
    "stations": "#2B5BA8",              # blue: rest stations
}

# Lighter and darker steps of each programme colour, for series within one
# programme (schemes, contract types, visitor groups) — darkest first.
PROGRAMME_SHADES: dict[str, tuple[str, ...]] = {
    "mutual_aid": ("#8E0B20", "#C8102E", "#E8606F", "#F4A7B0"),
    "summer_camps": ("#A35F00", "#E8890C", "#F3B45F", "#F9D7A6"),
    "collective_contracts": ("#00514F", "#00827F", "#3FB0AC", "#86D1CE", "#C4E9E7"),
    "stations": ("#173A73", "#2B5BA8", "#5F8BD0", "#96B5E3", "#C9DAF2"),
}

NEUTRAL = "#9AA5B1"       # other towns, context
HIGHLIGHT = "#1F2933"     # outline of the selected town
GRID = "#E4E7EB"
TEXT = "#1F2933"

# 报送进度 cells.
STATUS_COLOURS = {"reported": "#2E9E5B", "missing": "#D64545", "not_expected": "#E4E7EB"}

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
FONT_SIZE = 17          # axis titles, legends, hover
TICK_FONT_SIZE = 15
TITLE_FONT_SIZE = 22
ANNOTATION_FONT_SIZE = 15
CHART_HEIGHT = 420


def shade(programme: str, index: int) -> str:
    shades = PROGRAMME_SHADES[programme]
    return shades[index % len(shades)]
