"""Contacts: what I keep about people I met, how they came in, lists and detail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from schemas.common import ContactName, ErrorOut, Input, OneLine, OrmModel
from schemas.notes import NoteOut, PromiseOut

OnDuplicate = Literal["offer", "create", "merge"]


class ContactFields(Input):
    name: OneLine = Field(default="", max_length=200)
    title: OneLine = Field(default="", max_length=200)
    company: OneLine = Field(default="", max_length=200)
    email: OneLine = Field(default="", max_length=320)
    phone: OneLine = Field(default="", max_length=40, description="Stored in E.164")
    linkedin_url: str = Field(default="", max_length=300)
    website: str = Field(default="", max_length=500)


class ContactIn(ContactFields):
    """A contact typed in by hand (or built from a scanned vCard / MECARD / LinkedIn QR)."""

    id: uuid.UUID | None = Field(
        default=None, description="Client-made id: sending the same id again returns the contact"
    )
    event_id: uuid.UUID | None = Field(default=None, description="Where we met (my events)")
    met_at: AwareDatetime | None = Field(default=None, description="When we met; default now")
    on_duplicate: OnDuplicate = Field(
        default="offer",
        description="If the email or LinkedIn URL matches a contact: `offer` answers 409 "
        "possible_duplicate with its id; `create` makes a new one anyway; `merge` fills the "
        "existing contact's empty fields (give `merge_into`)",
    )
    merge_into: uuid.UUID | None = None


class ContactPatch(Input):
    """Fields I change become mine: a later withdrawal by the person does not clear them."""

    name: ContactName | None = None
    title: OneLine | None = Field(default=None, max_length=200)
    company: OneLine | None = Field(default=None, max_length=200)
    email: OneLine | None = Field(default=None, max_length=320)
    phone: OneLine | None = Field(default=None, max_length=40)
    linkedin_url: str | None = Field(default=None, max_length=300)
    website: str | None = Field(default=None, max_length=500)
    event_id: uuid.UUID | None = None
    met_at: AwareDatetime | None = None


class ImportIn(Input):
    """What a scanned QR code held: a vCard (2.1/3.0/4.0), a MECARD, or a LinkedIn profile URL."""

    payload: str = Field(min_length=1, max_length=20000)
    id: uuid.UUID | None = Field(default=None, description="Client-made id (idempotent)")
    event_id: uuid.UUID | None = None
    on_duplicate: OnDuplicate = "offer"
    merge_into: uuid.UUID | None = None


class ContactOut(OrmModel):
    id: uuid.UUID
    source: str = Field(description="badge, share_back, manual, vcard, mecard or linkedin")
    person_id: uuid.UUID | None = Field(description="The Rapport user, if exchanged in the app")
    name: str
    title: str
    company: str
    email: str
    phone: str
    linkedin_url: str
    website: str
    headline: str
    interests: list[str]
    goals: str = Field(description="What they are looking for, while they share it with me")
    shared_fields: list[str] = Field(description="Fields the person shares with me right now")
    event_id: uuid.UUID | None
    met_at: datetime
    warmth: str | None
    preferred_channel: str | None
    created_at: datetime
    updated_at: datetime


class ContactCreated(BaseModel):
    contact: ContactOut
    created: bool = Field(description="False when an existing contact was returned or merged")
    warnings: list[str] = Field(
        default_factory=list, description="Input left out, e.g. a phone number we cannot read"
    )


class DuplicateOut(ErrorOut):
    """409 possible_duplicate: the contact that matches by email or LinkedIn URL."""

    existing_contact_id: uuid.UUID


class FileDuplicateOut(BaseModel):
    """A card of the file that looks like a contact I have; it was left out."""

    card: int = Field(description="Its number in the file, from 1: send it in `cards` to retry")
    name: str = Field(description="The name (or email) the card gives")
    existing_contact_id: uuid.UUID


class FileImportOut(BaseModel):
    created: list[ContactOut]
    merged: list[ContactOut] = Field(description="Existing contacts the file's cards filled in")
    duplicates: list[uuid.UUID] = Field(description="Existing contacts matched (not imported)")
    duplicate_cards: list[FileDuplicateOut] = Field(
        description="The cards left out as possible duplicates, with the contact each matches"
    )
    warnings: list[str]


class MergeIn(Input):
    other_id: uuid.UUID = Field(description="This contact's notes move here; it is then deleted")


class ContactSummary(ContactOut):
    event_name: str | None
    tags: list[str]
    open_promises: int


class ContactDetail(ContactSummary):
    notes: list[NoteOut]
    promises: list[PromiseOut]
