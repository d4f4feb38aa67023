"""Sync: a note edited on two devices. The later edit (by the devices' edit times) becomes the
note; the other version is kept as a conflict copy beside it, never dropped (docs/offline.md).

A stale edit competes with the note's current version as a whole: without the text the edit
was based on we cannot tell which fields the other device changed, so when the versions differ
in anything a copy keeps the losing one; when they do not, nothing is copied.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.notes import NoteIn, NotePatch, PersonalDetailIn, PromiseIn
from schemas.sync import NoteUpdateOp
from services.db import utcnow
from services.errors import Invalid, NotFound
from services.models import Contact, DetailKind, Note, NoteConflict, Promise, User
from services.people import cards, notes
from services.sync.batch import OpContext, Outcome, register
from services.sync.ops import note_json


@dataclass(frozen=True)
class _Content:
    """A note's content, to see whether a losing edit holds anything the winner lacks."""

    text: str
    next_step: str
    topics: tuple[str, ...]
    details: tuple[tuple[str, str, str], ...]

    @classmethod
    def of(
        cls, text: str, next_step: str, topics: list[str], details: list[PersonalDetailIn]
    ) -> _Content:
        return cls(
            text=text,
            next_step=next_step.strip(),
            topics=tuple(sorted(cards.clean_tags(topics))),
            details=tuple(
                sorted((d.kind.value, d.text.strip(), str(d.on_date or "")) for d in details)
            ),
        )


def _details_in(parts: notes.NoteParts) -> list[PersonalDetailIn]:
    return [
        PersonalDetailIn.model_construct(kind=DetailKind(d.kind), text=d.text, on_date=d.on_date)
        for d in parts.details
    ]


def _promises_in(promises: list[Promise]) -> list[PromiseIn]:
    return [
        PromiseIn(id=p.id, text=p.text, link=p.link, due_on=p.due_on, done=p.done) for p in promises
    ]


@dataclass
class _Version:
    content: _Content
    details: list[PersonalDetailIn]
    promises: list[PromiseIn]
    edited_at: datetime


def _current(parts: notes.NoteParts) -> _Version:
    details = _details_in(parts)
    note = parts.note
    return _Version(
        _Content.of(note.text, note.next_step, parts.topics, details),
        details,
        _promises_in(parts.promises),
        note.updated_at,
    )


def _overlaid(parts: notes.NoteParts, patch: NoteUpdateOp, edited_at: datetime) -> _Version:
    """The note as the uploading device saw it after its edit: current fields, patch on top."""
    note = parts.note
    details = patch.personal_details if patch.personal_details is not None else _details_in(parts)
    content = _Content.of(
        patch.text if patch.text is not None else note.text,
        patch.next_step if patch.next_step is not None else note.next_step,
        patch.topics if patch.topics is not None else parts.topics,
        details,
    )
    promises = patch.promises if patch.promises is not None else _promises_in(parts.promises)
    return _Version(content, details, promises, edited_at)


COPY_HEADER = (
    "Conflict copy: this version was edited at {when} UTC{where}, while the note was also "
    "changed on another device.\n\n"
)


async def _conflict_copy(
    ctx: OpContext,
    *,
    note: Note,
    loser: _Version,
    winner_promise_ids: set[uuid.UUID],
    device: str,
) -> notes.NoteParts:
    """A new note beside the original holding the losing version (its own promises included,
    those the winner does not have, so none is lost and none is doubled)."""
    header = COPY_HEADER.format(
        when=loser.edited_at.strftime("%Y-%m-%d %H:%M"), where=f" on {device}" if device else ""
    )
    data = NoteIn.model_construct(
        id=uuid.uuid5(ctx.op_id, "conflict-copy"),
        text=header + loser.content.text,
        topics=list(loser.content.topics),
        personal_details=[
            PersonalDetailIn.model_construct(kind=d.kind, text=d.text, on_date=d.on_date)
            for d in loser.details
        ],
        promises=[
            PromiseIn(text=p.text, link=p.link, due_on=p.due_on, done=p.done)
            for p in loser.promises
            if p.id is None or p.id not in winner_promise_ids
        ],
        next_step=loser.content.next_step,
        warmth=None,  # a copy must not change how warm the contact is
        preferred_channel=None,
        created_at=note.created_at,
    )
    parts, _ = await notes.create_note(
        ctx.session, user=ctx.user, contact_id=note.contact_id, data=data
    )
    return parts


@register(
    "note.update",
    payload=NoteUpdateOp,
    description="An edit made on `base_version` at `edited_at`. If another device changed the "
    "note meanwhile, the later edit becomes the note and the other is kept as a conflict copy "
    "(`conflict`).",
)
async def update_note(ctx: OpContext, data: NoteUpdateOp) -> Outcome:
    session, user = ctx.session, ctx.user
    edited_at = ctx.clamp(data.edited_at)
    before = await notes.get_note(session, user=user, note_id=data.note_id)
    note = before.note
    if data.base_version > note.version:
        raise Invalid(
            f"This note is at version {note.version}; an edit cannot be based on version "
            f"{data.base_version}.",
            code="bad_base_version",
        )
    fields = data.model_dump(include=set(NotePatch.model_fields), exclude_unset=True)
    patch = NotePatch.model_validate({**fields, "base_version": note.version})
    if data.base_version == note.version:
        after = await notes.update_note(session, user=user, note_id=note.id, data=patch)
        after.note.updated_at = edited_at
        await session.flush()
        return Outcome("applied", {"note": note_json(after)})
    # Another device changed the note since this edit's base: keep both texts.
    current = _current(before)
    incoming = _overlaid(before, data, edited_at)
    incoming_wins = edited_at > note.updated_at
    if incoming_wins:
        after = await notes.update_note(session, user=user, note_id=note.id, data=patch)
        after.note.updated_at = edited_at
        loser, winner = current, _current(after)
    else:
        after, loser, winner = before, incoming, current
    winner_ids = {p.id for p in winner.promises if p.id}
    leftover = [p for p in loser.promises if p.id is None or p.id not in winner_ids]
    if loser.content == winner.content and not leftover:
        await session.flush()
        return Outcome("applied", {"note": note_json(after), "merged": True})
    copy = await _conflict_copy(
        ctx, note=note, loser=loser, winner_promise_ids=winner_ids, device=ctx.device
    )
    conflict = NoteConflict(
        owner_id=user.id,
        note_id=note.id,
        copy_note_id=copy.note.id,
        winner="incoming" if incoming_wins else "current",
        base_version=data.base_version,
        device=ctx.device,
        edited_at=edited_at,
        resolved_at=None,
    )
    session.add(conflict)
    await session.flush()
    return Outcome(
        "conflict",
        {
            "note": note_json(after),
            "conflict_copy": note_json(copy),
            "winner": conflict.winner,
            "conflict_id": str(conflict.id),
        },
    )


@dataclass(frozen=True)
class ConflictRow:
    """A note conflict with the contact it is about."""

    conflict: NoteConflict
    contact_id: uuid.UUID
    contact_name: str


def _conflicts_of(user: User) -> Select[NoteConflict, uuid.UUID, str]:
    return (
        select(NoteConflict, Note.contact_id, Contact.name)
        .join(Note, Note.id == NoteConflict.note_id)
        .join(Contact, Contact.id == Note.contact_id)
        .where(NoteConflict.owner_id == user.id)
    )


async def note_conflicts(
    session: AsyncSession, *, user: User, include_resolved: bool = False
) -> list[ConflictRow]:
    """My note conflicts (with their contact), newest first; open ones unless asked."""
    query = _conflicts_of(user)
    if not include_resolved:
        query = query.where(NoteConflict.resolved_at.is_(None))
    rows = await session.execute(query.order_by(NoteConflict.created_at.desc(), NoteConflict.id))
    return [ConflictRow(conflict, contact_id, name) for conflict, contact_id, name in rows.all()]


async def resolve_note_conflict(
    session: AsyncSession, *, user: User, conflict_id: uuid.UUID
) -> ConflictRow:
    """Mark a conflict seen; both notes stay (delete the copy through the notes API if wanted)."""
    row = (await session.execute(_conflicts_of(user).where(NoteConflict.id == conflict_id))).first()
    if row is None:
        raise NotFound("No such note conflict.", code="conflict_not_found")
    found = ConflictRow(row[0], row[1], row[2])
    found.conflict.resolved_at = found.conflict.resolved_at or utcnow()
    await session.flush()
    return found
