"""The door's records: undoing a check-in, listing check-ins, finding people by name.

Check-in decisions themselves (scan, by hand, self) are in services/door/checkin.py.
"""

from __future__ import annotations

import unicodedata
import uuid

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import NotFound
from services.models import Attendee, CheckIn, Event, User


async def undo_check_in(
    session: AsyncSession, *, event: Event, check_in_id: uuid.UUID, by_user: User, reason: str = ""
) -> tuple[CheckIn, Attendee]:
    """Take back a check-in made by mistake. The row stays, marked undone (idempotent)."""
    row = (
        await session.execute(
            select(CheckIn, Attendee)
            .join(Attendee, Attendee.id == CheckIn.attendee_id)
            .where(CheckIn.id == check_in_id, CheckIn.event_id == event.id)
        )
    ).first()
    if row is None:
        raise NotFound("No such check-in in this event.", code="check_in_not_found")
    check_in, attendee = row
    if check_in.undone_at is None:
        check_in.undone_at = utcnow()
        check_in.undone_by_id = by_user.id
        check_in.undo_reason = reason.strip()
        await session.flush()
    return check_in, attendee


async def list_check_ins(
    session: AsyncSession, *, event: Event, include_undone: bool, limit: int, offset: int
) -> tuple[list[tuple[CheckIn, Attendee]], int]:
    """The event's check-ins, latest first; undone ones only if asked for."""
    condition = CheckIn.event_id == event.id
    if not include_undone:
        condition = condition & CheckIn.undone_at.is_(None)
    total = await session.scalar(select(func.count()).select_from(CheckIn).where(condition)) or 0
    rows = await session.execute(
        select(CheckIn, Attendee)
        .join(Attendee, Attendee.id == CheckIn.attendee_id)
        .where(condition)
        .order_by(CheckIn.checked_in_at.desc(), CheckIn.id)
        .limit(limit)
        .offset(offset)
    )
    return [(c, a) for c, a in rows], total


def fold(text: str) -> str:
    """Text for matching as staff type it: case and accents ignored ("zoe" finds "Zoë")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


async def find_at_door(
    session: AsyncSession, *, event: Event, query: str, limit: int = 20
) -> list[tuple[Attendee, CheckIn | None]]:
    """Attendees whose name, email or company contains the query, with their live check-in.

    Matching happens in Python: SQLite's lower() knows only ASCII, and staff at the door type
    "Sostakovic" or "zoe" without the accents. One event's people fit easily in memory.
    """
    needle = fold(query.strip())
    people = await session.execute(
        select(Attendee.id, Attendee.name, Attendee.email, Attendee.company).where(
            Attendee.event_id == event.id
        )
    )
    ids = [
        row.id
        for row in people
        if needle in fold(row.name) or needle in fold(row.email) or needle in fold(row.company)
    ]
    if not ids:
        return []
    rows = await session.execute(
        select(Attendee, CheckIn)
        .outerjoin(CheckIn, and_(CheckIn.attendee_id == Attendee.id, CheckIn.undone_at.is_(None)))
        .where(Attendee.id.in_(ids[:500]))
        .order_by(Attendee.name, Attendee.id)
        .limit(limit)
    )
    return [(a, c) for a, c in rows]
