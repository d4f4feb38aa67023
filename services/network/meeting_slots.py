"""Free slots and booking: which slots people are free in together, and booking a meeting so
that no person and no place is ever taken twice.

Booking does not check and then insert: it inserts the person rows and the place-seat row,
whose unique keys (services.models.meetings) refuse the second of two bookings racing for the
same person or seat, on SQLite and PostgreSQL alike. A refused insert is undone to its
savepoint and the place is chosen again; when nothing is left, the time was just taken.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import Conflict, FieldProblem
from services.models import (
    Meeting,
    MeetingPersonSlot,
    MeetingPlace,
    MeetingPlaceSlot,
    MeetingRequest,
)
from services.models import MeetingStatus as M
from services.network.meeting_settings import Setup

ATTEMPTS = 3  # places chosen again after a lost race, before the time counts as taken


class SlotTaken(Conflict):
    """The time was taken a moment ago; `free` holds the slots still free for both."""

    def __init__(self, detail: str, *, free: list[datetime]) -> None:
        super().__init__(
            detail,
            code="slot_taken",
            fields=[FieldProblem("free_slots", at.isoformat()) for at in free],
        )
        self.free = free


async def _busy(
    session: AsyncSession, *, user_ids: Iterable[uuid.UUID], since: datetime
) -> dict[uuid.UUID, list[datetime]]:
    """Each person's booked slot starts from `since` on, at any event."""
    rows = await session.execute(
        select(MeetingPersonSlot.user_id, MeetingPersonSlot.starts_at).where(
            MeetingPersonSlot.user_id.in_(list(user_ids)), MeetingPersonSlot.starts_at >= since
        )
    )
    busy: dict[uuid.UUID, list[datetime]] = {}
    for user_id, starts_at in rows:
        busy.setdefault(user_id, []).append(starts_at)
    return busy


async def _full_starts(session: AsyncSession, *, setup: Setup, since: datetime) -> set[datetime]:
    """Slot starts at which every seat of every place is taken."""
    if not setup.uses_places:
        return set()
    seats = sum(p.capacity for p in setup.places)
    rows = await session.execute(
        select(MeetingPlaceSlot.starts_at)
        .where(
            MeetingPlaceSlot.event_id == setup.event.id,
            MeetingPlaceSlot.starts_at >= since,
        )
        .group_by(MeetingPlaceSlot.starts_at)
        .having(func.count() >= seats)
    )
    return set(rows.scalars())


async def free_slots(
    session: AsyncSession, *, setup: Setup, user_ids: Iterable[uuid.UUID], now: datetime
) -> list[datetime]:
    """Slot starts still to come when all these people are free, under their daily limit,
    and a place has a free seat."""
    people = list(user_ids)
    starts = [at for at in setup.slot_starts() if at > now]
    if not starts:
        return []
    busy = await _busy(session, user_ids=people, since=starts[0])
    taken: set[datetime] = set()
    full_days: set[object] = set()
    limit = setup.settings.max_meetings_per_day
    for person in people:
        theirs = busy.get(person, [])
        taken.update(theirs)
        per_day = Counter(setup.local_day(at) for at in theirs)
        full_days.update(day for day, count in per_day.items() if count >= limit)
    full = await _full_starts(session, setup=setup, since=starts[0])
    return [
        at
        for at in starts
        if at not in taken and at not in full and setup.local_day(at) not in full_days
    ]


async def _choose_seat(
    session: AsyncSession, *, setup: Setup, at: datetime
) -> tuple[MeetingPlace, int] | None:
    """A place with a free seat at `at`: the one with the fewest meetings so far (spread
    evenly), then the first in the organizer's order; and its lowest free seat."""
    used_rows = await session.execute(
        select(MeetingPlaceSlot.place_id, MeetingPlaceSlot.seat).where(
            MeetingPlaceSlot.event_id == setup.event.id, MeetingPlaceSlot.starts_at == at
        )
    )
    used: dict[uuid.UUID, set[int]] = {}
    for place_id, seat in used_rows:
        used.setdefault(place_id, set()).add(seat)
    load = dict(
        (
            await session.execute(
                select(MeetingPlaceSlot.place_id, func.count())
                .where(MeetingPlaceSlot.event_id == setup.event.id)
                .group_by(MeetingPlaceSlot.place_id)
            )
        ).all()
    )
    candidates = [
        (load.get(place.id, 0), position, place)
        for position, place in enumerate(setup.places)
        if len(used.get(place.id, set())) < place.capacity
    ]
    if not candidates:
        return None
    _, _, place = min(candidates, key=lambda c: (c[0], c[1]))
    seat = next(s for s in range(place.capacity) if s not in used.get(place.id, set()))
    return place, seat


def _taken_words(setup: Setup, free: list[datetime]) -> str:
    if not free:
        return "That time was just taken, and no other time is free for you both."
    shown = ", ".join(f"{at.astimezone(setup.zone):%a %H:%M}" for at in free[:5])
    return f"That time was just taken. Still free for you both: {shown}."


async def taken(
    session: AsyncSession, *, setup: Setup, request: MeetingRequest, now: datetime
) -> SlotTaken:
    """The answer to a lost race, with the slots still free for both."""
    free = await free_slots(
        session, setup=setup, user_ids=(request.requester_id, request.invitee_id), now=now
    )
    return SlotTaken(_taken_words(setup, free), free=free)


async def _try_book(
    session: AsyncSession, *, setup: Setup, request: MeetingRequest, at: datetime
) -> Meeting | None:
    """One attempt in a savepoint; None when no seat is free. IntegrityError on a lost race."""
    async with session.begin_nested():
        chosen = await _choose_seat(session, setup=setup, at=at) if setup.uses_places else None
        if setup.uses_places and chosen is None:
            return None
        meeting = Meeting(
            id=uuid.uuid4(),
            event_id=setup.event.id,
            request_id=request.id,
            requester_id=request.requester_id,
            invitee_id=request.invitee_id,
            starts_at=at,
            ends_at=at + setup.length,
            place_id=chosen[0].id if chosen else None,
            place_name=chosen[0].name if chosen else "",
            status=M.booked,
        )
        session.add(meeting)
        await session.flush()
        session.add_all(
            MeetingPersonSlot(
                meeting_id=meeting.id, event_id=setup.event.id, user_id=person, starts_at=at
            )
            for person in (request.requester_id, request.invitee_id)
        )
        if chosen:
            place, seat = chosen
            session.add(
                MeetingPlaceSlot(
                    meeting_id=meeting.id,
                    event_id=setup.event.id,
                    place_id=place.id,
                    starts_at=at,
                    seat=seat,
                )
            )
        await session.flush()
    return meeting


async def book(
    session: AsyncSession, *, setup: Setup, request: MeetingRequest, at: datetime, now: datetime
) -> Meeting:
    """Book the two people (and a place) at `at`, or raise SlotTaken."""
    people = (request.requester_id, request.invitee_id)
    for _ in range(ATTEMPTS):
        free = await free_slots(session, setup=setup, user_ids=people, now=now)
        if at not in free:
            raise SlotTaken(_taken_words(setup, free), free=free)
        try:
            meeting = await _try_book(session, setup=setup, request=request, at=at)
        except IntegrityError:
            continue  # someone else got a person or the seat first: look again
        if meeting is not None:
            return meeting
    raise await taken(session, setup=setup, request=request, now=now)


async def release(session: AsyncSession, *, meeting: Meeting) -> None:
    """Free the two people and the place of a cancelled meeting."""
    for table in (MeetingPersonSlot, MeetingPlaceSlot):
        await session.execute(delete(table).where(table.meeting_id == meeting.id))
