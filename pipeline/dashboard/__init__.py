"""The quality manager's dashboard (Streamlit), read-only on the published warehouse snapshot.

Start it with ``empathy-dial dashboard [--warehouse PATH] [--port N]``. Modules, one job each:
``launch`` (checks and the Streamlit command line), ``filters`` (the sidebar's filter values as
parameterised SQL), ``queries`` (every SQL query, on a plain DuckDB connection), ``snapshot``
(one read-only connection per query, cached per published snapshot), ``sidebar``, ``nav`` and the
pages ``overview``, ``agents``, ``calls`` / ``call_page``, ``coaching``, ``quality``, with
``feedback`` (label corrections through :mod:`pipeline.corrections`), ``charts`` and ``formatting``.
Nothing here imports Streamlit at package import time: the command line stays quick.
"""
