"""Staying in touch: cadences, interactions, reminders, preferences, the calendar feed."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import Input, OrmModel


class CadenceIn(Input):
    every_days: int = Field(ge=1, le=3650, description="14, 30, 90, or any number of days")


class CadenceOut(BaseModel):
    contact_id: uuid.UUID
    contact_name: str
    every_days: int
    last_interaction_at: datetime | None
    next_due_on: date


class InteractionIn(Input):
    contact_id: uuid.UUID
    kind: Literal["talked", "message"] = "talked"
    text: str = Field(default="", max_length=2000)
    at: datetime | None = Field(default=None, description="Default: now")


class InteractionOut(OrmModel):
    id: uuid.UUID
    contact_id: uuid.UUID
    kind: str
    text: str
    at: datetime


class ReminderOut(BaseModel):
    kind: Literal["keep_in_touch", "birthday", "milestone", "promise"]
    due_on: date
    overdue: bool
    contact_id: uuid.UUID
    contact_name: str
    title: str
    link: str | None = Field(default=None, description="A promise's link to send, if noted")


class PreferencesOut(BaseModel):
    timezone: str
    signature: str
    daily_digest: bool
    calendar_feed: bool = Field(description="Whether a calendar feed URL is active")


class PreferencesPatch(Input):
    timezone: str | None = Field(default=None, max_length=64, description="e.g. Europe/Berlin")
    signature: str | None = Field(default=None, max_length=1000)
    daily_digest: bool | None = None


class CalendarFeedOut(BaseModel):
    url: str = Field(description="Secret: anyone with it can read the reminders. Shown once.")
