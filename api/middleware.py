"""ASGI middleware: request ids and access logs, and refusing cross-origin changes."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from services.logs import request_id_var

log = logging.getLogger("rapport.access")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestContext:
    """Give each request an id (kept from X-Request-ID if sane), log it, and echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = (
            incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        )
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )
            request_id_var.reset(token)


class SameOriginWrites:
    """Refuse state-changing requests whose Origin header names another site."""

    def __init__(self, app: ASGIApp, *, allowed_origin: str) -> None:
        self.app = app
        self.allowed_origin = allowed_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE:
            origin = dict(scope["headers"]).get(b"origin", b"").decode("latin-1")
            if origin and origin != self.allowed_origin and not self._same_host(scope, origin):
                response = error_response(
                    403, "cross_origin", "Changes can only be made from Rapport's own pages."
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _same_host(scope: Scope, origin: str) -> bool:
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        return bool(host) and origin.split("://", 1)[-1] == host
