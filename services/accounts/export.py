"""Everything a user owns as one JSON document ("your data is yours"), written piece by piece.
Reads only.

Each row keeps its stored fields, minus the owner's id (it is the account itself), secrets
(token hashes) and other people's ids where a name says more. Nothing of anyone else is
read beyond what the user already sees: their contact list as they keep it, the names of
events they take part in.
"""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import Base, utcnow
from services.models import (
    Attendee,
    Card,
    CheckIn,
    Contact,
    Event,
    EventMember,
    FollowUp,
    FollowUpPreferences,
    FollowUpTransition,
    Interaction,
    Introduction,
    IntroductionParty,
    KeepInTouch,
    LookForEntry,
    Meeting,
    MeetingRequest,
    MessageTemplate,
    Note,
    NoteConflict,
    NoteTopic,
    Notification,
    PersonalDetail,
    Pitch,
    Promise,
    User,
)
from services.people import shared_promises

FORMAT_VERSION = 1
BATCH = 500  # rows read at a time, and ids per IN list
# Columns never exported: whose row it is (the account itself), secrets, worker bookkeeping.
_LEFT_OUT = frozenset(
    {
        "owner_id",
        "user_id",
        "calendar_token_hash",
        "lease_expires_at",
        "message_id",
        "photo",
    }
)


def _value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return list(value)
    return value


def row(obj: Base, *, leave_out: Iterable[str] = ()) -> dict[str, Any]:
    """One stored row as a plain dict of its columns (JSON-ready)."""
    skip = _LEFT_OUT | set(leave_out)
    return {
        column.key: _value(getattr(obj, column.key))
        for column in obj.__table__.columns
        if column.key not in skip
    }


async def _all(session: AsyncSession, model: Any, *where: Any, order: Any = None) -> Sequence[Any]:
    statement = select(model).where(*where)
    if order is not None:
        statement = statement.order_by(order)
    return (await session.scalars(statement)).all()


def _card(card: Card | None) -> dict[str, Any] | None:
    if card is None:
        return None
    out = row(card)
    out["photo"] = (
        {"type": card.photo_type, "base64": base64.b64encode(card.photo).decode("ascii")}
        if card.photo is not None
        else None
    )
    return out


async def _stream(
    session: AsyncSession, model: Any, *where: Any, order: tuple[Any, ...]
) -> AsyncIterator[Sequence[Any]]:
    """The rows of `model`, BATCH at a time (never all of them in memory)."""
    rows = await session.stream_scalars(
        select(model).where(*where).order_by(*order).execution_options(yield_per=BATCH)
    )
    async for batch in rows.partitions():
        yield batch


async def _contacts(session: AsyncSession, *, user_id: uuid.UUID) -> AsyncIterator[dict[str, Any]]:
    """My contacts as I keep them, each with my notes and their structured parts."""
    async for contacts in _stream(
        session, Contact, Contact.owner_id == user_id, order=(Contact.created_at, Contact.id)
    ):
        notes = await _children(
            session,
            Note,
            Note.contact_id,
            [c.id for c in contacts],
            order=Note.created_at,
            leave_out=set(),
            rows=False,
        )
        note_ids = [n.id for found in notes.values() for n in found]
        topics = await _children(
            session, NoteTopic, NoteTopic.note_id, note_ids, order=None, leave_out=set()
        )
        details = await _children(
            session,
            PersonalDetail,
            PersonalDetail.note_id,
            note_ids,
            order=None,
            leave_out={"note_id", "contact_id"},
        )
        promises = await _children(
            session,
            Promise,
            Promise.note_id,
            note_ids,
            order=Promise.created_at,
            leave_out=set(),
            rows=False,
        )
        for contact in contacts:
            # person_id is another account's id: the contact's own fields say who they are.
            yield {
                **row(contact, leave_out={"person_id"}),
                "notes": [
                    {
                        **row(note, leave_out={"contact_id"}),
                        "topics": [t["topic"] for t in topics[note.id]],
                        "personal_details": details[note.id],
                        "promises": [
                            {
                                **row(p, leave_out={"note_id", "contact_id", "done_by_id"}),
                                "done_by_them": p.done_by_id is not None,
                            }
                            for p in promises[note.id]
                        ],
                    }
                    for note in notes[contact.id]
                ],
            }


async def _children(
    session: AsyncSession,
    model: Any,
    parent: Any,
    parent_ids: list[uuid.UUID],
    *,
    order: Any,
    leave_out: set[str],
    rows: bool = True,
) -> dict[uuid.UUID, list[Any]]:
    """The rows of `model` whose `parent` column is one of `parent_ids`, by parent, in order
    (as dicts, or the objects themselves when `rows` is false). Asked BATCH ids at a time."""
    found: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for start in range(0, len(parent_ids), BATCH):
        chunk = parent_ids[start : start + BATCH]
        for child in await _all(session, model, parent.in_(chunk), order=order):
            found[getattr(child, parent.key)].append(
                row(child, leave_out=leave_out) if rows else child
            )
    return found


async def _follow_ups(
    session: AsyncSession, *, user_id: uuid.UUID
) -> AsyncIterator[dict[str, Any]]:
    """My follow-up messages, each with its history of states."""
    async for follow_ups in _stream(
        session, FollowUp, FollowUp.owner_id == user_id, order=(FollowUp.created_at, FollowUp.id)
    ):
        history = await _children(
            session,
            FollowUpTransition,
            FollowUpTransition.follow_up_id,
            [f.id for f in follow_ups],
            order=FollowUpTransition.at,
            leave_out={"id", "follow_up_id"},
        )
        for follow_up in follow_ups:
            yield {**row(follow_up), "history": history[follow_up.id]}


async def _introductions(session: AsyncSession, *, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Introductions I asked for, each with the two people as asked and their answers."""
    introductions = await _all(
        session, Introduction, Introduction.owner_id == user_id, order=Introduction.created_at
    )
    people = await _children(
        session,
        IntroductionParty,
        IntroductionParty.introduction_id,
        [i.id for i in introductions],
        order=IntroductionParty.position,
        leave_out={"id", "introduction_id", "position", "token_hash"},
    )
    return [{**row(i, leave_out={"open_pair"}), "people": people[i.id]} for i in introductions]


async def _meetings(session: AsyncSession, *, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Meeting requests I sent or got, each with the meeting booked from it (if any)."""
    requests = await _all(
        session,
        MeetingRequest,
        or_(MeetingRequest.requester_id == user_id, MeetingRequest.invitee_id == user_id),
        order=MeetingRequest.created_at,
    )
    booked = {
        m.request_id: m
        for m in await _all(session, Meeting, Meeting.request_id.in_([r.id for r in requests]))
    }
    return [{**row(r), "meeting": row(booked[r.id]) if r.id in booked else None} for r in requests]


async def _registrations(session: AsyncSession, *, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Events I am registered for: the event, my attendee record, my own check-ins."""
    registrations = (
        await session.execute(
            select(Attendee, Event)
            .join(Event, Event.id == Attendee.event_id)
            .where(Attendee.user_id == user_id)
            .order_by(Event.starts_at)
        )
    ).all()
    out = []
    for attendee, event in registrations:
        check_ins = await _all(
            session, CheckIn, CheckIn.attendee_id == attendee.id, order=CheckIn.checked_in_at
        )
        out.append(
            {
                "event": row(event, leave_out={"created_by_id", "created_at", "updated_at"}),
                "attendee": row(attendee, leave_out={"event_id"}),
                "check_ins": [
                    row(c, leave_out={"event_id", "attendee_id", "by_user_id", "undone_by_id"})
                    for c in check_ins
                ],
            }
        )
    return out


async def _events_i_run(session: AsyncSession, *, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Events I organize or staff: the name and my role, nothing of the people in them."""
    rows = await session.execute(
        select(Event.id, Event.name, EventMember.role)
        .join(EventMember, EventMember.event_id == Event.id)
        .where(EventMember.user_id == user_id)
        .order_by(Event.starts_at, EventMember.role)
    )
    return [{"event_id": str(i), "name": name, "role": role} for i, name, role in rows]


async def export_sections(session: AsyncSession, *, user: User) -> AsyncIterator[tuple[str, Any]]:
    """Everything the user owns, section by section (see schemas.account.AccountExport); the
    long ones (contacts, follow-ups) as async iterators of their rows, read BATCH at a time."""
    uid = user.id
    card = await session.scalar(select(Card).where(Card.user_id == uid))
    preferences = await session.get(FollowUpPreferences, uid)
    yield "format_version", FORMAT_VERSION
    yield "exported_at", utcnow().isoformat()
    yield (
        "account",
        {
            "email": user.email,
            "name": user.name,
            "timezone": user.timezone,
            "is_organizer": user.is_organizer,
            "created_at": _value(user.created_at),
        },
    )
    yield "card", _card(card)
    yield "pitches", [row(p) for p in await _all(session, Pitch, Pitch.owner_id == uid)]
    yield (
        "look_for",
        [
            row(e)
            for e in await _all(
                session, LookForEntry, LookForEntry.owner_id == uid, order=LookForEntry.created_at
            )
        ],
    )
    yield "contacts", _contacts(session, user_id=uid)
    yield (
        "note_conflicts",
        [row(c) for c in await _all(session, NoteConflict, NoteConflict.owner_id == uid)],
    )
    yield "follow_ups", _follow_ups(session, user_id=uid)
    yield (
        "templates",
        [row(t) for t in await _all(session, MessageTemplate, MessageTemplate.owner_id == uid)],
    )
    yield (
        "keep_in_touch",
        [row(k) for k in await _all(session, KeepInTouch, KeepInTouch.owner_id == uid)],
    )
    yield (
        "interactions",
        [row(i) for i in await _all(session, Interaction, Interaction.owner_id == uid)],
    )
    yield (
        "reminder_settings",
        None
        if preferences is None
        else {
            **row(preferences, leave_out={"calendar_token_created_at"}),
            "calendar_feed": preferences.calendar_token_hash is not None,
        },
    )
    yield (
        "promises_made_to_me",
        [
            {
                "contact_id": str(contact.id),
                "from": contact.name,
                **row(promise, leave_out={"id", "note_id", "contact_id", "owner_id", "done_by_id"}),
            }
            for promise, contact in await shared_promises.made_to(session, user=user)
        ],
    )
    yield "introductions", await _introductions(session, user_id=uid)
    yield "meetings", await _meetings(session, user_id=uid)
    yield "registrations", await _registrations(session, user_id=uid)
    yield "events_i_run", await _events_i_run(session, user_id=uid)
    yield (
        "notifications",
        [
            row(n, leave_out={"actor_id"})
            for n in await _all(
                session, Notification, Notification.user_id == uid, order=Notification.created_at
            )
        ],
    )


async def export_size(session: AsyncSession, *, user: User) -> int:
    """How many rows of the long sections (contacts, follow-ups) an export will hold."""
    contacts = select(func.count()).where(Contact.owner_id == user.id)
    follow_ups = select(func.count()).where(FollowUp.owner_id == user.id)
    return (await session.scalar(contacts) or 0) + (await session.scalar(follow_ups) or 0)


async def export_json(
    session: AsyncSession, *, user: User, progress: Callable[[int], None] | None = None
) -> AsyncIterator[bytes]:
    """The export as one JSON document, in pieces: a long section's rows are written as they
    are read, so the document is never whole in memory; `progress` is told the rows done."""
    done = 0
    first = True
    async for key, value in export_sections(session, user=user):
        yield (b"{\n" if first else b",\n") + to_json(key) + b": "
        first = False
        if not isinstance(value, AsyncIterator):
            yield to_json(value)
            continue
        yield b"["
        count = 0
        async for item in value:
            yield (b"\n  " if count == 0 else b",\n  ") + to_json(item)
            count += 1
            done += 1
            if progress and done % BATCH == 0:
                progress(done)
        yield b"\n]" if count else b"]"
    if progress:
        progress(done)
    yield b"\n}\n"
