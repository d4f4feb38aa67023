"""Elevator pitches with their word count and speaking time."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import Input, PitchTitle

TargetSeconds = Literal[30, 60, 90]


class PitchIn(Input):
    id: uuid.UUID | None = Field(default=None, description="Client-made id (idempotent)")
    title: PitchTitle
    audience: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=5000)
    target_seconds: TargetSeconds = 60


class PitchPatch(Input):
    title: PitchTitle | None = None
    audience: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=5000)
    target_seconds: TargetSeconds | None = None


class PitchOut(BaseModel):
    id: uuid.UUID
    title: str
    audience: str
    text: str
    target_seconds: int
    word_count: int
    words_per_minute: int = Field(description="My speaking speed (card settings)")
    speaking_seconds: float = Field(description="word_count / words_per_minute, in seconds")
    over_under_seconds: float = Field(description="speaking - target: positive is too long")
    fit: Literal["under", "on_target", "over"] = Field(
        description="on_target within 10% of the target"
    )
    is_headline: bool = Field(description="This pitch is my card's headline")
    created_at: datetime
    updated_at: datetime
