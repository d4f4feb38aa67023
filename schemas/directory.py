"""An event's opt-in attendee directory and "people to meet" suggestions."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from schemas.cards import SharedFields
from schemas.common import Input


class DirectoryChoiceIn(Input):
    listed: bool = Field(description="Show my card to people at this event")


class DirectoryChoiceOut(BaseModel):
    listed: bool = Field(description="Whether my card is in this event's directory")
    listed_since: datetime | None


class DirectoryEntryOut(SharedFields):
    """A listed attendee: only what their card shares; fields they keep to themselves are
    empty (email and phone appear only if they share them on their card)."""

    attendee_id: uuid.UUID = Field(description="Pass to …/directory/{attendee_id}/add")
    is_me: bool = Field(description="This entry is my own")
    contact_id: uuid.UUID | None = Field(description="My contact for this person, if I have one")


class SuggestionOut(BaseModel):
    person: DirectoryEntryOut
    looking_for: list[str] = Field(
        description="Entries of my look-for list (for this event or every event) that find them"
    )
    shared_interests: list[str] = Field(description="Interests on both cards, in my spelling")
    reasons: list[str] = Field(
        description='Why, one line each: "You are looking for: Vattenfall", '
        '"You both listed: batteries, hiking"'
    )
    reason: str = Field(description="The reasons as one line, joined by ' · '")
