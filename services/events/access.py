"""Who may do what with an event: the one place where event roles are checked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Exists, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import Forbidden, NotFound
from services.models import Attendee, Event, EventMember, EventRole, User


@dataclass(frozen=True)
class EventAccess:
    """An event and the roles the current user holds in it."""

    event: Event
    roles: frozenset[str]
    attendee: Attendee | None

    @property
    def role_names(self) -> list[str]:
        """All roles, attendee included, sorted."""
        return sorted(self.roles | ({"attendee"} if self.attendee else set()))

    @property
    def is_organizer(self) -> bool:
        return EventRole.organizer in self.roles

    @property
    def is_staff(self) -> bool:
        return EventRole.staff in self.roles or self.is_organizer

    @property
    def is_attendee(self) -> bool:
        return self.attendee is not None


NOT_FOUND = "No such event, or you are not part of it."


def _holds(role: EventRole) -> Exists:
    return exists().where(
        EventMember.event_id == bindparam("event_id"),
        EventMember.user_id == bindparam("user_id"),
        EventMember.role == role,
    )


# Built once (it runs on every event request, the door's scans included): one round trip, and
# SQLAlchemy compiles it once instead of rebuilding and re-keying it per request.
_EVENT_ACCESS = (
    select(Event, Attendee, _holds(EventRole.organizer), _holds(EventRole.staff))
    .outerjoin(
        Attendee,
        (Attendee.event_id == Event.id) & (Attendee.user_id == bindparam("user_id")),
    )
    .where(Event.id == bindparam("event_id"))
)


async def event_access(session: AsyncSession, *, user: User, event_id: uuid.UUID) -> EventAccess:
    """The user's roles in an event. People with no role in it are told it does not exist."""
    row = (await session.execute(_EVENT_ACCESS, {"event_id": event_id, "user_id": user.id})).first()
    if row is None:
        raise NotFound(NOT_FOUND, code="event_not_found")
    event, attendee, is_organizer, is_staff = row
    roles = frozenset(
        role
        for role, held in ((EventRole.organizer, is_organizer), (EventRole.staff, is_staff))
        if held
    )
    if not roles and attendee is None:
        raise NotFound(NOT_FOUND, code="event_not_found")
    return EventAccess(event=event, roles=roles, attendee=attendee)


async def require_organizer(
    session: AsyncSession, *, user: User, event_id: uuid.UUID
) -> EventAccess:
    """The event, if the user organizes it."""
    access = await event_access(session, user=user, event_id=event_id)
    if not access.is_organizer:
        raise Forbidden("Only the event's organizers can do this.", code="organizers_only")
    return access


async def require_staff(session: AsyncSession, *, user: User, event_id: uuid.UUID) -> EventAccess:
    """The event, if the user works its door (organizers count as staff)."""
    access = await event_access(session, user=user, event_id=event_id)
    if not access.is_staff:
        raise Forbidden("Only the event's staff can do this.", code="staff_only")
    return access


async def require_attendee(
    session: AsyncSession, *, user: User, event_id: uuid.UUID
) -> EventAccess:
    """The event, if the user is registered for it (organizers and staff who are not get 403)."""
    access = await event_access(session, user=user, event_id=event_id)
    if not access.is_attendee:
        raise Forbidden(
            "You are not registered as an attendee of this event.", code="attendees_only"
        )
    return access
