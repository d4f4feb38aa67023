"""Introducing two of my contacts to each other, with both asked first (double opt-in).

The introducer picks two of their contacts and says why they should meet; each of the two is
mailed a link to say yes or no (introduction_answers.py answers it). Only when both said
yes does each get the other's name and address. What both were shown is kept on the
introduction's two parties, so editing or deleting a contact later changes nothing of what was
asked, and the mail goes to the address that was asked.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services import mail
from services.auth.tokens import new_token, token_hash
from services.db import utcnow
from services.errors import Conflict, FieldProblem, Invalid, NotFound, TooManyRequests
from services.models import (
    Contact,
    EmailStatus,
    Introduction,
    IntroductionParty,
    OutboundEmail,
    User,
)
from services.models import IntroductionStatus as S
from services.network import introduction_mail
from services.people import cards, contacts
from services.settings import get_settings

TTL = timedelta(days=14)  # how long the two have to answer
RATE_WINDOW = timedelta(days=1)
LINK_PURPOSE = "introduction"
NOT_FOUND = "No such introduction."


@dataclass(frozen=True)
class IntroductionView:
    """An introduction with its two parties (in the order they were picked) and its state now."""

    introduction: Introduction
    parties: tuple[IntroductionParty, IntroductionParty]
    status: S


def status_now(introduction: Introduction, now: datetime) -> S:
    """The state as of `now`: one still waiting past its expiry has expired, written or not
    (reads never write; the next change by its owner records it)."""
    status = S(introduction.status)
    if status is S.waiting and introduction.expires_at <= now:
        return S.expired
    return status


def close(introduction: Introduction, status: S, *, at: datetime) -> None:
    """End a waiting introduction: the pair may be asked again from now on."""
    introduction.status = status
    introduction.closed_at = at
    introduction.open_pair = None


def pair_key(first: str, second: str) -> str:
    """The same hash for the same two addresses in either order (only ever compared)."""
    both = "\n".join(sorted((first.strip().lower(), second.strip().lower())))
    return hashlib.sha256(both.encode()).hexdigest()


def answer_url(token: str) -> str:
    """The PWA page that shows a request; the token rides in the fragment, which browsers never
    send, so a mail scanner fetching the link can neither use nor answer it."""
    return f"{get_settings().base_url}/introduction-request#token={quote(token)}"


async def introducer_name(session: AsyncSession, *, user: User) -> str:
    """How the introducer is named to the two: their card's name, else their account's."""
    card = await cards.card_of(session, user_id=user.id)
    return (card.name if card else "") or user.name or user.email


def _check_pair(first: Contact, second: Contact) -> tuple[str, str]:
    """Both addresses, or the problem with the pair in the introducer's words."""
    if first.id == second.id:
        detail = "Pick someone else: a person cannot be introduced to themselves."
        raise Invalid(
            detail, code="same_contact", fields=[FieldProblem("other_contact_id", detail)]
        )
    addresses = (contacts.mail_address(first), contacts.mail_address(second))
    missing = [
        (field, c.name or "This contact")
        for field, c, address in zip(
            ("contact_id", "other_contact_id"), (first, second), addresses, strict=True
        )
        if not address
    ]
    if missing:
        names = " and ".join(name for _, name in missing)
        verb = "have" if len(missing) == 2 else "has"
        raise Invalid(
            f"{names} {verb} no email address. Both are asked by email first, so add "
            f"{'them' if len(missing) == 2 else 'one'}, then introduce them.",
            code="no_email_address",
            fields=[
                FieldProblem(field, f"{name} has no email address.") for field, name in missing
            ],
        )
    if addresses[0].lower() == addresses[1].lower():
        detail = (
            f"{first.name} and {second.name} have the same email address: they would be asked "
            "to meet themselves. Correct one of them first."
        )
        raise Invalid(
            detail, code="same_email_address", fields=[FieldProblem("other_contact_id", detail)]
        )
    return addresses


async def _expire_overdue(session: AsyncSession, *, owner_id: uuid.UUID, now: datetime) -> None:
    """Record the expiry of the owner's introductions whose time ran out unanswered."""
    await session.execute(
        update(Introduction)
        .where(
            Introduction.owner_id == owner_id,
            Introduction.status == S.waiting,
            Introduction.expires_at <= now,
        )
        .values(status=S.expired, closed_at=Introduction.expires_at, open_pair=None)
        .execution_options(synchronize_session=False)
    )


async def _refuse_open_pair(
    session: AsyncSession, *, owner_id: uuid.UUID, key: str, first: Contact, second: Contact
) -> None:
    asked_on = await session.scalar(
        select(Introduction.created_at).where(
            Introduction.owner_id == owner_id, Introduction.open_pair == key
        )
    )
    if asked_on is not None:
        raise _already_open(first, second, asked_on)


def _already_open(first: Contact, second: Contact, asked_on: datetime | None) -> Conflict:
    when = f" on {introduction_mail.day(asked_on)}" if asked_on else ""
    return Conflict(
        f"You already asked {first.name} and {second.name}{when}, and their answers are not "
        "all in yet. Wait for them, or cancel that introduction under Introductions first.",
        code="introduction_open",
    )


def _wait_words(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


async def _refuse_over_limit(session: AsyncSession, *, owner_id: uuid.UUID, now: datetime) -> None:
    limit = get_settings().introductions_per_day
    started, oldest = (
        await session.execute(
            select(func.count(), func.min(Introduction.created_at)).where(
                Introduction.owner_id == owner_id, Introduction.created_at > now - RATE_WINDOW
            )
        )
    ).one()
    if started >= limit and oldest is not None:
        # A place frees up when the oldest of them is a day old.
        wait = max(1, math.ceil((oldest + RATE_WINDOW - now).total_seconds()))
        raise TooManyRequests(
            f"You have started {limit} introductions in the last 24 hours, the most Rapport "
            f"sends for one person in a day. You can start the next in {_wait_words(wait)}.",
            code="too_many_introductions",
            headers={"Retry-After": str(wait)},
        )


async def introduce(
    session: AsyncSession,
    *,
    owner: User,
    contact_id: uuid.UUID,
    other_contact_id: uuid.UUID,
    reason: str,
) -> IntroductionView:
    """Ask two of my contacts, by mail, whether they want to be introduced, and why."""
    first = await contacts.get_contact(session, user=owner, contact_id=contact_id)
    second = await contacts.get_contact(session, user=owner, contact_id=other_contact_id)
    addresses = _check_pair(first, second)
    now = utcnow()
    await _expire_overdue(session, owner_id=owner.id, now=now)
    key = pair_key(*addresses)
    await _refuse_open_pair(session, owner_id=owner.id, key=key, first=first, second=second)
    await _refuse_over_limit(session, owner_id=owner.id, now=now)
    introduction = Introduction(
        id=uuid.uuid4(),
        owner_id=owner.id,
        reason=reason,
        status=S.waiting,
        open_pair=key,
        created_at=now,
        expires_at=now + TTL,
    )
    session.add(introduction)
    try:
        await session.flush()
    except IntegrityError as exc:  # another request opened the same pair a moment ago
        raise _already_open(first, second, None) from exc
    tokens = [new_token(), new_token()]
    parties = tuple(
        IntroductionParty(
            introduction_id=introduction.id,
            position=position,
            contact_id=contact.id,
            name=contact.name,
            title=contact.title,
            company=contact.company,
            email=address,
            token_hash=token_hash(token, purpose=LINK_PURPOSE),
        )
        for position, (contact, address, token) in enumerate(
            zip((first, second), addresses, tokens, strict=True)
        )
    )
    session.add_all(parties)
    await session.flush()
    introducer = await introducer_name(session, user=owner)
    for me, other, token in (
        (parties[0], parties[1], tokens[0]),
        (parties[1], parties[0], tokens[1]),
    ):
        subject, body = introduction_mail.request(
            introducer=introducer,
            to=me,
            other=other,
            reason=reason,
            url=answer_url(token),
            expires_at=introduction.expires_at,
        )
        await mail.enqueue_email(
            session,
            kind="introduction_request",
            to_address=me.email,
            subject=subject,
            body=body,
            introduction_id=introduction.id,
        )
    return IntroductionView(introduction, (parties[0], parties[1]), S.waiting)


async def _views(
    session: AsyncSession, introductions: Sequence[Introduction]
) -> list[IntroductionView]:
    if not introductions:
        return []
    parties = await session.scalars(
        select(IntroductionParty)
        .where(IntroductionParty.introduction_id.in_([i.id for i in introductions]))
        .order_by(IntroductionParty.position)
    )
    by_introduction: dict[uuid.UUID, list[IntroductionParty]] = {}
    for party in parties:
        by_introduction.setdefault(party.introduction_id, []).append(party)
    now = utcnow()
    views = []
    for introduction in introductions:
        first, second = by_introduction[introduction.id]
        views.append(IntroductionView(introduction, (first, second), status_now(introduction, now)))
    return views


async def list_introductions(
    session: AsyncSession, *, owner: User, limit: int, offset: int
) -> tuple[list[IntroductionView], int]:
    """My introductions, newest first."""
    mine = Introduction.owner_id == owner.id
    total = await session.scalar(select(func.count()).where(mine)) or 0
    page = await session.scalars(
        select(Introduction)
        .where(mine)
        .order_by(Introduction.created_at.desc(), Introduction.id)
        .limit(limit)
        .offset(offset)
    )
    return await _views(session, page.all()), total


async def get_introduction(
    session: AsyncSession, *, owner: User, introduction_id: uuid.UUID, for_update: bool = False
) -> IntroductionView:
    """One of my introductions; anyone else's is "not found"."""
    query = select(Introduction).where(Introduction.id == introduction_id)
    if for_update:
        query = query.with_for_update()
    introduction = await session.scalar(query)
    if introduction is None or introduction.owner_id != owner.id:
        raise NotFound(NOT_FOUND, code="introduction_not_found")
    (view,) = await _views(session, [introduction])
    return view


async def cancel(
    session: AsyncSession, *, owner: User, introduction_id: uuid.UUID
) -> IntroductionView:
    """Withdraw an introduction still waiting: both links then say it is no longer needed."""
    view = await get_introduction(
        session, owner=owner, introduction_id=introduction_id, for_update=True
    )
    if view.status is not S.waiting:
        raise Conflict(
            f"This introduction is {view.status.value} already; there is nothing to cancel.",
            code="introduction_not_waiting",
        )
    now = utcnow()
    close(view.introduction, S.cancelled, at=now)
    # Requests still in the queue need not go out at all.
    await session.execute(
        delete(OutboundEmail).where(
            OutboundEmail.introduction_id == introduction_id,
            OutboundEmail.status == EmailStatus.queued,
        )
    )
    await session.flush()
    return IntroductionView(view.introduction, view.parties, S.cancelled)
