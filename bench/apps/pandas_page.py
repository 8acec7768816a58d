"""The way a user would hack the station page without us: read the offices'
spreadsheets with pandas on every rerun and group in pandas.

The baseline of bench/run.py's speed-up.  It reads every 工会驿站服务人次月报
the city demo wrote (``BENCH_SPREADSHEETS``: the demo folder; .xlsx with
pandas' default reader, one sheet per month, and the GBK .csv some counties
send), finds each sheet's header row, normalises the visitor groups, and
shows what our 工会驿站 page shows apart from the map: visits this year
against the same months last year, visits by month and visitor group, and
every station's visits.
"""
import os
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

FOLDER = Path(os.environ["BENCH_SPREADSHEETS"])
YEAR, LAST_MONTH = int(os.environ.get("BENCH_YEAR", "2026")), int(os.environ.get("BENCH_MONTH", "10"))
VISITS = ("服务人次", "接待人次", "到站人次")
GROUP = ("服务对象", "人员类别", "服务群体", "对象类别")
STATION = ("驿站", "驿站编号", "驿站名称", "站点", "站点名称")
MONTH = ("月份", "统计月份", "报送月份", "年月", "时间")
GROUPS = {"环卫": "环卫工人", "快递": "快递员", "外卖": "外卖送餐员", "骑手": "外卖送餐员",
          "网约": "网约车司机", "其他": "其他户外劳动者"}


def table_of(sheet: pd.DataFrame, sheet_name: str = "") -> pd.DataFrame:
    """The rows under the header row, down to the 合计 row; the month from
    its column, or from the sheet's name (2024年7月) when there is none."""
    for i in range(min(8, len(sheet))):
        if any(str(cell).strip() in VISITS for cell in sheet.iloc[i]):
            header = [str(cell).strip() for cell in sheet.iloc[i]]
            body = sheet.iloc[i + 1:].copy()
            body.columns = header
            first = body.iloc[:, 0].astype(str)
            body = body[~first.str.startswith(("合计", "填表人", "nan"))]
            pick = lambda names: next((c for c in header if c in names), None)  # noqa: E731
            month = body[pick(MONTH)] if pick(MONTH) else sheet_name
            return pd.DataFrame({"month": month, "station": body[pick(STATION)],
                                 "group": body[pick(GROUP)], "visits": body[pick(VISITS)]})
    return pd.DataFrame(columns=["month", "station", "group", "visits"])


frames = []
for path in sorted(FOLDER.rglob("*驿站服务人次*")):
    if path.suffix == ".csv":
        frames.append(table_of(pd.read_csv(path, header=None, encoding="gb18030", dtype=str)))
    else:
        for name, sheet in pd.read_excel(path, sheet_name=None, header=None).items():
            frames.append(table_of(sheet, name))
visits = pd.concat(frames, ignore_index=True)
visits["month"] = pd.to_datetime(visits["month"].astype(str).str.replace("年", "-").str.replace("月", "")
                                 .str.slice(0, 7), format="mixed").dt.to_period("M")
visits["visits"] = pd.to_numeric(visits["visits"], errors="coerce").fillna(0)
visits["group"] = visits["group"].fillna("").astype(str).map(lambda g: GROUPS.get(g[:2], g))

this_year = visits[(visits["month"].dt.year == YEAR) & (visits["month"].dt.month <= LAST_MONTH)]
last_year = visits[(visits["month"].dt.year == YEAR - 1) & (visits["month"].dt.month <= LAST_MONTH)]
st.title("工会驿站（pandas）")
st.metric("服务人次", f"{this_year['visits'].sum():,.0f}",
          delta=f"{this_year['visits'].sum() - last_year['visits'].sum():,.0f}")
by_group = this_year.groupby([this_year["month"].astype(str), "group"])["visits"].sum().reset_index()
st.plotly_chart(px.bar(by_group, x="month", y="visits", color="group"))
st.dataframe(this_year.groupby("station")["visits"].sum().sort_values(ascending=False).reset_index())
