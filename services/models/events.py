"""Events, who runs them (organizers and door staff), their attendees and badges."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.db import Base, UTCDateTime, utcnow
from services.models.users import User


class EventRole(StrEnum):
    organizer = "organizer"
    staff = "staff"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class EventMember(Base):
    """A person who runs an event: an organizer or a member of the door staff."""

    __tablename__ = "event_members"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "role"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")


class Attendee(Base):
    """A registered attendee of one event, keyed by email within the event, and whether they
    chose to be listed in the event's attendee directory."""

    __tablename__ = "attendees"
    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        # An event's attendees in id order, a chunk at a time (the door pack).
        Index("ix_attendees_event_id_id", "event_id", "id"),
        # Someone's registration for an event (every event request checks it): with both
        # columns, SQLite's planner takes this and not an index that reads the whole event.
        Index("ix_attendees_user_id_event_id", "user_id", "event_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    # When the attendee chose to be listed in the event's directory; None: not listed (default).
    directory_listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    badges: Mapped[list[Badge]] = relationship(lazy="raise", back_populates="attendee")


class Badge(Base):
    """A badge token. Reissuing a badge revokes the old token and makes a new one."""

    __tablename__ = "badges"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    attendee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attendee: Mapped[Attendee] = relationship(lazy="raise", back_populates="badges")


class DirectoryEntry(Base):
    """What an event's directory shows of one listed attendee, with what sorting, searching
    and ranking need worked out beforehand (services.events.listing keeps it in step), so a
    page of the directory or of "people to meet" is one query, however many are listed."""

    __tablename__ = "directory_entries"
    __table_args__ = (
        Index("ix_directory_entries_event_order", "event_id", "sort_key", "attendee_id"),
    )

    attendee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The card's shared fields (services.people.cards.shared_view, no photo), or the badge's.
    shown: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The shown name, folded; compared by code point on both databases ("C" on PostgreSQL).
    sort_key: Mapped[str] = mapped_column(Text().with_variant(Text(collation="C"), "postgresql"))
    search_text: Mapped[str] = mapped_column(Text)  # name, company, title, interests; folded
    # Whole words of each field, one " | "-separated value each, for look-for phrases.
    name_words: Mapped[str] = mapped_column(Text)
    company_words: Mapped[str] = mapped_column(Text)
    topic_words: Mapped[str] = mapped_column(Text)  # interests, headline, goals
    interest_keys: Mapped[str] = mapped_column(Text)  # one folded interest a line
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
