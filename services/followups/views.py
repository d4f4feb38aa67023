"""What the user sees of their follow-up queue: the list, the next draft to review ("N of M"),
and a follow-up's history. The changes (edit, approve, skip …) are in queue.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.models import Contact, FollowUp, FollowUpStatus, FollowUpTransition, User

S = FollowUpStatus
# Without an event to scope the review, "7 of 23" counts what was reviewed in this window.
REVIEW_SESSION = timedelta(hours=12)


async def contacts_of(
    session: AsyncSession, *, follow_ups: Sequence[FollowUp]
) -> dict[uuid.UUID, Contact]:
    """The contacts of several follow-ups, by id, in one query."""
    ids = {f.contact_id for f in follow_ups}
    if not ids:
        return {}
    return {c.id: c for c in await session.scalars(select(Contact).where(Contact.id.in_(ids)))}


async def history(session: AsyncSession, *, follow_up: FollowUp) -> list[FollowUpTransition]:
    """Every state change of a follow-up, oldest first, starting with its making as a draft
    (that first step is the row's created_at, not a logged row: drafting 10,000 stays fast)."""
    logged = await session.scalars(
        select(FollowUpTransition)
        .where(FollowUpTransition.follow_up_id == follow_up.id)
        .order_by(FollowUpTransition.at, FollowUpTransition.id)
    )
    made = FollowUpTransition(
        follow_up_id=follow_up.id,
        from_status=None,
        to_status=S.draft,
        at=follow_up.created_at,
        detail="drafted",
    )
    return [made, *logged]


def _mine(
    owner: User,
    *,
    status: str | None = None,
    event_id: uuid.UUID | None = None,
    generic: bool = False,
) -> Select[Any]:
    query = select(FollowUp).where(FollowUp.owner_id == owner.id)
    if generic:  # drafts that mention nothing of the conversation
        query = query.where(FollowUp.mentions == "")
    if status:
        query = query.where(FollowUp.status == status)
    if event_id:
        query = query.where(FollowUp.event_id == event_id)
    return query


async def list_follow_ups(
    session: AsyncSession,
    *,
    owner: User,
    status: str | None,
    event_id: uuid.UUID | None,
    limit: int,
    offset: int,
    generic: bool = False,
) -> tuple[Sequence[FollowUp], int]:
    """My follow-ups, newest state change first, with the total count; `generic`: only those
    that mention nothing of the conversation."""
    query = _mine(owner, status=status, event_id=event_id, generic=generic)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    items = (
        await session.scalars(
            query.order_by(FollowUp.status_changed_at.desc(), FollowUp.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return items, total or 0


@dataclass(frozen=True)
class ReviewSlot:
    """The draft to review now, "position of total", and how many wait snoozed."""

    item: FollowUp | None
    position: int
    total: int
    remaining: int
    snoozed: int


async def review_next(
    session: AsyncSession,
    *,
    owner: User,
    event_id: uuid.UUID | None = None,
    generic: bool = False,
) -> ReviewSlot:
    """The next draft to review, oldest first; snoozed drafts come back when their time is up.
    `generic`: only drafts that mention nothing of the conversation."""
    now = utcnow()
    drafts = _mine(owner, status=S.draft, event_id=event_id, generic=generic)
    awake = drafts.where((FollowUp.snoozed_until.is_(None)) | (FollowUp.snoozed_until <= now))
    remaining = await session.scalar(select(func.count()).select_from(awake.subquery())) or 0
    all_drafts = await session.scalar(select(func.count()).select_from(drafts.subquery())) or 0
    if event_id is not None:
        in_scope = _mine(owner, event_id=event_id)
    else:
        in_scope = _mine(owner).where(FollowUp.reviewed_at >= now - REVIEW_SESSION)
    handled_query = in_scope.where((FollowUp.status != S.draft) | (FollowUp.snoozed_until > now))
    if event_id is None:
        handled_query = handled_query.where(FollowUp.reviewed_at.is_not(None))
    handled = await session.scalar(select(func.count()).select_from(handled_query.subquery())) or 0
    # Drafts made together come in the order I met the people.
    item = await session.scalar(
        awake.join(Contact, Contact.id == FollowUp.contact_id)
        .order_by(FollowUp.created_at, Contact.met_at, FollowUp.id)
        .limit(1)
    )
    total = handled + remaining
    return ReviewSlot(
        item=item,
        position=handled + 1 if item else total,
        total=total,
        remaining=remaining,
        snoozed=all_drafts - remaining,
    )
