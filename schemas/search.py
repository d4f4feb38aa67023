"""Search results: the contact and a short snippet of why it matched."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from schemas.contacts import ContactOut


class SearchHitOut(BaseModel):
    contact: ContactOut
    matched_in: str = Field(description="name, company (company/title/headline/interests) or note")
    note_id: uuid.UUID | None
    snippet: str = Field(description="Plain text around the match (escape before showing)")


class SearchOut(BaseModel):
    query: str
    terms: list[str] = Field(description="The words searched for (question words dropped)")
    items: list[SearchHitOut]
