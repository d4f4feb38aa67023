"""An event's opt-in attendee directory and "people to meet" suggestions (from my look-for list
and the interests on my card).

An attendee is listed only after choosing it, per event; the directory shows of them exactly
what their card shares (services.people.cards.shared_view), so the same choice governs a badge scan
and the directory. Adding someone from the directory is the badge-scan path
(services.people.exchange.add_attendee): same contact, same notice to them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Invalid, NotFound
from services.models import Attendee, Card, Contact, Event, User
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


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


async def set_listed(session: AsyncSession, *, attendee: Attendee, listed: bool) -> Attendee:
    """Show my card in the event's directory, or take it out at once."""
    if listed:
        attendee.directory_listed_at = attendee.directory_listed_at or utcnow()
    else:
        attendee.directory_listed_at = None
    await session.flush()
    return attendee


async def _shown(session: AsyncSession, *, attendee: Attendee, card: Card | None) -> dict[str, Any]:
    """What the directory shows of a listed attendee: their card's shared fields; with no card
    made yet, what their badge shows (as a badge scan would give)."""
    if card is None:
        return {"name": attendee.name, "title": attendee.title, "company": attendee.company}
    shown = await cards.shared_view(session, card=card)
    shown.pop("has_photo", None)  # the directory has no photo to show
    return shown


async def _entries(session: AsyncSession, *, event: Event, viewer: User) -> list[Entry]:
    """Every listed attendee of the event, by the name they show."""
    rows = (
        await session.execute(
            select(Attendee, Card)
            .outerjoin(Card, Card.user_id == Attendee.user_id)
            .where(Attendee.event_id == event.id, Attendee.directory_listed_at.is_not(None))
        )
    ).all()
    people = [attendee.user_id for attendee, _ in rows]
    held = await session.execute(
        select(Contact.person_id, Contact.id).where(
            Contact.owner_id == viewer.id, Contact.person_id.in_(people)
        )
    )
    mine = {person_id: contact_id for person_id, contact_id in held}
    entries = [
        Entry(
            attendee_id=attendee.id,
            card=await _shown(session, attendee=attendee, card=card),
            is_me=attendee.user_id == viewer.id,
            contact_id=mine.get(attendee.user_id),
        )
        for attendee, card in rows
    ]
    return sorted(entries, key=lambda e: (_key(e.card.get("name", "")), str(e.attendee_id)))


def _matches(entry: Entry, words: list[str]) -> bool:
    """Every word of the search is in a shown name, company, title or interest."""
    card = entry.card
    shown = [card.get("name", ""), card.get("company", ""), card.get("title", "")]
    haystack = _key(" ".join([*shown, *card.get("interests", [])]))
    return all(word in haystack for word in words)


async def list_directory(
    session: AsyncSession, *, event: Event, viewer: User, query: str | None, limit: int, offset: int
) -> tuple[list[Entry], int]:
    """The event's directory, searched by shown name, company, title or interest.

    Matching runs on what each person shows, never on fields they keep to themselves, so it is
    done here rather than in SQL (an event's listed attendees fit in memory).
    """
    entries = await _entries(session, event=event, viewer=viewer)
    words = _key(query or "").split()
    if words:
        entries = [e for e in entries if _matches(e, words)]
    return entries[offset : offset + limit], len(entries)


async def people_to_meet(
    session: AsyncSession, *, event: Event, user: User, limit: int, offset: int
) -> tuple[list[Suggestion], int]:
    """Listed attendees who match my look-for list or share interests with my card: look-for
    matches first, then most interests shared, then by name; not me, not my contacts.

    Both are matched only against what each person shows (their card's shared fields).
    """
    my_card = await cards.read_card(session, user=user)
    mine = {_key(i): i for i in my_card.interests if _key(i)}
    wanted = [
        (entry, words(entry.text))
        for entry in await look_for.open_entries(session, user=user, event_id=event.id)
    ]
    suggestions = []
    for entry in await _entries(session, event=event, viewer=user):
        if entry.is_me or entry.contact_id is not None:
            continue
        profile = Profile.of(entry.card)
        looking_for = [e.text for e, phrase in wanted if profile.matches(e.kind, phrase)]
        theirs = {_key(i) for i in entry.card.get("interests", [])}
        shared = [spelling for key, spelling in mine.items() if key in theirs]
        if looking_for or shared:
            suggestions.append(Suggestion(entry, looking_for, shared))
    # stable: people with as many matches stay in name order
    suggestions.sort(key=lambda s: (-len(s.looking_for), -len(s.shared_interests)))
    return suggestions[offset : offset + limit], len(suggestions)


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
