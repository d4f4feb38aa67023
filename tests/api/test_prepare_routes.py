"""A fresh server process prepares every route before it takes connections: the first request
after a restart (a door scan, say) no longer pays about half a second for all of them."""

from __future__ import annotations

import uuid
from typing import Any

import fastapi.routing
import httpx
import pytest

from api.app import create_app
from tests.conftest import BASE_URL


async def test_every_route_is_prepared_at_startup_and_none_on_the_first_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepared: list[object] = []
    real = fastapi.routing._populate_api_route_state

    def counted(*args: Any, **kwargs: Any) -> Any:
        prepared.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "_populate_api_route_state", counted)
    app = create_app(with_worker=False)
    async with app.router.lifespan_context(app):
        at_startup = len(prepared)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            scans = f"/api/v1/events/{uuid.uuid4()}/check-in/scans"
            assert (await client.post(scans, json={})).status_code in (401, 422)
            assert (await client.get("/api/v1/auth/me")).status_code == 401
            assert (await client.get("/api/v1/no-such-thing")).status_code == 404
    assert at_startup > 100  # our 160-odd endpoints
    assert len(prepared) == at_startup
