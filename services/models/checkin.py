"""Door check-in: every scan as it happened, the check-ins it made, and per-event door settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow


class ScanOutcome(StrEnum):
    ok = "ok"
    already_checked_in = "already_checked_in"
    invalid = "invalid"
    revoked = "revoked"
    wrong_event = "wrong_event"
    not_open = "not_open"


class CheckInMethod(StrEnum):
    badge = "badge"  # staff scanned the badge QR
    manual = "manual"  # staff found the person by name
    self = "self"  # the attendee scanned the door poster


class CheckIn(Base):
    """One person let in. Undoing keeps the row (undone_at set); at most one live row each.

    The partial unique index on attendee_id (where undone_at is null) is what makes two
    simultaneous scans of one badge end in exactly one check-in, on SQLite and PostgreSQL.
    """

    __tablename__ = "check_ins"
    __table_args__ = (
        Index(
            "uq_check_ins_live_attendee",
            "attendee_id",
            unique=True,
            sqlite_where=text("undone_at IS NULL"),
            postgresql_where=text("undone_at IS NULL"),
        ),
        Index("ix_check_ins_event_checked_in_at", "event_id", "checked_in_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    attendee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(20))
    gate: Mapped[str] = mapped_column(String(60), default="")
    device: Mapped[str] = mapped_column(String(100), default="")
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when scanned at the door
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    undo_reason: Mapped[str] = mapped_column(String(300), default="")
    # Set when an offline upload moves the check-in earlier, so door packs pick it up.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckInScan(Base):
    """Every scan or manual check-in attempt with its outcome, failed ones included.

    `answer` is the reply exactly as first sent, so a retried request (same nonce) gets the
    same reply and nothing new is recorded.
    """

    __tablename__ = "check_in_scans"
    __table_args__ = (
        UniqueConstraint("event_id", "nonce"),
        Index("ix_check_in_scans_event_received_at", "event_id", "received_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(40))
    gate: Mapped[str] = mapped_column(String(60), default="")
    device: Mapped[str] = mapped_column(String(100), default="")
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    attendee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("attendees.id", ondelete="SET NULL")
    )
    check_in_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("check_ins.id", ondelete="SET NULL")
    )
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)


class DoorSettings(Base):
    """An event's check-in window and self check-in poster. No row means the defaults."""

    __tablename__ = "door_settings"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    opens_minutes_before_start: Mapped[int] = mapped_column(Integer, default=120)
    closes_minutes_after_end: Mapped[int] = mapped_column(Integer, default=0)
    self_check_in_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    poster_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    poster_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
