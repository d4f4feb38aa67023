"""The two people's side of an introduction: what their link shows, and their yes or no.

Nobody signs in here: the random token of the link is the key, one per person, stored only as
its keyed hash. An unknown token is "not found" and says nothing else. A person sees who asks,
whom they would meet (the name, title and company the introducer has), the reason and the
expiry; never anything else of the introducer's, nor the other person's answer or address
before both said yes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import mail
from services.auth.tokens import token_hash
from services.db import utcnow
from services.errors import Gone, NotFound
from services.models import Answer, Introduction, IntroductionParty, Notification, User
from services.models import IntroductionStatus as S
from services.network import introduction_mail
from services.network.introductions import LINK_PURPOSE, close, introducer_name, status_now

UNKNOWN = "This link does not lead to an introduction. Check that you opened the whole link."


class RequestState(StrEnum):
    """Where the request stands, as the person holding this link may know it."""

    asked = "asked"  # waiting for my answer
    you_said_yes = "you_said_yes"  # waiting for the other's (not said whether they answered)
    you_said_no = "you_said_no"
    introduced = "introduced"  # both said yes: the introduction mail is on its way
    no_longer_needed = "no_longer_needed"  # cancelled, or the other said no (not said which)
    expired = "expired"


@dataclass(frozen=True)
class RequestView:
    introducer: str
    other: IntroductionParty
    reason: str
    expires_at: datetime
    state: RequestState
    your_answer: Answer | None
    answered_at: datetime | None


@dataclass(frozen=True)
class _Found:
    introduction: Introduction
    me: IntroductionParty
    other: IntroductionParty
    owner: User


async def _find(session: AsyncSession, *, token: str, for_update: bool = False) -> _Found:
    if not token or len(token) > 200:
        raise NotFound(UNKNOWN, code="introduction_request_not_found")
    me = await session.scalar(
        select(IntroductionParty).where(
            IntroductionParty.token_hash == token_hash(token, purpose=LINK_PURPOSE)
        )
    )
    if me is None:
        raise NotFound(UNKNOWN, code="introduction_request_not_found")
    query = select(Introduction).where(Introduction.id == me.introduction_id)
    if for_update:  # both answering at once: one waits, then sees the other's answer
        query = query.with_for_update()
    introduction = await session.scalar(query)
    assert introduction is not None
    parties = (
        await session.scalars(
            select(IntroductionParty)
            .where(IntroductionParty.introduction_id == introduction.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    other = next(p for p in parties if p.id != me.id)
    me = next(p for p in parties if p.id == me.id)
    owner = await session.get(User, introduction.owner_id)
    assert owner is not None
    return _Found(introduction, me, other, owner)


def _state(status: S, me: IntroductionParty) -> RequestState:
    if status is S.introduced:
        return RequestState.introduced
    if me.answer == Answer.no:
        return RequestState.you_said_no
    if status in (S.declined, S.cancelled):
        return RequestState.no_longer_needed
    if status is S.expired:
        return RequestState.expired
    if me.answer == Answer.yes:
        return RequestState.you_said_yes
    return RequestState.asked


async def _view(session: AsyncSession, found: _Found) -> RequestView:
    me = found.me
    return RequestView(
        introducer=await introducer_name(session, user=found.owner),
        other=found.other,
        reason=found.introduction.reason,
        expires_at=found.introduction.expires_at,
        state=_state(status_now(found.introduction, utcnow()), me),
        your_answer=Answer(me.answer) if me.answer else None,
        answered_at=me.answered_at,
    )


async def view_request(session: AsyncSession, *, token: str) -> RequestView:
    """What one person's link shows. Reads only: opening it answers nothing."""
    return await _view(session, await _find(session, token=token))


async def answer_request(session: AsyncSession, *, token: str, answer: Answer) -> RequestView:
    """Record one person's yes or no, once: asked again, the first answer stands."""
    found = await _find(session, token=token, for_update=True)
    intro, me, other = found.introduction, found.me, found.other
    if me.answer is not None:
        return await _view(session, found)
    now = utcnow()
    status = status_now(intro, now)
    if status is S.expired:
        raise Gone(
            f"This request expired on {introduction_mail.day(intro.expires_at)}. If you still "
            "want to meet, tell the person who asked.",
            code="introduction_expired",
        )
    if status is not S.waiting:
        raise Gone("This introduction is no longer needed.", code="introduction_closed")
    me.answer, me.answered_at = answer, now
    if answer is Answer.no:
        close(intro, S.declined, at=now)
        _notify(
            session,
            owner=found.owner,
            kind="introduction_declined",
            text=f"{me.name} said no to meeting {other.name}. {other.name} was not told.",
        )
    elif other.answer == Answer.yes:
        close(intro, S.introduced, at=now)
        await _send_introductions(session, found=found)
        _notify(
            session,
            owner=found.owner,
            kind="introduction_made",
            text=f"{other.name} and {me.name} both said yes: you introduced them.",
        )
    await session.flush()
    return await _view(session, found)


def _notify(session: AsyncSession, *, owner: User, kind: str, text: str) -> None:
    session.add(Notification(user_id=owner.id, kind=kind, text=text))


async def _send_introductions(session: AsyncSession, *, found: _Found) -> None:
    """Each of the two gets the other's name and address; replies go to the introducer."""
    introducer = await introducer_name(session, user=found.owner)
    reply_to = mail.address_with_name(introducer, found.owner.email)
    for to, other in ((found.me, found.other), (found.other, found.me)):
        subject, body = introduction_mail.introduced(
            introducer=introducer, to=to, other=other, reason=found.introduction.reason
        )
        await mail.enqueue_email(
            session,
            kind="introduction",
            to_address=to.email,
            subject=subject,
            body=body,
            reply_to=reply_to,
            introduction_id=found.introduction.id,
        )
