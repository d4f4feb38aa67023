"""Drafting follow-ups: the user's templates, what we know about each contact, and one draft per
contact met at an event, made when the event ends (the worker notices) or when the user asks.

Drafting is done in bulk (a handful of queries whatever the number of contacts) and is
repeatable: a contact that already has a follow-up gets no new draft, and the unique constraint
on (owner, contact, event) holds even when two workers draft the same event at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import templates
from services.db import unit_of_work, upsert_insert, utcnow
from services.errors import Invalid, NotFound
from services.models import (
    Card,
    Channel,
    Contact,
    DetailKind,
    DraftRun,
    Event,
    FollowUp,
    FollowUpPreferences,
    FollowUpStatus,
    Note,
    NoteTopic,
    PersonalDetail,
    Promise,
    TemplateKind,
    User,
)
from services.settings import Settings

# Bulk writes go through Core: 10,000 drafts are inserted in a few statements.
FOLLOW_UPS = cast(Table, FollowUp.__table__)
# Events that ended longer ago than this are history: the worker does not draft for them.
DRAFT_AFTER_EVENT_WINDOW = timedelta(days=30)


def message_id_for(follow_up_id: uuid.UUID) -> str:
    """The Message-ID a follow-up carries on every attempt."""
    return f"<followup-{follow_up_id.hex}@rapport>"


def zone_of(user: User) -> ZoneInfo:
    """The user's time zone (UTC when unset or unknown)."""
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@dataclass
class Known:
    """What my notes say about one contact, newest first where it matters."""

    topic: str = ""
    personal_detail: str = ""
    promise: str = ""
    next_step: str = ""
    note_channel: str | None = None
    extra_topics: list[str] = field(default_factory=list)


async def what_we_know(
    session: AsyncSession, *, owner_id: uuid.UUID, contacts: Select[Any]
) -> dict[uuid.UUID, Known]:
    """Topic, personal detail, open promise, next step and channel from the owner's notes about
    the contacts selected by `contacts` (a select of contact ids): four queries in all."""
    known: dict[uuid.UUID, Known] = {}

    def of(contact_id: uuid.UUID) -> Known:
        return known.setdefault(contact_id, Known())

    notes = await session.execute(
        select(Note.contact_id, Note.next_step, Note.preferred_channel)
        .where(Note.owner_id == owner_id, Note.contact_id.in_(contacts))
        .order_by(Note.created_at.desc())
    )
    for contact_id, next_step, channel in notes:
        entry = of(contact_id)
        if next_step and not entry.next_step:
            entry.next_step = next_step.strip()
        if channel and not entry.note_channel:
            entry.note_channel = channel
    topics = await session.execute(
        select(NoteTopic.contact_id, NoteTopic.topic)
        .join(Note, Note.id == NoteTopic.note_id)
        .where(NoteTopic.owner_id == owner_id, NoteTopic.contact_id.in_(contacts))
        .order_by(Note.created_at.desc(), NoteTopic.id)
    )
    for contact_id, topic in topics:
        entry = of(contact_id)
        if not entry.topic:
            entry.topic = topic
        else:
            entry.extra_topics.append(topic)
    details = await session.execute(
        select(PersonalDetail.contact_id, PersonalDetail.text)
        .join(Note, Note.id == PersonalDetail.note_id)
        .where(
            PersonalDetail.owner_id == owner_id,
            PersonalDetail.contact_id.in_(contacts),
            PersonalDetail.kind != DetailKind.birthday,
            PersonalDetail.text != "",
        )
        .order_by(Note.created_at.desc())
    )
    for contact_id, text in details:
        entry = of(contact_id)
        if not entry.personal_detail:
            entry.personal_detail = text.strip()
    promises = await session.execute(
        select(Promise.contact_id, Promise.text)
        .where(
            Promise.owner_id == owner_id,
            Promise.contact_id.in_(contacts),
            Promise.done.is_(False),
        )
        .order_by(Promise.created_at.desc())
    )
    for contact_id, text in promises:
        entry = of(contact_id)
        if not entry.promise:
            entry.promise = text.strip()
    return known


class ContactFacts(Protocol):
    """What drafting reads of a contact: an ORM Contact, or a row of CONTACT_COLUMNS."""

    id: uuid.UUID
    event_id: uuid.UUID | None
    met_at: datetime
    name: str
    company: str
    email: str
    phone: str
    linkedin_url: str
    preferred_channel: str | None


# Drafting thousands of contacts reads plain rows: ORM objects would cost more than the drafts.
CONTACT_COLUMNS = (
    Contact.id,
    Contact.event_id,
    Contact.met_at,
    Contact.name,
    Contact.company,
    Contact.email,
    Contact.phone,
    Contact.linkedin_url,
    Contact.preferred_channel,
)


def best_kind(known: Known) -> TemplateKind:
    """A promise wants the resource template, a next step the meet-again one."""
    if known.promise:
        return TemplateKind.resource
    if known.next_step:
        return TemplateKind.meet_again
    return TemplateKind.conversation


def best_channel(contact: ContactFacts, known: Known | None) -> str:
    """The contact's preferred channel, else the one my notes say, else what we can reach."""
    for choice in (contact.preferred_channel, known.note_channel if known else None):
        if choice and choice in Channel.__members__:
            return choice
    if contact.email:
        return Channel.email
    if contact.linkedin_url:
        return Channel.linkedin
    if contact.phone:
        return Channel.phone
    return Channel.email


@dataclass(frozen=True)
class Sender:
    """Who the drafts are from: the values behind my_name, my_headline and my_signature."""

    name: str
    headline: str
    signature: str
    zone: ZoneInfo


async def sender_of(session: AsyncSession, *, owner: User) -> Sender:
    """My name, headline and signature, from my card and follow-up preferences."""
    card = await session.scalar(select(Card).where(Card.user_id == owner.id))
    prefs = await session.get(FollowUpPreferences, owner.id)
    name = (card.name if card and card.name else owner.name).strip()
    headline = (card.headline if card else "").strip()
    signature = (prefs.signature if prefs else "").strip()
    if not signature:
        signature = "\n".join(part for part in (name, headline) if part)
    return Sender(name=name, headline=headline, signature=signature, zone=zone_of(owner))


def values_for(
    contact: ContactFacts, known: Known | None, *, event_name: str, sender: Sender
) -> dict[str, str]:
    """The placeholder values for one contact."""
    known = known or Known()
    met = contact.met_at.astimezone(sender.zone)
    return {
        "first_name": contact.name.split()[0] if contact.name.strip() else "",
        "name": contact.name.strip(),
        "company": contact.company.strip(),
        "event": event_name,
        "met_on": f"{met.day} {met:%B}",
        "topic": known.topic,
        "personal_detail": known.personal_detail,
        "promise": known.promise,
        "next_step": known.next_step,
        "my_name": sender.name,
        "my_headline": sender.headline,
        "my_signature": sender.signature,
    }


async def preview(
    session: AsyncSession,
    *,
    owner: User,
    contact_id: uuid.UUID,
    subject: str,
    body: str,
) -> templates.Rendered:
    """Render a template (saved or not) against one of my real contacts."""
    contact = await session.scalar(
        select(Contact).where(Contact.id == contact_id, Contact.owner_id == owner.id)
    )
    if contact is None:
        raise NotFound("No such contact.", code="contact_not_found")
    known = await what_we_know(
        session, owner_id=owner.id, contacts=select(Contact.id).where(Contact.id == contact.id)
    )
    event_name = ""
    if contact.event_id:
        event_name = (
            await session.scalar(select(Event.name).where(Event.id == contact.event_id)) or ""
        )
    sender = await sender_of(session, owner=owner)
    values = values_for(contact, known.get(contact.id), event_name=event_name, sender=sender)
    return templates.render(subject=subject, body=body, values=values)


@dataclass(frozen=True)
class DraftResult:
    created: int
    already_had_follow_up: int


async def draft_follow_ups(
    session: AsyncSession,
    *,
    owner: User,
    event_id: uuid.UUID | None = None,
    contact_ids: Sequence[uuid.UUID] | None = None,
) -> DraftResult:
    """Draft a follow-up for each chosen contact (those met at `event_id`, or `contact_ids`)
    that has none yet, from the template that fits best, in the contact's preferred channel."""
    if event_id is None and not contact_ids:
        raise Invalid("Say which event or which contacts to draft for.", code="nothing_to_draft")
    chosen = [Contact.owner_id == owner.id]
    if event_id is not None:
        chosen.append(Contact.event_id == event_id)
    if contact_ids:
        chosen.append(Contact.id.in_(list(contact_ids)))
    has_follow_up = exists().where(FollowUp.owner_id == owner.id, FollowUp.contact_id == Contact.id)
    fresh = and_(*chosen, ~has_follow_up)
    contacts = (await session.execute(select(*CONTACT_COLUMNS).where(fresh))).all()
    total_chosen = await session.scalar(select(func.count()).select_from(Contact).where(*chosen))
    if not contacts:
        return DraftResult(created=0, already_had_follow_up=total_chosen or 0)

    by_kind = await templates.templates_by_kind(session, owner=owner)
    compiled = {
        kind: templates.CompiledTemplate(subject=t.subject, body=t.body)
        for kind, t in by_kind.items()
    }
    # All the chosen contacts, not just the fresh ones: a plainer query, planned well everywhere.
    known = await what_we_know(
        session, owner_id=owner.id, contacts=select(Contact.id).where(*chosen)
    )
    event_ids = {c.event_id for c in contacts if c.event_id}
    event_names = dict(
        (await session.execute(select(Event.id, Event.name).where(Event.id.in_(event_ids)))).all()
        if event_ids
        else []
    )
    sender = await sender_of(session, owner=owner)
    now = utcnow()
    rows = []
    for contact in contacts:
        facts = known.get(contact.id)
        kind: str = best_kind(facts or Known())
        if kind not in compiled:
            fallback = TemplateKind.conversation
            kind = fallback if fallback in compiled else next(iter(compiled))
        event_name = event_names.get(contact.event_id, "") if contact.event_id else ""
        values = values_for(contact, facts, event_name=event_name, sender=sender)
        rendered = compiled[kind].render(values)
        follow_up_id = uuid.uuid4()
        rows.append(
            {
                "id": follow_up_id,
                "owner_id": owner.id,
                "contact_id": contact.id,
                "event_id": contact.event_id,
                "template_id": by_kind[kind].id,
                "channel": best_channel(contact, facts),
                "subject": rendered.subject,
                "body": rendered.body,
                "status": FollowUpStatus.draft,
                "message_id": message_id_for(follow_up_id),
                "to_address": contact.email,
                "from_name": "",
                "reply_to": "",
                "attempts": 0,
                "status_changed_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    inserted = (
        (
            await session.execute(
                upsert_insert(session, FOLLOW_UPS)
                .on_conflict_do_nothing(index_elements=["owner_id", "contact_id", "event_id"])
                .returning(FollowUp.id),
                rows,
            )
        )
        .scalars()
        .all()
    )
    # Entering draft is the row's created_at; the transitions table logs changes from there.
    await session.flush()
    return DraftResult(
        created=len(inserted), already_had_follow_up=(total_chosen or 0) - len(inserted)
    )


async def draft_for_event(
    session: AsyncSession, *, owner: User, event_id: uuid.UUID
) -> DraftResult:
    """Draft for my contacts from one event and remember that this event was drafted."""
    result = await draft_follow_ups(session, owner=owner, event_id=event_id)
    run = await session.scalar(
        select(DraftRun).where(DraftRun.owner_id == owner.id, DraftRun.event_id == event_id)
    )
    if run is None:
        run = DraftRun(owner_id=owner.id, event_id=event_id, drafted=0)
        session.add(run)
    run.ran_at = utcnow()
    run.drafted += result.created
    await session.flush()
    return result


async def events_to_draft(
    session: AsyncSession, *, now: datetime, limit: int = 20
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(owner, event) pairs whose event has ended and that have contacts not yet drafted for:
    never drafted, or a contact added since the last run."""
    query = (
        select(Contact.owner_id, Contact.event_id)
        .join(Event, Event.id == Contact.event_id)
        .outerjoin(
            DraftRun,
            and_(DraftRun.owner_id == Contact.owner_id, DraftRun.event_id == Contact.event_id),
        )
        .where(
            Event.ends_at <= now,
            Event.ends_at > now - DRAFT_AFTER_EVENT_WINDOW,
            or_(DraftRun.id.is_(None), Contact.created_at > DraftRun.ran_at),
        )
        .distinct()
        .limit(limit)
    )
    return [(owner_id, event_id) for owner_id, event_id in await session.execute(query) if event_id]


async def draft_after_events(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> int:
    """Worker job: when an event has ended, draft follow-ups for everyone who met people there."""
    async with unit_of_work(sessionmaker) as session:
        pairs = await events_to_draft(session, now=utcnow())
    for owner_id, event_id in pairs:
        async with unit_of_work(sessionmaker) as session:
            owner = await session.get(User, owner_id)
            if owner is not None:
                await draft_for_event(session, owner=owner, event_id=event_id)
    return len(pairs)
