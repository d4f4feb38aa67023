"""The middleware every request passes: the 500 answer closes the connection, bodies too large
are refused with 413 before they are read (in the one error shape), and the
security headers (Permissions-Policy, HSTS when served over https, no-store on the answer that
carries the CSRF token)."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from api.errors import TOO_LARGE
from services.settings import get_settings
from tests import factories
from tests.conftest import ClientFactory


def _crashing_app() -> FastAPI:
    app = create_app(with_worker=False)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    _ = boom
    app.router.routes.insert(0, app.router.routes.pop())  # before the PWA's catch-all
    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn on a free port of 127.0.0.1, in a thread."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=_free_port(), lifespan="off", log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            threading.Event().wait(0.05)
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def test_a_500_says_connection_close_and_the_next_request_gets_through() -> None:
    with _serving(_crashing_app()) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            crash = await client.get("/boom")
            after = await client.get("/api/v1/nothing")
    assert crash.status_code == 500
    assert crash.headers["connection"] == "close"
    assert crash.json() == {
        "error": "internal_error",
        "detail": "Something went wrong on our side. Try again.",
        "fields": [],
    }
    assert "secret internals" not in crash.text
    # The 500 passes the other middleware: it has its request id and the security headers.
    assert len(crash.headers["x-request-id"]) == 32
    assert crash.headers["permissions-policy"].startswith("camera=(self)")
    assert after.status_code == 404


async def test_a_body_declared_too_large_is_refused_before_it_is_read(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    read = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(60):
            read += 1
            yield b" " * (1024 * 1024)

    response = await client.post(
        "/api/v1/sync",
        content=body(),
        headers={"Content-Length": str(60 * 1024 * 1024), "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "too_large"
    assert response.json()["detail"] == TOO_LARGE
    assert read <= 1


async def test_a_streamed_body_is_refused_once_it_passes_the_limit(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    limit = get_settings().max_body_bytes
    chunk = b"[" + b" " * (1024 * 1024 - 1)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(60):  # 60 MB, without a Content-Length
            sent += len(chunk)
            yield chunk

    response = await client.post("/api/v1/sync", content=body())
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "too_large"
    assert sent <= limit + 2 * len(chunk)


async def test_a_body_under_the_limit_is_taken(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    response = await client.post("/api/v1/sync", json={"device": "phone", "operations": []})
    assert response.status_code == 200


async def test_the_camera_is_for_this_site_only(client: httpx.AsyncClient) -> None:
    for path in ("/", "/healthz", "/api/v1/nothing"):
        policy = (await client.get(path)).headers["permissions-policy"]
        assert (
            "camera=(self)" in policy and "microphone=()" in policy and "geolocation=()" in policy
        )


async def test_https_only_when_served_over_https(client: httpx.AsyncClient) -> None:
    assert "strict-transport-security" not in (await client.get("/healthz")).headers
    secure = create_app(
        get_settings().model_copy(update={"base_url": "https://rapport.example"}),
        with_worker=False,
    )
    transport = httpx.ASGITransport(app=secure)
    async with httpx.AsyncClient(transport=transport, base_url="https://rapport.example") as c:
        hsts = (await c.get("/healthz")).headers["strict-transport-security"]
    assert hsts.startswith("max-age=31536000")


async def test_who_am_i_is_never_stored_by_a_cache(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    me = await client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["csrf_token"]
    assert me.headers["cache-control"] == "no-store"
