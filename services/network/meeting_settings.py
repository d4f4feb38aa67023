"""How an event takes meetings (the organizer's settings and places), and the slots they give.

Windows are days and hours in the event's time zone; the slots are cut from them at the slot
length and kept in UTC. Once meetings are booked, the slot length stays as it is (a booked
meeting's person and place rows are keyed by its start) and a place with a booked meeting
stays, with at least the seats in use.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.meetings import MeetingSettingsIn
from services.errors import Conflict
from services.models import Event, Meeting, MeetingPlace, MeetingPlaceSlot, MeetingSettings
from services.models import MeetingStatus as M

OFF = "Meetings are not open at this event."


@dataclass(frozen=True)
class Setup:
    """An event's meeting settings with its places, in their order."""

    event: Event
    settings: MeetingSettings
    places: list[MeetingPlace]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.event.timezone)

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.settings.slot_minutes)

    @property
    def uses_places(self) -> bool:
        return not self.settings.find_each_other and bool(self.places)

    def slot_starts(self) -> list[datetime]:
        """Every slot start (UTC, ascending) that the windows hold."""
        starts: set[datetime] = set()
        for window in self.settings.windows:
            day = date.fromisoformat(window["day"])
            begin = datetime.combine(day, time.fromisoformat(window["start"]), self.zone)
            end = datetime.combine(day, time.fromisoformat(window["end"]), self.zone)
            at = begin
            while at + self.length <= end:
                starts.add(at.astimezone(UTC))
                at += self.length
        return sorted(starts)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def _defaults(event_id: uuid.UUID) -> MeetingSettings:
    return MeetingSettings(
        event_id=event_id,
        enabled=False,
        windows=[],
        slot_minutes=20,
        find_each_other=False,
        max_pending_out=10,
        max_meetings_per_day=12,
        expiry_hours=24,
    )


async def setup_of(session: AsyncSession, *, event: Event) -> Setup:
    """The event's settings (defaults, meetings off, if the organizer never saved any)."""
    settings = await session.get(MeetingSettings, event.id) or _defaults(event.id)
    places = (
        await session.scalars(
            select(MeetingPlace)
            .where(MeetingPlace.event_id == event.id)
            .order_by(MeetingPlace.position, MeetingPlace.name)
        )
    ).all()
    return Setup(event, settings, list(places))


async def open_setup(session: AsyncSession, *, event: Event) -> Setup:
    """The settings of an event that takes meetings; otherwise a clear refusal."""
    setup = await setup_of(session, event=event)
    if not setup.settings.enabled:
        raise Conflict(OFF, code="meetings_off")
    return setup


async def _has_bookings(session: AsyncSession, *, event_id: uuid.UUID) -> bool:
    return bool(
        await session.scalar(
            select(exists().where(Meeting.event_id == event_id, Meeting.status == M.booked))
        )
    )


async def _seats_in_use(session: AsyncSession, *, event_id: uuid.UUID) -> dict[str, int]:
    """For each place with booked meetings, by name: the highest seat in use, plus one."""
    rows = await session.execute(
        select(MeetingPlace.name, func.max(MeetingPlaceSlot.seat) + 1)
        .join(MeetingPlaceSlot, MeetingPlaceSlot.place_id == MeetingPlace.id)
        .where(MeetingPlace.event_id == event_id)
        .group_by(MeetingPlace.name)
    )
    return {name: seats for name, seats in rows}


async def update(session: AsyncSession, *, event: Event, data: MeetingSettingsIn) -> Setup:
    """Save the organizer's settings; places are matched by name (kept, added, removed)."""
    setup = await setup_of(session, event=event)
    settings = setup.settings
    booked = await _has_bookings(session, event_id=event.id)
    if booked and data.slot_minutes != settings.slot_minutes:
        raise Conflict(
            "Meetings are booked already, so the slot length stays at "
            f"{settings.slot_minutes} minutes.",
            code="slot_length_fixed",
        )
    in_use = await _seats_in_use(session, event_id=event.id)
    wanted = {p.name: p for p in data.places}
    for name, seats in in_use.items():
        if name not in wanted or wanted[name].capacity < seats:
            raise Conflict(
                f"{name} has meetings booked: keep it, with room for at least {seats}.",
                code="place_in_use",
            )
    settings.enabled = data.enabled
    settings.windows = [
        {
            "day": w.day.isoformat(),
            "start": w.start.strftime("%H:%M"),
            "end": w.end.strftime("%H:%M"),
        }
        for w in data.windows
    ]
    settings.slot_minutes = data.slot_minutes
    settings.find_each_other = data.find_each_other
    settings.max_pending_out = data.max_pending_out
    settings.max_meetings_per_day = data.max_meetings_per_day
    settings.expiry_hours = data.expiry_hours
    session.add(settings)
    existing = {p.name: p for p in setup.places}
    for name, place in existing.items():
        if name not in wanted:
            await session.delete(place)
    await session.flush()
    for position, wanted_place in enumerate(data.places):
        place = existing.get(wanted_place.name) or MeetingPlace(
            event_id=event.id, name=wanted_place.name
        )
        session.add(place)
        place.capacity = wanted_place.capacity
        place.position = position
    await session.flush()
    return await setup_of(session, event=event)
