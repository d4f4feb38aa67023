"""Outgoing system mail (sign-in links, invitations, introductions): queued here, delivered by
the worker."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow


class EmailStatus(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class OutboundEmail(Base):
    __tablename__ = "outbound_emails"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(400))
    # Mail about an introduction goes with it (the introducer deleting their account).
    introduction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    # An iCalendar invitation (METHOD:REQUEST) sent along as invite.ics, e.g. a meeting booked.
    calendar: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=EmailStatus.queued, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
