"""The sync and offline door API as the PWA's outbox and the staff phones use it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.sync import MAX_BATCH
from services.db import utcnow
from services.events import badges
from tests import factories
from tests.conftest import ClientFactory
from tests.services.sync.test_batch import row_counts

SYNC = "/api/v1/sync"


def op(type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": type_, "payload": payload}


async def post_batch(
    client: httpx.AsyncClient, ops: list[dict[str, Any]], device: str = "phone"
) -> dict[str, Any]:
    response = await client.post(SYNC, json={"device": device, "operations": ops})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_same_batch_posted_twice_duplicates_nothing(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    event = await factories.event(db)
    person = await factories.user(db, name="Badge Person")
    await factories.card(db, person=person, company="Recyclo")
    _, badge = await factories.attendee(db, event=event, person=person)
    client = await make_client(me)
    contact_id, placeholder, note_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = [
        op("contact.create", {"id": str(contact_id), "name": "Typed In", "company": "Acme"}),
        op(
            "note.create",
            {
                "id": str(note_id),
                "contact_id": str(contact_id),
                "text": "talked about battery recycling",
                "topics": ["batteries", "lyon"],
                "personal_details": [{"kind": "trip", "text": "Lyon in May"}],
                "promises": [{"text": "send the paper", "due_on": "2030-01-10"}],
            },
        ),
        op(
            "exchange.scan",
            {"contact_id": str(placeholder), "badge": badges.badge_url(badge.token)},
        ),
        op("note.create", {"id": str(uuid.uuid4()), "contact_id": str(placeholder), "text": "hi"}),
        op(
            "note.update",
            {
                "note_id": str(note_id),
                "base_version": 1,
                "next_step": "call",
                "edited_at": utcnow().isoformat(),
            },
        ),
        op("contact.create", {"id": str(uuid.uuid4()), "qr": "https://www.linkedin.com/in/ada-l"}),
    ]
    first = await post_batch(client, batch)
    assert [r["status"] for r in first["results"]] == ["applied"] * 6, first
    before = await row_counts(db)

    second = await post_batch(client, batch)

    assert await row_counts(db) == before
    assert second["results"] == first["results"]
    assert (first["replayed"], second["replayed"]) == (0, 6)
    assert second["counts"] == {"applied": 6}
    contact = await client.get(f"/api/v1/contacts/{placeholder}")
    assert contact.json()["company"] == "Recyclo"


async def test_note_operations_carry_a_promise_link_as_they_carry_its_text(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    client = await make_client(me)
    note_id, promise_id = uuid.uuid4(), uuid.uuid4()
    slides = {"id": str(promise_id), "text": "Send the slides", "link": "example.org/slides"}
    created = await post_batch(
        client,
        [
            op(
                "note.create",
                {"id": str(note_id), "contact_id": str(contact.id), "promises": [slides]},
            ),
            op(
                "note.update",
                {
                    "note_id": str(note_id),
                    "base_version": 1,
                    "edited_at": utcnow().isoformat(),
                    "promises": [
                        {**slides, "link": "https://example.org/slides-v2"},
                        {"text": "Intro to Jonas"},
                    ],
                },
            ),
            op(
                "note.update",
                {
                    "note_id": str(note_id),
                    "base_version": 2,
                    "edited_at": utcnow().isoformat(),
                    "promises": [{**slides, "link": "javascript:alert(1)"}],
                },
            ),
        ],
    )

    made, updated, refused = created["results"]
    assert made["status"] == "applied"
    assert made["result"]["note"]["promises"][0]["link"] == "https://example.org/slides"
    assert updated["status"] == "applied"
    assert [(p["text"], p["link"]) for p in updated["result"]["note"]["promises"]] == [
        ("Send the slides", "https://example.org/slides-v2"),
        ("Intro to Jonas", None),
    ]
    assert (refused["status"], refused["code"]) == ("rejected", "bad_url")
    assert [f["field"] for f in refused["fields"]] == ["promises.0.link"]
    note = (await client.get(f"/api/v1/notes/{note_id}")).json()
    assert note["promises"][0]["link"] == "https://example.org/slides-v2"


async def test_mixed_batch_answers_each_operation(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    event = await factories.event(db)
    _, mine = await factories.attendee(db, event=event, person=me)
    client = await make_client(me)
    good = uuid.uuid4()
    body = await post_batch(
        client,
        [
            op("contact.create", {"id": str(good), "name": "Good One"}),
            op("exchange.scan", {"contact_id": str(uuid.uuid4()), "badge": mine.token}),
            op("exchange.scan", {"contact_id": str(uuid.uuid4()), "badge": "unknown-token"}),
            op("note.update", {"note_id": str(uuid.uuid4()), "base_version": 1}),
            op(
                "door.scan",
                {
                    "event_id": str(event.id),
                    "token": mine.token,
                    "nonce": "n" * 10,
                    "scanned_at": utcnow().isoformat(),
                    "device": "p",
                    "local_outcome": "ok",
                },
            ),
            op("note.create", {"id": str(uuid.uuid4()), "contact_id": str(good), "text": "fine"}),
        ],
    )
    answers = [(r["status"], r["code"]) for r in body["results"]]
    assert answers == [
        ("applied", None),
        ("rejected", "own_badge"),
        ("rejected", "badge_unknown"),
        ("rejected", "invalid_payload"),  # edited_at is required
        ("rejected", "staff_only"),
        ("applied", None),
    ]
    assert body["counts"] == {"applied": 2, "rejected": 4}
    for result in body["results"][1:5]:
        assert result["detail"]
    notes = await client.get(f"/api/v1/contacts/{good}/notes")
    assert [n["text"] for n in notes.json()] == ["fine"]


@pytest.mark.parametrize("a_first", [True, False], ids=["a-then-b", "b-then-a"])
async def test_two_offline_phones_twenty_badges_one_on_both(
    db: AsyncSession, make_client: ClientFactory, a_first: bool
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    staff_a, staff_b = (
        await factories.staff(db, event=event),
        await factories.staff(db, event=event),
    )
    tokens = [(await factories.attendee(db, event=event))[1].token for _ in range(20)]
    phone_a, phone_b = await make_client(staff_a), await make_client(staff_b)
    for phone in (phone_a, phone_b):
        got = await phone.get(f"/api/v1/events/{event.id}/door/offline-pack")
        assert got.headers["content-encoding"] == "gzip"  # httpx unpacks it
        pack = got.json()
        assert len(pack["attendees"]) == 20 and all(t not in got.text for t in tokens)
        since = {"since": pack["version"]}
        update = await phone.get(f"/api/v1/events/{event.id}/door/offline-pack", params=since)
        assert update.json()["full"] is False and update.json()["attendee_count"] == 20
    start = utcnow() - timedelta(minutes=20)

    def door_scan(token: str, seconds: int, device: str, gate: str) -> dict[str, Any]:
        at = (start + timedelta(seconds=seconds)).isoformat()
        return op(
            "door.scan",
            {
                "event_id": str(event.id),
                "token": token,
                "scanned_at": at,
                "nonce": uuid.uuid4().hex,
                "gate": gate,
                "device": device,
                "local_outcome": "ok",
            },
        )

    batch_a = [door_scan(t, 10 * i, "phone-a", "A") for i, t in enumerate(tokens[:11])]
    batch_b = [door_scan(t, 10 * i + 5, "phone-b", "B") for i, t in enumerate(tokens[10:])]
    uploads = [(phone_a, batch_a, "phone-a"), (phone_b, batch_b, "phone-b")]
    counts: dict[str, int] = {}
    for client, batch, device in uploads if a_first else uploads[::-1]:
        for status, n in (await post_batch(client, batch, device))["counts"].items():
            counts[status] = counts.get(status, 0) + n

    assert counts == {"applied": 20, "conflict": 1}
    live_view = await make_client(organizer)
    stats = (await live_view.get(f"/api/v1/events/{event.id}/check-in/stats")).json()
    assert stats["checked_in"] == 20
    report = (await live_view.get(f"/api/v1/events/{event.id}/door/conflicts")).json()
    assert len(report["conflicts"]) == 1
    scans = report["conflicts"][0]["scans"]
    assert [(s["device"], s["gate"], s["offline"]) for s in scans] == [
        ("phone-b", "B", True),  # 5 s after start: the earlier of the two
        ("phone-a", "A", True),  # 100 s after start
    ]
    assert report["offline_scans"] == 21
    check_ins = (
        await live_view.get(f"/api/v1/events/{event.id}/check-ins", params={"limit": 50})
    ).json()
    badge_10 = [
        c
        for c in check_ins["items"]
        if c["attendee"]["id"] == report["conflicts"][0]["attendee"]["id"]
    ]
    assert badge_10[0]["gate"] == "B"  # the earliest scan is the check-in, whatever came first


async def test_dedicated_offline_scan_upload(db: AsyncSession, make_client: ClientFactory) -> None:
    event = await factories.event(db)
    door = await factories.staff(db, event=event)
    _, badge = await factories.attendee(db, event=event)
    client = await make_client(door)
    url = f"/api/v1/events/{event.id}/door/offline-scans"
    scanned_at = (utcnow() - timedelta(minutes=15)).isoformat()
    body = {
        "device": "phone-1",
        "scans": [
            {
                "token": badge.token,
                "scanned_at": scanned_at,
                "nonce": "nonce-0001",
                "gate": "A",
                "local_outcome": "ok",
            },
            {
                "token": "nobody",
                "scanned_at": scanned_at,
                "nonce": "nonce-0002",
                "local_outcome": "invalid",
            },
        ],
    }
    first = await client.post(url, json=body)
    again = await client.post(url, json=body)
    assert first.status_code == 200, first.text
    items = first.json()["results"]
    assert [(i["status"], i["result"]["answer"]["outcome"]) for i in items] == [
        ("applied", "ok"),
        ("applied", "invalid"),
    ]
    assert items[0]["result"]["late"] is True
    assert [i["status"] for i in again.json()["results"]] == ["duplicate", "duplicate"]
    too_many = {"device": "p", "scans": [body["scans"][1]] * (MAX_BATCH + 1)}
    refused = await client.post(url, json=too_many)
    assert (refused.status_code, refused.json()["error"]) == (400, "batch_too_large")


async def test_note_edited_on_three_devices_keeps_every_text(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(db, owner=me, contact_id=contact.id, text="original")
    parts.note.updated_at = utcnow() - timedelta(hours=1)
    await db.commit()
    client = await make_client(me)

    def edit(text: str, minutes_ago: int) -> dict[str, Any]:
        at = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
        return op(
            "note.update",
            {"note_id": str(parts.note.id), "base_version": 1, "text": text, "edited_at": at},
        )

    await post_batch(client, [edit("from the laptop", 30)], "laptop")
    second = await post_batch(client, [edit("from the phone, later", 10)], "phone")
    third = await post_batch(client, [edit("from the tablet, stale", 20)], "tablet")
    assert second["results"][0]["status"] == third["results"][0]["status"] == "conflict"

    notes = (await client.get(f"/api/v1/contacts/{contact.id}/notes")).json()
    current = next(n for n in notes if n["id"] == str(parts.note.id))
    assert current["text"] == "from the phone, later"
    copies = sorted(n["text"] for n in notes if n["id"] != str(parts.note.id))
    assert len(copies) == 2 and all(c.startswith("Conflict copy") for c in copies)
    assert copies[0].endswith("from the laptop") and copies[1].endswith("from the tablet, stale")
    listed = (await client.get(f"{SYNC}/conflicts")).json()
    assert {c["winner"] for c in listed} == {"incoming", "current"}
    assert {(c["contact_id"], c["contact_name"]) for c in listed} == {
        (str(contact.id), contact.name)
    }
    resolved = await client.post(f"{SYNC}/conflicts/{listed[0]['id']}/resolve")
    assert resolved.status_code == 200
    assert len((await client.get(f"{SYNC}/conflicts")).json()) == 1
    assert (
        len((await client.get(f"{SYNC}/conflicts", params={"include_resolved": True})).json()) == 2
    )


async def test_sync_touches_only_my_own_data(db: AsyncSession, make_client: ClientFactory) -> None:
    me, other = await factories.user(db), await factories.user(db)
    theirs = await factories.contact(db, owner=other)
    their_note = await factories.note(db, owner=other, contact_id=theirs.id, text="private")
    client = await make_client(me)
    body = await post_batch(
        client,
        [
            op("note.create", {"id": str(uuid.uuid4()), "contact_id": str(theirs.id), "text": "x"}),
            op(
                "note.update",
                {
                    "note_id": str(their_note.note.id),
                    "base_version": 1,
                    "text": "x",
                    "edited_at": utcnow().isoformat(),
                },
            ),
            op("note.create", {"id": str(their_note.note.id), "contact_id": str(theirs.id)}),
            op("contact.create", {"id": str(theirs.id), "name": "Taken"}),
        ],
    )
    assert [(r["status"], r["code"]) for r in body["results"]] == [
        ("rejected", "contact_not_found"),
        ("rejected", "note_not_found"),
        ("rejected", "id_taken"),
        ("rejected", "id_taken"),
    ]
    assert "private" not in str(body)


async def test_door_scans_only_for_staff_of_that_event(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, other_event = await factories.event(db), await factories.event(db)
    door = await factories.staff(db, event=event)
    _, badge = await factories.attendee(db, event=other_event)
    client = await make_client(door)
    scan = {
        "token": badge.token,
        "scanned_at": utcnow().isoformat(),
        "nonce": "nonce-9999",
        "device": "p",
        "local_outcome": "ok",
    }
    body = await post_batch(client, [op("door.scan", {**scan, "event_id": str(other_event.id)})])
    assert (body["results"][0]["status"], body["results"][0]["code"]) == (
        "rejected",
        "event_not_found",
    )
    pack = await client.get(f"/api/v1/events/{other_event.id}/door/offline-pack")
    assert pack.status_code == 404
    wrong = await post_batch(client, [op("door.scan", {**scan, "event_id": str(event.id)})])
    assert wrong["results"][0]["result"]["answer"]["outcome"] == "wrong_event"


async def test_batch_limits_and_types(make_client: ClientFactory, db: AsyncSession) -> None:
    client = await make_client(await factories.user(db))
    ops = [op("contact.create", {"id": str(uuid.uuid4()), "name": "A"})] * (MAX_BATCH + 1)
    refused = await client.post(SYNC, json={"operations": ops})
    assert (refused.status_code, refused.json()["error"]) == (400, "batch_too_large")
    malformed = await client.post(SYNC, json={"operations": [{"type": "contact.create"}]})
    assert malformed.status_code == 422
    types = (await client.get(f"{SYNC}/types")).json()
    assert {t["type"] for t in types} == {
        "contact.create",
        "door.scan",
        "exchange.scan",
        "followup.approve",
        "meeting.accept",
        "meeting.cancel",
        "meeting.decline",
        "followup.edit",
        "followup.skip",
        "followup.snooze",
        "note.create",
        "note.update",
        "promise.set_done",
    }
    assert all(t["payload_schema"]["properties"] for t in types)


async def test_same_batch_posted_twice_at_once_is_applied_once(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    """A phone that timed out and resent while the first request was still running."""
    me = await factories.user(db)
    client = await make_client(me)
    contact_id = uuid.uuid4()
    batch = [op("contact.create", {"id": str(contact_id), "name": "Once"})] + [
        op("note.create", {"id": str(uuid.uuid4()), "contact_id": str(contact_id), "text": f"{i}"})
        for i in range(20)
    ]
    first, second = await asyncio.gather(post_batch(client, batch), post_batch(client, batch))
    assert first["results"] == second["results"]
    # Each operation is applied by one request and answered from the log in the other (a
    # long batch commits in chunks, so the two may share the work out).
    assert first["replayed"] + second["replayed"] == 21
    counts = await row_counts(db)
    assert (counts["contacts"], counts["notes"], counts["sync_operations"]) == (1, 20, 21)
