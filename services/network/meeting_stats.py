"""The organizer's figures of an event's meetings: per day (in the event's time zone) requests
sent, accepted, declined and expired, meetings held and no-shows; how full each place is per
slot; and the same as CSV. Counts only: no names, no messages (those are the two people's).

A meeting is held when either person marked "We met"; a booked meeting that is over and that
neither marked is a no-show. No-shows are told to nobody but the organizer, as a number.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.events.spreadsheet import safe_cell
from services.models import Event, Meeting, MeetingPlaceSlot, MeetingRequest
from services.models import MeetingStatus as M
from services.models import RequestStatus as R
from services.network import meeting_settings, meetings


@dataclass
class DayFigures:
    day: date
    requests_sent: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    held: int = 0
    no_shows: int = 0


@dataclass(frozen=True)
class PlaceFullness:
    place: str
    capacity: int
    booked: list[int]  # per slot of Stats.slots


@dataclass(frozen=True)
class Stats:
    days: list[DayFigures]
    slots: list[datetime]
    places: list[PlaceFullness] = field(default_factory=list)


async def stats(session: AsyncSession, *, event: Event) -> Stats:
    """The event's meeting figures as of now."""
    setup = await meeting_settings.setup_of(session, event=event)
    now = meetings.now()
    days: dict[date, DayFigures] = {}

    def on(moment: datetime) -> DayFigures:
        day = setup.local_day(moment)
        return days.setdefault(day, DayFigures(day))

    requests = await session.scalars(
        select(MeetingRequest).where(MeetingRequest.event_id == event.id)
    )
    for request in requests:
        on(request.created_at).requests_sent += 1
        status = meetings.status_now(request, now)
        if status is R.accepted and request.closed_at:
            on(request.closed_at).accepted += 1
        elif status is R.declined and request.closed_at:
            on(request.closed_at).declined += 1
        elif status is R.expired:
            on(request.expires_at).expired += 1
    booked = await session.scalars(
        select(Meeting).where(Meeting.event_id == event.id, Meeting.status == M.booked)
    )
    for meeting in booked:
        if meeting.requester_met_at or meeting.invitee_met_at:
            on(meeting.starts_at).held += 1
        elif meeting.ends_at <= now:
            on(meeting.starts_at).no_shows += 1
    slots = setup.slot_starts()
    per_place: Counter[tuple[object, datetime]] = Counter()
    rows = await session.execute(
        select(MeetingPlaceSlot.place_id, MeetingPlaceSlot.starts_at, func.count())
        .where(MeetingPlaceSlot.event_id == event.id)
        .group_by(MeetingPlaceSlot.place_id, MeetingPlaceSlot.starts_at)
    )
    for place_id, starts_at, count in rows:
        per_place[(place_id, starts_at)] = count
    places = [
        PlaceFullness(p.name, p.capacity, [per_place[(p.id, at)] for at in slots])
        for p in (setup.places if setup.uses_places else [])
    ]
    return Stats(sorted(days.values(), key=lambda d: d.day), slots, places)


def stats_csv(figures: Stats, *, event: Event) -> bytes:
    """The figures as UTF-8 CSV (BOM, CRLF): the days, a blank line, then each place per slot."""
    zone = ZoneInfo(event.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["day", "requests_sent", "accepted", "declined", "expired", "held", "no_shows"])
    for d in figures.days:
        writer.writerow(
            [d.day.isoformat(), d.requests_sent, d.accepted, d.declined, d.expired, d.held,
             d.no_shows]
        )  # fmt: skip
    writer.writerow([])
    writer.writerow([f"slot ({event.timezone})", "place", "capacity", "booked"])
    for place in figures.places:
        for at, count in zip(figures.slots, place.booked, strict=True):
            local = at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            writer.writerow([local, safe_cell(place.place), place.capacity, count])
    return ("\ufeff" + out.getvalue()).encode()
