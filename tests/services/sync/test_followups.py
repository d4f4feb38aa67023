"""Sync: follow-up review actions made offline are applied once, and meet other devices'
decisions as `conflict` rather than failing the batch."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.sync import SyncBatchIn
from services.db import utcnow
from services.followups import queue
from services.models import FollowUp, FollowUpTransition, User
from services.sync import batch
from tests import factories


def op(type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": type_, "payload": payload}


async def apply(db: AsyncSession, user: User, ops: list[dict[str, Any]]) -> Any:
    out = await batch.apply_batch(
        db, user=user, data=SyncBatchIn.model_validate({"device": "phone", "operations": ops})
    )
    await db.commit()
    return out


async def drafts_for(db: AsyncSession, owner: User, n: int) -> list[uuid.UUID]:
    """Ids of `n` drafts (ids, so they stay readable after the session is expired)."""
    event = await factories.event(db)
    made = []
    for i in range(n):
        contact = await factories.met_contact(db, owner=owner, event=event, name=f"Person {i}")
        made.append((await factories.follow_up(db, owner=owner, contact=contact)).id)
    return made


async def status_of(db: AsyncSession, follow_up_id: uuid.UUID) -> str:
    db.expire_all()
    value = await db.scalar(select(FollowUp.status).where(FollowUp.id == follow_up_id))
    return str(value)


async def transitions(db: AsyncSession) -> int:
    return (await db.scalar(select(func.count()).select_from(FollowUpTransition))) or 0


async def test_offline_review_actions_are_applied_in_order(db: AsyncSession) -> None:
    owner = await factories.user(db)
    edited, approved, skipped, snoozed = await drafts_for(db, owner, 4)
    acted = utcnow().isoformat()
    until = (utcnow() + timedelta(days=2)).isoformat()
    out = await apply(
        db,
        owner,
        [
            op(
                "followup.edit",
                {"follow_up_id": str(edited), "subject": "Lovely to meet", "acted_at": acted},
            ),
            op("followup.approve", {"follow_up_id": str(approved), "acted_at": acted}),
            op("followup.skip", {"follow_up_id": str(skipped), "acted_at": acted}),
            op("followup.snooze", {"follow_up_id": str(snoozed), "until": until}),
        ],
    )

    assert [r.status for r in out.results] == ["applied"] * 4
    assert out.results[0].result["follow_up"]["subject"] == "Lovely to meet"
    assert await status_of(db, edited) == "draft"
    assert await status_of(db, approved) == "scheduled"
    assert await status_of(db, skipped) == "skipped"
    assert await status_of(db, snoozed) == "draft"
    assert out.results[3].result["follow_up"]["snoozed_until"] is not None


async def test_a_resent_batch_changes_nothing(db: AsyncSession) -> None:
    owner = await factories.user(db)
    approved, skipped = await drafts_for(db, owner, 2)
    ops = [
        op("followup.approve", {"follow_up_id": str(approved)}),
        op("followup.skip", {"follow_up_id": str(skipped)}),
    ]
    first = await apply(db, owner, ops)
    before = await transitions(db)

    again = await apply(db, owner, ops)

    assert again.replayed == 2
    assert [r.model_dump() for r in again.results] == [r.model_dump() for r in first.results]
    assert await transitions(db) == before
    assert await status_of(db, approved) == "scheduled"
    assert await status_of(db, skipped) == "skipped"


async def test_approving_what_another_device_approved_is_a_conflict(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    await queue.approve(db, owner=owner, follow_up_id=draft)
    await db.commit()
    before = await transitions(db)

    out = await apply(
        db,
        owner,
        [
            op("followup.approve", {"follow_up_id": str(draft)}),
            op("followup.skip", {"follow_up_id": str(draft)}),
        ],
    )

    assert [r.status for r in out.results] == ["conflict", "conflict"]
    result = out.results[0].result
    assert result["follow_up"]["status"] == "scheduled"
    assert result["code"] == "follow_up_state"
    assert "cannot be approved" in result["detail"]
    assert await transitions(db) == before


async def test_another_users_follow_up_is_rejected_as_not_found(db: AsyncSession) -> None:
    owner = await factories.user(db)
    stranger = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)

    out = await apply(db, stranger, [op("followup.approve", {"follow_up_id": str(draft)})])

    (answer,) = out.results
    assert (answer.status, answer.code) == ("rejected", "follow_up_not_found")
    assert await status_of(db, draft) == "draft"


async def test_an_offline_approval_of_a_draft_still_saying_link_fails_visibly(
    db: AsyncSession,
) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    edit = {"follow_up_id": str(draft), "body": "Hi,\n\nhere are the slides: [link]\n"}

    out = await apply(
        db,
        owner,
        [op("followup.edit", edit), op("followup.approve", {"follow_up_id": str(draft)})],
    )

    edited, approval = out.results
    assert edited.status == "applied"
    assert (approval.status, approval.code) == ("rejected", "link_missing")
    assert approval.detail == "This message still says [link]: paste the link or remove it."
    assert [f.field for f in approval.fields] == ["body"]
    assert await status_of(db, draft) == "draft"  # nothing goes out
