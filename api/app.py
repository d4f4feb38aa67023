"""The FastAPI application: routers, error handlers, middleware, and the in-process worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import (
    account,
    attendees,
    auth,
    badges,
    cards,
    checkin,
    contacts,
    dev,
    directory,
    events,
    exchange,
    followups,
    health,
    introductions,
    jobs,
    look_for,
    meetings,
    notes,
    pitches,
    reminders,
    search,
    sync,
)
from api.deps import csrf_guard
from api.errors import install_error_handlers
from api.frontend import mount_frontend
from api.middleware import BodyLimit, RequestContext, SameOriginWrites, ServerErrors
from services.db import create_engine, create_sessionmaker
from services.jobs.worker import run_worker
from services.settings import Settings, get_settings

log = logging.getLogger("rapport")
API_PREFIX = "/api/v1"
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    "worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Headers every response carries: no sniffing, no framing, same-origin everything."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            # The scanners use the camera; nothing else may, and no page may use anything else.
            (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        ]
        if https:  # served over https (RAPPORT_BASE_URL): browsers must never use http again
            self.headers.append((b"strict-transport-security", HSTS.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).extend(self.headers)
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


async def prepare_routes(app: FastAPI) -> None:
    """FastAPI prepares a route (the validators of its parameters and models) the first time a
    request is matched against it: about half a second for our 160-odd routes, which the first
    request of every fresh process paid (a door scan just after a restart). Matching one
    request in process, for an API path and a method nothing serves, walks past every route
    and prepares them all before the process takes connections; no endpoint runs and nothing
    is sent anywhere."""
    path = f"{API_PREFIX}/-/prepare-routes"
    scope: Scope = {
        **{"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "app": app},
        **{"method": "OPTIONS", "scheme": "http", "path": path, "raw_path": path.encode()},
        **{"root_path": "", "query_string": b"", "headers": [], "client": None, "server": None},
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Message) -> None:
        pass

    with contextlib.suppress(HTTPException):  # the 405 of the catch-all, which takes only GET
        await app.router(scope, receive, send)


def create_app(settings: Settings | None = None, *, with_worker: bool | None = None) -> FastAPI:
    """Build the application. `with_worker` runs the follow-up worker inside this process."""
    settings = settings or get_settings()
    run_in_process = settings.run_worker_in_process if with_worker is None else with_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        if engine.dialect.name == "postgresql":  # for door scans (api.deps.door_session)
            app.state.autocommit_sessionmaker = create_sessionmaker(
                engine.execution_options(isolation_level="AUTOCOMMIT")
            )
        await prepare_routes(app)
        stop = asyncio.Event()
        worker = None
        if run_in_process:
            app.state.worker_wake = wake = asyncio.Event()  # api.jobs starts new jobs at once
            worker = asyncio.create_task(
                run_worker(settings, app.state.sessionmaker, stop=stop, wake=wake)
            )
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(worker, timeout=30)
            await engine.dispose()

    app = FastAPI(
        title="Rapport",
        version="0.1.0",
        description="Networking-event companion: check-in, contacts, notes and follow-ups.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN; the JSON is enough
        redoc_url=None,
        lifespan=lifespan,
        # We configure no OpenTelemetry; saying so spares a check of three providers per request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)
    # The door's scans come first: the busiest request, and routes are matched in order. Its
    # router checks the CSRF header itself (api.deps.door_scanner); every other router is
    # included with the guard. Each is included in the app itself, under the API's prefix: one
    # level of routers fewer to walk on every request.
    app.include_router(checkin.scan_router, prefix=API_PREFIX)
    for router in (
        checkin.router, auth.router, events.router, attendees.router, badges.router,
        cards.router, contacts.router, exchange.router, directory.router, look_for.router,
        notes.router, search.router, pitches.router, followups.router, reminders.router,
        introductions.router, meetings.router, sync.router, account.router, jobs.router,
        followups.templates_router,
        checkin.self_router,  # POST /self-check-in: the poster names the event
    ):  # fmt: skip
        app.include_router(router, prefix=API_PREFIX, dependencies=[Depends(csrf_guard)])
    app.include_router(health.router)
    if settings.dev_mailbox_enabled:
        app.include_router(dev.router)
    mount_frontend(app, Path(settings.frontend_dist))
    app.add_middleware(ServerErrors)
    # Our own rather than FastAPI's max_body_size: that one answers a body declared too large
    # in plain text, outside the one error shape.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SameOriginWrites, allowed_origin=settings.origin)
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))
    app.add_middleware(RequestContext)
    return app
