"""Conversation notes with their structured parts, and promises across contacts."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from schemas.common import Input
from services.models.notes import MAX_LINK, Channel, DetailKind, Warmth


class PersonalDetailIn(Input):
    id: uuid.UUID | None = None
    kind: DetailKind
    text: str = Field(default="", max_length=500)
    on_date: date | None = Field(default=None, description="Required for a birthday")

    @model_validator(mode="after")
    def _birthday_has_date(self) -> PersonalDetailIn:
        if self.kind is DetailKind.birthday and self.on_date is None:
            raise ValueError("a birthday needs on_date")
        return self


LINK_DESCRIPTION = (
    'The link to send (http or https; a bare www.example.com gets https://); null or "" for '
    "none. Left out when editing a promise that has one: it is kept."
)


class PromiseIn(Input):
    id: uuid.UUID | None = Field(default=None, description="Keep the id to keep done/not done")
    text: str = Field(min_length=1, max_length=500)
    link: str | None = Field(default=None, max_length=MAX_LINK, description=LINK_DESCRIPTION)
    due_on: date | None = None
    done: bool = False


class NoteIn(Input):
    id: uuid.UUID | None = Field(default=None, description="Client-made id (idempotent)")
    text: str = Field(default="", max_length=20000)
    topics: list[str] = Field(default_factory=list, max_length=30)
    personal_details: list[PersonalDetailIn] = Field(default_factory=list, max_length=30)
    promises: list[PromiseIn] = Field(default_factory=list, max_length=30)
    next_step: str = Field(default="", max_length=1000)
    warmth: Warmth | None = None
    preferred_channel: Channel | None = None
    created_at: AwareDatetime | None = Field(
        default=None, description="When written (offline), with its UTC offset"
    )


class NotePatch(Input):
    """Only the fields sent change; lists sent replace the old ones. `base_version` is the
    version this edit was made on: if the note has moved on, the answer is 409 note_changed."""

    base_version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=20000)
    topics: list[str] | None = Field(default=None, max_length=30)
    personal_details: list[PersonalDetailIn] | None = Field(default=None, max_length=30)
    promises: list[PromiseIn] | None = Field(default=None, max_length=30)
    next_step: str | None = Field(default=None, max_length=1000)
    warmth: Warmth | None = None
    preferred_channel: Channel | None = None


class PersonalDetailOut(BaseModel):
    id: uuid.UUID
    kind: str
    text: str
    on_date: date | None


class PromiseOut(BaseModel):
    id: uuid.UUID
    note_id: uuid.UUID
    contact_id: uuid.UUID
    text: str
    link: str | None
    due_on: date | None
    done: bool
    done_at: datetime | None
    shared_at: datetime | None = Field(
        default=None, description="When I shared it with the person I made it to (or null)"
    )


class SharedIn(Input):
    shared: bool


class DoneIn(Input):
    done: bool


class AgreedOut(BaseModel):
    """A promise shared between me and a contact, as I see it."""

    id: uuid.UUID
    mine: bool = Field(description="I made it (else they made it to me)")
    sentence: str = Field(description='"Ada will send you the slides by Friday 11 December"')
    text: str
    link: str | None
    due_on: date | None
    done: bool
    done_at: datetime | None
    done_by_other: bool = Field(description="Ticked done by the other side")


class TickedOut(BaseModel):
    id: uuid.UUID
    done: bool
    done_at: datetime | None


class AgreedListOut(BaseModel):
    mutual: bool = Field(description="We hold each other's card: promises can be shared")
    items: list[AgreedOut]


class NoteOut(BaseModel):
    id: uuid.UUID
    contact_id: uuid.UUID
    text: str
    topics: list[str]
    personal_details: list[PersonalDetailOut]
    promises: list[PromiseOut]
    next_step: str
    warmth: str | None
    preferred_channel: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class PromiseListItem(PromiseOut):
    contact_name: str
    sent_with_follow_up_at: datetime | None = Field(
        description="When a follow-up written to keep this promise was sent (it marked it done)"
    )


class PromisePatch(Input):
    done: bool | None = None
    due_on: date | None = None
    text: str | None = Field(default=None, min_length=1, max_length=500)
    link: str | None = Field(
        default=None, max_length=MAX_LINK, description='The link to send; null or "" removes it'
    )
