"""etl.coords: CRS conversions and plausibility checks, pinned to real numbers.

Reference values for (116.404, 39.915) are the ones the widely used
coordtransform implementations publish for the same formulas.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from etl import coords
from etl.coords import (
    CRS_ALIASES,
    QUANZHOU_BBOX,
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    in_quanzhou,
    looks_swapped,
    normalize_crs,
    point_in_polygon,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

BEIJING_WGS = (116.404, 39.915)
BEIJING_GCJ = (116.41024449916938, 39.91640428150164)   # wgs84_to_gcj02(BEIJING_WGS)
BEIJING_BD_OF_GCJ = (116.41036949371029, 39.92133699351022)  # gcj02_to_bd09(116.404, 39.915)
BEIJING_GCJ_OF_BD = (116.39762729119315, 39.90865673957631)  # bd09_to_gcj02(116.404, 39.915)

# 安海镇 (晋江市), WGS-84, and what Amap shows for it.
ANHAI_WGS = (118.466, 24.714)
ANHAI_GCJ = (118.47076077, 24.71125872)


def metres(a, b) -> float:
    return haversine_m(a[0], a[1], b[0], b[1])


def test_wgs84_to_gcj02_known_point():
    assert wgs84_to_gcj02(*BEIJING_WGS) == pytest.approx(BEIJING_GCJ, abs=1e-9)


def test_gcj02_to_wgs84_known_point_within_1m():
    got = gcj02_to_wgs84(*BEIJING_GCJ)
    assert metres(got, BEIJING_WGS) < 1.0
    assert got == pytest.approx(BEIJING_WGS, abs=1e-8)   # in fact ~1 mm


def test_gcj02_offset_in_quanzhou_is_about_half_a_kilometre():
    got = wgs84_to_gcj02(*ANHAI_WGS)
    assert got == pytest.approx(ANHAI_GCJ, abs=1e-7)
    assert 450 < metres(got, ANHAI_WGS) < 600
    back = gcj02_to_wgs84(*ANHAI_GCJ)
    assert metres(back, ANHAI_WGS) < 0.05


def test_gcj02_round_trip_under_1m_over_quanzhou_grid():
    lon, lat = np.meshgrid(np.linspace(117.5, 119.1, 17), np.linspace(24.3, 26.0, 18))
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    err = haversine_m(lon, lat, w_lon, w_lat)
    assert err.shape == lon.shape
    assert float(err.max()) < 1.0
    # and the naive one-step inverse would have been metres off: the iteration matters
    naive_lon = 2 * g_lon - wgs84_to_gcj02(g_lon, g_lat)[0]
    assert float(np.abs(naive_lon - lon).max()) > 1e-6


def test_bd09_known_points():
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx(BEIJING_BD_OF_GCJ, abs=1e-9)
    assert bd09_to_gcj02(116.404, 39.915) == pytest.approx(BEIJING_GCJ_OF_BD, abs=1e-9)


def test_bd09_to_wgs84_round_trip():
    bd = wgs84_to_bd09(*ANHAI_WGS)
    # BD-09 sits ~1.2 km from WGS-84 here
    assert 1000 < metres(bd, ANHAI_WGS) < 1500
    assert metres(bd09_to_wgs84(*bd), ANHAI_WGS) < 1.0


def test_scalar_in_float_out_array_in_array_out():
    lon, lat = gcj02_to_wgs84(118.5, 24.9)
    assert type(lon) is float and type(lat) is float
    arr_lon, arr_lat = gcj02_to_wgs84(np.array([118.5, 118.6]), np.array([24.9, 25.0]))
    assert isinstance(arr_lon, np.ndarray) and arr_lon.shape == (2,)
    assert arr_lon[0] == pytest.approx(lon, abs=1e-12)
    assert arr_lat[0] == pytest.approx(lat, abs=1e-12)


def test_nan_propagates_without_breaking_the_rest():
    lon, lat = to_wgs84(np.array([np.nan, 118.5]), np.array([np.nan, 24.9]), "GCJ02")
    assert math.isnan(lon[0]) and math.isnan(lat[0])
    assert (lon[1], lat[1]) == pytest.approx(gcj02_to_wgs84(118.5, 24.9), abs=1e-12)


def test_outside_china_unchanged():
    assert wgs84_to_gcj02(2.3522, 48.8566) == (2.3522, 48.8566)
    assert gcj02_to_wgs84(2.3522, 48.8566) == (2.3522, 48.8566)
    assert coords.out_of_china(2.35, 48.86) is True
    assert coords.out_of_china(118.5, 24.9) is False


@pytest.mark.parametrize("alias, canonical", [
    ("WGS84", "WGS84"), ("wgs-84", "WGS84"), ("WGS_84", "WGS84"), ("GPS", "WGS84"), ("gps", "WGS84"),
    ("EPSG:4326", "WGS84"),
    ("GCJ02", "GCJ02"), ("gcj-02", "GCJ02"), ("GCJ-02", "GCJ02"), ("高德", "GCJ02"), ("腾讯", "GCJ02"),
    ("Amap", "GCJ02"), ("火星坐标", "GCJ02"),
    ("BD09", "BD09"), ("bd-09", "BD09"), ("BD09LL", "BD09"), ("百度", "BD09"), ("Baidu", "BD09"),
    ("  gcj 02 ", "GCJ02"),
])
def test_crs_aliases(alias, canonical):
    assert normalize_crs(alias) == canonical


def test_alias_table_maps_only_to_canonical_names():
    assert set(CRS_ALIASES.values()) == {"WGS84", "GCJ02", "BD09"}
    # keys are stored normalised, so the lookup of every key is itself
    for key in CRS_ALIASES:
        assert normalize_crs(key) == CRS_ALIASES[key]


@pytest.mark.parametrize("bad", ["", "UTM50N", "cgcs2001", "bd11", None, 4326])
def test_unknown_crs_raises(bad):
    with pytest.raises(ValueError):
        to_wgs84(118.5, 24.9, bad)


def test_to_wgs84_dispatches():
    assert to_wgs84(*ANHAI_WGS, "gps") == ANHAI_WGS
    assert metres(to_wgs84(*ANHAI_GCJ, "高德"), ANHAI_WGS) < 0.05
    bd = gcj02_to_bd09(*ANHAI_GCJ)
    assert metres(to_wgs84(*bd, "百度"), ANHAI_WGS) < 1.0


def test_bbox_covers_quanzhou_and_kinmen_but_not_fuzhou():
    min_lon, min_lat, max_lon, max_lat = QUANZHOU_BBOX
    assert min_lon < max_lon and min_lat < max_lat
    assert in_quanzhou(118.5894, 24.9089)        # 泉州 old town
    assert in_quanzhou(118.2410, 25.4910)        # 德化 seat (north)
    assert in_quanzhou(117.6300, 25.2000)        # 安溪 福田乡 (west)
    assert in_quanzhou(118.3170, 24.4330)        # 金门 金城镇
    assert in_quanzhou(119.0400, 25.0100)        # 惠安 小岞 (east) even in BD-09
    assert not in_quanzhou(119.2965, 26.0745)    # 福州
    assert not in_quanzhou(116.404, 39.915)      # 北京
    assert not in_quanzhou(float("nan"), 24.9)
    arr = in_quanzhou(np.array([118.59, 119.30]), np.array([24.91, 26.07]))
    assert arr.tolist() == [True, False]


def test_looks_swapped():
    assert looks_swapped(24.9089, 118.5894) is True      # lat, lon entered as lon, lat
    assert looks_swapped(118.5894, 24.9089) is False
    assert looks_swapped(39.915, 116.404) is False         # swapped, but not 泉州 either way
    assert looks_swapped(0.0, 0.0) is False
    assert looks_swapped(float("nan"), 118.5) is False
    arr = looks_swapped(np.array([24.9, 118.6]), np.array([118.6, 24.9]))
    assert arr.tolist() == [True, False]


def test_haversine_known_distance():
    # one degree of latitude ~ 111.2 km
    assert haversine_m(118.5, 24.0, 118.5, 25.0) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(118.5, 24.9, 118.5, 24.9) == 0.0


SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}


def test_point_in_polygon_with_hole_and_multipolygon():
    assert point_in_polygon(1, 1, SQUARE_WITH_HOLE)
    assert not point_in_polygon(5, 5, SQUARE_WITH_HOLE)     # in the hole
    assert not point_in_polygon(11, 5, SQUARE_WITH_HOLE)
    multi = {"type": "MultiPolygon", "coordinates": [
        SQUARE_WITH_HOLE["coordinates"], [[[20, 20], [22, 20], [21, 22], [20, 20]]]]}
    assert point_in_polygon(21, 20.5, multi)
    assert point_in_polygon(5, 5, {"type": "Feature", "geometry": multi}) is False
    with pytest.raises(ValueError):
        point_in_polygon(0, 0, {"type": "Point", "coordinates": [0, 0]})
