"""Geographic context for maps drawn without a tiled basemap.

No map tile may be fetched from the internet, so the maps draw their own
context: the outlines of 泉州's county-level divisions (a GeoJSON shipped in
data/reference/, WGS-84, built by data/reference/build_outlines.py) and
labels of counties and towns placed at their centres from ``org_units``.

Pure functions of files and DataFrames: no queries, no streamlit.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.queries import NATION_CODE, child_level, unit_digits
from etl import settings

COUNTY_OUTLINES = settings.REFERENCE_DIR / "quanzhou_counties.geojson"

# How far around a town's centre the map looks when the town has no station
# to frame (degrees; about 6 km in 泉州).
TOWN_HALF_SPAN_DEG = 0.06


@lru_cache(maxsize=4)
def _read_outlines(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def county_outlines(path: Path | None = None) -> dict:
    """The county outlines as a GeoJSON FeatureCollection, one Feature per
    county-level unit with properties ``code``, ``name_zh``, ``name_en``.
    An empty collection when the file is missing, so a map still draws.
    The returned dict is shared: copy before changing it."""
    path = Path(path or COUNTY_OUTLINES)
    try:
        mtime_ns = path.stat().st_mtime_ns
    except FileNotFoundError:
        return {"type": "FeatureCollection", "features": []}
    return _read_outlines(str(path), mtime_ns)


def region_level(units: pd.DataFrame, region_code: str) -> str:
    """The level of ``region_code`` (from org_units; the nation has no row)."""
    if region_code == NATION_CODE:
        return "nation"
    match = units.loc[units["code"] == region_code, "level"]
    if match.empty:
        raise KeyError(region_code)
    return str(match.iloc[0])


def county_of(units: pd.DataFrame, region_code: str) -> str | None:
    """The county-level code that holds ``region_code`` (itself for a county,
    None for a city or anything wider)."""
    level = region_level(units, region_code)
    if level == "county":
        return region_code
    if level == "town":
        return str(units.loc[units["code"] == region_code, "parent_code"].iloc[0])
    return None


def outlines_for_region(outlines: dict, units: pd.DataFrame, region_code: str,
                        lang: str) -> dict:
    """A copy of ``outlines`` with each feature's ``name`` (in ``lang``) and
    ``focus`` (1 for the county that holds the region, or for every county
    when the region is the whole city; 0 for all when the region is wider and
    泉州's outlines are only a landmark), which the map styles on."""
    level = region_level(units, region_code)
    focus_county = county_of(units, region_code)
    name_key = "name_en" if lang == "en" else "name_zh"
    features = []
    for feature in outlines.get("features", []):
        props = feature.get("properties", {})
        features.append({**feature, "properties": {
            **props,
            "name": props.get(name_key, ""),
            "focus": int(level == "city" if focus_county is None else props.get("code") == focus_county),
        }})
    return {"type": "FeatureCollection", "features": features}


# The views that name the units one level below them, not towns.
WIDE_VIEWS = ("nation", "province", "city")


def label_points(units: pd.DataFrame, region_code: str, lang: str) -> pd.DataFrame:
    """The place names to write on the map for a view of ``region_code``.

    The nation: its provinces.  A province: its cities.  Whole city: its
    counties.  Those three with most towns first, as maps.declutter keeps
    the first of two names that would overlap.  A county: its towns.  A
    town: the towns of its county, so the neighbours give context.  Columns
    ``code``, ``label``, ``level``, ``lon``, ``lat``; units without a centre
    are left out.
    """
    level = region_level(units, region_code)
    if level in WIDE_VIEWS:
        # The units one level down (this city's counties only: on a national
        # warehouse all 3,000 would be labelled, and decluttered pairwise),
        # most towns first: where names would overlap (maps.declutter), 晋江
        # keeps its name and little 石狮 beside it gives way, 四川 and not 重庆.
        below = child_level(level)
        digits = unit_digits(below)
        towns_under = units.loc[units["level"] == "town", "code"].astype(str).str[:digits].value_counts()
        chosen = units[units["level"] == below]
        if level != "nation":
            chosen = chosen[chosen["parent_code"].astype(str) == str(region_code)]
        chosen = chosen.assign(towns=chosen["code"].astype(str).str[:digits].map(towns_under).fillna(0))
        chosen = chosen.sort_values(["towns", "code"], ascending=[False, True])
    else:
        county = county_of(units, region_code)
        chosen = units[(units["level"] == "town") & (units["parent_code"] == county)]
    chosen = chosen.dropna(subset=["lon", "lat"])
    name_column = "name_en" if lang == "en" else "short_zh"
    return pd.DataFrame({
        "code": chosen["code"].astype(str),
        "label": chosen[name_column].astype(str),
        "level": chosen["level"].astype(str),
        "lon": chosen["lon"].astype(float),
        "lat": chosen["lat"].astype(float),
    }).reset_index(drop=True)


def _feature_bounds(feature: dict) -> tuple[float, float, float, float] | None:
    geometry = feature.get("geometry") or {}
    coords = geometry.get("coordinates") or []
    polygons = [coords] if geometry.get("type") == "Polygon" else coords
    lons = [p[0] for polygon in polygons for ring in polygon[:1] for p in ring]
    lats = [p[1] for polygon in polygons for ring in polygon[:1] for p in ring]
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _union(boxes) -> tuple[float, float, float, float] | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def region_bounds(outlines: dict, units: pd.DataFrame,
                  region_code: str) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) to frame the region when there are
    no stations to frame: the county's outline, the whole city's outlines, a
    small box around a town's centre, or for a province or the nation the
    centres of the units one level below it."""
    level = region_level(units, region_code)
    features = outlines.get("features", [])
    if level in ("nation", "province"):
        below = label_points(units, region_code, "zh")
        if below.empty:
            return None
        return (below["lon"].min() - 0.5, below["lat"].min() - 0.5,
                below["lon"].max() + 0.5, below["lat"].max() + 0.5)
    if level == "town":
        row = units.loc[units["code"] == region_code].iloc[0]
        if pd.notna(row["lon"]) and pd.notna(row["lat"]):
            lon, lat = float(row["lon"]), float(row["lat"])
            return (lon - TOWN_HALF_SPAN_DEG, lat - TOWN_HALF_SPAN_DEG,
                    lon + TOWN_HALF_SPAN_DEG, lat + TOWN_HALF_SPAN_DEG)
        region_code = str(row["parent_code"])
        level = "county"
    if level == "county":
        chosen = [f for f in features if f.get("properties", {}).get("code") == region_code]
        box = _union(_feature_bounds(f) for f in chosen)
        if box is not None:
            return box
        row = units.loc[units["code"] == region_code]
        if not row.empty and pd.notna(row["lon"].iloc[0]):
            lon, lat = float(row["lon"].iloc[0]), float(row["lat"].iloc[0])
            return (lon - 0.3, lat - 0.3, lon + 0.3, lat + 0.3)
    # The mainland only: 金门县 lies off Xiamen and would shrink the view.
    return _union(_feature_bounds(f) for f in features
                  if f.get("properties", {}).get("code") != "350527")


def view_bounds(outlines: dict, units: pd.DataFrame, region_code: str, lons, lats,
                pad_deg: float = 0.01) -> tuple[float, float, float, float] | None:
    """What the map frames: the whole city or county when one is chosen (its
    stations are then seen within it); for a town, a province or the nation,
    its stations (padded by ``pad_deg``) or, when it has none, the box
    around its centre(s)."""
    level = region_level(units, region_code)
    if level in ("city", "county"):
        box = region_bounds(outlines, units, region_code)
        if box is not None:
            return box
    # Vectorised: a nation's 150,000 stations took 0.4 s a rerun one by one.
    xs = pd.to_numeric(pd.Series(lons, dtype="float64"), errors="coerce").to_numpy()
    ys = pd.to_numeric(pd.Series(lats, dtype="float64"), errors="coerce").to_numpy()
    placed = ~(np.isnan(xs) | np.isnan(ys))
    if placed.any():
        xs, ys = xs[placed], ys[placed]
        return (float(xs.min()) - pad_deg, float(ys.min()) - pad_deg,
                float(xs.max()) + pad_deg, float(ys.max()) + pad_deg)
    return region_bounds(outlines, units, region_code)


MIN_ZOOM, MAX_ZOOM = 2.0, 15.0


def zoom_for_bounds(bounds: tuple[float, float, float, float], width_px: int,
                    height_px: int, padding: float = 0.06) -> tuple[float, float, float]:
    """(lon, lat, zoom) of a Web-Mercator view that shows ``bounds`` whole in
    a ``width_px`` × ``height_px`` map with ``padding`` (fraction) to spare."""
    min_lon, min_lat, max_lon, max_lat = bounds

    def merc_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(max_lon - min_lon, 0.005) / 360.0
    span_y = max(merc_y(max_lat) - merc_y(min_lat), 0.0001) / (2 * math.pi)
    usable_w = width_px * (1 - 2 * padding)
    usable_h = height_px * (1 - 2 * padding)
    zoom = min(math.log2(usable_w / (512 * span_x)), math.log2(usable_h / (512 * span_y)))
    centre_y = (merc_y(max_lat) + merc_y(min_lat)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    # Zoom 2 is still the whole country (全国 needs ~3.2 at 900 px); 15 is a street.
    return (min_lon + max_lon) / 2, centre_lat, max(MIN_ZOOM, min(zoom, MAX_ZOOM))
