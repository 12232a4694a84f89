"""bench/http_load.py's parts: the demo site served by gunicorn and loaded by wrk (or httpx).

`cli` parses the command line; `runner` sets up a fresh site (`site_data`, `database`), starts
`server` with `gunicorn_conf`, runs each scenario with `wrk_load` (`load.lua`) or `httpx_load`,
meters CPU with `measurement`, and `report` prints the figures (`profiling` for --profile).
"""

from __future__ import annotations
