"""Introductions between two of my contacts: each is asked first by mail (double opt-in), and
only when both say yes are they introduced to each other."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
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
