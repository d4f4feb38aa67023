"""Badges for organizers: reissue, QR images and printable PDFs."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.common import Input


class BadgeLayout(StrEnum):
    a6 = "a6"  # one badge per A6 page
    a4x4 = "a4x4"  # four A6 badges on an A4 sheet
    a4x8 = "a4x8"  # eight A7 badges on an A4 sheet


class IssuedBadgeOut(BaseModel):
    attendee_id: uuid.UUID
    name: str
    url: str = Field(description="What the new badge QR holds")
    issued_at: datetime
    revoked_tokens: int = Field(description="Old badges that now scan as revoked")


class BadgePdfIn(Input):
    layout: BadgeLayout = BadgeLayout.a6
    attendee_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=20000, description="Only these attendees; all when omitted"
    )
