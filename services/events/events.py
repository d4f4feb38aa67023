"""Creating and editing events, listing a person's events, and inviting door staff."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.events import EventIn, EventPatch
from services import mail
from services.auth import signin
from services.errors import FieldProblem, Forbidden, Invalid
from services.models import Attendee, Event, EventMember, EventRole, User

STAFF_LINK_TTL = timedelta(days=7)


@cache
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the zone database on disk at every call.
    return frozenset(available_timezones())


def _zone(name: str) -> ZoneInfo:
    if name not in _known_zones():
        raise Invalid(
            f"“{name}” is not a time zone we know. Use an IANA name such as Europe/Berlin.",
            code="unknown_timezone",
            fields=[FieldProblem("timezone", "Use a time zone such as Europe/Berlin.")],
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed but unloadable
        raise Invalid(f"“{name}” is not a usable time zone.", code="unknown_timezone") from exc


def _in_zone(value: datetime, zone: ZoneInfo) -> datetime:
    """A time given without an offset is a wall-clock time at the event."""
    return (value.replace(tzinfo=zone) if value.tzinfo is None else value).astimezone(UTC)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid(
            "The event must end after it starts.",
            code="ends_before_start",
            fields=[FieldProblem("ends_at", "The end must be after the start.")],
        )


async def create_event(session: AsyncSession, *, user: User, data: EventIn) -> Event:
    """A new event, organized by the user who creates it."""
    if not user.is_organizer:
        raise Forbidden(
            "Your account cannot create events. Ask the operator to make you an organizer.",
            code="not_an_organizer",
        )
    zone = _zone(data.timezone)
    starts_at, ends_at = _in_zone(data.starts_at, zone), _in_zone(data.ends_at, zone)
    _check_times(starts_at, ends_at)
    event = Event(
        name=data.name.strip(),
        venue=data.venue.strip(),
        timezone=data.timezone,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by_id=user.id,
    )
    session.add(event)
    await session.flush()
    session.add(EventMember(event_id=event.id, user_id=user.id, role=EventRole.organizer))
    await session.flush()
    return event


async def update_event(session: AsyncSession, *, event: Event, data: EventPatch) -> Event:
    """Change some of an event's details; the same rules as at creation apply."""
    changes = data.model_dump(exclude_unset=True)
    zone = _zone(changes.get("timezone") or event.timezone)
    starts_at = (
        _in_zone(changes["starts_at"], zone) if changes.get("starts_at") else event.starts_at
    )
    ends_at = _in_zone(changes["ends_at"], zone) if changes.get("ends_at") else event.ends_at
    _check_times(starts_at, ends_at)
    if changes.get("name"):
        event.name = changes["name"].strip()
    if changes.get("venue") is not None:
        event.venue = changes["venue"].strip()
    event.timezone = str(zone.key)
    event.starts_at, event.ends_at = starts_at, ends_at
    await session.flush()
    return event


@dataclass(frozen=True)
class MyEvent:
    event: Event
    roles: list[str]


async def list_my_events(
    session: AsyncSession, *, user: User, limit: int, offset: int
) -> tuple[Sequence[MyEvent], int]:
    """Events the user organizes, staffs or attends, soonest last-started first."""
    member_ids = select(EventMember.event_id).where(EventMember.user_id == user.id)
    attendee_ids = select(Attendee.event_id).where(Attendee.user_id == user.id)
    condition = or_(Event.id.in_(member_ids), Event.id.in_(attendee_ids))
    total = await session.scalar(select(func.count()).select_from(Event).where(condition)) or 0
    events = (
        await session.scalars(
            select(Event)
            .where(condition)
            .order_by(Event.starts_at.desc(), Event.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    ids = [e.id for e in events]
    roles: dict[uuid.UUID, set[str]] = {i: set() for i in ids}
    for event_id, role in await session.execute(
        select(EventMember.event_id, EventMember.role).where(
            EventMember.user_id == user.id, EventMember.event_id.in_(ids)
        )
    ):
        roles[event_id].add(role)
    for event_id in await session.scalars(
        select(Attendee.event_id).where(Attendee.user_id == user.id, Attendee.event_id.in_(ids))
    ):
        roles[event_id].add("attendee")
    return [MyEvent(event=e, roles=sorted(roles[e.id])) for e in events], total


async def invite_staff(
    session: AsyncSession, *, event: Event, email: str, name: str = ""
) -> tuple[EventMember, User]:
    """Make someone door staff of the event and mail them a sign-in link (idempotent)."""
    user = await signin.get_or_create_user(session, email=email, name=name)
    member = await session.scalar(
        select(EventMember).where(
            EventMember.event_id == event.id,
            EventMember.user_id == user.id,
            EventMember.role == EventRole.staff,
        )
    )
    if member is None:
        member = EventMember(event_id=event.id, user_id=user.id, role=EventRole.staff)
        session.add(member)
        await session.flush()
        url = await signin.issue_login_link(
            session, email=user.email, next_path=f"/events/{event.id}", ttl=STAFF_LINK_TTL
        )
        await mail.enqueue_email(
            session,
            kind="staff_invitation",
            to_address=user.email,
            subject=f"You are on the door team for {event.name}",
            body=(
                f"Hello{(' ' + user.name) if user.name else ''},\n\n"
                f"You have been added to the staff of {event.name}. Sign in with this link:\n\n"
                f"{url}\n\nThe link works once; later, ask for a new one on the sign-in page.\n"
            ),
        )
    return member, user


async def list_staff(session: AsyncSession, *, event: Event) -> Sequence[tuple[EventMember, User]]:
    """The event's organizers and staff with their accounts."""
    rows = await session.execute(
        select(EventMember, User)
        .join(User, User.id == EventMember.user_id)
        .where(EventMember.event_id == event.id)
        .order_by(EventMember.role, User.email)
    )
    return [(m, u) for m, u in rows]
