"""An event's opt-in attendee directory and "people to meet" suggestions (from my look-for list
and the interests on my card).

An attendee is listed only after choosing it, per event; the directory shows of them exactly
what their card shares (services.people.cards.shared_view), so the same choice governs a badge
scan and the directory. What it shows, and what sorting and matching need, is kept per listed
attendee in `directory_entries` (services.events.listing), so pages come from the database.
Adding someone from the directory is the badge-scan path (services.people.exchange.add_attendee):
same contact, same notice to them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Invalid, NotFound
from services.events import listing
from services.models import Attendee, Contact, DirectoryEntry, Event, LookForKind, User
from services.network import look_for
from services.network.look_for_match import Profile, words
from services.people import cards, exchange

NOT_LISTED = "This person is not in the event's directory (they may have just left it)."


@dataclass(frozen=True)
class Entry:
    """One listed attendee as others see them."""

    attendee_id: uuid.UUID
    card: dict[str, Any]  # only shared fields, as services.people.cards.shared_view gives them
    is_me: bool
    contact_id: uuid.UUID | None  # my contact for this person, if I have one


@dataclass(frozen=True)
class Suggestion:
    entry: Entry
    looking_for: list[str]  # my look-for entries that find them, in my list's order
    shared_interests: list[str]

    @property
    def reasons(self) -> list[str]:
        said = []
        if self.looking_for:
            said.append("You are looking for: " + ", ".join(self.looking_for))
        if self.shared_interests:
            said.append("You both listed: " + ", ".join(self.shared_interests))
        return said

    @property
    def reason(self) -> str:
        return " · ".join(self.reasons)


# Which directory column a look-for entry of each kind looks at (see look_for_match.FIELDS).
_WORD_FIELDS: dict[str, Any] = {
    LookForKind.person: DirectoryEntry.name_words,
    LookForKind.company: DirectoryEntry.company_words,
    LookForKind.topic: DirectoryEntry.topic_words,
}


async def set_listed(session: AsyncSession, *, attendee: Attendee, listed: bool) -> Attendee:
    """Show my card in the event's directory, or take it out at once."""
    if listed:
        attendee.directory_listed_at = attendee.directory_listed_at or utcnow()
    else:
        attendee.directory_listed_at = None
    await session.flush()
    await listing.refresh_attendee(session, attendee=attendee)
    return attendee


def _entry(row: DirectoryEntry, contact_id: uuid.UUID | None, viewer: User) -> Entry:
    return Entry(
        attendee_id=row.attendee_id,
        card=dict(row.shown),
        is_me=row.user_id == viewer.id,
        contact_id=contact_id,
    )


async def list_directory(
    session: AsyncSession, *, event: Event, viewer: User, query: str | None, limit: int, offset: int
) -> tuple[list[Entry], int]:
    """The event's directory, searched by shown name, company, title or interest (every word
    typed must be in one of them), a page at a time.

    Only what each person shows is searched: the rows hold nothing else.
    """
    has = _has(session)
    words = listing.fold(query or "").split()
    where = [DirectoryEntry.event_id == event.id]
    where += [has(DirectoryEntry.search_text, word) for word in words]
    mine = and_(Contact.owner_id == viewer.id, Contact.person_id == DirectoryEntry.user_id)
    page = (
        select(DirectoryEntry.attendee_id)
        .where(*where)
        .order_by(DirectoryEntry.sort_key, DirectoryEntry.attendee_id)  # the index's order
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    rows = (
        await session.execute(
            select(DirectoryEntry, Contact.id)
            .join(page, page.c.attendee_id == DirectoryEntry.attendee_id)
            .outerjoin(Contact, mine)
            .order_by(DirectoryEntry.sort_key, DirectoryEntry.attendee_id)
        )
    ).all()
    if len(rows) < limit and (rows or not offset):
        total = offset + len(rows)  # the last page says how many there are
    else:
        counted = select(func.count()).select_from(DirectoryEntry).where(*where)
        total = await session.scalar(counted) or 0
    return [_entry(row, contact_id, viewer) for row, contact_id in rows], total


def _has(session: AsyncSession) -> Callable[[Any, str], ColumnElement[bool]]:
    """A plain substring test (no LIKE wildcards, no case rules: both sides are folded)."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda column, text: func.instr(column, text) > 0
    return lambda column, text: func.strpos(column, text) > 0


def _count_of(conditions: list[ColumnElement[bool]]) -> ColumnElement[int]:
    """How many of the conditions hold, as an SQL expression."""
    total: ColumnElement[int] = literal(0)
    for condition in conditions:
        total = total + case((condition, 1), else_=0)
    return total


async def people_to_meet(
    session: AsyncSession, *, event: Event, user: User, limit: int, offset: int
) -> tuple[list[Suggestion], int]:
    """Listed attendees who match my look-for list or share interests with my card: look-for
    matches first, then most interests shared, then by name; not me, not my contacts.

    Both are matched only against what each person shows (their card's shared fields). The
    database ranks and pages (on the rows' word fields); the page's reasons are then worked
    out here, with the same rules (look_for_match).
    """
    my_card = await cards.read_card(session, user=user)
    mine = {listing.fold(i): i for i in my_card.interests if listing.fold(i)}
    wanted = [
        (entry, words(entry.text))
        for entry in await look_for.open_entries(session, user=user, event_id=event.id)
    ]
    looking = [(e, phrase) for e, phrase in wanted if phrase]
    if not looking and not mine:
        return [], 0
    has = _has(session)
    looking_for = _count_of([has(_WORD_FIELDS[e.kind], f" {' '.join(p)} ") for e, p in looking])
    shared = _count_of([has(DirectoryEntry.interest_keys, f"\n{key}\n") for key in mine])
    known = exists().where(Contact.owner_id == user.id, Contact.person_id == DirectoryEntry.user_id)
    # One pass over the event's rows, each scored once; only ids and sort keys are sorted, and
    # the count of all matches rides along (a window), so one query gives page and total.
    scored = (
        select(
            DirectoryEntry.attendee_id,
            DirectoryEntry.sort_key,
            looking_for.label("looking_for"),
            shared.label("shared"),
        )
        .where(DirectoryEntry.event_id == event.id, DirectoryEntry.user_id != user.id, ~known)
        .subquery()
    )
    page = (
        await session.execute(
            select(scored.c.attendee_id, func.count().over())
            .where(or_(scored.c.looking_for > 0, scored.c.shared > 0))
            .order_by(
                scored.c.looking_for.desc(),
                scored.c.shared.desc(),
                scored.c.sort_key,
                scored.c.attendee_id,
            )
            .limit(limit)
            .offset(offset)
        )
    ).all()
    total = page[0][1] if page else await _matches_past_the_end(session, scored)
    found_rows = await session.scalars(
        select(DirectoryEntry).where(DirectoryEntry.attendee_id.in_([p[0] for p in page]))
    )
    by_id = {row.attendee_id: row for row in found_rows}
    suggestions = []
    for row in (by_id[attendee_id] for attendee_id, _ in page):
        entry = _entry(row, None, user)
        profile = Profile.of(entry.card)
        found = [e.text for e, phrase in wanted if profile.matches(e.kind, phrase)]
        theirs = {listing.fold(i) for i in entry.card.get("interests", [])}
        both = [spelling for key, spelling in mine.items() if key in theirs]
        suggestions.append(Suggestion(entry, found, both))
    return suggestions, total or 0


async def _matches_past_the_end(session: AsyncSession, scored: Any) -> int:
    """The total for a page past the last match (which carries no count of its own)."""
    matching = or_(scored.c.looking_for > 0, scored.c.shared > 0)
    return await session.scalar(select(func.count()).select_from(scored).where(matching)) or 0


async def add_from_directory(
    session: AsyncSession, *, event: Event, user: User, attendee_id: uuid.UUID
) -> exchange.ScanResult:
    """Add a listed attendee to my contacts, exactly as scanning their badge would."""
    attendee = await session.get(Attendee, attendee_id)
    if attendee is None or attendee.event_id != event.id or attendee.directory_listed_at is None:
        raise NotFound(NOT_LISTED, code="attendee_not_found")
    if attendee.user_id == user.id:
        raise Invalid("That is you. Add the people you want to meet.", code="own_entry")
    return await exchange.add_attendee(session, user=user, attendee=attendee)
