"""The browser-time floor: a Streamlit page with one plotly chart of ten
months, titled in Chinese in the dashboard's font as every page is (so the
floor, too, loads the CJK font).  bench/browser_time.py times navigation
to it drawn."""
import plotly.graph_objects as go
import streamlit as st

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
months = [f"2026-{m:02d}" for m in range(1, 11)]
fig = go.Figure(go.Bar(x=months, y=[120, 98, 143, 150, 162, 171, 199, 205, 160, 149]))
fig.update_layout(title="驿站服务人次", font_family=FONT)
fig.update_xaxes(type="category")
st.title("总览")
st.plotly_chart(fig, theme=None)
