"""The database itself refuses a double booking: a second person-slot row for one person and
one start, or a second place-slot row for one seat of one place at one start, is refused
whatever the code before it checked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import (
    Meeting,
    MeetingPersonSlot,
    MeetingPlace,
    MeetingPlaceSlot,
    MeetingRequest,
)
from tests import factories

AT = datetime(2030, 6, 10, 7, 0, tzinfo=UTC)


async def _meetings(db: AsyncSession, count: int) -> tuple[list[Meeting], MeetingPlace, object]:
    event = await factories.event(db)
    place = MeetingPlace(event_id=event.id, name="Table 4", capacity=1)
    db.add(place)
    made = []
    for _ in range(count):
        a, b = await factories.user(db), await factories.user(db)
        request = MeetingRequest(
            event_id=event.id, requester_id=a.id, invitee_id=b.id, awaiting_id=b.id,
            slots=[AT.isoformat()], expires_at=AT,
        )  # fmt: skip
        db.add(request)
        await db.flush()
        meeting = Meeting(
            event_id=event.id, request_id=request.id, requester_id=a.id, invitee_id=b.id,
            starts_at=AT, ends_at=AT,
        )  # fmt: skip
        db.add(meeting)
        await db.flush()
        made.append(meeting)
    await db.commit()
    return made, place, event.id


async def test_a_person_cannot_hold_two_rows_for_one_slot(db: AsyncSession) -> None:
    (first, second), _, event_id = await _meetings(db, 2)
    person = first.requester_id
    db.add(MeetingPersonSlot(meeting_id=first.id, event_id=event_id, user_id=person, starts_at=AT))
    await db.commit()
    db.add(MeetingPersonSlot(meeting_id=second.id, event_id=event_id, user_id=person, starts_at=AT))
    with pytest.raises(IntegrityError):
        await db.commit()
    await db.rollback()


async def test_a_seat_of_a_place_cannot_be_taken_twice_at_one_slot(db: AsyncSession) -> None:
    (first, second), place, event_id = await _meetings(db, 2)
    for meeting in (first, second):
        db.add(
            MeetingPlaceSlot(
                id=uuid.uuid4(),
                meeting_id=meeting.id,
                event_id=event_id,
                place_id=place.id,
                starts_at=AT,
                seat=0,
            )
        )
    with pytest.raises(IntegrityError):
        await db.commit()
    await db.rollback()
