"""Coordinate systems used for points in 泉州 and the conversions between them.

Why this exists: union stations (工会驿站) and other points reach us captured
in three different coordinate systems, depending on the tool the person used:

* **WGS-84** — GPS receivers, phone GPS apps, OpenStreetMap, the county
  outlines in ``data/reference/``.  This is what every map in the dashboard
  draws, so everything is converted *to* WGS-84 before it is stored in a
  ``*_wgs84`` column.
* **GCJ-02** ("火星坐标", 国测局) — what Amap/高德, Tencent/腾讯 and most
  Chinese map pickers return.  It is WGS-84 with a deliberate, smooth
  non-linear offset; in 泉州 it is roughly 500 m (about +0.0048° lon,
  -0.0027° lat), enough to put a station in the wrong village or in the sea.
* **BD-09** — Baidu/百度 maps: GCJ-02 with a further offset on top.

The formulas are the well-known public reverse-engineered ones (as used by
e.g. coordtransform and eviltransform).  The GCJ-02 → WGS-84 direction has no
closed form, so it is computed by fixed-point iteration on the forward
transform; the error is well below 1 cm (< 1 m is the guarantee tested).

Everything here is a pure function.  Each conversion accepts Python floats
(and returns a tuple of floats) or numpy arrays of any shape (and returns a
tuple of arrays), so the loader can convert thousands of points in one call.
NaN in, NaN out.  Points outside China are returned unchanged by the
WGS-84 ↔ GCJ-02 conversions, as the providers themselves do.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "CRS_ALIASES",
    "CANONICAL_CRS",
    "QUANZHOU_BBOX",
    "normalize_crs",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "wgs84_to_bd09",
    "to_wgs84",
    "out_of_china",
    "in_quanzhou",
    "looks_swapped",
    "haversine_m",
    "point_in_ring",
    "point_in_polygon",
]

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 obfuscation.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

CANONICAL_CRS = ("WGS84", "GCJ02", "BD09")

# Keys are normalised spellings: lower case, with spaces, '-', '_', '.' and '/'
# removed (see normalize_crs).  Values are the canonical names.
CRS_ALIASES: dict[str, str] = {
    # WGS-84
    "wgs84": "WGS84",
    "wgs1984": "WGS84",
    "wgs": "WGS84",
    "gps": "WGS84",
    "epsg:4326": "WGS84",
    "4326": "WGS84",
    "osm": "WGS84",
    "openstreetmap": "WGS84",
    "地球坐标": "WGS84",
    "地球坐标系": "WGS84",
    "gps坐标": "WGS84",
    "天地图": "WGS84",   # Tianditu uses CGCS2000, identical to WGS-84 at map scale
    "cgcs2000": "WGS84",
    # GCJ-02
    "gcj02": "GCJ02",
    "gcj": "GCJ02",
    "火星坐标": "GCJ02",
    "火星坐标系": "GCJ02",
    "国测局": "GCJ02",
    "国测局坐标": "GCJ02",
    "高德": "GCJ02",
    "高德地图": "GCJ02",
    "amap": "GCJ02",
    "gaode": "GCJ02",
    "autonavi": "GCJ02",
    "腾讯": "GCJ02",
    "腾讯地图": "GCJ02",
    "tencent": "GCJ02",
    "qq": "GCJ02",
    "qqmap": "GCJ02",
    "谷歌中国": "GCJ02",
    "googlecn": "GCJ02",
    # BD-09
    "bd09": "BD09",
    "bd09ll": "BD09",
    "bd": "BD09",
    "baidu": "BD09",
    "百度": "BD09",
    "百度地图": "BD09",
    "百度坐标": "BD09",
}

# Generous (min_lon, min_lat, max_lon, max_lat) box around 泉州市 in WGS-84,
# 金门 included.  The real extent is about 117.55–119.05 E, 24.37–25.94 N;
# the margin absorbs rough captures and the GCJ/BD offsets.  It overlaps
# parts of neighbouring 厦门/漳州/莆田/三明, so it is a plausibility check,
# not a membership test (use point_in_polygon with the county outlines).
QUANZHOU_BBOX: tuple[float, float, float, float] = (117.40, 24.10, 119.25, 26.05)


def normalize_crs(crs: str) -> str:
    """The canonical name ("WGS84", "GCJ02" or "BD09") for ``crs``.

    Case-insensitive; spaces, '-', '_', '.' and '/' are ignored, so "WGS-84",
    "gcj_02", "BD-09", "高德", "百度", "GPS" all work.  Raises ValueError for
    anything unknown (including blank: the caller decides what blank means).
    """
    if not isinstance(crs, str):
        raise ValueError(f"unknown coordinate system: {crs!r}")
    key = crs.strip().lower()
    for ch in " -_./\u3000（）()":
        key = key.replace(ch, "")
    try:
        return CRS_ALIASES[key]
    except KeyError:
        raise ValueError(
            f"unknown coordinate system: {crs!r} (expected one of {', '.join(CANONICAL_CRS)})"
        ) from None


# --------------------------------------------------------------------------
# Core transforms (numpy; work on scalars and arrays alike)
# --------------------------------------------------------------------------

def _is_scalar(*values) -> bool:
    return all(np.ndim(v) == 0 for v in values)


def _out(lon, lat, scalar: bool):
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def _as_arrays(lon, lat):
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _out_of_china(lon, lat):
    # The providers' own rough rectangle; NaN compares False -> "in China",
    # so NaN propagates through the arithmetic instead of being passed through.
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _gcj_delta(lon, lat):
    """(dlon, dlat) that WGS-84 -> GCJ-02 adds at WGS-84 point (lon, lat)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = np.sin(radlat)
    magic = 1 - _EE * magic * magic
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = _out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat):
    """WGS-84 -> GCJ-02 (Amap/Tencent).  Points outside China are unchanged."""
    scalar = _is_scalar(lon, lat)
    lon, lat = _as_arrays(lon, lat)
    dlon, dlat = _gcj_delta(lon, lat)
    return _out(lon + dlon, lat + dlat, scalar)


def gcj02_to_wgs84(lon, lat, *, tol_deg: float = 1e-10, max_iter: int = 30):
    """GCJ-02 -> WGS-84 by iterating the forward transform (error << 1 m).

    Solves wgs84_to_gcj02(w) == g for w: start at w = g and repeatedly
    correct w by the residual.  The offset field is smooth and small, so this
    converges in a handful of steps to ~1e-10 degrees (about 0.01 mm).
    """
    scalar = _is_scalar(lon, lat)
    g_lon, g_lat = _as_arrays(lon, lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        dlon, dlat = _gcj_delta(w_lon, w_lat)
        r_lon = (w_lon + dlon) - g_lon
        r_lat = (w_lat + dlat) - g_lat
        w_lon = w_lon - r_lon
        w_lat = w_lat - r_lat
        resid = np.abs(np.stack([r_lon, r_lat]))
        resid = resid[np.isfinite(resid)]
        if resid.size == 0 or resid.max() < tol_deg:
            break
    return _out(w_lon, w_lat, scalar)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 -> BD-09 (Baidu)."""
    scalar = _is_scalar(lon, lat)
    lon, lat = _as_arrays(lon, lat)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def bd09_to_gcj02(lon, lat):
    """BD-09 (Baidu) -> GCJ-02 (the standard closed-form inverse, ~1e-6° exact)."""
    scalar = _is_scalar(lon, lat)
    lon, lat = _as_arrays(lon, lat)
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta), z * np.sin(theta), scalar)


def bd09_to_wgs84(lon, lat):
    """BD-09 (Baidu) -> WGS-84."""
    scalar = _is_scalar(lon, lat)
    g_lon, g_lat = bd09_to_gcj02(*_as_arrays(lon, lat))
    return _out(*gcj02_to_wgs84(g_lon, g_lat), scalar)


def wgs84_to_bd09(lon, lat):
    """WGS-84 -> BD-09 (Baidu)."""
    scalar = _is_scalar(lon, lat)
    g_lon, g_lat = wgs84_to_gcj02(*_as_arrays(lon, lat))
    return _out(*gcj02_to_bd09(g_lon, g_lat), scalar)


_TO_WGS84 = {
    "WGS84": lambda lon, lat: (lon, lat),
    "GCJ02": gcj02_to_wgs84,
    "BD09": bd09_to_wgs84,
}


def to_wgs84(lon, lat, crs: str):
    """Convert (lon, lat) captured in ``crs`` to WGS-84.

    ``crs`` is "WGS84", "GCJ02" or "BD09" or any alias in CRS_ALIASES
    (case-insensitive: "wgs-84", "GPS", "gcj-02", "高德", "腾讯", "bd-09",
    "百度" ...).  Raises ValueError for an unknown name.  Scalars in, floats
    out; arrays in, arrays out.
    """
    canonical = normalize_crs(crs)
    scalar = _is_scalar(lon, lat)
    a_lon, a_lat = _as_arrays(lon, lat)
    return _out(*_TO_WGS84[canonical](a_lon, a_lat), scalar)


def out_of_china(lon, lat):
    """True where the point is outside the rough rectangle GCJ-02 applies to."""
    scalar = _is_scalar(lon, lat)
    res = _out_of_china(*_as_arrays(lon, lat))
    return bool(res) if scalar else res


# --------------------------------------------------------------------------
# Plausibility checks
# --------------------------------------------------------------------------

def _in_bbox(lon, lat, bbox):
    min_lon, min_lat, max_lon, max_lat = bbox
    return (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)


def in_quanzhou(lon, lat, bbox: Sequence[float] = QUANZHOU_BBOX):
    """True when (lon, lat) lies in the generous 泉州 box (any of the 3 CRSs).

    NaN is never inside.  Works on scalars (-> bool) and arrays (-> bool array).
    """
    scalar = _is_scalar(lon, lat)
    res = _in_bbox(*_as_arrays(lon, lat), bbox)
    return bool(res) if scalar else res


def looks_swapped(lon, lat, bbox: Sequence[float] = QUANZHOU_BBOX):
    """True when the two values were probably entered the wrong way round:
    (lat, lon) is inside the 泉州 box and (lon, lat) is not."""
    scalar = _is_scalar(lon, lat)
    a_lon, a_lat = _as_arrays(lon, lat)
    res = _in_bbox(a_lat, a_lon, bbox) & ~_in_bbox(a_lon, a_lat, bbox)
    return bool(res) if scalar else res


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres (mean Earth radius 6 371 008.8 m)."""
    scalar = _is_scalar(lon1, lat1, lon2, lat2)
    lon1, lat1 = _as_arrays(lon1, lat1)
    lon2, lat2 = _as_arrays(lon2, lat2)
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    d = 2 * 6371008.8 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return float(d) if scalar else d


# --------------------------------------------------------------------------
# Point in polygon (GeoJSON geometries, planar lon/lat; fine at county scale)
# --------------------------------------------------------------------------

def point_in_ring(lon: float, lat: float, ring: Iterable[Sequence[float]]) -> bool:
    """Ray casting (even-odd) test of one closed or open ring of [lon, lat]."""
    pts = list(ring)
    inside = False
    n = len(pts)
    if n < 3:
        return False
    j = n - 1
    for i in range(n):
        xi, yi = pts[i][0], pts[i][1]
        xj, yj = pts[j][0], pts[j][1]
        if (yi > lat) != (yj > lat):
            x_cross = xi + (lat - yi) * (xj - xi) / (yj - yi)
            if lon < x_cross:
                inside = not inside
        j = i
    return inside


def point_in_polygon(lon: float, lat: float, geometry) -> bool:
    """True when (lon, lat) is inside a GeoJSON Polygon or MultiPolygon.

    ``geometry`` is a GeoJSON geometry dict (or a Feature, whose geometry is
    used).  Holes are honoured.  Points exactly on an edge may go either way.
    """
    if geometry is None:
        return False
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
        if geometry is None:
            return False
    gtype = geometry.get("type")
    if gtype == "Polygon":
        polygons = [geometry["coordinates"]]
    elif gtype == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"not a polygon geometry: {gtype!r}")
    for rings in polygons:
        if not rings or not point_in_ring(lon, lat, rings[0]):
            continue
        if not any(point_in_ring(lon, lat, hole) for hole in rings[1:]):
            return True
    return False
