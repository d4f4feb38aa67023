"""Sync operations on my contacts, notes and promises (door scans are in door.py).

Each handler calls the same service the online API calls; those services already take the
phone's ids and are idempotent on them. What is added here is what only an offline phone
needs: a badge scanned offline may turn out to be someone I already had (the phone's id then
becomes an alias of that contact, so notes written on it land there). Note edits from two
devices are in notes.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from schemas.contacts import ContactIn, ContactOut, ImportIn
from schemas.notes import NoteIn, PromiseOut, PromisePatch
from schemas.sync import ContactCreateOp, ExchangeScanOp, NoteCreateOp, PromiseSetDoneOp
from services.errors import NotFound
from services.models import Contact, ContactAlias, Promise
from services.network import meeting_answers
from services.people import contacts, exchange, notes
from services.sync.batch import OpContext, Outcome, register


def _contact(contact: Contact) -> dict[str, Any]:
    return ContactOut.model_validate(contact).model_dump(mode="json")


def note_json(parts: notes.NoteParts) -> dict[str, Any]:
    return notes.note_out(parts).model_dump(mode="json")


async def _alias(ctx: OpContext, *, client_id: uuid.UUID, contact_id: uuid.UUID) -> None:
    if (
        client_id != contact_id
        and await ctx.session.get(ContactAlias, (ctx.user.id, client_id)) is None
    ):
        ctx.session.add(
            ContactAlias(owner_id=ctx.user.id, client_id=client_id, contact_id=contact_id)
        )
        await ctx.session.flush()


async def resolve_contact_id(ctx: OpContext, contact_id: uuid.UUID) -> uuid.UUID:
    """The contact a phone's id stands for: itself, or the contact it turned out to be."""
    alias = await ctx.session.scalar(
        select(ContactAlias.contact_id).where(
            ContactAlias.owner_id == ctx.user.id, ContactAlias.client_id == contact_id
        )
    )
    return alias or contact_id


@register(
    "contact.create",
    payload=ContactCreateOp,
    description="A contact typed in, or read from a vCard / MECARD / LinkedIn QR (`qr`). "
    "`duplicate` if this id exists already.",
)
async def create_contact(ctx: OpContext, data: ContactCreateOp) -> Outcome:
    session, user = ctx.session, ctx.user
    met_at = ctx.clamp(data.met_at)
    if data.qr is not None:
        added = await contacts.import_payload(
            session,
            user=user,
            data=ImportIn(
                payload=data.qr,
                id=data.id,
                event_id=data.event_id,
                on_duplicate=data.on_duplicate,
                merge_into=data.merge_into,
            ),
        )
        if added.created:
            added.contact.met_at = met_at
    else:
        typed = data.model_dump(include=set(ContactIn.model_fields) - {"met_at"})
        added = await contacts.add_contact(
            session, user=user, data=ContactIn(**typed, met_at=met_at)
        )
    contact = added.contact
    await _alias(ctx, client_id=data.id, contact_id=contact.id)
    possible_duplicate = None
    if added.created:
        match = await contacts.find_duplicate(
            session, user=user, email=contact.email, linkedin_url=contact.linkedin_url
        )
        if match is not None and match.id != contact.id:
            possible_duplicate = str(match.id)
    await session.flush()
    return Outcome(
        "applied" if added.created else "duplicate",
        {
            "contact": _contact(contact),
            "warnings": added.warnings,
            "possible_duplicate_of": possible_duplicate,
        },
    )


@register(
    "exchange.scan",
    payload=ExchangeScanOp,
    description="A badge scanned offline: the person's shared card becomes the contact "
    "`contact_id`; if I already had them, that contact (and `contact_id` now stands for it).",
)
async def scan_badge(ctx: OpContext, data: ExchangeScanOp) -> Outcome:
    existing = await ctx.session.get(Contact, data.contact_id)
    if existing is not None and existing.owner_id == ctx.user.id and existing.source == "badge":
        # The placeholder was already filled in (the scan went through the online API too).
        return Outcome(
            "duplicate", {"contact": _contact(existing), "placeholder_id": str(data.contact_id)}
        )
    scanned = await exchange.scan_badge(
        ctx.session, user=ctx.user, badge=data.badge, contact_id=data.contact_id
    )
    if scanned.created:
        scanned.contact.met_at = ctx.clamp(data.scanned_at)
    if scanned.contact.person_id is not None:  # a meeting with them about then is held
        await meeting_answers.met_by_scan(
            ctx.session,
            user=ctx.user,
            event_id=scanned.event.id,
            other_id=scanned.contact.person_id,
            at=ctx.clamp(data.scanned_at),
        )
    await _alias(ctx, client_id=data.contact_id, contact_id=scanned.contact.id)
    await ctx.session.flush()
    return Outcome(
        "applied" if scanned.created else "duplicate",
        {
            "contact": _contact(scanned.contact),
            "placeholder_id": str(data.contact_id),
            "event_id": str(scanned.event.id),
            "event_name": scanned.event.name,
        },
    )


@register(
    "note.create",
    payload=NoteCreateOp,
    description="A note on a contact (also one made offline). `duplicate` if this id exists.",
)
async def create_note(ctx: OpContext, data: NoteCreateOp) -> Outcome:
    contact_id = await resolve_contact_id(ctx, data.contact_id)
    fields = data.model_dump(include=set(NoteIn.model_fields))
    fields["created_at"] = ctx.clamp(data.created_at)
    parts, created = await notes.create_note(
        ctx.session, user=ctx.user, contact_id=contact_id, data=NoteIn.model_validate(fields)
    )
    return Outcome("applied" if created else "duplicate", {"note": note_json(parts)})


@register(
    "promise.set_done",
    payload=PromiseSetDoneOp,
    description="Mark a promise done (or not done). `duplicate` if it already was.",
)
async def set_promise_done(ctx: OpContext, data: PromiseSetDoneOp) -> Outcome:
    promise = await ctx.session.get(Promise, data.promise_id)
    if promise is None or promise.owner_id != ctx.user.id:
        raise NotFound("No such promise.", code="promise_not_found")
    if promise.done == data.done:
        return Outcome("duplicate", {"promise": _promise(promise)})
    changed = await notes.update_promise(
        ctx.session, user=ctx.user, promise_id=promise.id, data=PromisePatch(done=data.done)
    )
    return Outcome("applied", {"promise": _promise(changed)})


def _promise(promise: Promise) -> dict[str, Any]:
    return PromiseOut.model_validate(promise, from_attributes=True).model_dump(mode="json")
