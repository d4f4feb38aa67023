"""Rapport's app with a larger PostgreSQL connection pool, for `checkin_pg.py --pool-size N`.

services.db.create_engine keeps 10 pooled connections plus 10 overflow ones per process; under
64 concurrent requests on 2 workers the overflow connections are opened and closed over and
over (a PostgreSQL backend fork each), which this variant avoids: N pooled, no overflow.
"""

from __future__ import annotations

import os
from typing import Any

import api.app as app_module
from services import db

_create_engine = db.create_engine


def _pooled_engine(url: str, **kwargs: Any) -> Any:
    if not url.startswith("sqlite"):
        kwargs.setdefault("pool_size", int(os.environ["BENCH_POOL_SIZE"]))
        kwargs.setdefault("max_overflow", 0)
    return _create_engine(url, **kwargs)


app_module.create_engine = _pooled_engine  # type: ignore[assignment]
create_app = app_module.create_app
