"""Contact exchange by badge scan: A scans B's badge and gets what B shares; B is told and can
share back; either can withdraw later. The shared fields are copies, which the card keeps in
step (services/people/cards.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Gone, Invalid, NotFound
from services.events import badges
from services.models import Attendee, Card, CardShare, Contact, Event, Notification, User
from services.people import cards, search, shared_promises


@dataclass
class ScanResult:
    contact: Contact
    created: bool
    event: Event


def token_from(badge: str) -> str:
    """The token from a badge token or a full badge URL (…/b/{token}, any host)."""
    badge = badge.strip()
    if "/" in badge:
        path = urlsplit(badge if "://" in badge else "https://" + badge).path.rstrip("/")
        head, _, token = path.rpartition("/")
        if not head.endswith("/b") and head != "/b":
            return ""
        return token
    return badge


async def _shared_with(session: AsyncSession, *, giver_id: uuid.UUID) -> dict[str, Any]:
    card = await cards.card_of(session, user_id=giver_id)
    return {} if card is None else await cards.shared_view(session, card=card)


async def _share(
    session: AsyncSession, *, giver: uuid.UUID, receiver: uuid.UUID, event_id: uuid.UUID | None
) -> CardShare:
    share = await session.scalar(
        select(CardShare).where(CardShare.from_user_id == giver, CardShare.to_user_id == receiver)
    )
    if share is None:
        share = CardShare(from_user_id=giver, to_user_id=receiver, event_id=event_id)
        session.add(share)
    else:
        share.withdrawn_at = None
    await session.flush()
    return share


async def _contact_for(
    session: AsyncSession, *, owner_id: uuid.UUID, person_id: uuid.UUID
) -> Contact | None:
    return await session.scalar(
        select(Contact).where(Contact.owner_id == owner_id, Contact.person_id == person_id)
    )


async def scan_badge(
    session: AsyncSession, *, user: User, badge: str, contact_id: uuid.UUID | None = None
) -> ScanResult:
    """Scanning someone's badge: their shared card becomes my contact (once), and they are told."""
    badge_row = await badges.badge_by_token(session, token=token_from(badge))
    if badge_row is None:
        raise NotFound("This is not a Rapport badge we know.", code="badge_unknown")
    if badge_row.revoked_at is not None:
        raise Gone(
            "This badge was replaced by a new one and no longer works. Ask to scan their "
            "current badge.",
            code="badge_revoked",
        )
    attendee: Attendee = badge_row.attendee
    if attendee.user_id == user.id:
        raise Invalid(
            "That is your own badge. Scan the badge of the person you met.", code="own_badge"
        )
    return await add_attendee(session, user=user, attendee=attendee, contact_id=contact_id)


async def add_attendee(
    session: AsyncSession,
    *,
    user: User,
    attendee: Attendee,
    contact_id: uuid.UUID | None = None,
) -> ScanResult:
    """An attendee's shared card becomes my contact (once), and they are told: what a badge
    scan does once the badge is read, and what "Add" in an event's directory does."""
    event = await session.get(Event, attendee.event_id)
    assert event is not None
    existing = await _contact_for(session, owner_id=user.id, person_id=attendee.user_id)
    if existing is not None:
        return ScanResult(existing, created=False, event=event)
    if contact_id is not None and await session.get(Contact, contact_id) is not None:
        raise Invalid("This id is already in use; make a new one.", code="id_taken")
    await _share(session, giver=attendee.user_id, receiver=user.id, event_id=event.id)
    shared = await _shared_with(session, giver_id=attendee.user_id)
    if not shared:  # no card made yet: what their badge shows is what they share
        shared = {"name": attendee.name, "title": attendee.title, "company": attendee.company}
    contact = Contact(
        id=contact_id or uuid.uuid4(),
        owner_id=user.id,
        person_id=attendee.user_id,
        source="badge",
        event_id=event.id,
        met_at=utcnow(),
        name=attendee.name,
        interests=[],
        shared_fields=[],
    )
    cards.apply_shared(contact, shared)
    session.add(contact)
    await session.flush()
    await search.index_contact(session, contact=contact)
    my_card = await cards.card_of(session, user_id=user.id)
    my_name = (my_card.name if my_card else "") or user.name or "Someone"
    session.add(
        Notification(
            user_id=attendee.user_id,
            kind="contact_added",
            text=f"{my_name} added you at {event.name}",
            actor_id=user.id,
            event_id=event.id,
        )
    )
    await session.flush()
    return ScanResult(contact, created=True, event=event)


async def share_back(session: AsyncSession, *, user: User, to_user_id: uuid.UUID) -> Contact:
    """After someone added me, one tap: their shared card becomes my contact too."""
    scanned_me = await _contact_for(session, owner_id=to_user_id, person_id=user.id)
    if scanned_me is None:
        raise NotFound("This person has not added you.", code="not_added")
    existing = await _contact_for(session, owner_id=user.id, person_id=to_user_id)
    share = await _share(session, giver=to_user_id, receiver=user.id, event_id=scanned_me.event_id)
    if existing is not None:
        cards.apply_shared(existing, await _shared_with(session, giver_id=to_user_id))
        await search.index_contact(session, contact=existing)
        return existing
    other = await session.get(User, to_user_id)
    assert other is not None
    contact = Contact(
        owner_id=user.id,
        person_id=to_user_id,
        source="share_back",
        event_id=share.event_id,
        met_at=scanned_me.met_at,
        name=other.name,
        interests=[],
        shared_fields=[],
    )
    cards.apply_shared(contact, await _shared_with(session, giver_id=to_user_id))
    session.add(contact)
    await session.flush()
    await search.index_contact(session, contact=contact)
    return contact


async def withdraw(session: AsyncSession, *, user: User, from_user_id: uuid.UUID) -> None:
    """Stop sharing my card with someone: their copy loses my shared fields (not their notes),
    and the promises we shared with each other are shared no more."""
    share = await session.scalar(
        select(CardShare).where(
            CardShare.from_user_id == user.id,
            CardShare.to_user_id == from_user_id,
            CardShare.withdrawn_at.is_(None),
        )
    )
    if share is None:
        raise NotFound("You do not share your card with this person.", code="not_shared")
    share.withdrawn_at = utcnow()
    copy = await _contact_for(session, owner_id=from_user_id, person_id=user.id)
    if copy is not None:
        cards.apply_shared(copy, {"name": copy.name})
        copy.shared_fields = []
        await search.index_contact(session, contact=copy)
    await shared_promises.unshare_between(session, a=user.id, b=from_user_id)
    await session.flush()


async def shares_of(session: AsyncSession, *, user: User) -> Sequence[tuple[CardShare, User]]:
    """People who hold my card right now."""
    rows = await session.execute(
        select(CardShare, User)
        .join(User, User.id == CardShare.to_user_id)
        .where(CardShare.from_user_id == user.id, CardShare.withdrawn_at.is_(None))
        .order_by(CardShare.created_at.desc())
    )
    return [(share, person) for share, person in rows.all()]


async def contact_photo(session: AsyncSession, *, user: User, contact_id: uuid.UUID) -> Card:
    """The card (with photo) behind a contact, if that person shares their photo with me."""
    contact = await session.get(Contact, contact_id)
    if contact is None or contact.owner_id != user.id:
        raise NotFound("No such contact.", code="contact_not_found")
    card = await cards.card_of(session, user_id=contact.person_id) if contact.person_id else None
    if card is None or card.photo is None or "photo" not in contact.shared_fields:
        raise NotFound("This contact shares no photo.", code="no_photo")
    return card


async def list_notifications(
    session: AsyncSession, *, user: User, unread_only: bool, limit: int, offset: int
) -> tuple[Sequence[Notification], int]:
    """My notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = await session.scalars(
        query.order_by(Notification.created_at.desc()).limit(limit).offset(offset)
    )
    return items.all(), total


async def mark_read(
    session: AsyncSession, *, user: User, notification_id: uuid.UUID
) -> Notification:
    """Mark one of my notifications read."""
    notification = await session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("No such notification.", code="notification_not_found")
    notification.read_at = notification.read_at or utcnow()
    await session.flush()
    return notification


async def can_share_back(session: AsyncSession, *, user: User, actor_id: uuid.UUID | None) -> bool:
    """Whether the person who added me is not yet among my contacts."""
    if actor_id is None:
        return False
    return await _contact_for(session, owner_id=user.id, person_id=actor_id) is None
