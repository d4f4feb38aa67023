"""Attendees of an event: import from CSV (all or nothing), invitations, listing, my badge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import mail
from services.auth import signin
from services.db import utcnow
from services.errors import NotFound
from services.events import badges, listing
from services.events.attendee_csv import AttendeeRow, parse_attendee_csv
from services.models import Attendee, Event, User

INVITATION_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    invited: int


async def _users_by_email(session: AsyncSession, rows: Sequence[AttendeeRow]) -> dict[str, User]:
    emails = [r.email for r in rows]
    found: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for user in await session.scalars(select(User).where(User.email.in_(chunk))):
            found[user.email] = user
    for row in rows:
        if row.email not in found:
            user = User(email=row.email, name=row.name)
            session.add(user)
            found[row.email] = user
    await session.flush()
    return found


async def import_attendees(session: AsyncSession, *, event: Event, data: bytes) -> ImportResult:
    """Import a CSV: create new people, update known ones by email, invite the new ones.

    Any bad row rejects the whole file (Invalid lists every problem) and changes nothing.
    """
    rows = parse_attendee_csv(data)
    existing = {
        a.email: a
        for a in await session.scalars(select(Attendee).where(Attendee.event_id == event.id))
    }
    users = await _users_by_email(session, rows)
    created, updated, unchanged = [], 0, 0
    for row in rows:
        attendee = existing.get(row.email)
        if attendee is None:
            attendee = Attendee(
                event_id=event.id,
                user_id=users[row.email].id,
                email=row.email,
                name=row.name,
                company=row.company,
                title=row.title,
            )
            session.add(attendee)
            created.append(attendee)
        elif (attendee.name, attendee.company, attendee.title) != (
            row.name,
            row.company,
            row.title,
        ):
            attendee.name, attendee.company, attendee.title = row.name, row.company, row.title
            updated += 1
            if attendee.directory_listed_at is not None:  # shown as on the badge if no card
                await listing.refresh_attendee(session, attendee=attendee)
        else:
            unchanged += 1
    await session.flush()
    for attendee in created:
        session.add(badges.new_badge(attendee))
        await send_invitation(session, event=event, attendee=attendee)
    await session.flush()
    return ImportResult(
        created=len(created), updated=updated, unchanged=unchanged, invited=len(created)
    )


async def send_invitation(session: AsyncSession, *, event: Event, attendee: Attendee) -> None:
    """Queue the invitation mail with a personal sign-in link valid until a week after the event."""
    ttl = max(event.ends_at + INVITATION_GRACE - utcnow(), timedelta(days=1))
    url = await signin.issue_login_link(
        session, email=attendee.email, next_path=f"/events/{event.id}/badge", ttl=ttl
    )
    await mail.enqueue_email(
        session,
        kind="attendee_invitation",
        to_address=attendee.email,
        subject=f"Your badge for {event.name}",
        body=(
            f"Hello {attendee.name},\n\n"
            f"You are registered for {event.name}. Open this link on your phone to sign in to "
            f"Rapport and see your badge:\n\n{url}\n\n"
            "The link works once. Later, ask for a new one on the sign-in page with this address.\n"
        ),
    )


async def list_attendees(
    session: AsyncSession, *, event: Event, query: str | None, limit: int, offset: int
) -> tuple[Sequence[Attendee], int]:
    """The event's attendees by name, optionally filtered by name, email or company."""
    condition = Attendee.event_id == event.id
    if query:
        like = f"%{query.strip().lower()}%"
        condition = condition & or_(
            func.lower(Attendee.name).like(like),
            Attendee.email.like(like),
            func.lower(Attendee.company).like(like),
        )
    total = await session.scalar(select(func.count()).select_from(Attendee).where(condition)) or 0
    items = (
        await session.scalars(
            select(Attendee)
            .where(condition)
            .order_by(Attendee.name, Attendee.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return items, total


async def my_badge(session: AsyncSession, *, attendee: Attendee) -> str:
    """The badge URL of the signed-in attendee."""
    badge = await badges.current_badge(session, attendee=attendee)
    if badge is None:
        raise NotFound(
            "You have no valid badge for this event. Ask the organizers for a new one.",
            code="no_badge",
        )
    return badges.badge_url(badge.token)
