"""Deleting an account and everything it owns, and saying beforehand what that would remove.

Most of the work is the schema's: every table that belongs to a user references `users.id`
with ON DELETE CASCADE (their contacts, notes, follow-ups, registrations, sessions…) or SET
NULL where the row belongs to someone else (an event they created, a check-in they scanned,
another person's contact of them). On SQLite the engine turns foreign keys on at connect
(services.db). What the schema cannot know is deleted here explicitly: card copies other
people hold are withdrawn, search rows go first (so SQLite's full-text triggers see them go),
sign-in links and system mail are keyed by address rather than by user, and events with no
other organizer would be left without one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.errors import Conflict, FieldProblem, Invalid
from services.models import (
    Attendee,
    CardShare,
    Contact,
    Event,
    EventMember,
    EventRole,
    FollowUp,
    FollowUpStatus,
    Introduction,
    LoginLink,
    LookForEntry,
    Note,
    OutboundEmail,
    Pitch,
    SearchEntry,
    User,
)
from services.people import exchange

log = logging.getLogger("rapport.accounts")
# Approved or scheduled: the queue would send them; deleting the account deletes them instead.
WAITING_TO_SEND = (FollowUpStatus.approved, FollowUpStatus.scheduled)


async def sole_organizer_events(session: AsyncSession, *, user_id: uuid.UUID) -> Sequence[Event]:
    """Events the user organizes with nobody else as organizer, by start."""
    other = aliased(EventMember)
    return (
        await session.scalars(
            select(Event)
            .join(EventMember, EventMember.event_id == Event.id)
            .where(
                EventMember.user_id == user_id,
                EventMember.role == EventRole.organizer,
                ~select(other.id)
                .where(
                    other.event_id == Event.id,
                    other.role == EventRole.organizer,
                    other.user_id != user_id,
                )
                .exists(),
            )
            .order_by(Event.starts_at)
        )
    ).all()


async def _count(session: AsyncSession, model: type, *where: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def deletion_preview(session: AsyncSession, *, user: User) -> dict[str, object]:
    """What deleting the account would remove: counts, and the events only this user runs."""
    uid = user.id
    return {
        "email": user.email,
        "contacts": await _count(session, Contact, Contact.owner_id == uid),
        "notes": await _count(session, Note, Note.owner_id == uid),
        "follow_ups": await _count(session, FollowUp, FollowUp.owner_id == uid),
        "follow_ups_waiting_to_send": await _count(
            session, FollowUp, FollowUp.owner_id == uid, FollowUp.status.in_(WAITING_TO_SEND)
        ),
        "registrations": await _count(session, Attendee, Attendee.user_id == uid),
        "pitches": await _count(session, Pitch, Pitch.owner_id == uid),
        "look_for_entries": await _count(session, LookForEntry, LookForEntry.owner_id == uid),
        "introductions": await _count(session, Introduction, Introduction.owner_id == uid),
        "sole_organizer_events": [
            {"id": e.id, "name": e.name} for e in await sole_organizer_events(session, user_id=uid)
        ],
    }


def _check_confirmation(user: User, confirm_email: str) -> None:
    if confirm_email.strip().lower() != user.email.lower():
        detail = (
            f"That is not this account's email address. Type {user.email} to confirm "
            "that you want to delete the account."
        )
        raise Invalid(detail, code="email_mismatch", fields=[FieldProblem("confirm_email", detail)])


async def delete_account(
    session: AsyncSession, *, user: User, confirm_email: str, delete_my_events: bool = False
) -> None:
    """Delete the account and all it owns, in the caller's transaction.

    Refused (409) while the user is the only organizer of an event, unless `delete_my_events`
    says to delete those events too, with everything in them.
    """
    _check_confirmation(user, confirm_email)
    alone = await sole_organizer_events(session, user_id=user.id)
    if alone and not delete_my_events:
        names = ", ".join(f"“{e.name}”" for e in alone)
        raise Conflict(
            f"You are the only organizer of {names}, which would be left with nobody to run "
            f"{'it' if len(alone) == 1 else 'them'}. Keep your account until "
            f"{'it is' if len(alone) == 1 else 'they are'} over, or choose to delete "
            f"{'that event' if len(alone) == 1 else 'those events'} with your account.",
            code="sole_organizer",
        )
    # People holding my card keep their contact of me, without the fields I shared.
    receivers = await session.scalars(
        select(CardShare.to_user_id).where(
            CardShare.from_user_id == user.id, CardShare.withdrawn_at.is_(None)
        )
    )
    for receiver in receivers.all():
        await exchange.withdraw(session, user=user, from_user_id=receiver)
    if alone:
        await session.execute(delete(Event).where(Event.id.in_([e.id for e in alone])))
    await session.execute(delete(SearchEntry).where(SearchEntry.owner_id == user.id))
    address = user.email.lower()
    await session.execute(delete(LoginLink).where(func.lower(LoginLink.email) == address))
    await session.execute(
        delete(OutboundEmail).where(func.lower(OutboundEmail.to_address) == address)
    )
    # The rest by ON DELETE CASCADE: sessions, card, contacts, notes, follow-ups (queued ones
    # are deleted, not sent), templates, registrations, memberships, notifications…
    await session.execute(delete(User).where(User.id == user.id))
    await session.flush()
    log.info("account %s deleted (%d events with it)", user.id, len(alone))
