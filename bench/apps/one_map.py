"""A second browser floor: a Streamlit page with one pydeck map of one point
on a plain local style, to tell what the map itself costs (deck.gl and its
basemap library start in software WebGL in headless Chromium)."""
import json
from urllib.parse import quote

import pydeck as pdk
import streamlit as st

# The app's plain background style, inlined (this page has no static folder).
STYLE = {"version": 8, "sources": {},
         "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#eef2f5"}}]}
deck = pdk.Deck(
    layers=[pdk.Layer("ScatterplotLayer", id="point", data=[{"lon": 118.59, "lat": 24.91}],
                      get_position=["lon", "lat"], get_radius=8, radius_units="'pixels'",
                      get_fill_color=[43, 91, 168])],
    initial_view_state=pdk.ViewState(longitude=118.59, latitude=24.91, zoom=9),
    map_style="data:application/json," + quote(json.dumps(STYLE, separators=(",", ":"))))
st.title("floor")
st.pydeck_chart(deck)
