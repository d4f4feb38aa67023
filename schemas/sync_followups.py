"""Offline sync payloads for follow-up review: edit, approve, skip or snooze a draft."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, Field

from schemas.common import Input


class FollowUpOp(Input):
    """Which follow-up, and when the phone's user acted on it."""

    follow_up_id: uuid.UUID
    acted_at: AwareDatetime | None = Field(
        default=None, description="When the action was made on the phone; default now"
    )


class FollowUpEditOp(FollowUpOp):
    """Changed fields only; an approved message goes back to draft."""

    subject: str | None = Field(default=None, description="Checked as the online edit checks it")
    body: str | None = None
    channel: str | None = Field(default=None, max_length=20)


class FollowUpApproveOp(FollowUpOp):
    send_at: AwareDatetime | None = Field(
        default=None, description="Send then; default now (09:00 next morning if late)"
    )


class FollowUpSkipOp(FollowUpOp):
    pass


class FollowUpSnoozeOp(FollowUpOp):
    until: AwareDatetime | None = Field(
        default=None, description="Put aside until then; default 09:00 tomorrow"
    )
