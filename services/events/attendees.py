"""Attendees of an event: import from CSV (checked whole, written in chunks), invitations,
listing, my badge."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import mail
from services.auth import signin
from services.db import utcnow
from services.errors import NotFound
from services.events import badges, listing
from services.events.attendee_csv import AttendeeRow, parse_attendee_csv
from services.models import Attendee, Badge, Event, LoginLink, OutboundEmail, User

INVITATION_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    invited: int

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(
            created=self.created + other.created,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            invited=self.invited + other.invited,
        )


CHUNK_ROWS = 100  # rows written per transaction by an import job


async def _user_ids(session: AsyncSession, rows: Sequence[AttendeeRow]) -> dict[str, uuid.UUID]:
    """The account of each row's email: found, or made (all in one INSERT)."""
    emails = [r.email for r in rows]
    found: dict[str, uuid.UUID] = {
        email: user_id
        for email, user_id in await session.execute(
            select(User.email, User.id).where(User.email.in_(emails))
        )
    }
    new: list[dict[str, Any]] = [
        {"id": uuid.uuid4(), "email": r.email, "name": r.name} for r in rows if r.email not in found
    ]
    if new:
        await session.execute(insert(User), new)
    return found | {u["email"]: u["id"] for u in new}


async def import_rows(
    session: AsyncSession, *, event: Event, rows: Sequence[AttendeeRow]
) -> ImportResult:
    """Import one chunk of checked rows (at most CHUNK_ROWS): create new people, update known
    ones by email, give the new ones a badge and queue their invitations. New rows go in one
    INSERT per table (the ORM's unit of work is several times slower at this).

    Rows are matched by email, so a chunk run again creates nothing twice.
    """
    emails = [r.email for r in rows]
    existing = {
        a.email: a
        for a in await session.scalars(
            select(Attendee).where(Attendee.event_id == event.id, Attendee.email.in_(emails))
        )
    }
    user_ids = await _user_ids(session, rows)
    created: list[dict[str, Any]] = []
    updated, unchanged = 0, 0
    for row in rows:
        attendee = existing.get(row.email)
        if attendee is None:
            created.append(
                {
                    "id": uuid.uuid4(),
                    "event_id": event.id,
                    "user_id": user_ids[row.email],
                    "email": row.email,
                    "name": row.name,
                    "company": row.company,
                    "title": row.title,
                }
            )
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
    if created:
        await session.execute(insert(Attendee), created)
        await session.execute(
            insert(Badge), [badges.new_badge_row(attendee_id=a["id"]) for a in created]
        )
        await queue_invitations(
            session, event=event, people=[(str(a["email"]), str(a["name"])) for a in created]
        )
    await session.flush()
    return ImportResult(
        created=len(created), updated=updated, unchanged=unchanged, invited=len(created)
    )


async def import_attendees(session: AsyncSession, *, event: Event, data: bytes) -> ImportResult:
    """Import a whole CSV in this one transaction (small lists: the demo; big ones go through
    an import job, which commits chunk by chunk). Any bad row rejects the file."""
    rows = parse_attendee_csv(data)
    total = ImportResult(created=0, updated=0, unchanged=0, invited=0)
    for start in range(0, len(rows), CHUNK_ROWS):
        total = total + await import_rows(
            session, event=event, rows=rows[start : start + CHUNK_ROWS]
        )
    return total


async def queue_invitations(
    session: AsyncSession, *, event: Event, people: Sequence[tuple[str, str]]
) -> None:
    """Queue the invitation mail of each (email, name), with a personal sign-in link valid
    until a week after the event: one INSERT of links and one of mails."""
    ttl = max(event.ends_at + INVITATION_GRACE - utcnow(), timedelta(days=1))
    links, mails = [], []
    for email, name in people:
        link, url = signin.new_login_link(
            email=email, next_path=f"/events/{event.id}/badge", ttl=ttl
        )
        links.append(link)
        mails.append(
            mail.new_email(
                kind="attendee_invitation",
                to_address=email,
                subject=f"Your badge for {event.name}",
                body=(
                    f"Hello {name},\n\n"
                    f"You are registered for {event.name}. Open this link on your phone to sign "
                    f"in to Rapport and see your badge:\n\n{url}\n\n"
                    "The link works once. Later, ask for a new one on the sign-in page with this "
                    "address.\n"
                ),
            )
        )
    if links:
        await session.execute(insert(LoginLink), links)
        await session.execute(insert(OutboundEmail), mails)


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
