"""One-to-one meetings at an event: the organizer's settings, requests, answers, my agenda, and
the organizer's figures."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from schemas.common import Input, named

DECLINE_REASONS = ("no_time", "not_a_fit", "already_met", "other")
DeclineReason = Literal["no_time", "not_a_fit", "already_met", "other"]
Slots = Annotated[list[datetime], Field(min_length=1, max_length=3)]


class WindowIn(Input):
    """Hours when meetings may happen on one day, in the event's time zone."""

    day: date
    start: time
    end: time

    @model_validator(mode="after")
    def _ordered(self) -> WindowIn:
        if self.end <= self.start:
            raise ValueError("A window ends after it starts.")
        return self


class PlaceIn(Input):
    name: Annotated[str, *named(100, "Give the place a name, like Table 4.")]
    capacity: int = Field(default=1, ge=1, le=500, description="Meetings it holds at once")


class MeetingSettingsIn(Input):
    enabled: bool = False
    windows: list[WindowIn] = Field(default_factory=list, max_length=60)
    slot_minutes: Literal[15, 20, 30] = 20
    find_each_other: bool = Field(default=False, description="No places: people find each other")
    places: list[PlaceIn] = Field(default_factory=list, max_length=500)
    max_pending_out: int = Field(default=10, ge=1, le=100)
    max_meetings_per_day: int = Field(default=12, ge=1, le=100)
    expiry_hours: int = Field(default=24, ge=1, le=24 * 30)


class PlaceOut(BaseModel):
    id: uuid.UUID
    name: str
    capacity: int


class MeetingSettingsOut(BaseModel):
    enabled: bool
    windows: list[WindowIn]
    slot_minutes: int
    find_each_other: bool
    places: list[PlaceOut]
    max_pending_out: int
    max_meetings_per_day: int
    expiry_hours: int
    timezone: str


class SlotsOut(BaseModel):
    slot_minutes: int
    timezone: str
    slots: list[datetime] = Field(description="Slot starts (UTC) when everyone asked about is free")


class PersonOut(BaseModel):
    """The other person, as their card shares it."""

    attendee_id: uuid.UUID | None
    name: str
    title: str = ""
    company: str = ""


class ContactAtEventOut(BaseModel):
    event_id: uuid.UUID = Field(description="The event where I met them")
    person: PersonOut


class MeetingRequestIn(Input):
    attendee_id: uuid.UUID = Field(description="Whom I ask: an attendee of this event")
    message: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    slots: Slots


class AcceptIn(Input):
    slot: datetime


class DeclineIn(Input):
    reason: DeclineReason | None = None


class ProposeIn(Input):
    slots: Slots


class BlockIn(Input):
    attendee_id: uuid.UUID


class MeetingRequestOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    direction: Literal["out", "in"] = Field(description="out: I asked; in: I was asked")
    other: PersonOut
    message: str
    slots: list[datetime]
    status: str
    your_turn: bool = Field(description="I am the one to answer now")
    can_propose: bool
    decline_reason: str | None
    created_at: datetime
    expires_at: datetime
    meeting_id: uuid.UUID | None
    timezone: str = Field(description="The event's time zone, in which to show the slots")


class MeetingOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_name: str
    timezone: str
    other: PersonOut
    starts_at: datetime
    ends_at: datetime
    place: str = Field(description='The place, or "" when people find each other')
    status: str
    message: str
    we_met: bool = Field(description="I marked that we met")
    contact_id: uuid.UUID | None = Field(description="My contact for them, if I have one")


class DayFiguresOut(BaseModel):
    day: date
    requests_sent: int
    accepted: int
    declined: int
    expired: int
    held: int
    no_shows: int


class PlaceFullnessOut(BaseModel):
    place: str
    capacity: int
    booked: list[int] = Field(description="Meetings booked at each slot of `slots`, in order")


class MeetingStatsOut(BaseModel):
    days: list[DayFiguresOut]
    slots: list[datetime]
    places: list[PlaceFullnessOut]


class MeetingPreferencesIn(Input):
    reminder_mail: bool = Field(description="Also mail me the reminder ten minutes before")


class MeetingPreferencesOut(BaseModel):
    reminder_mail: bool


class MeetingAcceptOp(Input):
    """Offline sync: accept one proposed slot of a request."""

    request_id: uuid.UUID
    slot: datetime


class MeetingDeclineOp(Input):
    """Offline sync: decline a request."""

    request_id: uuid.UUID
    reason: DeclineReason | None = None


class MeetingCancelOp(Input):
    """Offline sync: cancel a booked meeting."""

    meeting_id: uuid.UUID
