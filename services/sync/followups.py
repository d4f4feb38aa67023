"""Sync operations for the follow-up review queue: a draft edited, approved, skipped or
snoozed on a phone while offline.

Each handler calls the service the online API calls. Replays are handled by the sync op log.
What only an offline phone meets: by the time the action arrives, the follow-up may no longer
allow it (approved or sent from another device). That is answered `conflict` with the
follow-up as it is now and a plain-words `detail`, so the phone can show it; the batch goes on.
"""

from __future__ import annotations

from typing import Any

from schemas.sync_followups import (
    FollowUpApproveOp,
    FollowUpEditOp,
    FollowUpOp,
    FollowUpSkipOp,
    FollowUpSnoozeOp,
)
from services.errors import Conflict
from services.followups import queue
from services.models import FollowUp
from services.sync.batch import OpContext, Outcome, register


def follow_up_json(follow_up: FollowUp) -> dict[str, Any]:
    """What the phone needs to update its copy of the review queue."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(follow_up.id),
        "status": str(follow_up.status),
        "channel": str(follow_up.channel),
        "subject": follow_up.subject,
        "send_at": iso(follow_up.send_at),
        "snoozed_until": iso(follow_up.snoozed_until),
    }


def _applied(ctx: OpContext, data: FollowUpOp, follow_up: FollowUp) -> Outcome:
    """Done; the phone's action time (never later than now) is kept in the sync log's answer."""
    acted_at = ctx.clamp(data.acted_at).isoformat()
    return Outcome("applied", {"follow_up": follow_up_json(follow_up), "acted_at": acted_at})


async def _conflict(ctx: OpContext, data: FollowUpOp, error: Conflict) -> Outcome:
    """The follow-up moved on elsewhere: say how it is now instead of failing."""
    current = await queue.get_follow_up(ctx.session, owner=ctx.user, follow_up_id=data.follow_up_id)
    return Outcome(
        "conflict",
        {"follow_up": follow_up_json(current), "detail": error.detail, "code": error.code},
    )


@register(
    "followup.edit",
    payload=FollowUpEditOp,
    description="Change a follow-up's subject, body or channel (an approved one goes back to "
    "draft). `conflict` if it can no longer be edited (e.g. already sent).",
)
async def edit_follow_up(ctx: OpContext, data: FollowUpEditOp) -> Outcome:
    try:
        changed = await queue.edit(
            ctx.session,
            owner=ctx.user,
            follow_up_id=data.follow_up_id,
            subject=data.subject,
            body=data.body,
            channel=data.channel,
        )
    except Conflict as error:
        return await _conflict(ctx, data, error)
    return _applied(ctx, data, changed)


@register(
    "followup.approve",
    payload=FollowUpApproveOp,
    description="Approve a draft (email is scheduled for `send_at` or now). `conflict` if it is "
    "no longer a draft (e.g. approved or skipped on another device).",
)
async def approve_follow_up(ctx: OpContext, data: FollowUpApproveOp) -> Outcome:
    try:
        approved = await queue.approve(
            ctx.session, owner=ctx.user, follow_up_id=data.follow_up_id, send_at=data.send_at
        )
    except Conflict as error:
        return await _conflict(ctx, data, error)
    return _applied(ctx, data, approved)


@register(
    "followup.skip",
    payload=FollowUpSkipOp,
    description="Decide not to send a draft. `conflict` if it is no longer a draft.",
)
async def skip_follow_up(ctx: OpContext, data: FollowUpSkipOp) -> Outcome:
    try:
        skipped = await queue.skip(ctx.session, owner=ctx.user, follow_up_id=data.follow_up_id)
    except Conflict as error:
        return await _conflict(ctx, data, error)
    return _applied(ctx, data, skipped)


@register(
    "followup.snooze",
    payload=FollowUpSnoozeOp,
    description="Put a draft aside until `until` (default 09:00 tomorrow). `conflict` if it is "
    "no longer a draft.",
)
async def snooze_follow_up(ctx: OpContext, data: FollowUpSnoozeOp) -> Outcome:
    try:
        snoozed = await queue.snooze(
            ctx.session, owner=ctx.user, follow_up_id=data.follow_up_id, until=data.until
        )
    except Conflict as error:
        return await _conflict(ctx, data, error)
    return _applied(ctx, data, snoozed)
