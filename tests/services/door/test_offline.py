"""The door offline: uploads in scan-time order, the earliest scan wins, late uploads marked,
and one badge let in by two phones reported (the pack itself: test_pack.py)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.sync import OfflineScanIn
from services.db import utcnow
from services.door import offline
from services.models import CheckIn, DoorOfflineScan, Event, User
from tests import factories


def scan(token: str, at: datetime, *, outcome: str = "ok", gate: str = "A") -> OfflineScanIn:
    return OfflineScanIn(
        token=token, scanned_at=at, nonce=uuid.uuid4().hex, gate=gate, local_outcome=outcome
    )


async def upload(db: AsyncSession, event: Event, by: User, device: str, scans: list[OfflineScanIn]):
    out = await offline.apply_offline_scans(db, event=event, by_user=by, device=device, scans=scans)
    await db.commit()
    return out


@pytest.mark.parametrize("a_first", [True, False], ids=["a-then-b", "b-then-a"])
async def test_two_phones_one_badge_on_both_make_one_check_in_and_one_conflict(
    db: AsyncSession, a_first: bool
) -> None:
    event = await factories.event(db)
    phone_a, phone_b = (
        await factories.staff(db, event=event),
        await factories.staff(db, event=event),
    )
    tokens = [(await factories.attendee(db, event=event))[1].token for _ in range(20)]
    start = utcnow() - timedelta(minutes=30)
    a_scans = [scan(t, start + timedelta(seconds=10 * i)) for i, t in enumerate(tokens[:11])]
    # Phone B let badge 10 in too, one minute before phone A did.
    b_scans = [scan(tokens[10], a_scans[10].scanned_at - timedelta(minutes=1), gate="B")] + [
        scan(t, start + timedelta(seconds=10 * i), gate="B") for i, t in enumerate(tokens[11:])
    ]
    uploads = [("phone-a", phone_a, a_scans), ("phone-b", phone_b, b_scans)]
    outs = [
        await upload(db, event, by, device, s)
        for device, by, s in (uploads if a_first else uploads[::-1])
    ]

    assert await db.scalar(select(func.count()).select_from(CheckIn)) == 20
    statuses = [item.status for out in outs for item in out.results]
    assert statuses.count("conflict") == 1 and statuses.count("applied") == 20
    report = await offline.door_conflicts(db, event=event)
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert {(s.device, s.gate) for s in conflict.scans} == {("phone-a", "A"), ("phone-b", "B")}
    assert conflict.scans[0].scanned_at == b_scans[0].scanned_at  # earliest first
    check_in = await db.scalar(
        select(CheckIn)
        .where(CheckIn.attendee_id == conflict.attendee.id)
        .execution_options(populate_existing=True)
    )
    assert check_in is not None
    assert (check_in.checked_in_at, check_in.gate) == (b_scans[0].scanned_at, "B")  # earliest wins
    assert report.offline_scans == 21


async def test_scans_are_applied_in_scan_time_order(db: AsyncSession) -> None:
    event = await factories.event(db)
    door = await factories.staff(db, event=event)
    _, badge = await factories.attendee(db, event=event)
    at = utcnow() - timedelta(minutes=10)
    later, earlier = scan(badge.token, at), scan(badge.token, at - timedelta(minutes=5))
    later.local_outcome = "already_checked_in"
    out = await upload(db, event, door, "phone", [later, earlier])
    assert [i.result.answer.outcome for i in out.results if i.result] == [
        "ok",
        "already_checked_in",
    ]
    assert out.results[0].nonce == earlier.nonce


async def test_late_upload_is_marked_in_its_scan_record(db: AsyncSession) -> None:
    event = await factories.event(db)
    door = await factories.staff(db, event=event)
    tokens = [(await factories.attendee(db, event=event))[1].token for _ in range(2)]
    out = await upload(
        db,
        event,
        door,
        "phone",
        [
            scan(tokens[0], utcnow() - timedelta(minutes=10)),
            scan(tokens[1], utcnow() - timedelta(seconds=30)),
        ],
    )
    assert [i.result.late for i in out.results if i.result] == [True, False]
    records = (await db.scalars(select(DoorOfflineScan).order_by(DoorOfflineScan.scanned_at))).all()
    assert [r.late for r in records] == [True, False]
    assert (await offline.door_conflicts(db, event=event)).late_uploads == 1


async def test_same_phone_scanning_a_badge_twice_is_no_conflict(db: AsyncSession) -> None:
    event = await factories.event(db)
    door = await factories.staff(db, event=event)
    _, badge = await factories.attendee(db, event=event)
    at = utcnow() - timedelta(minutes=5)
    out = await upload(
        db,
        event,
        door,
        "phone",
        [scan(badge.token, at), scan(badge.token, at + timedelta(seconds=5))],
    )
    assert [i.status for i in out.results] == ["applied", "applied"]
    assert (await offline.door_conflicts(db, event=event)).conflicts == []


async def test_phone_that_said_already_in_is_no_conflict(db: AsyncSession) -> None:
    event = await factories.event(db)
    door = await factories.staff(db, event=event)
    _, badge = await factories.attendee(db, event=event)
    at = utcnow() - timedelta(minutes=5)
    await upload(db, event, door, "phone-a", [scan(badge.token, at)])
    out = await upload(
        db,
        event,
        door,
        "phone-b",
        [scan(badge.token, at + timedelta(seconds=9), outcome="already_checked_in")],
    )
    assert out.results[0].status == "applied"
    assert (await offline.door_conflicts(db, event=event)).conflicts == []


async def test_resent_upload_answers_the_same_and_records_nothing_new(db: AsyncSession) -> None:
    event = await factories.event(db)
    phone_a, phone_b = (
        await factories.staff(db, event=event),
        await factories.staff(db, event=event),
    )
    _, badge = await factories.attendee(db, event=event)
    at = utcnow() - timedelta(minutes=5)
    await upload(db, event, phone_a, "phone-a", [scan(badge.token, at)])
    batch = [scan(badge.token, at - timedelta(seconds=30), gate="B")]
    first = await upload(db, event, phone_b, "phone-b", batch)
    again = await upload(db, event, phone_b, "phone-b", batch)
    assert first.results[0].status == "conflict" and again.results[0].status == "duplicate"
    assert again.results[0].result is not None and first.results[0].result is not None
    assert again.results[0].result.conflict_id == first.results[0].result.conflict_id
    assert again.results[0].result.moved_earlier is True
    assert len((await offline.door_conflicts(db, event=event)).conflicts) == 1


async def test_someone_found_by_name_offline_is_checked_in(db: AsyncSession) -> None:
    event = await factories.event(db)
    door = await factories.staff(db, event=event)
    attendee, _ = await factories.attendee(db, event=event)
    by_name = OfflineScanIn(
        attendee_id=attendee.id, scanned_at=utcnow(), nonce=uuid.uuid4().hex, local_outcome="ok"
    )
    stranger = OfflineScanIn(
        attendee_id=uuid.uuid4(), scanned_at=utcnow(), nonce=uuid.uuid4().hex, local_outcome="ok"
    )
    out = await upload(db, event, door, "phone", [by_name, stranger])
    assert {(i.status, i.code) for i in out.results} == {
        ("applied", None),
        ("rejected", "attendee_not_found"),
    }
    assert await db.scalar(select(func.count()).select_from(CheckIn)) == 1
