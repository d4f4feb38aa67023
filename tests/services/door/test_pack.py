"""The door pack: hashes of badge tokens (never the tokens), compact rows, and updates since a
version that leave a phone judging every badge exactly as a fresh full pack would."""

from __future__ import annotations

import asyncio
import gzip
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.sync import OfflineScanIn
from services.db import utcnow
from services.door import checkin, offline, pack, records
from services.events import attendees, badges
from services.models import Event
from tests import factories

Pack = dict[str, Any]


async def _pack(db: AsyncSession, event: Event, since: datetime | None = None) -> Pack:
    built = await pack.build_pack(db, event=event, since=since)
    return json.loads(gzip.decompress(built.gzip))


def _merged(held: Pack, update: Pack) -> Pack:
    """What the phone does with an update: the changed attendees replace their rows."""
    assert update["full"] is False and update["columns"] == held["columns"]
    rows = {row[0]: row for row in held["attendees"]}
    rows.update({row[0]: row for row in update["attendees"]})
    merged = {**update, "full": True, "attendees": sorted(rows.values())}
    assert len(rows) == update["attendee_count"]
    assert sum(len(r[6]) + len(r[7]) for r in rows.values()) == update["badge_count"]
    return merged


def _verdict(held: Pack, token: str, at: datetime) -> tuple[str, str | None, int | None]:
    """The phone's judgement of a badge (docs/offline.md, "What the phone answers offline")."""
    digest = pack.hash_token(held["hash"]["key"], token)
    for row in held["attendees"]:
        if digest in row[7]:
            return "revoked", row[0], None
        if digest in row[6]:
            window = held["window"]
            opens, closes = (datetime.fromisoformat(window[k]) for k in ("opens_at", "closes_at"))
            if not opens <= at <= closes:
                return "not_open", row[0], None
            if row[4] is not None:
                return "already_checked_in", row[0], row[4]
            return "ok", row[0], None
    return "invalid", None, None


async def test_pack_holds_short_hashes_of_tokens_never_the_tokens(db: AsyncSession) -> None:
    event = await factories.event(db)
    attendee, badge = await factories.attendee(db, event=event, name="Zoë Adeyemi")
    old_token = badge.token
    new_badge, _ = await badges.reissue_badge(db, attendee=attendee)
    late_comer, late_badge = await factories.attendee(db, event=event, name="Amir Khan")
    await checkin.scan_badge(
        db, event=event, token=late_badge.token, scanned_at=utcnow(), nonce="pack-test-1", gate="B"
    )
    await db.commit()

    built = await pack.build_pack(db, event=event)
    raw = gzip.decompress(built.gzip).decode()
    for token in (old_token, new_badge.token, late_badge.token):
        assert token not in raw
    held = json.loads(raw)
    assert held["format"] == 2 and held["full"] and len(held["hash"]["key"]) == 64
    rows = {row[0]: dict(zip(held["columns"], row, strict=True)) for row in held["attendees"]}
    zoe, amir = rows[str(attendee.id)], rows[str(late_comer.id)]
    key = held["hash"]["key"]
    assert zoe["badges"] == [pack.hash_token(key, new_badge.token)]
    assert zoe["revoked"] == [pack.hash_token(key, old_token)] and len(zoe["revoked"][0]) == 32
    assert (zoe["name"], zoe["checked_in_at"], zoe["gate"]) == ("Zoë Adeyemi", None, None)
    assert amir["checked_in_at"] is not None and amir["gate"] == "B"
    assert datetime.fromisoformat(held["window"]["opens_at"]) < event.starts_at
    assert (held["attendee_count"], held["badge_count"]) == (2, 3)
    other_event = await factories.event(db)
    assert pack.pack_key(other_event.id) != key


async def test_an_update_gives_the_same_verdicts_as_a_full_pack(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pack, "OVERLAP", timedelta(0))  # see exactly what the update holds
    event = await factories.event(db)
    staff = await factories.staff(db, event=event)
    people = [await factories.attendee(db, event=event) for _ in range(8)]
    tokens = [badge.token for _, badge in people]
    start = utcnow() - timedelta(minutes=30)
    undone = await checkin.scan_badge(
        db, event=event, token=tokens[0], scanned_at=start, nonce="n0", gate="A"
    )
    await checkin.scan_badge(db, event=event, token=tokens[1], scanned_at=start, nonce="n1")
    await db.commit()
    held = await _pack(db, event)
    version = datetime.fromisoformat(held["version"])

    # After the phone's pack: a check-in undone, new check-ins, a lost badge, a newcomer, a
    # renamed attendee, and an offline upload that moves a check-in earlier.
    assert undone.check_in is not None
    await records.undo_check_in(db, event=event, check_in_id=undone.check_in.id, by_user=staff)
    await checkin.scan_badge(db, event=event, token=tokens[2], scanned_at=utcnow(), nonce="n2")
    lost = tokens[3]
    replacement, _ = await badges.reissue_badge(db, attendee=people[3][0])
    newcomer, new_badge = await factories.attendee(db, event=event, name="Late Registrant")
    csv = f"name,email,company\nRenamed Person,{people[4][0].email},New Co\n".encode()
    await attendees.import_attendees(db, event=event, data=csv)
    moved = OfflineScanIn(
        token=tokens[1],
        scanned_at=start - timedelta(minutes=5),
        nonce=uuid.uuid4().hex,
        gate="B",
        local_outcome="ok",
    )
    await offline.apply_offline_scans(db, event=event, by_user=staff, device="p2", scans=[moved])
    await db.commit()

    update = await _pack(db, event, since=version)
    changed = {str(people[i][0].id) for i in (0, 1, 2, 3, 4)} | {str(newcomer.id)}
    assert {row[0] for row in update["attendees"]} == changed
    merged, fresh = _merged(held, update), await _pack(db, event)
    assert merged["attendees"] == sorted(fresh["attendees"])
    now = utcnow()
    every = [*tokens, replacement.token, new_badge.token, "not-a-badge", lost]
    for token in every:
        assert _verdict(merged, token, now) == _verdict(fresh, token, now), token
    assert [_verdict(merged, t, now)[0] for t in every] == [
        "ok",  # undone: may come in again
        "already_checked_in",
        "already_checked_in",
        "revoked",
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        "invalid",
        "revoked",
    ]
    moved_row = next(r for r in merged["attendees"] if r[0] == str(people[1][0].id))
    assert moved_row[4] == int(moved.scanned_at.timestamp()) and moved_row[5] == "B"
    late = datetime.now(UTC) + timedelta(days=400)
    assert _verdict(merged, tokens[5], late)[0] == "not_open"


async def test_phones_fetching_at_once_share_one_build(db: AsyncSession) -> None:
    event = await factories.event(db)
    for _ in range(3):
        await factories.attendee(db, event=event)
    first = await pack.offline_pack(db, event=event)
    again = await pack.offline_pack(db, event=event)
    assert again is first  # kept: CACHE_SECONDS
    pack.forget_cached(event.id)
    assert (await pack.offline_pack(db, event=event)) is not first


async def test_a_phone_waiting_for_a_build_gives_its_connection_back(
    db: AsyncSession, app: FastAPI
) -> None:
    event = await factories.event(db)
    for _ in range(3):
        await factories.attendee(db, event=event)
    released: list[bool] = []

    async def release() -> None:
        released.append(True)

    async with app.state.sessionmaker() as other:
        building = asyncio.create_task(pack.offline_pack(db, event=event))
        await asyncio.sleep(0)  # the first request holds the lock and builds
        waiting = pack.offline_pack(other, event=event, release=release)
        first, second = await asyncio.gather(building, waiting)
    assert second is first and released == [True]
