"""Attendees, their import from CSV, and badges."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from schemas.common import OrmModel


class AttendeeOut(OrmModel):
    id: uuid.UUID
    email: str
    name: str
    company: str
    title: str


class BadgeOut(BaseModel):
    event_id: uuid.UUID
    event_name: str
    name: str
    company: str
    title: str
    url: str = Field(description="What the badge QR code holds")
    qr_svg_url: str
