"""My card: the fields I can share with people I meet, and which of them I share."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import CardName, Input, OneLine, OrmModel

CardField = Literal[
    "name",
    "title",
    "company",
    "email",
    "phone",
    "linkedin_url",
    "website",
    "headline",
    "interests",
    "goals",
    "photo",
]


class CardIn(Input):
    """Replace my card. Phone numbers are stored in E.164 (give +country or rely on the server's
    default region); URLs must be http(s); LinkedIn must be a linkedin.com/in/ profile."""

    name: CardName = Field(default="", validate_default=True)
    title: OneLine = Field(default="", max_length=200)
    company: OneLine = Field(default="", max_length=200)
    email: OneLine = Field(default="", max_length=320)
    phone: OneLine = Field(default="", max_length=40)
    linkedin_url: str = Field(default="", max_length=300)
    website: str = Field(default="", max_length=500)
    headline: OneLine = Field(default="", max_length=200, description="One line about me")
    interests: list[str] = Field(default_factory=list, max_length=30)
    goals: str = Field(
        default="",
        max_length=300,
        description='What I\'m looking for, e.g. "Pilot customers for heat-pump retrofits"',
    )
    shared_fields: list[CardField] | None = Field(
        default=None,
        description="Fields people I meet receive. Default: name, title, company, headline, "
        "linkedin_url (email, phone and goals only if added here). Omit to keep the current "
        "choice.",
    )


class CardOut(OrmModel):
    name: str
    title: str
    company: str
    email: str
    phone: str = Field(description="E.164, e.g. +4915112345678")
    linkedin_url: str
    website: str
    headline: str = Field(description="The chosen headline pitch's text if one is chosen")
    interests: list[str]
    goals: str = Field(description="What I'm looking for")
    shared_fields: list[str]
    has_photo: bool
    headline_pitch_id: uuid.UUID | None
    words_per_minute: int
    updated_at: datetime


class SharedFields(BaseModel):
    """A card's fields as others see them: only those its owner shares, the rest empty."""

    name: str = ""
    title: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""
    website: str = ""
    headline: str = ""
    interests: list[str] = Field(default_factory=list)
    goals: str = Field(default="", description="What they are looking for, if they share it")


class SharedCardOut(SharedFields):
    """What the people I meet receive: only the fields I share, the rest empty."""

    has_photo: bool = False


class CardSettingsIn(Input):
    words_per_minute: int | None = Field(default=None, ge=60, le=250)
    headline_pitch_id: uuid.UUID | None = Field(
        default=None, description="The pitch whose text is my card's headline"
    )
    clear_headline_pitch: bool = Field(default=False, description="Stop using a pitch")
