"""Bringing two people together: introductions and one-to-one meetings at an event.

Introductions between two of my contacts: each is asked first by mail (double opt-in), and
only when both say yes are they introduced to each other.

Meetings: the organizer's settings and places, requests between two attendees, and the
meetings booked from them. No person and no place is ever double-booked, and the database
itself sees to it: a booked meeting holds one `meeting_person_slots` row per person (unique per
person and slot start) and, when the event has places, one `meeting_place_slots` row (unique
per place, slot start and seat). Cancelling deletes those rows, which frees the slot; the
meeting row stays as history.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow


class IntroductionStatus(StrEnum):
    waiting = "waiting"  # for one or both answers; `expired` once expires_at passes unanswered
    introduced = "introduced"  # both said yes: each got the other's name and address
    declined = "declined"  # one said no
    cancelled = "cancelled"  # by the introducer while waiting
    expired = "expired"


class Answer(StrEnum):
    yes = "yes"
    no = "no"


class Introduction(Base):
    """The owner asks two of their contacts whether they want to be introduced, and why."""

    __tablename__ = "introductions"
    # While an introduction waits, `open_pair` holds a hash of the two addresses asked; closing
    # it clears the hash. NULLs never collide, so the database itself refuses a second open
    # introduction of the same two people by the same owner, whoever wins a race.
    __table_args__ = (UniqueConstraint("owner_id", "open_pair"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=IntroductionStatus.waiting)
    open_pair: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IntroductionParty(Base):
    """One of the two people asked: the facts as the owner had them when asking (what both
    were shown, and where the mail went), their answer, and their link's token hash."""

    __tablename__ = "introduction_parties"
    __table_args__ = (UniqueConstraint("introduction_id", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    introduction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # 0: the contact it was started from; 1
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answer: Mapped[str | None] = mapped_column(String(3))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- meetings at an event ---------------------------------------------------------------


class RequestStatus(StrEnum):
    pending = "pending"  # waiting for `awaiting_id`; `expired` once expires_at passes
    accepted = "accepted"
    declined = "declined"
    cancelled = "cancelled"  # withdrawn by the one who asked
    expired = "expired"


class MeetingStatus(StrEnum):
    booked = "booked"
    cancelled = "cancelled"


class MeetingSettings(Base):
    """How an event takes meetings; an event without a row takes none."""

    __tablename__ = "meeting_settings"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"day": "2026-12-10", "start": "09:00", "end": "12:00"}, ...] in the event's time zone
    windows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    find_each_other: Mapped[bool] = mapped_column(Boolean, default=False)  # no places
    max_pending_out: Mapped[int] = mapped_column(Integer, default=10)
    max_meetings_per_day: Mapped[int] = mapped_column(Integer, default=12)
    expiry_hours: Mapped[int] = mapped_column(Integer, default=24)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MeetingPlace(Base):
    """A table or room where meetings happen, holding `capacity` meetings at once."""

    __tablename__ = "meeting_places"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MeetingRequest(Base):
    """One attendee asks another for a meeting in one of up to three slots. Either side may
    propose other slots once; `awaiting_id` is whoever must answer now."""

    __tablename__ = "meeting_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    requester_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    awaiting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="")
    slots: Mapped[list[str]] = mapped_column(JSON, default=list)  # UTC ISO starts, in order
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.pending, index=True)
    requester_proposed: Mapped[bool] = mapped_column(Boolean, default=False)  # a counter, later
    invitee_proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    decline_reason: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Meeting(Base):
    """A meeting booked from an accepted request (the place is copied by name as history)."""

    __tablename__ = "meetings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), unique=True
    )
    requester_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meeting_places.id", ondelete="SET NULL")
    )
    place_name: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.booked)
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requester_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invitee_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MeetingPersonSlot(Base):
    """A person is busy at `starts_at`: the unique key is what refuses a second meeting."""

    __tablename__ = "meeting_person_slots"
    __table_args__ = (UniqueConstraint("user_id", "starts_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingPlaceSlot(Base):
    """One seat of a place is taken at `starts_at` (seats 0 .. capacity-1)."""

    __tablename__ = "meeting_place_slots"
    __table_args__ = (UniqueConstraint("place_id", "starts_at", "seat"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    place_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting_places.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seat: Mapped[int] = mapped_column(Integer)


class MeetingBlock(Base):
    """`blocker_id` takes no more meeting requests from `blocked_id`, at any event."""

    __tablename__ = "meeting_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    blocker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MeetingPreferences(Base):
    """How a person likes to hear about their meetings (the app always tells them)."""

    __tablename__ = "meeting_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reminder_mail: Mapped[bool] = mapped_column(Boolean, default=False)  # opt-in
