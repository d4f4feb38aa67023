"""Offline sync: the log of operations already applied, ids a phone used that now mean another
contact, note conflicts kept as copies, and the door's offline scans and double admissions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow


class SyncOperation(Base):
    """One operation of a sync batch as first answered. The (user, op id) pair is unique, so
    the same operation sent again is answered from here and applied only once."""

    __tablename__ = "sync_operations"
    __table_args__ = (UniqueConstraint("user_id", "op_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    op_id: Mapped[uuid.UUID] = mapped_column()
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    payload_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContactAlias(Base):
    """A contact id a phone made offline that turned out to be someone already in my contacts:
    later operations naming the phone's id act on the existing contact."""

    __tablename__ = "contact_aliases"

    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NoteConflict(Base):
    """Two devices edited one note from the same version: the losing text lives on as a copy."""

    __tablename__ = "note_conflicts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), index=True
    )
    copy_note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), unique=True
    )
    # "incoming": the uploaded edit won and the note's previous text is the copy;
    # "current": the note's text was newer and the uploaded edit is the copy.
    winner: Mapped[str] = mapped_column(String(10))
    base_version: Mapped[int] = mapped_column()
    device: Mapped[str] = mapped_column(String(100), default="")
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DoorOfflineScan(Base):
    """What an offline door phone said about a scan it uploaded later, beside the scan row."""

    __tablename__ = "door_offline_scans"
    __table_args__ = (Index("ix_door_offline_scans_event_attendee", "event_id", "attendee_id"),)

    scan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("check_in_scans.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    attendee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("attendees.id", ondelete="SET NULL")
    )
    device: Mapped[str] = mapped_column(String(100))
    gate: Mapped[str] = mapped_column(String(60), default="")
    local_outcome: Mapped[str] = mapped_column(String(30))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # The check-in this scan found was later than the scan, so it took this scan's time.
    moved_check_in: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class DoorConflict(Base):
    """One badge let in by two devices: `scan_id` (an offline scan the phone answered ok) found
    the person already checked in by `other_scan_id` from another device."""

    __tablename__ = "door_conflicts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    attendee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"))
    scan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("check_in_scans.id", ondelete="CASCADE"), unique=True
    )
    other_scan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("check_in_scans.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
