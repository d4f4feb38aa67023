"""Everything a user owns as one JSON-ready document ("your data is yours"). Reads only.

Each row keeps its stored fields, minus the owner's id (it is the account itself), secrets
(token hashes) and other people's ids where a name says more. Nothing of anyone else is
read beyond what the user already sees: their contact list as they keep it, the names of
events they take part in.
"""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
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
CHUNK = 500  # parent ids per query
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


async def _contacts(session: AsyncSession, *, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """My contacts as I keep them, each with my notes and their structured parts."""
    contacts = await _all(session, Contact, Contact.owner_id == user_id, order=Contact.created_at)
    notes = await _all(session, Note, Note.owner_id == user_id, order=Note.created_at)
    parts: dict[uuid.UUID, dict[str, list[Any]]] = defaultdict(
        lambda: {"topics": [], "personal_details": [], "promises": []}
    )
    for topic in await _all(session, NoteTopic, NoteTopic.owner_id == user_id):
        parts[topic.note_id]["topics"].append(topic.topic)
    for detail in await _all(session, PersonalDetail, PersonalDetail.owner_id == user_id):
        parts[detail.note_id]["personal_details"].append(
            row(detail, leave_out={"note_id", "contact_id"})
        )
    for promise in await _all(
        session, Promise, Promise.owner_id == user_id, order=Promise.created_at
    ):
        parts[promise.note_id]["promises"].append(
            {
                **row(promise, leave_out={"note_id", "contact_id", "done_by_id"}),
                "done_by_them": promise.done_by_id is not None,
            }
        )
    by_contact: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for note in notes:
        by_contact[note.contact_id].append(
            {**row(note, leave_out={"contact_id"}), **parts[note.id]}
        )
    # person_id is another account's id: the contact's own fields say who they are.
    return [
        {**row(contact, leave_out={"person_id"}), "notes": by_contact[contact.id]}
        for contact in contacts
    ]


async def _children(
    session: AsyncSession,
    model: Any,
    parent: Any,
    parent_ids: list[uuid.UUID],
    *,
    order: Any,
    leave_out: set[str],
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The rows of `model` whose `parent` column is one of `parent_ids`, by parent, in order."""
    found: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(parent_ids), CHUNK):  # no IN list over 1,000 parameters
        chunk = parent.in_(parent_ids[start : start + CHUNK])
        for child in await _all(session, model, chunk, order=order):
            found[getattr(child, parent.key)].append(row(child, leave_out=leave_out))
    return found


async def _follow_ups(session: AsyncSession, *, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """My follow-up messages, each with its history of states."""
    follow_ups = await _all(
        session, FollowUp, FollowUp.owner_id == user_id, order=FollowUp.created_at
    )
    history = await _children(
        session,
        FollowUpTransition,
        FollowUpTransition.follow_up_id,
        [f.id for f in follow_ups],
        order=FollowUpTransition.at,
        leave_out={"id", "follow_up_id"},
    )
    return [{**row(f), "history": history[f.id]} for f in follow_ups]


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


async def export_account(session: AsyncSession, *, user: User) -> dict[str, Any]:
    """Everything the user owns, as one document (see schemas.account.AccountExport)."""
    uid = user.id
    card = await session.scalar(select(Card).where(Card.user_id == uid))
    preferences = await session.get(FollowUpPreferences, uid)
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow(),
        "account": {
            "email": user.email,
            "name": user.name,
            "timezone": user.timezone,
            "is_organizer": user.is_organizer,
            "created_at": _value(user.created_at),
        },
        "card": _card(card),
        "pitches": [row(p) for p in await _all(session, Pitch, Pitch.owner_id == uid)],
        "look_for": [
            row(e)
            for e in await _all(
                session, LookForEntry, LookForEntry.owner_id == uid, order=LookForEntry.created_at
            )
        ],
        "contacts": await _contacts(session, user_id=uid),
        "promises_made_to_me": [
            {
                "contact_id": str(contact.id),
                "from": contact.name,
                **row(promise, leave_out={"id", "note_id", "contact_id", "owner_id", "done_by_id"}),
            }
            for promise, contact in await shared_promises.made_to(session, user=user)
        ],
        "note_conflicts": [
            row(c) for c in await _all(session, NoteConflict, NoteConflict.owner_id == uid)
        ],
        "follow_ups": await _follow_ups(session, user_id=uid),
        "templates": [
            row(t) for t in await _all(session, MessageTemplate, MessageTemplate.owner_id == uid)
        ],
        "keep_in_touch": [
            row(k) for k in await _all(session, KeepInTouch, KeepInTouch.owner_id == uid)
        ],
        "interactions": [
            row(i) for i in await _all(session, Interaction, Interaction.owner_id == uid)
        ],
        "reminder_settings": (
            None
            if preferences is None
            else {
                **row(preferences, leave_out={"calendar_token_created_at"}),
                "calendar_feed": preferences.calendar_token_hash is not None,
            }
        ),
        "introductions": await _introductions(session, user_id=uid),
        "meetings": await _meetings(session, user_id=uid),
        "registrations": await _registrations(session, user_id=uid),
        "events_i_run": await _events_i_run(session, user_id=uid),
        "notifications": [
            row(n, leave_out={"actor_id"})
            for n in await _all(
                session, Notification, Notification.user_id == uid, order=Notification.created_at
            )
        ],
    }
