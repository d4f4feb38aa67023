"""Sign-in and the signed-in user."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, EmailStr, Field

from schemas.common import Input


class SignInRequest(Input):
    email: EmailStr
    next: str = Field(default="/", max_length=500, description="Where to go after signing in")


class SignInAccepted(BaseModel):
    detail: str


class VerifyIn(Input):
    token: str = Field(min_length=1, max_length=200)


class MeOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    is_organizer: bool
    csrf_token: str = Field(description="Send as the X-CSRF-Token header on every change")


class SignedIn(MeOut):
    next: str
