"""My contacts: add by hand or from a scanned vCard / MECARD / LinkedIn QR, never silently
twice; list, show, edit, merge, delete. Every query is limited to the owner's own contacts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.contacts import ContactFields, ContactIn, ContactPatch, ImportIn
from services.db import utcnow
from services.errors import Conflict, Invalid, NotFound
from services.events import access
from services.models import (
    Contact,
    Event,
    Note,
    NoteTopic,
    PersonalDetail,
    Promise,
    SearchEntry,
    User,
)
from services.people import cards, search, vcard

EDITABLE = ("name", "title", "company", "email", "phone", "linkedin_url", "website")
NOT_FOUND = "No such contact."


def mail_address(contact: Contact) -> str:
    """The contact's email address as mail can be sent to it, or "" when it has no usable one."""
    try:
        return validate_email(contact.email, check_deliverability=False).normalized
    except EmailNotValidError:
        return ""


class PossibleDuplicate(Conflict):
    """A new contact matches an existing one by email or LinkedIn URL."""

    code = "possible_duplicate"

    def __init__(self, existing: Contact) -> None:
        super().__init__(
            f"You already have {existing.name or 'this person'} as a contact (same email or "
            "LinkedIn). Merge into it, or create a new contact anyway.",
        )
        self.existing_id = existing.id


@dataclass
class Added:
    contact: Contact
    created: bool
    warnings: list[str] = field(default_factory=list)


async def get_contact(session: AsyncSession, *, user: User, contact_id: uuid.UUID) -> Contact:
    """One of my contacts; anyone else's is "not found"."""
    contact = await session.get(Contact, contact_id)
    if contact is None or contact.owner_id != user.id:
        raise NotFound(NOT_FOUND, code="contact_not_found")
    return contact


async def _by_client_id(
    session: AsyncSession, *, user: User, contact_id: uuid.UUID | None
) -> Contact | None:
    if contact_id is None:
        return None
    found = await session.get(Contact, contact_id)
    if found is not None and found.owner_id != user.id:
        raise Conflict("This id is already in use; make a new one.", code="id_taken")
    return found


async def find_duplicate(
    session: AsyncSession, *, user: User, email: str, linkedin_url: str
) -> Contact | None:
    """An existing contact of mine with the same email or LinkedIn URL."""
    matches = []
    if email:
        matches.append(func.lower(Contact.email) == email.lower())
    if linkedin_url:
        matches.append(Contact.linkedin_url == linkedin_url)
    if not matches:
        return None
    return await session.scalar(
        select(Contact)
        .where(Contact.owner_id == user.id, or_(*matches))
        .order_by(Contact.created_at)
        .limit(1)
    )


def _validated(data: ContactFields) -> dict[str, str]:
    """Cleaned fields; every field's problem at once, so a form can mark them all."""
    values = {
        "name": " ".join(data.name.split()),
        "title": data.title.strip(),
        "company": data.company.strip(),
    }
    problems: list[Invalid] = []
    checks = (
        ("email", cards.normalize_email),
        ("phone", cards.normalize_phone),
        ("linkedin_url", cards.normalize_linkedin),
        ("website", cards.normalize_url),
    )
    for name, normalize in checks:
        try:
            values[name] = normalize(getattr(data, name))
        except Invalid as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise Invalid(
            "Some fields need a fix: " + " ".join(p.detail for p in problems),
            code="invalid_fields",
            fields=[f for p in problems for f in p.fields],
        )
    return values


async def _check_event(session: AsyncSession, user: User, event_id: uuid.UUID | None) -> None:
    """Where we met must be an event I am part of (others are "not found")."""
    if event_id is not None:
        await access.event_access(session, user=user, event_id=event_id)


async def add_contact(
    session: AsyncSession, *, user: User, data: ContactIn, source: str = "manual"
) -> Added:
    """Add a contact; the same client id twice returns the first; duplicates are offered."""
    existing = await _by_client_id(session, user=user, contact_id=data.id)
    if existing is not None:
        return Added(existing, created=False)
    values = _validated(data)
    if not (values["name"] or values["email"] or values["phone"] or values["linkedin_url"]):
        raise Invalid(
            "A contact needs at least a name, an email, a phone number or a LinkedIn profile.",
            code="empty_contact",
        )
    values["name"] = values["name"] or values["email"] or values["phone"] or values["company"]
    await _check_event(session, user, data.event_id)
    match = await find_duplicate(
        session, user=user, email=values["email"], linkedin_url=values["linkedin_url"]
    )
    if match is not None and data.on_duplicate != "create":
        if data.on_duplicate == "offer" or data.merge_into != match.id:
            raise PossibleDuplicate(match)
        for name, value in values.items():
            if value and not getattr(match, name):
                setattr(match, name, value)
        await session.flush()
        await search.index_contact(session, contact=match)
        return Added(match, created=False)
    contact = Contact(
        id=data.id or uuid.uuid4(),
        owner_id=user.id,
        source=source,
        event_id=data.event_id,
        met_at=data.met_at or utcnow(),
        headline="",
        interests=[],
        goals="",
        shared_fields=[],
        **values,
    )
    session.add(contact)
    await session.flush()
    await search.index_contact(session, contact=contact)
    return Added(contact, created=True)


def fields_from_card(card: vcard.ParsedCard) -> tuple[dict[str, str], list[str]]:
    """Map parsed card text to contact fields; unusable phone numbers and URLs become warnings."""
    warnings: list[str] = []
    values = {"name": card.name, "title": card.title, "company": card.company}
    values["email"] = next((e for e in card.emails if cards.EMAIL.match(e)), "")
    values["phone"] = ""
    for number in card.phones:
        try:
            values["phone"] = cards.normalize_phone(number)
            break
        except Invalid:
            warnings.append(f"Left out the phone number “{number}”: add the country code.")
    values["linkedin_url"] = values["website"] = ""
    for url in card.urls:
        if cards.linkedin_slug(url) and not values["linkedin_url"]:
            values["linkedin_url"] = cards.normalize_linkedin(url)
        elif not values["website"]:
            try:
                values["website"] = cards.normalize_url(url)
            except Invalid:
                warnings.append(f"Left out the web address “{url}”.")
    return values, warnings


def _name_from_slug(slug: str) -> str:
    words = [w for w in re.split(r"[-_]+", slug) if w and not any(c.isdigit() for c in w)]
    return " ".join(w.capitalize() for w in words)


def parse_payload(payload: str) -> tuple[str, dict[str, str], list[str]]:
    """(source, fields, warnings) from a QR payload: vCard, MECARD or LinkedIn profile URL."""
    text = payload.strip().removeprefix("\ufeff")
    head = text[:20].upper()
    if head.startswith("BEGIN:VCARD"):
        parsed = vcard.parse_vcards(text)
        if len(parsed) != 1:
            raise Invalid(
                f"This holds {len(parsed)} contacts; import it as a file instead.",
                code="several_cards",
            )
        fields, warnings = fields_from_card(parsed[0])
        return "vcard", fields, warnings
    if head.startswith("MECARD:"):
        fields, warnings = fields_from_card(vcard.parse_mecard(text))
        return "mecard", fields, warnings
    slug = cards.linkedin_slug(text) if "linkedin" in text.lower() else None
    if slug:
        return "linkedin", {"name": _name_from_slug(slug), "linkedin_url": text}, []
    raise Invalid(
        "This code holds no contact we can read: we take vCards, MECARDs and LinkedIn "
        "profile links (linkedin.com/in/…).",
        code="unknown_payload",
    )


async def import_payload(session: AsyncSession, *, user: User, data: ImportIn) -> Added:
    """A contact from a scanned QR payload; bad input creates nothing."""
    existing = await _by_client_id(session, user=user, contact_id=data.id)
    if existing is not None:
        return Added(existing, created=False)
    source, fields, warnings = parse_payload(data.payload)
    contact_in = ContactIn(
        **fields,
        id=data.id,
        event_id=data.event_id,
        on_duplicate=data.on_duplicate,
        merge_into=data.merge_into,
    )
    added = await add_contact(session, user=user, data=contact_in, source=source)
    added.warnings = warnings
    return added


async def update_contact(
    session: AsyncSession, *, user: User, contact_id: uuid.UUID, data: ContactPatch
) -> Contact:
    """Edit my copy; an edited field is mine from now on (withdrawal leaves it)."""
    contact = await get_contact(session, user=user, contact_id=contact_id)
    given = data.model_dump(exclude_unset=True)
    checked = _validated(ContactFields(**{k: v for k, v in given.items() if k in EDITABLE and v}))
    for name in EDITABLE:
        if name in given:
            setattr(contact, name, checked[name] if given[name] else "")
    if "event_id" in given:
        await _check_event(session, user, data.event_id)
        contact.event_id = data.event_id
    if data.met_at is not None:
        contact.met_at = data.met_at
    contact.shared_fields = [f for f in contact.shared_fields if f not in given]
    contact.updated_at = utcnow()
    await session.flush()
    await search.index_contact(session, contact=contact)
    return contact


async def merge_contacts(
    session: AsyncSession, *, user: User, contact_id: uuid.UUID, other_id: uuid.UUID
) -> Contact:
    """Move the other contact's notes here, fill this one's empty fields, delete the other."""
    if contact_id == other_id:
        raise Invalid("A contact cannot be merged into itself.", code="merge_self")
    target = await get_contact(session, user=user, contact_id=contact_id)
    other = await get_contact(session, user=user, contact_id=other_id)
    for name in EDITABLE:
        if not getattr(target, name) and getattr(other, name):
            setattr(target, name, getattr(other, name))
    for model in (Note, NoteTopic, PersonalDetail, Promise, SearchEntry):
        await session.execute(
            update(model).where(model.contact_id == other.id).values(contact_id=target.id)
        )
    await session.execute(
        delete(SearchEntry).where(
            SearchEntry.contact_id == target.id, SearchEntry.note_id.is_(None)
        )
    )
    await session.delete(other)
    await session.flush()
    await search.index_contact(session, contact=target)
    return target


async def delete_contact(session: AsyncSession, *, user: User, contact_id: uuid.UUID) -> None:
    """Delete my contact with its notes and promises."""
    contact = await get_contact(session, user=user, contact_id=contact_id)
    await session.delete(contact)
    await session.flush()


WARMTH_ORDER = case({"hot": 0, "warm": 1, "cold": 2}, value=Contact.warmth, else_=3)


async def list_contacts(
    session: AsyncSession,
    *,
    user: User,
    event_id: uuid.UUID | None = None,
    tag: str | None = None,
    sort: str = "met",
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Contact], int]:
    """My contacts, all or one event's, sorted by when met (newest first), warmth or name."""
    query = select(Contact).where(Contact.owner_id == user.id)
    if event_id is not None:
        query = query.where(Contact.event_id == event_id)
    if tag:
        tagged = select(NoteTopic.contact_id).where(
            NoteTopic.owner_id == user.id, func.lower(NoteTopic.topic) == tag.strip().lower()
        )
        query = query.where(Contact.id.in_(tagged))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = {
        "met": (Contact.met_at.desc(), Contact.id),
        "warmth": (WARMTH_ORDER, Contact.met_at.desc(), Contact.id),
        "name": (func.lower(Contact.name), Contact.id),
    }[sort]
    items = (await session.scalars(query.order_by(*order).limit(limit).offset(offset))).all()
    return items, total


@dataclass
class ContactExtras:
    event_name: str | None
    tags: list[str]
    open_promises: int


async def extras_for(
    session: AsyncSession, *, user: User, contacts: Sequence[Contact]
) -> dict[uuid.UUID, ContactExtras]:
    """Event name, tags and open promise count for each contact, in three queries."""
    ids = [c.id for c in contacts]
    event_ids = {c.event_id for c in contacts if c.event_id}
    names = (
        dict(
            (
                await session.execute(select(Event.id, Event.name).where(Event.id.in_(event_ids)))
            ).all()
        )
        if event_ids
        else {}
    )
    tags: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    rows = await session.execute(
        select(NoteTopic.contact_id, NoteTopic.topic)
        .where(NoteTopic.owner_id == user.id, NoteTopic.contact_id.in_(ids))
        .distinct()
        .order_by(NoteTopic.topic)
    )
    for contact_id, topic in rows:
        tags[contact_id].append(topic)
    counts = dict(
        (
            await session.execute(
                select(Promise.contact_id, func.count())
                .where(Promise.owner_id == user.id, Promise.contact_id.in_(ids), ~Promise.done)
                .group_by(Promise.contact_id)
            )
        ).all()
    )
    return {
        c.id: ContactExtras(
            event_name=names.get(c.event_id) if c.event_id else None,
            tags=tags[c.id],
            open_promises=counts.get(c.id, 0),
        )
        for c in contacts
    }
