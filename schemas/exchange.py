"""Contact exchange by badge: scan, share back, withdraw, and the notifications it causes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from schemas.common import Input
from schemas.contacts import ContactOut


class ScanIn(Input):
    badge: str = Field(
        min_length=1,
        max_length=500,
        description="The badge token, or the whole badge URL the QR code holds (…/b/{token})",
    )
    id: uuid.UUID | None = Field(default=None, description="Client-made id for the new contact")


class ScanOut(BaseModel):
    contact: ContactOut
    created: bool = Field(description="False: I had already added this person (no duplicate)")
    event_id: uuid.UUID
    event_name: str


class PersonIn(Input):
    user_id: uuid.UUID


class ShareOut(BaseModel):
    user_id: uuid.UUID
    name: str
    event_id: uuid.UUID | None
    since: datetime


class NotificationOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(
        description="contact_added: someone scanned my badge or added me from a directory; "
        "introduction_made / introduction_declined: an introduction I asked for was answered"
    )
    text: str
    actor_id: uuid.UUID | None = Field(description="Who did it; pass to share-back")
    event_id: uuid.UUID | None
    can_share_back: bool = Field(description="contact_added and I do not have them yet")
    created_at: datetime
    read_at: datetime | None
