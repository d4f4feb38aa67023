"""Door check-in over HTTP: answers, nonce replay, undo, manual and self check-in, roles,
the live view and the export, and simultaneous scans (on PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.models import CheckIn, CheckInScan, Event, User
from tests import factories
from tests.conftest import ClientFactory
from tests.support import job_file, need, postgres_url

API = "/api/v1"


def scan_body(token: str, **extra: Any) -> dict[str, Any]:
    return {
        "token": token,
        "scanned_at": utcnow().isoformat(),
        "nonce": uuid.uuid4().hex,
        "gate": "A",
        "device": "door-phone-1",
        **extra,
    }


async def usual_scan_time(door: httpx.AsyncClient, scans: str, token: str) -> float:
    """The median of ten scans of one badge on a quiet server, after one to warm up."""
    assert (await door.post(scans, json=scan_body(token))).status_code == 200
    times: list[float] = []
    for _ in range(10):
        began = time.perf_counter()
        await door.post(scans, json=scan_body(token))
        times.append(time.perf_counter() - began)
    return sorted(times)[len(times) // 2]


async def scan_times_until(
    work: asyncio.Future[Any], door: httpx.AsyncClient, scans: str, token: str
) -> list[float]:
    """Scans of one badge, one after another, until `work` is done: how long each took."""
    waits: list[float] = []
    while not work.done():
        began = time.perf_counter()
        answer = await door.post(scans, json=scan_body(token))
        waits.append(time.perf_counter() - began)
        assert answer.status_code == 200, answer.text
        await asyncio.sleep(0.01)
    return waits


async def person(db: AsyncSession, attendee: Any) -> User:
    """The attendee's account; the read is committed so SQLite's write lock is not held."""
    user = await db.get(User, attendee.user_id)
    await db.commit()
    assert user is not None
    return user


async def door(db: AsyncSession, make_client: ClientFactory) -> tuple[Event, httpx.AsyncClient]:
    event = await factories.event(db)
    staff = await factories.staff(db, event=event)
    return event, await make_client(staff)


async def test_staff_scan_answers_ok_then_already_checked_in(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, client = await door(db, make_client)
    _, badge = await factories.attendee(db, event=event, name="Ada Lovelace", company="Engines")
    url = f"{API}/events/{event.id}/check-in/scans"
    first = await client.post(url, json=scan_body(f"http://127.0.0.1:8000/b/{badge.token}"))
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "ok"
    assert first.json()["attendee"]["name"] == "Ada Lovelace"
    second = await client.post(url, json=scan_body(badge.token, gate="B"))
    body = second.json()
    assert body["outcome"] == "already_checked_in" and body["check_in"]["gate"] == "A"
    assert body["check_in"]["id"] == first.json()["check_in"]["id"]


async def test_retried_request_with_same_nonce_gets_the_first_answer(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, client = await door(db, make_client)
    _, badge = await factories.attendee(db, event=event)
    body = scan_body(badge.token)
    url = f"{API}/events/{event.id}/check-in/scans"
    first = (await client.post(url, json=body)).json()
    again = (await client.post(url, json=body)).json()
    assert again["replayed"] is True
    assert {**again, "replayed": False} == first
    assert await db.scalar(select(func.count()).select_from(CheckInScan)) == 1


async def test_malformed_scan_is_422(db: AsyncSession, make_client: ClientFactory) -> None:
    event, client = await door(db, make_client)
    body = scan_body("x", scanned_at="2026-11-22T10:00:00")  # no offset: refused
    response = await client.post(f"{API}/events/{event.id}/check-in/scans", json=body)
    assert response.status_code == 422


async def test_attendee_cannot_check_anyone_in(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db)
    me, _ = await factories.attendee(db, event=event)
    other, other_badge = await factories.attendee(db, event=event)
    client = await make_client(await person(db, me))
    base = f"{API}/events/{event.id}"
    scanned = await client.post(f"{base}/check-in/scans", json=scan_body(other_badge.token))
    assert scanned.status_code == 403
    manual = await client.post(
        f"{base}/check-in/manual", json={**scan_body(""), "attendee_id": str(other.id)}
    )
    assert manual.status_code == 403
    assert await db.scalar(select(func.count()).select_from(CheckInScan)) == 0


async def test_staff_of_one_event_cannot_touch_another(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event_a, client_a = await door(db, make_client)
    event_b, client_b = await door(db, make_client)
    _, badge_b = await factories.attendee(db, event=event_b)
    done = await client_b.post(
        f"{API}/events/{event_b.id}/check-in/scans", json=scan_body(badge_b.token)
    )
    check_in_id = done.json()["check_in"]["id"]
    for method, path, body in [
        ("POST", f"/events/{event_b.id}/check-in/scans", scan_body(badge_b.token)),
        ("POST", f"/events/{event_b.id}/check-ins/{check_in_id}/undo", {}),
        ("GET", f"/events/{event_b.id}/check-in/stats", None),
    ]:
        response = await client_a.request(method, API + path, json=body)
        assert response.status_code == 404, (path, response.text)
    # nor through its own event's URL
    undo = await client_a.post(f"{API}/events/{event_a.id}/check-ins/{check_in_id}/undo", json={})
    assert undo.status_code == 404
    # scanning B's badge at A's door is just "wrong event"
    wrong = await client_a.post(
        f"{API}/events/{event_a.id}/check-in/scans", json=scan_body(badge_b.token)
    )
    assert wrong.json()["outcome"] == "wrong_event" and wrong.json()["attendee"] is None


async def test_undo_then_check_in_again(db: AsyncSession, make_client: ClientFactory) -> None:
    event, client = await door(db, make_client)
    _, badge = await factories.attendee(db, event=event)
    base = f"{API}/events/{event.id}"
    first = (await client.post(f"{base}/check-in/scans", json=scan_body(badge.token))).json()
    undo = await client.post(
        f"{base}/check-ins/{first['check_in']['id']}/undo", json={"reason": "scanned by mistake"}
    )
    assert undo.status_code == 200 and undo.json()["undone_at"] is not None
    again = (await client.post(f"{base}/check-in/scans", json=scan_body(badge.token))).json()
    assert again["outcome"] == "ok"
    listed = (await client.get(f"{base}/check-ins", params={"include_undone": True})).json()
    assert listed["total"] == 2
    assert (await client.get(f"{base}/check-ins")).json()["total"] == 1


async def test_manual_check_in_after_finding_by_name(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, client = await door(db, make_client)
    await factories.attendee(db, event=event, name="Zoë Ångström")
    base = f"{API}/events/{event.id}"
    found = (await client.get(f"{base}/check-in/attendees", params={"q": "zoe"})).json()
    assert [f["attendee"]["name"] for f in found] == ["Zoë Ångström"]
    assert found[0]["check_in"] is None
    body = {**scan_body(""), "attendee_id": found[0]["attendee"]["id"]}
    del body["token"]
    answer = (await client.post(f"{base}/check-in/manual", json=body)).json()
    assert answer["outcome"] == "ok" and answer["method"] == "manual"
    found = (await client.get(f"{base}/check-in/attendees", params={"q": "zoe"})).json()
    assert found[0]["check_in"]["method"] == "manual"


async def test_self_check_in_with_the_door_poster(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    me, _ = await factories.attendee(db, event=event)
    boss = await make_client(organizer)
    attendee = await make_client(await person(db, me))
    base = f"{API}/events/{event.id}/check-in"
    assert (await boss.get(f"{base}/poster.svg")).status_code == 400  # not on yet
    settings = (await boss.patch(f"{base}/settings", json={"self_check_in_enabled": True})).json()
    poster = settings["poster_url"]
    assert poster and "/door/" in poster
    svg = await boss.get(f"{base}/poster.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    pdf = await boss.get(f"{base}/poster.pdf")
    assert pdf.content.startswith(b"%PDF")
    body = scan_body(poster)
    del body["gate"]
    answer = await attendee.post(f"{API}/self-check-in", json=body)
    assert answer.status_code == 200 and answer.json()["outcome"] == "ok"
    assert answer.json()["method"] == "self"
    rotated = (await boss.post(f"{base}/poster/rotate")).json()["poster_url"]
    assert rotated != poster
    stale = await attendee.post(f"{API}/self-check-in", json={**body, "nonce": uuid.uuid4().hex})
    assert stale.status_code == 404 and stale.json()["error"] == "poster_not_found"


async def test_live_view_chart_and_export(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    _, badge = await factories.attendee(db, event=event, name="=cmd|' /C calc'!A0")
    await factories.attendee(db, event=event)
    client = await make_client(organizer)
    base = f"{API}/events/{event.id}"
    await client.post(f"{base}/check-in/scans", json=scan_body(badge.token))
    await client.post(f"{base}/check-in/scans", json=scan_body("garbage"))
    stats = (await client.get(f"{base}/check-in/stats")).json()
    assert (stats["checked_in"], stats["registered"]) == (1, 2)
    assert stats["failed_by_reason"] == {"invalid": 1}
    assert stats["arrivals"][-1]["arrivals"] == 1
    chart = await client.get(f"{base}/check-in/arrivals.svg")
    assert chart.headers["content-type"] == "image/svg+xml" and b"<rect" in chart.content
    export = await job_file(app, client, await client.post(f"{base}/check-ins.csv"))
    assert export.headers["content-type"].startswith("text/csv")
    assert export.headers["content-disposition"] == 'attachment; filename="check-ins.csv"'
    assert export.content.startswith(b"\xef\xbb\xbf") and b"\r\n'=cmd|" in export.content


async def _concurrent_scans(
    db: AsyncSession, make_client: ClientFactory, event: Event, tokens: list[str]
) -> Counter[str]:
    staff = await factories.staff(db, event=event)
    client = await make_client(staff)
    url = f"{API}/events/{event.id}/check-in/scans"
    responses = await asyncio.gather(*(client.post(url, json=scan_body(t)) for t in tokens))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses][:3]
    return Counter(r.json()["outcome"] for r in responses)


@pytest.mark.postgres
async def test_twenty_simultaneous_scans_of_one_badge_make_one_check_in(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    need((postgres_url() or "").startswith("postgresql"), "needs PostgreSQL")
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    outcomes = await _concurrent_scans(db, make_client, event, [badge.token] * 20)
    assert outcomes == Counter({"ok": 1, "already_checked_in": 19})
    assert await db.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert await db.scalar(select(func.count()).select_from(CheckInScan)) == 20


@pytest.mark.postgres
async def test_two_hundred_simultaneous_scans_of_different_badges_all_check_in(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    need((postgres_url() or "").startswith("postgresql"), "needs PostgreSQL")
    event = await factories.event(db)
    tokens = [(await factories.attendee(db, event=event))[1].token for _ in range(200)]
    outcomes = await _concurrent_scans(db, make_client, event, tokens)
    assert outcomes == Counter({"ok": 200})
    assert await db.scalar(select(func.count()).select_from(CheckIn)) == 200


async def test_simultaneous_scans_also_make_one_check_in_on_sqlite_or_postgres(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    outcomes = await _concurrent_scans(db, make_client, event, [badge.token] * 8)
    assert outcomes == Counter({"ok": 1, "already_checked_in": 7})


async def test_live_view_stream_sends_the_figures_as_server_sent_events(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, client = await door(db, make_client)
    _, badge = await factories.attendee(db, event=event)
    await client.post(f"{API}/events/{event.id}/check-in/scans", json=scan_body(badge.token))
    response = await client.get(
        f"{API}/events/{event.id}/check-in/stats/stream", params={"max_seconds": 1}
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    event_line, data_line = response.text.split("\n")[:2]
    assert event_line == "event: stats"
    stats = json.loads(data_line.removeprefix("data: "))
    assert (stats["checked_in"], stats["registered"]) == (1, 1)
