"""pydeck decks for the 工会驿站 map.  Builders only: no queries, no streamlit.

No internet: the map never fetches a tile from an outside host.  Its style is
the local ``static/basemap.json`` (a plain background; Streamlit serves it at
``/app/static/`` because ``.streamlit/config.toml`` sets
``server.enableStaticServing``), and the geographic context is drawn from
our own data: county outlines (GeoJsonLayer) and place names (TextLayer).
pydeck's default Carto basemap cannot load here, ``map_style=None`` still
asks Carto, and a dict ``map_style`` crashes Streamlit's frontend, so the
style is always this URL.

Optional basemap: set the environment variable ``UNION_TILE_URL`` (read by
``tile_url()`` below, nowhere else) to an XYZ raster tile template on a
server the browsers can reach, e.g. an intranet tile server
``http://tiles.example.lan/{z}/{x}/{y}.png``.  When it is set and the server
answers (``tiles_reachable``), the map draws those tiles under our layers
(``basemap_style``).  Use Web-Mercator tiles aligned to WGS-84 (OSM-style),
not Amap/Baidu tiles, which are shifted (GCJ-02/BD-09).  Unset (the default),
the browser asks nothing of any host but the dashboard's own.

Scale: a deck carries at most ``MAX_POINTS`` stations.  The page draws views
with more stations as one bubble per town (queries.stations.town_summary),
a province or the nation as one bubble per city or province
(queries.stations.area_summary: 40,000 towns would be 9 MB), and decks are sent as compact UTF-8 JSON (``CompactDeck``), about 300 bytes a
station, so a map stays well under 5 MB.
"""
from __future__ import annotations

import json
import math
import os
import time
import urllib.request
from functools import lru_cache
from urllib.parse import quote, urlsplit

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import geo, strings
from dashboard.queries.stations import LOW_USE_SHARE_OF_MEDIAN, MAX_POINTS

LOCAL_STYLE_URL = "/app/static/basemap.json"
TILE_URL_ENV = "UNION_TILE_URL"
CJK_FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'


def _literal(text: str) -> str:
    """A string prop that pydeck passes through as text.  pydeck turns every
    other string kwarg into a deck.gl expression ("@@=..."), which would make
    character_set "auto" or a font family an undefined variable; it keeps a
    string wrapped in one kind of quote, removing that quote character."""
    assert "'" not in text
    return f"'{text}'"


# Layer ids: st.pydeck_chart selections are keyed by them.
STATIONS_LAYER = "stations"
TOWNS_LAYER = "towns"
AREAS_LAYER = "areas"            # one bubble per city or province
HEAT_LAYER = "station-heat"
OUTLINES_LAYER = "county-outlines"
LABELS_LAYER = "place-labels"
TILES_LAYER = "basemap-tiles"

# Visits per station-day as a share of the view's median: the colour classes.
# The first class is exactly the low-use flag (LOW_USE_SHARE_OF_MEDIAN), so a
# flagged station is the one drawn in the warning colour.
USE_CLASS_BOUNDS = (LOW_USE_SHARE_OF_MEDIAN, 0.75, 1.25, 2.0)
USE_CLASS_COLOURS = (
    (217, 72, 52),     # low use, flagged
    (189, 215, 231),
    (107, 174, 214),
    (33, 113, 181),
    (8, 48, 107),
)
NO_DATA_COLOUR = (160, 160, 160)
SELECTED_LINE = (255, 170, 0, 255)
POINT_ALPHA = 215

# The map's height on the page (px), and the width it is framed for: the
# main column of a wide layout on a laptop screen.
MAP_HEIGHT_PX = 560
MAP_WIDTH_PX = 900

# Framed when nothing else says what to frame.
QUANZHOU_MAINLAND = (117.55, 24.50, 119.05, 25.60)

MIN_RADIUS_PX = 4
MAX_RADIUS_PX = 22
BUBBLE_RADIUS_PX = MAX_RADIUS_PX * 1.6     # a town's, city's or province's bubble holds many stations


def tile_url() -> str | None:
    """The optional raster tile template (``UNION_TILE_URL``), or None."""
    url = os.environ.get(TILE_URL_ENV, "").strip()
    return url or None


def use_class(visits_per_day: float | None, median_per_day: float | None) -> int | None:
    """Index into USE_CLASS_COLOURS for a station (or town) with
    ``visits_per_day`` when the view's median is ``median_per_day``."""
    if visits_per_day is None or pd.isna(visits_per_day):
        return None
    if median_per_day is None or pd.isna(median_per_day) or median_per_day <= 0:
        return 2  # no median to compare with: the middle class
    share = visits_per_day / median_per_day
    for index, bound in enumerate(USE_CLASS_BOUNDS):
        if share < bound:
            return index
    return len(USE_CLASS_BOUNDS)


def legend(median_per_day: float | None, lang: str) -> list[tuple[str, str]]:
    """(css colour, label) per colour class, labels in visits per station-day."""
    entries = []
    if median_per_day is None or pd.isna(median_per_day) or median_per_day <= 0:
        # Most stations had no visits: only "nobody came" and "somebody came" differ.
        return [("#%02x%02x%02x" % USE_CLASS_COLOURS[0],
                 strings.t("stations.legend.low", lang, range="0")),
                ("#%02x%02x%02x" % USE_CLASS_COLOURS[2], strings.t("stations.legend.other", lang))]
    edges = [0.0, *[b * median_per_day for b in USE_CLASS_BOUNDS], None]
    for index, colour in enumerate(USE_CLASS_COLOURS):
        low, high = edges[index], edges[index + 1]
        if high is None:
            label = strings.t("stations.legend.above", lang, low=f"{low:.1f}")
        else:
            label = strings.t("stations.legend.range", lang, low=f"{low:.1f}", high=f"{high:.1f}")
        if index == 0:
            label = strings.t("stations.legend.low", lang, range=label)
        entries.append(("#%02x%02x%02x" % colour, label))
    return entries


def max_radius_px(count: int) -> float:
    """The largest circle: smaller when many share the map, so that a city
    of hundreds of stations is not one blot."""
    if count <= 60:
        return MAX_RADIUS_PX
    return max(MIN_RADIUS_PX + 4, MAX_RADIUS_PX * (60 / count) ** 0.4)


def _radius_px(visits: pd.Series, largest_px: float | None = None) -> pd.Series:
    """Circle area in proportion to visits, the most visited at ``largest_px``
    (default max_radius_px)."""
    largest_px = max_radius_px(len(visits)) if largest_px is None else largest_px
    top = float(visits.max()) if len(visits) and visits.max() > 0 else 1.0
    share = (visits.fillna(0).clip(lower=0) / top) ** 0.5
    return (MIN_RADIUS_PX + (largest_px - MIN_RADIUS_PX) * share).round(1)


def bubble_radius_px(lons, lats, zoom: float) -> float:
    """The largest bubble of a town, city or province view: BUBBLE_RADIUS_PX,
    or less when the bubbles stand closer: half the median distance, on
    screen at ``zoom``, from each to its nearest neighbour.  At 全国 the
    eastern provinces' centres are 20-50 px apart, and 35 px bubbles covered
    one another's names."""
    points = np.array([world_px(lon, lat, zoom) for lon, lat in zip(lons, lats)
                       if math.isfinite(lon) and math.isfinite(lat)], dtype=float)
    if len(points) < 2:
        return BUBBLE_RADIUS_PX
    gaps = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1))
    np.fill_diagonal(gaps, np.inf)
    nearest = float(np.median(gaps.min(axis=1)))
    return float(min(BUBBLE_RADIUS_PX, max(MIN_RADIUS_PX + 4, nearest / 2)))


def _fill(visits_per_day: pd.Series, median_per_day: float | None,
          low_use: pd.Series | None = None) -> list[list[int]]:
    """Each row's colour; a row flagged little used (``low_use``, e.g. a
    station nobody visited while the median is 0) always in the warning one."""
    flags = low_use if low_use is not None else [False] * len(visits_per_day)
    fills = []
    for value, flagged in zip(visits_per_day, flags):
        index = 0 if flagged else use_class(value, median_per_day)
        colour = NO_DATA_COLOUR if index is None else USE_CLASS_COLOURS[index]
        fills.append([*colour, POINT_ALPHA])
    return fills


def _fmt_int(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{int(round(float(value))):,}"


def _fmt_rate(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.1f}"


def view_of(bounds) -> tuple[float, float, float]:
    """(longitude, latitude, zoom) of the deck's initial view framing ``bounds``."""
    lon, lat, zoom = geo.zoom_for_bounds(bounds or QUANZHOU_MAINLAND, MAP_WIDTH_PX, MAP_HEIGHT_PX)
    return round(lon, 5), round(lat, 5), round(zoom, 2)


def _view_state(bounds) -> pdk.ViewState:
    lon, lat, zoom = view_of(bounds)
    return pdk.ViewState(longitude=lon, latitude=lat, zoom=zoom, pitch=0, bearing=0)


def basemap_style(tiles: str | None) -> str:
    """The map_style URL: the local plain style, or with ``tiles`` a raster
    style over that template, inlined as a data: URL.

    Why not deck.gl's TileLayer: drawing raster tiles with it needs a
    JavaScript ``renderSubLayers`` function (returning a BitmapLayer), and
    pydeck's JSON cannot carry one; Streamlit's JSON converter registers no
    such function.  The basemap library under deck.gl draws raster styles
    natively, and a data: URL is a string, which Streamlit accepts (a dict
    map_style crashes it)."""
    if not tiles:
        return LOCAL_STYLE_URL
    style = {
        "version": 8,
        "sources": {"tiles": {"type": "raster", "tiles": [tiles], "tileSize": 256,
                              "maxzoom": 18}},
        "layers": [
            {"id": "bg", "type": "background", "paint": {"background-color": "#eef2f5"}},
            {"id": TILES_LAYER, "type": "raster", "source": "tiles"},
        ],
    }
    return "data:application/json," + quote(json.dumps(style, separators=(",", ":")))


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The (x, y) of the XYZ (Web-Mercator) tile holding a point."""
    n = 2 ** zoom
    mercator = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return int((lon + 180) / 360 * n), int((1 - mercator / math.pi) / 2 * n)


PROBE_ZOOM = 8
PROBE_TILE = tile_of(118.59, 24.91, PROBE_ZOOM)       # over 泉州's city centre


@lru_cache(maxsize=8)
def _probe(template: str, time_bucket: int, timeout_s: float) -> bool:
    # One tile over 泉州: any HTTP answer below 400 means reachable.
    x, y = PROBE_TILE
    url = (template.replace("{z}", str(PROBE_ZOOM)).replace("{x}", str(x))
           .replace("{y}", str(y)).replace("{s}", "a"))
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status < 400
    except (OSError, ValueError):
        return False


def tiles_reachable(template: str, timeout_s: float = 1.5, recheck_s: int = 300) -> bool:
    """Whether the tile server answers, asked at most once per ``recheck_s``
    seconds, so an unreachable server costs one short wait, not one per rerun."""
    return _probe(template, int(time.time() // recheck_s), timeout_s)


def tile_host(template: str) -> str:
    return urlsplit(template).netloc or template


def _context_layers(outlines: dict, tiles: str | None) -> list[pdk.Layer]:
    layers = []
    # The counties in view are white, the others grey; over a basemap the
    # fills are faint so that the tiles show through.
    focus_fill, other_fill = ([255, 255, 255, 40], [120, 130, 140, 60]) if tiles else \
        ([255, 255, 255, 230], [228, 226, 220, 230])
    features = [
        {**feature, "properties": {
            **feature.get("properties", {}),
            "fill": focus_fill if feature.get("properties", {}).get("focus", 1) else other_fill}}
        for feature in outlines.get("features", [])
    ]
    layers.append(pdk.Layer(
        "GeoJsonLayer", id=OUTLINES_LAYER,
        data={"type": "FeatureCollection", "features": features}, stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color=[110, 120, 130, 220],
        line_width_min_pixels=1.2, pickable=False,
    ))
    return layers


COUNTY_LABEL_PX, TOWN_LABEL_PX = 17, 14


def world_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """A point's Web-Mercator pixel position at ``zoom`` (deck.gl's 512-px world)."""
    size = 512 * 2 ** zoom
    mercator = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return size * (lon + 180) / 360, size * (1 - mercator / math.pi) / 2


def declutter(labels: pd.DataFrame, zoom: float,
              centre: tuple[float, float] | None = None) -> pd.DataFrame:
    """The labels that do not overlap an earlier one at ``zoom`` (in their
    order; e.g. 丰泽 gives way to 鲤城 over the whole city).  Each label's box
    is its characters' width by one line, with a small margin.  With the
    view's ``centre`` (lon, lat), also not those the first view's edge would
    cut (金门's name, just below 泉州's stations, was cut in half by the
    map's lower edge); names wholly outside it stay for a user who pans."""
    kept, boxes = [], []
    frame = None
    if centre is not None:
        centre_x, centre_y = world_px(*centre, zoom)
        frame = (centre_x - MAP_WIDTH_PX / 2, centre_y - MAP_HEIGHT_PX / 2,
                 centre_x + MAP_WIDTH_PX / 2, centre_y + MAP_HEIGHT_PX / 2)
    for index, row in enumerate(labels.itertuples()):
        size = COUNTY_LABEL_PX if row.level == "county" else TOWN_LABEL_PX
        x, y = world_px(row.lon, row.lat, zoom)
        half_w, half_h = (len(row.label) * size) / 2 + 4, size / 2 + 3
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if frame is not None and _straddles(box, frame):
            continue
        if all(box[2] < other[0] or box[0] > other[2] or box[3] < other[1] or box[1] > other[3]
               for other in boxes):
            kept.append(index)
            boxes.append(box)
    return labels.iloc[kept]


def _straddles(box, frame) -> bool:
    """Whether ``box`` is partly inside ``frame`` and partly outside it."""
    inside = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]
    outside = box[2] < frame[0] or box[0] > frame[2] or box[3] < frame[1] or box[1] > frame[3]
    return not inside and not outside


def _label_layers(labels: pd.DataFrame, view: tuple[float, float, float]) -> list[pdk.Layer]:
    # Drawn last, over the circles, so that a town's name stays readable;
    # not pickable, so clicks still reach the stations underneath.
    layers = []
    lon, lat, zoom = view
    labels = declutter(labels, zoom, centre=(lon, lat))
    if len(labels):
        layers.append(pdk.Layer(
            "TextLayer", id=LABELS_LAYER,
            data=[{"label": row.label, "lon": round(row.lon, 5), "lat": round(row.lat, 5),
                   "size": COUNTY_LABEL_PX if row.level == "county" else TOWN_LABEL_PX}
                  for row in labels.itertuples()],
            get_position=["lon", "lat"], get_text="label", get_size="size",
            get_color=[40, 48, 56, 240], font_family=_literal(CJK_FONT_FAMILY), font_weight=600,
            character_set=_literal("auto"), font_settings={"sdf": True, "fontSize": 96,
                                                           "buffer": 8, "radius": 12},
            outline_width=4,
            outline_color=[255, 255, 255, 220], get_text_anchor=_literal("middle"),
            get_alignment_baseline=_literal("center"), pickable=False,
        ))
    return layers


def _heat_layer(records: pd.DataFrame, radius_px: int) -> pdk.Layer:
    # Its own slim copy of the points: position and weight only.
    data = [{"lon": lon, "lat": lat, "visits": visits}
            for lon, lat, visits in zip(records["lon"], records["lat"], records["visits"])]
    return pdk.Layer("HeatmapLayer", id=HEAT_LAYER, data=data, get_position=["lon", "lat"],
                     get_weight="visits", radius_pixels=radius_px, intensity=1.2,
                     threshold=0.04, pickable=False)


def _tooltip(lang: str, level: str) -> dict:
    if level == "station":
        html = ("<b>{station_name}</b><br/>{town_name}<br/>"
                f"{strings.t('stations.tip.visits', lang)}: {{visits_text}}<br/>"
                f"{strings.t('stations.tip.per_day', lang)}: {{per_day_text}}<br/>"
                f"{strings.t('stations.tip.top_group', lang)}: {{top_group_text}}")
    else:
        html = ("<b>{town_name}</b><br/>"
                f"{strings.t('stations.tip.stations', lang)}: {{stations_text}}<br/>"
                f"{strings.t('stations.tip.visits', lang)}: {{visits_text}}<br/>"
                f"{strings.t('stations.tip.per_day', lang)}: {{per_day_text}}<br/>"
                f"{strings.t('stations.tip.low_use', lang)}: {{low_use_text}}")
    return {"html": html, "style": {"fontFamily": CJK_FONT_FAMILY, "fontSize": "13px"}}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON (what st.pydeck_chart sends) has no indentation and
    keeps Chinese as UTF-8: pydeck's own to_json indents by 2 and escapes
    every CJK character to 6 bytes, which more than triples the payload."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize,
                          separators=(",", ":"), ensure_ascii=False)


def _deck(layers: list[pdk.Layer], view_state: pdk.ViewState, tooltip: dict,
          map_style: str) -> CompactDeck:
    return CompactDeck(layers=layers, initial_view_state=view_state, map_style=map_style,
                       tooltip=tooltip)


def colour_median(frame: pd.DataFrame) -> float | None:
    """The median visits per station-day the colours are relative to: the
    view's median station (as the low-use flag uses) for stations, the median
    town for town bubbles."""
    if frame.empty:
        return None
    if "median_per_day" in frame:
        return float(frame["median_per_day"].iloc[0])
    return float(frame["visits_per_day"].median())


def station_deck(points: pd.DataFrame, *, outlines: dict, labels: pd.DataFrame, lang: str,
                 heatmap: bool = False,
                 selected_station: str | None = None,
                 bounds=None, tiles: str | None = None) -> pdk.Deck:
    """One circle per station: area by visits, colour by visits per
    station-day against the view's median.  ``points`` has the columns of
    ``queries.stations.station_summary``; at most MAX_POINTS rows are drawn.
    ``bounds`` (min_lon, min_lat, max_lon, max_lat) is what the map frames
    (geo.view_bounds)."""
    median_per_day = colour_median(points)
    points = points.head(MAX_POINTS)
    group_names = {group: strings.value_label("visitor_group", group, lang)
                   for group in points["top_group"].dropna().unique()}
    records = pd.DataFrame({
        "station_id": points["station_id"],
        "station_name": points["station_name"],
        "town_name": points["town_name_en" if lang == "en" else "town_name_zh"],
        "lon": points["lon"].round(6),
        "lat": points["lat"].round(6),
        "visits": points["visits"].fillna(0).astype(int),
        "visits_text": points["visits"].map(_fmt_int),
        "per_day_text": points["visits_per_day"].map(_fmt_rate),
        "top_group_text": points["top_group"].map(lambda g: group_names.get(g, "–")),
        "radius": _radius_px(points["visits"]),
        "fill": _fill(points["visits_per_day"], median_per_day, points["low_use"]),
        "line": [list(SELECTED_LINE) if sid == selected_station else [255, 255, 255, 230]
                 for sid in points["station_id"]],
        "line_px": [3 if sid == selected_station else 1 for sid in points["station_id"]],
    })
    data = records.to_dict("records")
    layers = _context_layers(outlines, tiles)
    if heatmap:
        layers.append(_heat_layer(records, radius_px=45))
    layers.append(pdk.Layer(
        "ScatterplotLayer", id=STATIONS_LAYER, data=data, get_position=["lon", "lat"],
        # Over a heat map the circles shrink to dots that stay clickable.
        get_radius=4 if heatmap else "radius", radius_units=_literal("pixels"),
        get_fill_color="fill", get_line_color="line", get_line_width="line_px",
        line_width_units=_literal("pixels"), stroked=True, filled=True, opacity=0.9,
        pickable=True, auto_highlight=True, highlight_color=[255, 170, 0, 160],
    ))
    layers += _label_layers(labels, view_of(bounds))
    return _deck(layers, _view_state(bounds),
                 _tooltip(lang, "station"), basemap_style(tiles))


def town_deck(towns: pd.DataFrame, *, outlines: dict, labels: pd.DataFrame, lang: str,
              heatmap: bool = False,
              bounds=None, tiles: str | None = None) -> pdk.Deck:
    """One bubble per town, for views with more than MAX_POINTS stations:
    area by visits, colour by the town's visits per station-day against the
    median town.  ``towns`` has the columns of ``queries.stations.town_summary``."""
    return _bubble_deck(towns, TOWNS_LAYER, "town_code", "town_name", outlines=outlines,
                        labels=labels, lang=lang, heatmap=heatmap, bounds=bounds, tiles=tiles)


def area_deck(areas: pd.DataFrame, *, outlines: dict, labels: pd.DataFrame, lang: str,
              heatmap: bool = False,
              bounds=None, tiles: str | None = None) -> pdk.Deck:
    """One bubble per city or province (``queries.stations.area_summary``),
    for a province's or the nation's view, drawn like the town bubbles; a
    click narrows the view to that unit."""
    return _bubble_deck(areas, AREAS_LAYER, "unit_code", "unit_name", outlines=outlines,
                        labels=labels, lang=lang, heatmap=heatmap, bounds=bounds, tiles=tiles)


def _bubble_deck(bubbles: pd.DataFrame, layer_id: str, code: str, name: str, *, outlines: dict,
                 labels: pd.DataFrame, lang: str, heatmap: bool, bounds, tiles: str | None) -> pdk.Deck:
    median_per_day = colour_median(bubbles)
    records = pd.DataFrame({
        code: bubbles[code],
        "town_name": bubbles[f"{name}_en" if lang == "en" else f"{name}_zh"],
        "lon": bubbles["lon"].round(6),
        "lat": bubbles["lat"].round(6),
        "visits": bubbles["visits"].fillna(0).astype(int),
        "stations_text": bubbles["stations"].map(_fmt_int),
        "visits_text": bubbles["visits"].map(_fmt_int),
        "per_day_text": bubbles["visits_per_day"].map(_fmt_rate),
        "low_use_text": bubbles["low_use_stations"].map(_fmt_int),
        "radius": _radius_px(bubbles["visits"],
                             bubble_radius_px(bubbles["lon"], bubbles["lat"], view_of(bounds)[2])),
        "fill": _fill(bubbles["visits_per_day"], median_per_day),
    })
    data = records.to_dict("records")
    layers = _context_layers(outlines, tiles)
    if heatmap:
        layers.append(_heat_layer(records, radius_px=60))
    layers.append(pdk.Layer(
        "ScatterplotLayer", id=layer_id, data=data, get_position=["lon", "lat"],
        get_radius=5 if heatmap else "radius", radius_units=_literal("pixels"),
        get_fill_color="fill", get_line_color=[255, 255, 255, 230], line_width_min_pixels=1,
        stroked=True, filled=True, opacity=0.9, pickable=True, auto_highlight=True,
        highlight_color=[255, 170, 0, 160],
    ))
    layers += _label_layers(labels, view_of(bounds))
    return _deck(layers, _view_state(bounds),
                 _tooltip(lang, "town"), basemap_style(tiles))


def feature_count(deck_json: str | dict) -> int:
    """How many data rows (stations, towns, labels, outlines) a deck sends to
    the browser: the sum of every layer's data length."""
    spec = json.loads(deck_json) if isinstance(deck_json, str) else deck_json
    total = 0
    for layer in spec.get("layers", []):
        data = layer.get("data")
        if isinstance(data, list):
            total += len(data)
        elif isinstance(data, dict):
            total += len(data.get("features", []))
    return total


def selected_object(event) -> dict | None:
    """The station, town or area a map click picked, from st.pydeck_chart's
    event: {"station_id": ...}, {"town_code": ...} or {"unit_code": ...};
    None when nothing is picked."""
    if not event:
        return None
    selection = event.get("selection") if isinstance(event, dict) else getattr(event, "selection", None)
    if not selection:
        return None
    objects = selection.get("objects") or {}
    for layer_id, key in ((STATIONS_LAYER, "station_id"), (TOWNS_LAYER, "town_code"),
                          (AREAS_LAYER, "unit_code")):
        picked = objects.get(layer_id) or []
        if picked and picked[0].get(key):
            return {key: str(picked[0][key])}
    return None
