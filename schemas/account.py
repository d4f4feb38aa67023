"""My account as a whole: the export of everything I own, and deleting the account."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from schemas.common import Input

Rows = list[dict[str, Any]]


class AccountExport(BaseModel):
    """Everything the signed-in user owns, in one document (rows keep their stored fields)."""

    format_version: int = Field(description="Goes up when the layout of this document changes")
    exported_at: datetime
    account: dict[str, Any] = Field(description="Email, name, time zone")
    card: dict[str, Any] | None = Field(description="My card; the photo as base64 with its type")
    pitches: Rows
    look_for: Rows = Field(description="My look-for list: people, companies, topics")
    contacts: Rows = Field(description="Each with its notes (topics, details, promises)")
    promises_made_to_me: Rows = Field(
        default_factory=list,
        description="Promises others shared with me, with my contact of who made them",
    )
    note_conflicts: Rows = Field(description="Copies kept when two devices edited one note")
    follow_ups: Rows = Field(description="Each with its history of states")
    templates: Rows
    keep_in_touch: Rows = Field(description="Cadences, by contact")
    interactions: Rows = Field(description="Times I logged being in touch")
    reminder_settings: dict[str, Any] | None
    introductions: Rows = Field(description="Each with the two people asked and their answers")
    meetings: Rows = Field(
        default_factory=list,
        description="Meeting requests I sent or got at events, and the meetings booked from them",
    )
    registrations: Rows = Field(description="Events I am registered for, my record, my check-ins")
    events_i_run: Rows = Field(description="Events I organize or staff: name and role only")
    notifications: Rows


class EventName(BaseModel):
    id: uuid.UUID
    name: str


class DeletePreviewOut(BaseModel):
    """What deleting my account would remove."""

    email: str
    contacts: int
    notes: int
    follow_ups: int
    follow_ups_waiting_to_send: int = Field(description="Approved or scheduled: deleted, not sent")
    registrations: int
    pitches: int
    look_for_entries: int
    introductions: int = Field(
        description="Introductions I asked for; waiting ones' links stop working"
    )
    sole_organizer_events: list[EventName] = Field(
        description="Events only I organize: deleting the account needs `delete_my_events`"
    )


class DeleteAccountIn(Input):
    confirm_email: str = Field(max_length=320, description="My account's email, to confirm")
    delete_my_events: bool = Field(
        default=False, description="Also delete the events of which I am the only organizer"
    )
