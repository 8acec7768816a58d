"""The server-time floor: an empty Streamlit page (bench/server_time.py)."""
import streamlit as st

st.empty()
