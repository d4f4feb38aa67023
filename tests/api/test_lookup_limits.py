"""Failed token look-ups are limited per user and per network: badge scans (contact exchange and
the door), the door poster, introduction links, the calendar feed and sign-in links. The count
lives in the database, so a second API process sees the first one's failures."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import create_engine, create_sessionmaker, utcnow
from services.models import LookupFailure
from services.settings import get_settings
from tests import factories, support
from tests.conftest import BASE_URL, ClientFactory

API = "/api/v1"


@pytest.fixture
def limits() -> Iterator[Callable[..., None]]:
    """limits(per_user=3, per_network=5) for this test only."""
    saved = dict(os.environ)

    def override(*, per_user: int = 1000, per_network: int = 1000) -> None:
        os.environ["RAPPORT_LOOKUP_FAILURES_PER_USER"] = str(per_user)
        os.environ["RAPPORT_LOOKUP_FAILURES_PER_NETWORK"] = str(per_network)
        get_settings.cache_clear()

    yield override
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


def _scan(event_id: uuid.UUID) -> tuple[str, str, Callable[[], dict[str, Any]]]:
    return (
        "POST",
        f"{API}/events/{event_id}/check-in/scans",
        lambda: {
            "token": uuid.uuid4().hex,
            "scanned_at": utcnow().isoformat(),
            "nonce": uuid.uuid4().hex,
            "gate": "A",
        },
    )


async def _lookups(db: AsyncSession) -> tuple[Any, list[tuple[str, str, Callable[[], Any]]]]:
    """A person who is an event's door staff, and every kind of look-up with a made-up token."""
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    return organizer, [
        ("POST", f"{API}/exchange/scan", lambda: {"badge": uuid.uuid4().hex}),
        _scan(event.id),
        (
            "POST",
            f"{API}/self-check-in",
            lambda: {
                "token": uuid.uuid4().hex,
                "scanned_at": utcnow().isoformat(),
                "nonce": uuid.uuid4().hex,
            },
        ),
        ("POST", f"{API}/introduction-requests/view", lambda: {"token": uuid.uuid4().hex}),
        ("GET", f"{API}/reminders/calendar/{uuid.uuid4().hex}.ics", lambda: None),
    ]


async def test_each_look_up_is_limited_per_user(
    db: AsyncSession, make_client: ClientFactory, limits: Callable[..., None]
) -> None:
    limits(per_user=3)
    person, lookups = await _lookups(db)
    for method, path, body in lookups:
        await db.execute(LookupFailure.__table__.delete())
        await db.commit()
        client = await make_client(person)
        for _ in range(3):
            answer = await client.request(method, path, json=body())
            assert answer.status_code in (200, 400, 404, 410), (path, answer.text)
        limited = await client.request(method, path, json=body())
        assert limited.status_code == 429, (path, limited.text)
        assert limited.json()["error"] == "too_many_failed_lookups"
        assert int(limited.headers["retry-after"]) > 0


async def test_failed_sign_in_links_are_limited_per_network(
    app: FastAPI, client: httpx.AsyncClient, limits: Callable[..., None]
) -> None:
    limits(per_network=4)
    for _ in range(4):
        answer = await client.post(f"{API}/auth/verify", json={"token": uuid.uuid4().hex})
        assert answer.status_code == 400
    limited = await client.post(f"{API}/auth/verify", json={"token": uuid.uuid4().hex})
    assert limited.status_code == 429 and "network" in limited.json()["detail"]
    # Another network is not held back (the test client's address is 127.0.0.1).
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 5000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as elsewhere:
        answer = await elsewhere.post(f"{API}/auth/verify", json={"token": uuid.uuid4().hex})
    assert answer.status_code == 400


async def test_people_on_one_network_share_its_limit(
    db: AsyncSession, make_client: ClientFactory, limits: Callable[..., None]
) -> None:
    limits(per_user=100, per_network=4)
    one, two = await factories.user(db), await factories.user(db)
    first, second = await make_client(one), await make_client(two)
    for _ in range(4):
        answer = await first.post(f"{API}/exchange/scan", json={"badge": uuid.uuid4().hex})
        assert answer.status_code == 404
    limited = await second.post(f"{API}/exchange/scan", json={"badge": uuid.uuid4().hex})
    assert limited.status_code == 429 and "network" in limited.json()["detail"]


async def test_a_look_up_that_works_is_not_counted(
    db: AsyncSession, make_client: ClientFactory, limits: Callable[..., None]
) -> None:
    limits(per_user=2)
    event = await factories.event(db)
    me = await factories.user(db)
    _, badge = await factories.attendee(db, event=event, name="Zoë")
    client = await make_client(me)
    for _ in range(5):
        answer = await client.post(f"{API}/exchange/scan", json={"badge": badge.token})
        assert answer.status_code in (200, 201), answer.text
    assert await db.scalar(select(func.count()).select_from(LookupFailure)) == 0


async def test_the_count_holds_across_processes(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory, limits: Callable[..., None]
) -> None:
    """A second application with its own engine (as a second API process has) on the same
    database sees the failures counted by the first."""
    from api.app import create_app

    limits(per_user=3)
    me = await factories.user(db)
    client = await make_client(me)
    for _ in range(3):
        await client.post(f"{API}/exchange/scan", json={"badge": uuid.uuid4().hex})
    other = create_app(with_worker=False)
    async with other.router.lifespan_context(other):
        assert other.state.engine is not app.state.engine
        second = await support.client_for(other, me, base_url=BASE_URL)
        async with second:
            limited = await second.post(f"{API}/exchange/scan", json={"badge": uuid.uuid4().hex})
    assert limited.status_code == 429


async def test_old_windows_stop_counting_and_are_forgotten(
    db: AsyncSession, make_client: ClientFactory, limits: Callable[..., None]
) -> None:
    limits(per_user=3)
    me = await factories.user(db)
    long_ago = utcnow() - timedelta(hours=1)
    db.add(LookupFailure(bucket=f"user:{me.id}", window_start=long_ago, failures=50))
    await db.commit()
    client = await make_client(me)
    answer = await client.post(f"{API}/exchange/scan", json={"badge": uuid.uuid4().hex})
    assert answer.status_code == 404
    engine = create_engine(get_settings().database_url)
    try:
        async with create_sessionmaker(engine)() as fresh:
            starts = list(await fresh.scalars(select(LookupFailure.window_start)))
    finally:
        await engine.dispose()
    assert starts and all(start > long_ago for start in starts)
