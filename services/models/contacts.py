"""Cards people share, the contacts they collect, and the notices of an exchange."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow

# Which card fields a person shares unless they choose otherwise (email and phone are opt-in).
DEFAULT_SHARED_FIELDS = ["name", "title", "company", "linkedin_url", "headline"]
DEFAULT_WORDS_PER_MINUTE = 130
CARD_FIELDS = [
    "name",
    "title",
    "company",
    "email",
    "phone",
    "linkedin_url",
    "website",
    "headline",
    "interests",
    "goals",
    "photo",
]


class Card(Base):
    """My card: what I can share with people I meet, field by field. One per user."""

    __tablename__ = "cards"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(32), default="", comment="E.164")
    linkedin_url: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    headline: Mapped[str] = mapped_column(String(200), default="")
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    # "What I'm looking for": shared only when chosen, like email and phone.
    goals: Mapped[str] = mapped_column(String(300), default="", server_default="")
    shared_fields: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_SHARED_FIELDS)
    )
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_type: Mapped[str] = mapped_column(String(40), default="")
    headline_pitch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pitches.id", ondelete="SET NULL")
    )
    words_per_minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_WORDS_PER_MINUTE)
    # Copies held by many people are refreshed in chunks by the worker after an edit: since
    # when they wait, and the last copy (by contact id) refreshed so far.
    copies_pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    copies_done_through: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Contact(Base):
    """Someone I met, as I keep them. Private to its owner.

    Fields listed in `shared_fields` were copied from the other person's card when they shared
    it (by badge scan or share-back); they are refreshed when that person edits their card and
    cleared when they withdraw. Fields I typed or edited myself are mine and stay.
    """

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("owner_id", "person_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    met_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="", index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    linkedin_url: Mapped[str] = mapped_column(String(300), default="", index=True)
    website: Mapped[str] = mapped_column(String(500), default="")
    headline: Mapped[str] = mapped_column(String(500), default="")
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    goals: Mapped[str] = mapped_column(String(300), default="", server_default="")
    shared_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    warmth: Mapped[str | None] = mapped_column(String(10))
    preferred_channel: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CardShare(Base):
    """`from_user` lets `to_user` hold their shared card fields, until withdrawn."""

    __tablename__ = "card_shares"
    __table_args__ = (UniqueConstraint("from_user_id", "to_user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    from_user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    to_user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Notification(Base):
    """Something the user should know, e.g. "Alex added you at DevConf"."""

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SearchEntry(Base):
    """What full-text search looks at: one row per contact and one per note, owner's only.

    On SQLite the FTS5 table `search_fts` indexes these rows (kept in step by triggers made in
    the migration); on PostgreSQL a GIN expression index over a weighted tsvector does.
    """

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    note_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text, default="")
    org: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
