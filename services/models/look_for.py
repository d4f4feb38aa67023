"""My look-for list: people, companies and topics I want to meet, for one event or for all."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db import Base, UTCDateTime, utcnow


class LookForKind(StrEnum):
    person = "person"  # matched against a shown name
    company = "company"  # against a shown company
    topic = "topic"  # against shown interests, headline and goals


class LookForEntry(Base):
    """One entry of my list. Private to its owner; "found" is computed from my contacts."""

    __tablename__ = "look_for_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # null: for every event; an event's entries go with the event.
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(200))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
