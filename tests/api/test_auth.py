from __future__ import annotations

import asyncio
from collections.abc import Callable
from http.cookies import SimpleCookie

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CSRF_HEADER, SESSION_COOKIE
from services.models import Base
from tests import factories
from tests.api.test_authorization import ROUTES, UNSAFE, call, make_world
from tests.conftest import BASE_URL, ClientFactory
from tests.services.auth.test_signin import settings_override, token_of

__all__ = ["settings_override"]  # the fixture, shared with the service tests

SIGN_IN = "/api/v1/auth/sign-in"
VERIFY = "/api/v1/auth/verify"
ME = "/api/v1/auth/me"


async def last_link_to(client: httpx.AsyncClient, address: str) -> str:
    """The sign-in link in the newest development mail to this address."""
    mails = (await client.get("/dev/mailbox.json")).json()
    return next(m["body"] for m in mails if m["to"] == address)


def session_cookie(response: httpx.Response) -> SimpleCookie:
    cookie = SimpleCookie()
    cookie.load(response.headers["set-cookie"])
    assert SESSION_COOKIE in cookie
    return cookie


async def sign_in(client: httpx.AsyncClient, address: str) -> httpx.Response:
    assert (await client.post(SIGN_IN, json={"email": address})).status_code == 202
    token = token_of(await last_link_to(client, address))
    return await client.post(VERIFY, json={"token": token})


async def test_magic_link_flow_sets_an_httponly_lax_cookie(client: httpx.AsyncClient) -> None:
    response = await client.post(SIGN_IN, json={"email": "ada@example.org", "next": "/events"})
    assert response.status_code == 202
    body = await last_link_to(client, "ada@example.org")
    assert f"{BASE_URL}/signin/verify#token=" in body
    verified = await client.post(VERIFY, json={"token": token_of(body)})
    assert verified.status_code == 200, verified.text
    data = verified.json()
    assert data["email"] == "ada@example.org" and data["next"] == "/events"
    morsel = session_cookie(verified)[SESSION_COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "lax"
    assert not morsel["secure"]
    assert morsel["path"] == "/"
    me = await client.get(ME)
    assert me.status_code == 200 and me.json()["csrf_token"] == data["csrf_token"]
    again = await client.post(
        VERIFY, json={"token": token_of(body)}, headers={CSRF_HEADER: data["csrf_token"]}
    )
    assert again.status_code == 410 and again.json()["error"] == "link_used"


async def test_cookie_is_secure_when_the_base_url_is_https(
    client: httpx.AsyncClient, db: AsyncSession, settings_override: Callable[..., None]
) -> None:
    from services.auth import signin

    settings_override(base_url="https://rapport.example")
    url = await signin.issue_login_link(db, email="tls@example.org")
    await db.commit()
    assert url.startswith("https://rapport.example/signin/verify#token=")
    verified = await client.post(VERIFY, json={"token": token_of(url)})
    assert verified.status_code == 200
    assert session_cookie(verified)[SESSION_COOKIE]["secure"] is True


async def test_unknown_and_known_addresses_get_the_same_answer(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await factories.user(db, email="known@example.org")
    known = await client.post(SIGN_IN, json={"email": "known@example.org"})
    unknown = await client.post(SIGN_IN, json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()


async def test_malformed_address_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post(SIGN_IN, json={"email": "not an address"})
    assert response.status_code == 422
    assert response.json()["error"] == "malformed_request"
    assert response.json()["fields"][0]["field"] == "email"


async def test_concurrent_verifies_of_one_link_sign_in_once(
    client: httpx.AsyncClient, make_client: ClientFactory
) -> None:
    await client.post(SIGN_IN, json={"email": "twice@example.org"})
    token = token_of(await last_link_to(client, "twice@example.org"))
    tab1, tab2 = await make_client(), await make_client()
    results = await asyncio.gather(
        tab1.post(VERIFY, json={"token": token}), tab2.post(VERIFY, json={"token": token})
    )
    assert sorted(r.status_code for r in results) == [200, 410]


async def test_too_many_requests_per_address_is_429_with_retry_after(
    client: httpx.AsyncClient, settings_override: Callable[..., None]
) -> None:
    settings_override(signin_limit_per_address=2)
    for _ in range(2):
        assert (await client.post(SIGN_IN, json={"email": "x@example.org"})).status_code == 202
    limited = await client.post(SIGN_IN, json={"email": "x@example.org"})
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "900"
    assert limited.json()["error"] == "too_many_requests"
    assert "15 minutes" in limited.json()["detail"]


async def test_too_many_requests_per_ip_is_429(
    client: httpx.AsyncClient, settings_override: Callable[..., None]
) -> None:
    settings_override(signin_limit_per_ip=3)
    for n in range(3):
        assert (await client.post(SIGN_IN, json={"email": f"{n}@example.org"})).status_code == 202
    limited = await client.post(SIGN_IN, json={"email": "fresh@example.org"})
    assert limited.status_code == 429 and "retry-after" in limited.headers
    assert "network" in limited.json()["detail"]


async def _row_counts(app: FastAPI) -> dict[str, int]:
    """Rows per table, read in a session of its own."""
    async with app.state.engine.connect() as conn:
        existing = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        return {
            table.name: (await conn.scalar(select(func.count()).select_from(table))) or 0
            for table in Base.metadata.sorted_tables
            if table.name in existing
        }


UNSAFE_ROUTES = sorted(key for key in ROUTES if key[0] in UNSAFE)


def test_the_csrf_walk_covers_sign_out_and_the_event_changes() -> None:
    assert ("POST", "/api/v1/auth/sign-out") in UNSAFE_ROUTES
    assert ("PATCH", "/api/v1/events/{event_id}") in UNSAFE_ROUTES


@pytest.mark.parametrize("key", UNSAFE_ROUTES, ids=lambda k: f"{k[0]} {k[1]}")
async def test_every_change_with_the_cookie_needs_the_csrf_header(
    key: tuple[str, str], app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    method, template = key
    case = ROUTES[key]
    world = await make_world(db)
    extra = await case.prepare(db, world) if case.prepare else {}
    await db.commit()
    # Someone who may make this change (so only the missing header stops it).
    role = next(
        (r for r, status in case.expect.items() if r != "anonymous" and status < 400),
        "organizer_a",
    )
    without = await make_client(world.users[role])
    del without.headers[CSRF_HEADER]
    wrong = await make_client(world.users[role])
    wrong.headers[CSRF_HEADER] = "wrong"
    before = await _row_counts(app)
    url = template.format(**world.path_params, **extra)
    for client in (without, wrong):
        response = await call(client, method, url, case, role)
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "csrf_failed"
    assert await _row_counts(app) == before


async def test_cross_origin_post_is_refused(db: AsyncSession, make_client: ClientFactory) -> None:
    organizer = await factories.user(db, is_organizer=True)
    client = await make_client(organizer)
    body = {
        "name": "X",
        "timezone": "UTC",
        "starts_at": "2030-01-01T09:00:00Z",
        "ends_at": "2030-01-01T10:00:00Z",
    }
    refused = await client.post(
        "/api/v1/events", json=body, headers={"Origin": "https://evil.example"}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "cross_origin"
    anonymous = await make_client()
    response = await anonymous.post(
        SIGN_IN, json={"email": "a@example.org"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    same = await client.post("/api/v1/events", json=body, headers={"Origin": BASE_URL})
    assert same.status_code == 201


async def test_sign_out_ends_the_session(client: httpx.AsyncClient) -> None:
    verified = await sign_in(client, "leaving@example.org")
    csrf = verified.json()["csrf_token"]
    old_cookie = client.cookies[SESSION_COOKIE]
    assert (await client.get(ME)).status_code == 200
    out = await client.post("/api/v1/auth/sign-out", headers={CSRF_HEADER: csrf})
    assert out.status_code == 204
    client.cookies.set(SESSION_COOKIE, old_cookie)
    after = await client.get(ME)
    assert after.status_code == 401 and after.json()["error"] == "not_signed_in"
