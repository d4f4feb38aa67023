"""Follow-up messages after an event: the user's templates, the messages with their states and
state history, and which (user, event) pairs already had their drafts made."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow


class TemplateKind(StrEnum):
    resource = "resource"  # I promised to send something
    conversation = "conversation"  # thanks for a great conversation
    meet_again = "meet_again"  # let's meet again / the next step
    introduction = "introduction"  # introducing two people
    custom = "custom"


class FollowUpStatus(StrEnum):
    draft = "draft"
    approved = "approved"  # manual channels wait here for "mark sent"
    scheduled = "scheduled"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"
    cancelled = "cancelled"


class MessageTemplate(Base):
    """A user's follow-up template: a subject and body with {{ placeholders }}."""

    __tablename__ = "message_templates"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=TemplateKind.custom)
    name: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FollowUp(Base):
    """One message to one contact. Generated drafts carry the event they follow, and there is
    at most one generated draft per (owner, contact, event): running generation again adds
    nothing. Hand-made follow-ups have no event and are not limited."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("owner_id", "contact_id", "event_id"),
        # The workers' claim query: due scheduled messages, oldest first.
        Index("ix_follow_ups_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("message_templates.id", ondelete="SET NULL")
    )
    # The promise this draft was written to keep: marked done when the message is sent.
    promise_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("promises.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # What of the conversation a drafted text mentions ("topic,promise"; see
    # services.followups.draft_facts.FACT_KINDS): "" is a generic draft. None when not known
    # (written or rewritten by hand).
    mentions: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=FollowUpStatus.draft)
    # Fixed when the message is made, so a resend after a crash carries the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(200))
    # Copied at approval: the message goes where and as whom the user approved it.
    to_address: Mapped[str] = mapped_column(String(320), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    reply_to: Mapped[str] = mapped_column(String(320), default="")
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FollowUpTransition(Base):
    """Every state change of a follow-up, timestamped: the message's visible history."""

    __tablename__ = "follow_up_transitions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    follow_up_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("follow_ups.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="")


class DraftRun(Base):
    """Drafts were made for this user's contacts from this event (by the worker or on request)."""

    __tablename__ = "draft_runs"
    __table_args__ = (UniqueConstraint("owner_id", "event_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    drafted: Mapped[int] = mapped_column(Integer, default=0)


class FollowUpPreferences(Base):
    """Per-user follow-up settings: signature, daily digest, and the calendar feed's secret."""

    __tablename__ = "follow_up_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    signature: Mapped[str] = mapped_column(Text, default="")
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    last_digest_on: Mapped[date | None] = mapped_column(Date)  # in the user's time zone
    # Only a hash of the feed token is kept; the URL is shown once, when made.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    calendar_token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
