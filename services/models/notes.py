"""Conversation notes and their structured parts, and elevator pitches (the product's "notes and
pitches"). Private to their author, always."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow

# The longest link a promise may carry (browsers and mail clients handle far more).
MAX_LINK = 2000


class Warmth(StrEnum):
    hot = "hot"
    warm = "warm"
    cold = "cold"


class Channel(StrEnum):
    email = "email"
    linkedin = "linkedin"
    phone = "phone"
    other = "other"


class DetailKind(StrEnum):
    family = "family"
    hobby = "hobby"
    trip = "trip"
    milestone = "milestone"
    birthday = "birthday"
    # Private: never put in a draft (only by the user's own hand).
    health = "health"


class Note(Base):
    """One conversation note. `version` goes up by one with every edit (offline conflict rule)."""

    __tablename__ = "notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    warmth: Mapped[str | None] = mapped_column(String(10))
    preferred_channel: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NoteTopic(Base):
    """A topic (tag) of a note; rows so contacts can be filtered by tag."""

    __tablename__ = "note_topics"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(80), index=True)


class PersonalDetail(Base):
    """Something personal I learned (a child's graduation, a trip); birthdays carry a date."""

    __tablename__ = "personal_details"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    on_date: Mapped[date | None] = mapped_column(Date)


class Promise(Base):
    """What I said I would send or do, with a due date and, for a thing to send, its link;
    done or not done."""

    __tablename__ = "promises"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    # An http(s) URL (checked like the card's web address), or None.
    link: Mapped[str | None] = mapped_column(String(MAX_LINK))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Shared by its author with the person it was made to (both hold each other's card): they
    # see it and either side can tick it done (services.people.shared_promises).
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who ticked it done, when that was the other side.
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class Pitch(Base):
    """An elevator pitch: several per user, one of them possibly the headline of their card."""

    __tablename__ = "pitches"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    target_seconds: Mapped[int] = mapped_column(Integer, default=60)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
