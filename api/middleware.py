"""ASGI middleware: request ids and access logs, refusing cross-origin changes and bodies too
large to read, and the one 500 answer of an unexpected error."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import INTERNAL_ERROR, TOO_LARGE, error_response
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


class ServerErrors:
    """An unexpected error becomes the one 500 answer, sent through the other middleware (so
    it carries the request id and every security header) with `Connection: close`: the
    client must not send its next request on a connection the server may drop."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception:
            if started:
                raise  # too late for an answer: the server drops the connection
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            response = error_response(
                500, "internal_error", INTERNAL_ERROR, headers={"Connection": "close"}
            )
            await response(scope, receive, send)


class BodyLimit:
    """Refuse a request body larger than `max_bytes` with 413 before reading it (when its
    Content-Length says so) or as soon as it passes the limit (a chunked body), so that no
    endpoint holds more than that in memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> HTTPException:
        return HTTPException(413, TOO_LARGE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = error_response(413, "too_large", TOO_LARGE, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        received = 0

        async def receive_counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the endpoint's body reading; FastAPI passes an HTTP error
                    # on, and api.errors renders it as the 413 answer.
                    raise self._too_large()
            return message

        await self.app(scope, receive_counting, send)
