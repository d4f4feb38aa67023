"""My look-for list: people, companies and topics I want to meet at an event (or at any)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from schemas.common import Input, named

LookForKind = Literal["person", "company", "topic"]
LookForText = Annotated[
    str, *named(200, "Type who or what you are looking for: a name, a company or a topic.")
]


class LookForIn(Input):
    id: uuid.UUID | None = Field(default=None, description="Client-made id (idempotent)")
    kind: LookForKind = Field(
        description="person: matched against names; company: against companies; topic: "
        "against interests, headlines and goals"
    )
    text: LookForText = Field(description='e.g. "Mona Berg", "Vattenfall", "battery recycling"')
    event_id: uuid.UUID | None = Field(
        default=None, description="One of my events; leave out to look at every event"
    )


class LookForPatch(Input):
    kind: LookForKind | None = None
    text: LookForText | None = None
    done: bool | None = Field(default=None, description="Ticked off by hand")


class FoundOut(BaseModel):
    contact_id: uuid.UUID
    name: str


class LookForOut(BaseModel):
    id: uuid.UUID
    kind: LookForKind
    text: str
    event_id: uuid.UUID | None = Field(description="null: for every event")
    event_name: str | None
    done: bool = Field(description="Ticked off by hand")
    done_at: datetime | None
    found: list[FoundOut] = Field(
        description="My contacts who match it (computed, never stored), most recently met first"
    )
    created_at: datetime
    updated_at: datetime
