"""Drafting follow-ups: one draft per contact, from the user's template that fits best, made when
an event ends (the worker notices, per event) or when the user asks (for an event, for listed
contacts, or for all their contacts, those met at no event included).

Drafting is done in bulk (a handful of queries whatever the number of contacts) and is
repeatable: a contact that already has a follow-up gets no new draft. The unique constraint on
(owner, contact, event) holds when two workers draft the same event at once; contacts met at no
event (where that constraint cannot hold: NULLs differ) are locked while they are drafted.
What drafting knows about each contact is in `services.followups.draft_facts`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db import unit_of_work, upsert_insert, utcnow
from services.errors import Invalid, NotFound
from services.events import access
from services.followups import templates, wording
from services.followups.draft_facts import (
    CONTACT_COLUMNS,
    ContactFacts,
    Known,
    best_channel,
    best_kind,
    can_reach,
    mentioned,
    mid_sentence_forms,
    name_words,
    names_in_notes,
    what_we_know,
)
from services.models import (
    Card,
    Contact,
    DraftRun,
    Event,
    FollowUp,
    FollowUpPreferences,
    FollowUpStatus,
    TemplateKind,
    User,
)
from services.settings import Settings

# Bulk writes go through Core: 10,000 drafts are inserted in a few statements.
FOLLOW_UPS = cast(Table, FollowUp.__table__)
# Events that ended longer ago than this are history: the worker does not draft for them.
DRAFT_AFTER_EVENT_WINDOW = timedelta(days=30)
# A result names at most this many of the people it skipped.
SKIPPED_NAMES_SHOWN = 10


def message_id_for(follow_up_id: uuid.UUID) -> str:
    """The Message-ID a follow-up carries on every attempt."""
    return f"<followup-{follow_up_id.hex}@rapport>"


def zone_of(user: User) -> ZoneInfo:
    """The user's time zone (UTC when unset or unknown)."""
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Sender:
    """Who the drafts are from: the values behind my_name, my_headline and my_signature."""

    name: str
    headline: str
    signature: str
    zone: ZoneInfo
    # Capitalised words of names I know (mine, my contacts'): kept capitalised mid-sentence.
    names: frozenset[str] = frozenset()

    def today(self) -> date:
        """Today where I am."""
        return utcnow().astimezone(self.zone).date()


async def sender_of(session: AsyncSession, *, owner: User) -> Sender:
    """My name, headline and signature, from my card and follow-up preferences, and the names
    of my contacts."""
    card = await session.scalar(select(Card).where(Card.user_id == owner.id))
    prefs = await session.get(FollowUpPreferences, owner.id)
    name = (card.name if card and card.name else owner.name).strip()
    headline = (card.headline if card else "").strip()
    signature = (prefs.signature if prefs else "").strip()
    if not signature:
        signature = "\n".join(part for part in (name, headline) if part)
    contact_names = await session.scalars(
        select(Contact.name).where(Contact.owner_id == owner.id).distinct()
    )
    return Sender(
        name=name,
        headline=headline,
        signature=signature,
        zone=zone_of(owner),
        names=frozenset(name_words(name, *contact_names)),
    )


@dataclass(frozen=True)
class Filled:
    """One contact's placeholder values, and how the notes among them read mid-sentence."""

    values: dict[str, str]
    mid_sentence: dict[str, str]
    known: Known | None = None

    def render(self, template: templates.CompiledTemplate) -> templates.Rendered:
        """The template filled in for this contact."""
        return template.render(self.values, mid_sentence=self.mid_sentence)


def values_for(
    contact: ContactFacts,
    known: Known | None,
    *,
    event_name: str,
    sender: Sender,
    choice: int | None = None,
) -> Filled:
    """The placeholder values for one contact; `choice` picks the phrasings (by default, the
    contact's own stable one: see `wording.spread_choices`)."""
    facts = known or Known()
    met = contact.met_at.astimezone(sender.zone)
    names = sender.names | name_words(contact.name, contact.company, event_name)
    if known is not None:
        names = names | names_in_notes(known)
    pick = wording.stable_choice(str(contact.id)) if choice is None else choice
    met_on = f"{met.day} {met:%B}"
    sentences = {
        "opening": wording.opening(event=event_name, met_on=met_on, choice=pick),
        "topic_sentence": wording.topic_sentence(facts.topic, choice=pick, names=names),
        "promise_sentence": (
            wording.resource_sentence(facts.resource, facts.link, choice=pick)
            if facts.resource
            else wording.promise_sentence(facts.promise, facts.link, choice=pick, names=names)
        ),
        "next_step_sentence": wording.next_step_sentence(facts.next_step, choice=pick, names=names),
        "personal_sentence": wording.detail_sentence(
            facts.detail_kind, facts.personal_detail, choice=pick, names=names
        ),
        "pick_up": wording.pick_up(facts.topic, choice=pick, names=names),
        "stay_in_touch": wording.stay_in_touch(choice=pick),
        "ask": wording.ask_sentence(choice=pick),
    }
    values = {
        "first_name": contact.name.split()[0] if contact.name.strip() else "",
        "name": contact.name.strip(),
        "company": contact.company.strip(),
        "event": event_name,
        "met_on": met_on,
        "topic": facts.topic,
        "personal_detail": facts.personal_detail,
        "promise": facts.promise,
        "resource": facts.resource,
        "link": facts.link,
        "next_step": facts.next_step,
        "meeting": facts.meeting,
        "my_name": sender.name,
        "my_headline": sender.headline,
        "my_signature": sender.signature,
        **sentences,
    }
    return Filled(values=values, mid_sentence=mid_sentence_forms(values, known, names), known=known)


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
    sender = await sender_of(session, owner=owner)
    known = await what_we_know(
        session,
        owner_id=owner.id,
        contacts=select(Contact.id).where(Contact.id == contact.id),
        today=sender.today(),
    )
    event_name = await _event_name(session, contact.event_id)
    filled = values_for(contact, known.get(contact.id), event_name=event_name, sender=sender)
    return filled.render(templates.CompiledTemplate(subject=subject, body=body))


async def _event_name(session: AsyncSession, event_id: uuid.UUID | None) -> str:
    if event_id is None:
        return ""
    return await session.scalar(select(Event.name).where(Event.id == event_id)) or ""


def _fitting(kind: str, available: AbstractSet[str]) -> str:
    # The kind my notes call for; else the conversation template; else any I have.
    if kind in available:
        return kind
    return TemplateKind.conversation if TemplateKind.conversation in available else min(available)


async def redraft(session: AsyncSession, *, owner: User, follow_up: FollowUp) -> None:
    """Write a draft again from my notes as they are now (something was just added to them
    from the review queue), with the template that fits them best."""
    contact = await session.get(Contact, follow_up.contact_id)
    if contact is None:
        raise NotFound("No such contact.", code="contact_not_found")
    sender = await sender_of(session, owner=owner)
    found = await what_we_know(
        session,
        owner_id=owner.id,
        contacts=select(Contact.id).where(Contact.id == contact.id),
        today=sender.today(),
    )
    facts = found.get(contact.id)
    by_kind = await templates.templates_by_kind(session, owner=owner)
    kind = _fitting(best_kind(facts or Known()), by_kind.keys())
    template = by_kind[kind]
    event_name = await _event_name(session, contact.event_id)
    rendered = values_for(contact, facts, event_name=event_name, sender=sender).render(
        templates.CompiledTemplate(subject=template.subject, body=template.body)
    )
    follow_up.subject, follow_up.body = rendered.subject, rendered.body
    follow_up.template_id = template.id
    follow_up.promise_id = facts.promise_id if facts and kind == TemplateKind.resource else None
    follow_up.mentions = ",".join(mentioned(facts, rendered.used))
    follow_up.updated_at = utcnow()
    await session.flush()


@dataclass(frozen=True)
class Skipped:
    """Chosen contacts left without a draft, for one reason, in the user's words."""

    reason: str
    count: int
    detail: str
    names: list[str]


def _unreachable(names: list[str]) -> Skipped:
    return Skipped(
        reason="no_way_to_reach",
        count=len(names),
        detail="No email address, LinkedIn profile or phone number: add one to the contact, "
        "then prepare drafts again.",
        names=sorted(names)[:SKIPPED_NAMES_SHOWN],
    )


@dataclass(frozen=True)
class DraftResult:
    created: int
    already_had_follow_up: int
    skipped: list[Skipped] = field(default_factory=list)


async def _require_event(session: AsyncSession, *, owner: User, event_id: uuid.UUID) -> None:
    """An event I may draft for: one I have a role in, or one I met contacts at (a role may end
    after the event). Others, and unknown ones, are not found."""
    met_there = await session.scalar(
        select(exists().where(Contact.owner_id == owner.id, Contact.event_id == event_id))
    )
    if not met_there:
        await access.event_access(session, user=owner, event_id=event_id)


async def draft_follow_ups(
    session: AsyncSession,
    *,
    owner: User,
    event_id: uuid.UUID | None = None,
    contact_ids: Sequence[uuid.UUID] | None = None,
    all_contacts: bool = False,
) -> DraftResult:
    """Draft a follow-up for each chosen contact (those met at `event_id`, or `contact_ids`, or
    all my contacts, met at an event or not) that has none yet and that a message can reach,
    from the template that fits best, in the contact's preferred channel."""
    if event_id is None and not contact_ids and not all_contacts:
        raise Invalid(
            "Say which event or which contacts to draft for, or ask for all your contacts.",
            code="nothing_to_draft",
        )
    chosen = [Contact.owner_id == owner.id]
    if event_id is not None:
        await _require_event(session, owner=owner, event_id=event_id)
        chosen.append(Contact.event_id == event_id)
    if contact_ids:
        chosen.append(Contact.id.in_(list(contact_ids)))
    if event_id is None:
        # No unique constraint guards contacts met at no event: lock them (in one order, so two
        # runs cannot deadlock); a second run waits here, then sees the first one's drafts.
        await session.execute(
            select(Contact.id)
            .where(*chosen, Contact.event_id.is_(None))
            .order_by(Contact.id)
            .with_for_update()
        )
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
    sender = await sender_of(session, owner=owner)
    # All the chosen contacts, not just the fresh ones: a plainer query, planned well everywhere.
    known = await what_we_know(
        session,
        owner_id=owner.id,
        contacts=select(Contact.id).where(*chosen),
        today=sender.today(),
    )
    event_ids = {c.event_id for c in contacts if c.event_id}
    event_names = dict(
        (await session.execute(select(Event.id, Event.name).where(Event.id.in_(event_ids)))).all()
        if event_ids
        else []
    )
    now = utcnow()
    rows = []
    unreachable: list[str] = []
    # Different phrasings for the drafts of one run: they do not all open the same way.
    choices = wording.spread_choices(str(contact.id) for contact in contacts)
    for contact in contacts:
        facts = known.get(contact.id)
        if not can_reach(contact, facts):
            unreachable.append(contact.name.strip() or "Someone without a name")
            continue
        kind = _fitting(best_kind(facts or Known()), compiled.keys())
        event_name = event_names.get(contact.event_id, "") if contact.event_id else ""
        filled = values_for(
            contact, facts, event_name=event_name, sender=sender, choice=choices[str(contact.id)]
        )
        rendered = filled.render(compiled[kind])
        follow_up_id = uuid.uuid4()
        rows.append(
            {
                "id": follow_up_id,
                "owner_id": owner.id,
                "contact_id": contact.id,
                "event_id": contact.event_id,
                "template_id": by_kind[kind].id,
                # Written to keep this promise: sending it marks the promise done.
                "promise_id": facts.promise_id if facts and kind == TemplateKind.resource else None,
                "channel": best_channel(contact, facts),
                "subject": rendered.subject,
                "body": rendered.body,
                "mentions": ",".join(mentioned(facts, rendered.used)),
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
    inserted: Sequence[Any] = []
    if rows:
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
        created=len(inserted),
        # A fresh contact whose insert met a conflict was drafted by a run alongside this one.
        already_had_follow_up=(total_chosen or 0) - len(unreachable) - len(inserted),
        skipped=[_unreachable(unreachable)] if unreachable else [],
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
