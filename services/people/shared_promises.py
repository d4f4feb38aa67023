"""What we agreed, on both sides: a promise its author chose to share with the person it was made
to, when the two hold each other's card (a badge exchange shared back). The other person sees it
on their contact page ("Ada will send you the slides by Friday 11 December"), either side can tick
it done, which closes it for both, and withdrawing a card (or deleting an account, which
withdraws it) stops the sharing. Nothing is shared unless the author chooses it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Conflict, NotFound
from services.models import CardShare, Contact, Promise, User
from services.people.contacts import get_contact

NOT_FOUND = "No such promise."


async def mutual(session: AsyncSession, *, user_id: uuid.UUID, person_id: uuid.UUID) -> bool:
    """Whether the two hold each other's card now (shared both ways, neither withdrawn)."""
    both_ways = await session.scalar(
        select(func.count())
        .select_from(CardShare)
        .where(
            or_(
                and_(CardShare.from_user_id == user_id, CardShare.to_user_id == person_id),
                and_(CardShare.from_user_id == person_id, CardShare.to_user_id == user_id),
            ),
            CardShare.withdrawn_at.is_(None),
        )
    )
    return both_ways == 2


async def set_shared(
    session: AsyncSession, *, user: User, promise_id: uuid.UUID, shared: bool
) -> Promise:
    """Share one of my promises with the person I made it to, or stop sharing it."""
    promise = await session.get(Promise, promise_id)
    if promise is None or promise.owner_id != user.id:
        raise NotFound(NOT_FOUND, code="promise_not_found")
    if shared:
        contact = await session.get(Contact, promise.contact_id)
        if (
            contact is None
            or contact.person_id is None
            or not await mutual(session, user_id=user.id, person_id=contact.person_id)
        ):
            raise Conflict(
                "A promise can be shared only with someone who has your card and shared theirs "
                "with you (a badge exchange shared back).",
                code="not_mutual",
            )
        promise.shared_at = promise.shared_at or utcnow()
    else:
        promise.shared_at = None
    await session.flush()
    return promise


@dataclass(frozen=True)
class Agreed:
    """One shared promise as one side sees it."""

    promise: Promise
    mine: bool
    sentence: str
    done_by_other: bool


_SEND = re.compile(r"^(?:send|share|forward|e-?mail|mail)(?:\s+(?:you|him|her|them))?\s+", re.I)


def _due(due_on: date | None) -> str:
    return f" by {due_on:%A} {due_on.day} {due_on:%B}" if due_on else ""


def sentence(text: str, *, author: str, reader_is_author: bool, due_on: date | None) -> str:
    """The promise said to the person who reads it: "Ada will send you the slides by Friday 11
    December" (made to me) or "You will send Ada the slides" (mine, made to Ada)."""
    text = " ".join(text.split()).rstrip(".")
    send = _SEND.match(text)
    if send:
        thing = text[send.end() :]
        said = (
            f"You will send {author} {thing}"
            if reader_is_author
            else f"{author} will send you {thing}"
        )
    else:
        said = (
            f"You promised {author}: {text}" if reader_is_author else f"{author} promised: {text}"
        )
    return said + _due(due_on)


async def agreed_with(
    session: AsyncSession, *, user: User, contact_id: uuid.UUID
) -> tuple[bool, list[Agreed]]:
    """Whether I and this contact hold each other's card, and the promises shared between us:
    theirs to me, then mine to them, open ones first."""
    contact = await get_contact(session, user=user, contact_id=contact_id)
    other = contact.person_id
    if other is None or not await mutual(session, user_id=user.id, person_id=other):
        return False, []
    mine = await session.scalars(
        select(Promise).where(
            Promise.owner_id == user.id,
            Promise.contact_id == contact.id,
            Promise.shared_at.is_not(None),
        )
    )
    theirs = await session.scalars(
        select(Promise)
        .join(Contact, Contact.id == Promise.contact_id)
        .where(
            Promise.owner_id == other,
            Contact.person_id == user.id,
            Promise.shared_at.is_not(None),
        )
    )
    name = contact.name.split()[0] if contact.name.strip() else "They"
    found = [
        Agreed(
            promise=p,
            mine=False,
            sentence=sentence(p.text, author=name, reader_is_author=False, due_on=p.due_on),
            done_by_other=p.done_by_id is None and p.done,
        )
        for p in theirs.all()
    ] + [
        Agreed(
            promise=p,
            mine=True,
            sentence=sentence(p.text, author=name, reader_is_author=True, due_on=p.due_on),
            done_by_other=p.done_by_id is not None and p.done_by_id != user.id,
        )
        for p in mine.all()
    ]
    found.sort(key=lambda a: (a.promise.done, a.promise.due_on or date.max, a.mine))
    return True, found


async def made_to(session: AsyncSession, *, user: User) -> list[tuple[Promise, Contact]]:
    """Every promise shared with me now, with my contact of its author (account export)."""
    rows = await session.execute(
        select(Promise, Contact)
        .join(Contact, and_(Contact.owner_id == user.id, Contact.person_id == Promise.owner_id))
        .where(
            Promise.shared_at.is_not(None),
            Promise.contact_id.in_(select(Contact.id).where(Contact.person_id == user.id)),
        )
        .order_by(Promise.created_at)
    )
    return [
        (promise, mine)
        for promise, mine in rows.all()
        if await mutual(session, user_id=user.id, person_id=promise.owner_id)
    ]


async def set_done(
    session: AsyncSession, *, user: User, promise_id: uuid.UUID, done: bool
) -> Promise:
    """Tick a shared promise done (or not), from either side: it closes for both."""
    promise = await session.get(Promise, promise_id)
    if promise is None:
        raise NotFound(NOT_FOUND, code="promise_not_found")
    if promise.owner_id != user.id:
        contact = await session.get(Contact, promise.contact_id)
        if (
            promise.shared_at is None
            or contact is None
            or contact.person_id != user.id
            or not await mutual(session, user_id=user.id, person_id=promise.owner_id)
        ):
            raise NotFound(NOT_FOUND, code="promise_not_found")
    if done != promise.done:
        promise.done, promise.done_at = done, utcnow() if done else None
        promise.done_by_id = user.id if done and promise.owner_id != user.id else None
    await session.flush()
    return promise


async def unshare_between(session: AsyncSession, *, a: uuid.UUID, b: uuid.UUID) -> None:
    """A card was withdrawn between a and b: their promises to each other are shared no more."""
    to_other = select(Contact.id).where(
        or_(
            and_(Contact.owner_id == a, Contact.person_id == b),
            and_(Contact.owner_id == b, Contact.person_id == a),
        )
    )
    await session.execute(
        update(Promise)
        .where(Promise.contact_id.in_(to_other), Promise.shared_at.is_not(None))
        .values(shared_at=None)
        .execution_options(synchronize_session=False)
    )
