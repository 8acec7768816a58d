"""The dashboard's Streamlit layer: the only dashboard modules that import streamlit.

* ``data``     runs queries, cached per warehouse version (``run``, ``clear_caches``)
* ``sidebar``  the shared filters (``page_start``) and the page-end ``source_stamp``
* ``widgets``  KPI cards, charts with click-to-narrow, empty states, tables with export

A page is ``vf = page_start(key)``, its layout, then ``source_stamp(vf, datasets)``.
"""
