"""My look-for list: people, companies and topics I want to meet, for one event or for every
event. Private to its owner. An entry is "found" when one of my contacts matches it: computed
on every read from my contacts (look_for_match.py), never stored; ticking it off is mine.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.look_for import LookForIn, LookForPatch
from services.db import utcnow
from services.errors import Conflict, FieldProblem, Invalid, NotFound
from services.events import access
from services.models import Contact, Event, LookForEntry, User
from services.network.look_for_match import Profile, key, words

MAX_ENTRIES = 100
MAX_FOUND = 5  # contacts named per entry; enough to say "found"
NOT_FOUND = "No such entry on your look-for list."


@dataclass(frozen=True)
class Found:
    contact_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class EntryView:
    entry: LookForEntry
    event_name: str | None
    found: list[Found]


def _bad_text(detail: str, code: str) -> Invalid:
    return Invalid(detail, code=code, fields=[FieldProblem("text", detail)])


async def _entry(session: AsyncSession, *, user: User, entry_id: uuid.UUID) -> LookForEntry:
    entry = await session.get(LookForEntry, entry_id)
    if entry is None or entry.owner_id != user.id:
        raise NotFound(NOT_FOUND, code="look_for_not_found")
    return entry


async def _mine(
    session: AsyncSession, *, user: User, event_id: uuid.UUID | None = None
) -> Sequence[LookForEntry]:
    """My entries in the order I made them; with an event, its own and those for every event."""
    query = select(LookForEntry).where(LookForEntry.owner_id == user.id)
    if event_id is not None:
        query = query.where((LookForEntry.event_id == event_id) | LookForEntry.event_id.is_(None))
    return (await session.scalars(query.order_by(LookForEntry.created_at, LookForEntry.id))).all()


async def _refuse_duplicate(
    session: AsyncSession,
    *,
    user: User,
    kind: str,
    text: str,
    event_id: uuid.UUID | None,
    itself: uuid.UUID | None = None,
) -> None:
    """The same kind and words already listed for this event, or for every event."""
    wanted = key(text)
    if not wanted:
        raise _bad_text(
            "Type a name, company or topic with letters or digits in it.", "look_for_no_words"
        )
    for other in await _mine(session, user=user, event_id=event_id):
        same_scope = other.event_id == event_id or other.event_id is None
        if other.id != itself and other.kind == kind and same_scope and key(other.text) == wanted:
            where = "for every event" if other.event_id is None else "for this event"
            raise Conflict(
                f"“{other.text}” is already on your list as a {kind} {where}.",
                code="look_for_duplicate",
                fields=[FieldProblem("text", "Already on your list.")],
            )


async def _views(
    session: AsyncSession, *, user: User, entries: Sequence[LookForEntry]
) -> list[EntryView]:
    """Each entry with its event's name and the contacts of mine who match it."""
    if not entries:
        return []
    event_ids = {e.event_id for e in entries if e.event_id}
    names = dict(
        (await session.execute(select(Event.id, Event.name).where(Event.id.in_(event_ids)))).all()
    )
    contacts = (
        await session.scalars(
            select(Contact)
            .where(Contact.owner_id == user.id)
            .order_by(Contact.met_at.desc(), Contact.id)
        )
    ).all()
    # What I hold of my contacts is mine to match on, whoever typed it.
    profiles = [
        (
            contact,
            Profile.of(
                {
                    "name": contact.name,
                    "company": contact.company,
                    "headline": contact.headline,
                    "goals": contact.goals,
                    "interests": contact.interests,
                }
            ),
        )
        for contact in contacts
    ]
    views = []
    for entry in entries:
        phrase = words(entry.text)
        found = [
            Found(contact.id, contact.name)
            for contact, profile in profiles
            if profile.matches(entry.kind, phrase)
        ]
        views.append(
            EntryView(
                entry, names.get(entry.event_id) if entry.event_id else None, found[:MAX_FOUND]
            )
        )
    return views


async def list_entries(
    session: AsyncSession, *, user: User, event_id: uuid.UUID | None
) -> list[EntryView]:
    """My list: for an event of mine, its entries and those for every event; else all of it."""
    if event_id is not None:
        await access.event_access(session, user=user, event_id=event_id)
    return await _views(
        session, user=user, entries=await _mine(session, user=user, event_id=event_id)
    )


async def add_entry(
    session: AsyncSession, *, user: User, data: LookForIn
) -> tuple[EntryView, bool]:
    """Put someone or something on my list; the same client id again returns the entry."""
    if data.id is not None:
        existing = await session.get(LookForEntry, data.id)
        if existing is not None:
            if existing.owner_id != user.id:
                raise Conflict("This id is already in use; make a new one.", code="id_taken")
            return (await _views(session, user=user, entries=[existing]))[0], False
    if data.event_id is not None:
        await access.event_access(session, user=user, event_id=data.event_id)
    count = await session.scalar(
        select(func.count()).select_from(LookForEntry).where(LookForEntry.owner_id == user.id)
    )
    if (count or 0) >= MAX_ENTRIES:
        raise Invalid(
            f"Your list already holds {MAX_ENTRIES} entries, the most it can. Delete the ones "
            "you no longer need, then add this one.",
            code="look_for_full",
        )
    await _refuse_duplicate(
        session, user=user, kind=data.kind, text=data.text, event_id=data.event_id
    )
    entry = LookForEntry(
        id=data.id or uuid.uuid4(),
        owner_id=user.id,
        event_id=data.event_id,
        kind=data.kind,
        text=" ".join(data.text.split()),
    )
    session.add(entry)
    await session.flush()
    return (await _views(session, user=user, entries=[entry]))[0], True


async def update_entry(
    session: AsyncSession, *, user: User, entry_id: uuid.UUID, data: LookForPatch
) -> EntryView:
    """Change an entry's kind or words, or tick it off (or on again) by hand."""
    entry = await _entry(session, user=user, entry_id=entry_id)
    kind = data.kind or entry.kind
    text = " ".join(data.text.split()) if data.text is not None else entry.text
    if (kind, key(text)) != (entry.kind, key(entry.text)):
        await _refuse_duplicate(
            session, user=user, kind=kind, text=text, event_id=entry.event_id, itself=entry.id
        )
    entry.kind, entry.text = kind, text
    if data.done is not None:
        entry.done_at = (entry.done_at or utcnow()) if data.done else None
    entry.updated_at = utcnow()
    await session.flush()
    return (await _views(session, user=user, entries=[entry]))[0]


async def delete_entry(session: AsyncSession, *, user: User, entry_id: uuid.UUID) -> None:
    """Take an entry off my list."""
    await session.delete(await _entry(session, user=user, entry_id=entry_id))
    await session.flush()


async def open_entries(
    session: AsyncSession, *, user: User, event_id: uuid.UUID
) -> Sequence[LookForEntry]:
    """What "people to meet" looks for at an event: entries for it or for every event, not
    ticked off."""
    return [e for e in await _mine(session, user=user, event_id=event_id) if e.done_at is None]
