"""Introductions: asking two of my contacts whether they want to meet, and their answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from schemas.common import Input, named

Status = Literal["waiting", "introduced", "declined", "cancelled", "expired"]
AnswerValue = Literal["yes", "no"]
REASON_MAX = 1000
Reason = Annotated[
    str, *named(REASON_MAX, "Say why they should meet: both of them will read it.", lines=True)
]


class IntroductionIn(Input):
    contact_id: uuid.UUID = Field(description="One of my contacts (the page it was started on)")
    other_contact_id: uuid.UUID = Field(description="Another of my contacts")
    reason: Reason = Field(description="Plain text, shown to both as I wrote it")


class PartyOut(BaseModel):
    """One of the two, as they were asked (the contact may have changed since)."""

    contact_id: uuid.UUID | None = Field(description="Null once I deleted the contact")
    name: str
    title: str
    company: str
    email: str = Field(description="Where the request went")
    answer: AnswerValue | None
    answered_at: datetime | None


class IntroductionOut(BaseModel):
    id: uuid.UUID
    status: Status = Field(
        description="waiting (for one or both: see each person's `answer`), introduced, "
        "declined (the person whose answer is `no`), cancelled, or expired"
    )
    reason: str
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None = Field(description="When it was introduced, declined, …")
    people: list[PartyOut] = Field(description="The two, in the order they were picked")


class RequestTokenIn(Input):
    token: str = Field(max_length=1000, description="From the fragment of the mailed link")


class AnswerIn(RequestTokenIn):
    answer: AnswerValue


class OtherPersonOut(BaseModel):
    """Whom I would meet: only what the introducer has of their name and role."""

    name: str
    title: str
    company: str


class IntroductionRequestOut(BaseModel):
    """What one of the two sees on their link's page (no account needed)."""

    introducer: str = Field(description="The name of who asks")
    other: OtherPersonOut
    reason: str
    expires_at: datetime
    state: Literal[
        "asked", "you_said_yes", "you_said_no", "introduced", "no_longer_needed", "expired"
    ] = Field(
        description="asked: answer now. no_longer_needed: cancelled, or the other said no "
        "(which one is not said)"
    )
    your_answer: AnswerValue | None = Field(description="The first answer given; it stands")
    answered_at: datetime | None
