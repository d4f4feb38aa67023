"""Sync operations for meetings: a request accepted or declined, or a meeting cancelled, on a
phone while offline.

Each handler calls the service the online API calls. What only an offline phone meets: by the
time the answer arrives the slot may have been taken, the request may have expired or been
withdrawn. That is answered `conflict` with a plain-words `detail` (and, for a slot taken, the
slots still free for both), so the phone can say so; nothing is lost and the batch goes on.
"""

from __future__ import annotations

from typing import Any

from schemas.meetings import MeetingAcceptOp, MeetingCancelOp, MeetingDeclineOp
from services.errors import Conflict, Gone
from services.network import meeting_answers, meeting_slots, meetings
from services.sync.batch import OpContext, Outcome, register


def _request_json(view: meetings.RequestView) -> dict[str, Any]:
    return {
        "id": str(view.request.id),
        "status": view.status.value,
        "meeting_id": str(view.meeting_id) if view.meeting_id else None,
    }


def _conflict(error: Conflict | Gone) -> Outcome:
    result: dict[str, Any] = {"detail": error.detail, "code": error.code}
    if isinstance(error, meeting_slots.SlotTaken):
        result["free_slots"] = [at.isoformat() for at in error.free]
    return Outcome("conflict", result)


@register(
    "meeting.accept",
    payload=MeetingAcceptOp,
    description="Accept one proposed slot of a meeting request. `conflict` if the slot was "
    "taken meanwhile (`free_slots` lists those still free for both) or the request closed.",
)
async def accept_meeting(ctx: OpContext, data: MeetingAcceptOp) -> Outcome:
    try:
        view = await meeting_answers.accept(
            ctx.session, user=ctx.user, request_id=data.request_id, slot=data.slot
        )
    except (Conflict, Gone) as error:
        return _conflict(error)
    return Outcome("applied", {"request": _request_json(view)})


@register(
    "meeting.decline",
    payload=MeetingDeclineOp,
    description="Decline a meeting request. `conflict` if it closed meanwhile.",
)
async def decline_meeting(ctx: OpContext, data: MeetingDeclineOp) -> Outcome:
    try:
        view = await meeting_answers.decline(
            ctx.session, user=ctx.user, request_id=data.request_id, reason=data.reason
        )
    except (Conflict, Gone) as error:
        return _conflict(error)
    return Outcome("applied", {"request": _request_json(view)})


@register(
    "meeting.cancel",
    payload=MeetingCancelOp,
    description="Cancel a booked meeting; the other is told. `conflict` if it is over.",
)
async def cancel_meeting(ctx: OpContext, data: MeetingCancelOp) -> Outcome:
    try:
        view = await meeting_answers.cancel(ctx.session, user=ctx.user, meeting_id=data.meeting_id)
    except Conflict as error:
        return _conflict(error)
    return Outcome(
        "applied", {"meeting": {"id": str(view.meeting.id), "status": view.meeting.status}}
    )
