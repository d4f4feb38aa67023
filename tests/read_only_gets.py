"""A rule every API test checks: a GET (or HEAD) request never writes to the database.

Reads run as read transactions; on SQLite one that turns into a write fails with "database is
locked" when another request wrote in between (it did, in CI). `watch` marks the requests and
records any INSERT, UPDATE or DELETE they send; tests/conftest.py fails the test that made one.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event
from starlette.types import ASGIApp, Receive, Scope, Send

_reading: ContextVar[str | None] = ContextVar("reading", default=None)
WRITES = ("INSERT", "UPDATE", "DELETE")
LIMITER_TABLE = "lookup_failures"


class _MarkReads:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        reading = scope["type"] == "http" and scope["method"] in ("GET", "HEAD")
        token = _reading.set(f"{scope['method']} {scope['path']}" if reading else None)
        try:
            await self.app(scope, receive, send)
        finally:
            _reading.reset(token)


def watch(app: FastAPI) -> list[str]:
    """Mark the app's GET requests; the returned list fills with the writes they make.

    Call before the app serves its first request, and after its lifespan created the engine.
    """
    writes: list[str] = []

    def before_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        request = _reading.get()
        if request and statement.lstrip().split(None, 1)[0].upper() in WRITES:
            if LIMITER_TABLE in statement:
                return  # a failed look-up counted in a writing transaction of its own
            # (api.deps.limit_lookups, services.auth.limits), not a read turned into a write
            writes.append(f"{request}: {' '.join(statement.split())[:120]}")

    app.add_middleware(_MarkReads)
    event.listen(app.state.engine.sync_engine, "before_cursor_execute", before_execute)
    return writes
