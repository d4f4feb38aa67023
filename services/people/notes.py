"""Conversation notes: create with a client id (idempotent), patch as you type (versioned),
and the structured parts: topics, personal details, promises (with the link to send). A promise
is kept by hand, or when the follow-up written to keep it is sent. Private to their author."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.notes import (
    NoteIn,
    NoteOut,
    NotePatch,
    PersonalDetailIn,
    PersonalDetailOut,
    PromiseIn,
    PromiseOut,
    PromisePatch,
)
from services.db import utcnow
from services.errors import Conflict, FieldProblem, Invalid, NotFound
from services.models import (
    Contact,
    FollowUp,
    FollowUpStatus,
    Note,
    NoteTopic,
    PersonalDetail,
    Promise,
    User,
)
from services.models.notes import MAX_LINK
from services.people import cards, search
from services.people.contacts import get_contact


class NoteChanged(Conflict):
    """The edit was based on an older version of the note (another device edited it)."""

    code = "note_changed"

    def __init__(self, note: Note) -> None:
        super().__init__(
            f"This note was changed elsewhere (now version {note.version}). Reload it and "
            "apply your edit again.",
        )
        self.note = note


@dataclass
class NoteParts:
    note: Note
    topics: list[str]
    details: list[PersonalDetail]
    promises: list[Promise]


def note_out(parts: NoteParts) -> NoteOut:
    """The API shape of a note with its parts."""
    note = parts.note
    return NoteOut(
        id=note.id,
        contact_id=note.contact_id,
        text=note.text,
        topics=parts.topics,
        personal_details=[
            PersonalDetailOut(id=d.id, kind=d.kind, text=d.text, on_date=d.on_date)
            for d in parts.details
        ],
        promises=[PromiseOut.model_validate(p, from_attributes=True) for p in parts.promises],
        next_step=note.next_step,
        warmth=note.warmth,
        preferred_channel=note.preferred_channel,
        version=note.version,
        created_at=note.created_at,
        updated_at=note.updated_at,
    )


async def _note(session: AsyncSession, *, user: User, note_id: uuid.UUID) -> Note:
    note = await session.get(Note, note_id)
    if note is None or note.owner_id != user.id:
        raise NotFound("No such note.", code="note_not_found")
    return note


async def _parts(session: AsyncSession, notes: Sequence[Note]) -> list[NoteParts]:
    ids = [n.id for n in notes]
    topics: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    details: dict[uuid.UUID, list[PersonalDetail]] = {i: [] for i in ids}
    promises: dict[uuid.UUID, list[Promise]] = {i: [] for i in ids}
    if ids:
        for topic in await session.scalars(
            select(NoteTopic).where(NoteTopic.note_id.in_(ids)).order_by(NoteTopic.topic)
        ):
            topics[topic.note_id].append(topic.topic)
        for detail in await session.scalars(
            select(PersonalDetail).where(PersonalDetail.note_id.in_(ids))
        ):
            details[detail.note_id].append(detail)
        for promise in await session.scalars(
            select(Promise).where(Promise.note_id.in_(ids)).order_by(Promise.created_at)
        ):
            promises[promise.note_id].append(promise)
    return [NoteParts(n, topics[n.id], details[n.id], promises[n.id]) for n in notes]


async def _reindex(session: AsyncSession, parts: NoteParts) -> None:
    extra = [
        *parts.topics,
        *(f"{d.kind} {d.text}" for d in parts.details),
        *(p.text for p in parts.promises),
    ]
    await search.index_note(session, note=parts.note, extra=extra)


async def _set_topics(session: AsyncSession, note: Note, topics: list[str]) -> None:
    await session.execute(delete(NoteTopic).where(NoteTopic.note_id == note.id))
    for topic in cards.clean_tags(topics):
        session.add(
            NoteTopic(
                note_id=note.id, contact_id=note.contact_id, owner_id=note.owner_id, topic=topic
            )
        )


async def _refuse_taken_ids(
    session: AsyncSession,
    model: type[PersonalDetail] | type[Promise],
    note: Note,
    items: Sequence[PersonalDetailIn] | Sequence[PromiseIn],
    field: str,
    what: str,
) -> None:
    """Ids sent with a note's parts name its own parts, or new ones: an id used twice in the
    list, or by a row of another note (anyone's), is refused rather than failing the insert."""
    ids = [item.id for item in items]
    wanted = {i for i in ids if i is not None}
    taken = (
        set(
            await session.scalars(
                select(model.id).where(model.id.in_(wanted), model.note_id != note.id)
            )
        )
        if wanted
        else set()
    )
    for index, item_id in enumerate(ids):
        if item_id is not None and (item_id in taken or item_id in ids[:index]):
            detail = f"This id is already used by another {what}. Leave it out to make a new one."
            raise Invalid(
                detail, code="id_taken", fields=[FieldProblem(f"{field}.{index}.id", detail)]
            )


async def _set_details(session: AsyncSession, note: Note, details: list[PersonalDetailIn]) -> None:
    await _refuse_taken_ids(session, PersonalDetail, note, details, "personal_details", "detail")
    await session.execute(delete(PersonalDetail).where(PersonalDetail.note_id == note.id))
    await session.flush()
    for item in details:
        session.add(
            PersonalDetail(
                id=item.id or uuid.uuid4(),
                note_id=note.id,
                contact_id=note.contact_id,
                owner_id=note.owner_id,
                kind=item.kind.value,
                text=item.text.strip(),
                on_date=item.on_date,
            )
        )


def promise_link(raw: str | None, *, field: str = "link") -> str | None:
    """A promise's link as kept: an http(s) URL, checked like the card's web address (a bare
    www.example.com gets https://), or None for none. javascript: and other schemes are refused."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if any(char.isspace() or not char.isprintable() for char in raw):
        detail = "A link has no spaces or line breaks in it: paste the address alone."
        raise Invalid(detail, code="bad_url", fields=[FieldProblem(field, detail)])
    link = cards.normalize_url(raw, field=field)
    if len(link) > MAX_LINK:
        detail = f"Keep the link under {MAX_LINK} characters."
        raise Invalid(detail, code="bad_url", fields=[FieldProblem(field, detail)])
    return link


async def _set_promises(session: AsyncSession, note: Note, promises: list[PromiseIn]) -> None:
    """Replace the note's promises; one sent with its id keeps its row (and creation time), and
    its link when the link is left out (an app that does not know links yet must not drop it)."""
    links = [promise_link(item.link, field=f"promises.{i}.link") for i, item in enumerate(promises)]
    await _refuse_taken_ids(session, Promise, note, promises, "promises", "promise")
    old = {
        p.id: p for p in await session.scalars(select(Promise).where(Promise.note_id == note.id))
    }
    keep = {item.id for item in promises if item.id in old}
    for promise_id, promise in old.items():
        if promise_id not in keep:
            await session.delete(promise)
    for item, link in zip(promises, links, strict=True):
        found = old.get(item.id) if item.id else None
        if found is not None:
            promise = found
        else:
            promise = Promise(
                id=item.id or uuid.uuid4(),
                note_id=note.id,
                contact_id=note.contact_id,
                owner_id=note.owner_id,
            )
            session.add(promise)
        promise.text, promise.due_on = item.text.strip(), item.due_on
        if found is None or "link" in item.model_fields_set:
            promise.link = link
        if item.done != bool(promise.done):
            promise.done_at = utcnow() if item.done else None
        promise.done = item.done
    await session.flush()


def _carry_to_contact(contact: Contact, note: Note) -> None:
    """The latest warmth and channel written in a note describe the contact now."""
    if note.warmth:
        contact.warmth = note.warmth
    if note.preferred_channel:
        contact.preferred_channel = note.preferred_channel


async def create_note(
    session: AsyncSession, *, user: User, contact_id: uuid.UUID, data: NoteIn
) -> tuple[NoteParts, bool]:
    """A note on my contact; the same client id again returns the existing note (created=False)."""
    if data.id is not None:
        existing = await session.get(Note, data.id)
        if existing is not None:
            if existing.owner_id != user.id:
                raise Conflict("This id is already in use; make a new one.", code="id_taken")
            return (await _parts(session, [existing]))[0], False
    contact = await get_contact(session, user=user, contact_id=contact_id)
    now = utcnow()
    note = Note(
        id=data.id or uuid.uuid4(),
        owner_id=user.id,
        contact_id=contact.id,
        text=data.text,
        next_step=data.next_step.strip(),
        warmth=data.warmth.value if data.warmth else None,
        preferred_channel=data.preferred_channel.value if data.preferred_channel else None,
        version=1,
        created_at=data.created_at or now,
        updated_at=now,
    )
    session.add(note)
    await session.flush()
    await _set_topics(session, note, data.topics)
    await _set_details(session, note, data.personal_details)
    await _set_promises(session, note, data.promises)
    _carry_to_contact(contact, note)
    await session.flush()
    parts = (await _parts(session, [note]))[0]
    await _reindex(session, parts)
    return parts, True


async def update_note(
    session: AsyncSession, *, user: User, note_id: uuid.UUID, data: NotePatch
) -> NoteParts:
    """Apply an edit made on `base_version`; a stale base raises NoteChanged (409)."""
    note = await _note(session, user=user, note_id=note_id)
    if data.base_version != note.version:
        raise NoteChanged(note)
    given = data.model_fields_set
    if data.text is not None:
        note.text = data.text
    if data.next_step is not None:
        note.next_step = data.next_step.strip()
    if "warmth" in given:
        note.warmth = data.warmth.value if data.warmth else None
    if "preferred_channel" in given:
        note.preferred_channel = data.preferred_channel.value if data.preferred_channel else None
    if data.topics is not None:
        await _set_topics(session, note, data.topics)
    if data.personal_details is not None:
        await _set_details(session, note, data.personal_details)
    if data.promises is not None:
        await _set_promises(session, note, data.promises)
    note.version += 1
    note.updated_at = utcnow()
    if "warmth" in given or "preferred_channel" in given:
        contact = await session.get(Contact, note.contact_id)
        assert contact is not None
        _carry_to_contact(contact, note)
    await session.flush()
    parts = (await _parts(session, [note]))[0]
    await _reindex(session, parts)
    return parts


async def get_note(session: AsyncSession, *, user: User, note_id: uuid.UUID) -> NoteParts:
    """One of my notes with its parts."""
    return (await _parts(session, [await _note(session, user=user, note_id=note_id)]))[0]


async def delete_note(session: AsyncSession, *, user: User, note_id: uuid.UUID) -> None:
    """Delete my note (its promises and details go with it)."""
    await session.delete(await _note(session, user=user, note_id=note_id))
    await session.flush()


async def notes_of(session: AsyncSession, *, user: User, contact_id: uuid.UUID) -> list[NoteParts]:
    """My notes on a contact, newest first."""
    await get_contact(session, user=user, contact_id=contact_id)
    notes = await session.scalars(
        select(Note)
        .where(Note.owner_id == user.id, Note.contact_id == contact_id)
        .order_by(Note.created_at.desc())
    )
    return await _parts(session, notes.all())


@dataclass(frozen=True)
class PromiseRow:
    """A promise on my list, with whom it was made to and, if a follow-up written to keep it
    was sent, when."""

    promise: Promise
    contact_name: str
    sent_with_follow_up_at: datetime | None


async def list_promises(
    session: AsyncSession, *, user: User, include_done: bool, limit: int, offset: int
) -> tuple[list[PromiseRow], int]:
    """My promises across contacts: open ones first, then by due date (undated last)."""
    sent_with = (
        select(func.max(FollowUp.sent_at))
        .where(FollowUp.promise_id == Promise.id, FollowUp.status == FollowUpStatus.sent)
        .scalar_subquery()
    )
    query = (
        select(Promise, Contact.name, sent_with)
        .join(Contact, Contact.id == Promise.contact_id)
        .where(Promise.owner_id == user.id)
    )
    if not include_done:
        query = query.where(~Promise.done)
    total = len((await session.execute(query.with_only_columns(Promise.id))).all())
    rows = await session.execute(
        query.order_by(
            Promise.done,
            case((Promise.due_on.is_(None), 1), else_=0),
            Promise.due_on,
            Promise.created_at,
        )
        .limit(limit)
        .offset(offset)
    )
    return [PromiseRow(promise, name, sent_at) for promise, name, sent_at in rows.all()], total


async def update_promise(
    session: AsyncSession, *, user: User, promise_id: uuid.UUID, data: PromisePatch
) -> Promise:
    """Mark a promise done or not done, move its due date, change its text or link."""
    promise = await session.get(Promise, promise_id)
    if promise is None or promise.owner_id != user.id:
        raise NotFound("No such promise.", code="promise_not_found")
    if "link" in data.model_fields_set:
        promise.link = promise_link(data.link)
    if data.done is not None and data.done != promise.done:
        promise.done, promise.done_at = data.done, utcnow() if data.done else None
    if "due_on" in data.model_fields_set:
        promise.due_on = data.due_on
    if data.text is not None:
        promise.text = data.text.strip()
    note = await session.get(Note, promise.note_id)
    assert note is not None
    note.version += 1  # the promise is part of the note: offline edits must see the change
    note.updated_at = utcnow()
    await session.flush()
    await _reindex(session, (await _parts(session, [note]))[0])
    return promise


async def keep_promises(
    session: AsyncSession, *, promise_ids: Collection[uuid.UUID], at: datetime
) -> None:
    """Mark these promises done at `at`: a follow-up written to keep them was sent. One already
    done keeps the time it was done."""
    if not promise_ids:
        return
    kept = await session.execute(
        update(Promise)
        .where(Promise.id.in_(list(promise_ids)), Promise.done.is_(False))
        .values(done=True, done_at=at)
        .returning(Promise.note_id)
    )
    note_ids = set(kept.scalars())
    if note_ids:
        # As in update_promise: the promise is part of its note, and an edit made offline on
        # the version before must not tick it back.
        await session.execute(
            update(Note)
            .where(Note.id.in_(note_ids))
            .values(version=Note.version + 1, updated_at=at)
        )
    await session.flush()
