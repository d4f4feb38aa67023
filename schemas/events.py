"""Events and the people who run them."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from schemas.common import EventName, Input, OneLine, OrmModel


class EventIn(Input):
    """Times without an offset are read in the event's own time zone."""

    name: EventName
    venue: str = Field(default="", max_length=300)
    timezone: str = Field(description="IANA time zone, e.g. Europe/Berlin", max_length=64)
    starts_at: datetime
    ends_at: datetime


class EventPatch(Input):
    name: EventName | None = None
    venue: str | None = Field(default=None, max_length=300)
    timezone: str | None = Field(default=None, max_length=64)
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class EventOut(OrmModel):
    id: uuid.UUID
    name: str
    venue: str
    timezone: str
    starts_at: datetime
    ends_at: datetime


class MyEventOut(EventOut):
    roles: list[str] = Field(description="organizer, staff and/or attendee")


class StaffInviteIn(Input):
    email: EmailStr
    name: OneLine = Field(default="", max_length=200)


class StaffOut(BaseModel):
    user_id: uuid.UUID
    email: str
    name: str
    role: str
