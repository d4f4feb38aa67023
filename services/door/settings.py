"""An event's door settings: the check-in window and the self check-in poster.

The check-in window runs from `opens_minutes_before_start` (default 120: two hours) before the
event starts until `closes_minutes_after_end` (default 0) after it ends. Scans are judged by
the time the phone scanned, so an offline phone's scans made inside the window count even when
they arrive later.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.checkin import CheckInWindow, DoorSettingsPatch
from services.auth.tokens import new_token
from services.db import utcnow
from services.door.log import EventClock
from services.errors import Invalid
from services.models import DoorSettings, Event
from services.settings import get_settings

POSTER_TOKEN_BYTES = 24
DEFAULT_OPENS_BEFORE = 120
DEFAULT_CLOSES_AFTER = 0


class WindowRule(Protocol):
    """How the window is set: saved DoorSettings, or the defaults."""

    @property
    def opens_minutes_before_start(self) -> int: ...
    @property
    def closes_minutes_after_end(self) -> int: ...


@dataclass(frozen=True)
class WindowMinutes:
    """A WindowRule as plain values: the defaults, or the two columns a scan reads."""

    opens_minutes_before_start: int = DEFAULT_OPENS_BEFORE
    closes_minutes_after_end: int = DEFAULT_CLOSES_AFTER


DEFAULT_WINDOW = WindowMinutes()  # an event whose organizer never changed the window


def poster_url(token: str) -> str:
    """What the door poster QR holds; the PWA opens it and posts the token to self check-in."""
    return f"{get_settings().base_url}/door/{token}"


def default_settings(event_id: uuid.UUID) -> DoorSettings:
    """Unsaved settings with the defaults, for an event whose organizer never changed any."""
    return DoorSettings(
        event_id=event_id,
        opens_minutes_before_start=DEFAULT_OPENS_BEFORE,
        closes_minutes_after_end=DEFAULT_CLOSES_AFTER,
        self_check_in_enabled=False,
        poster_token=None,
        poster_rotated_at=None,
    )


async def door_settings(session: AsyncSession, *, event_id: uuid.UUID) -> DoorSettings:
    """The event's settings; unsaved defaults when the organizer never changed any."""
    found = await session.get(DoorSettings, event_id)
    return found if found is not None else default_settings(event_id)


async def _saved_settings(session: AsyncSession, *, event_id: uuid.UUID) -> DoorSettings:
    settings = await door_settings(session, event_id=event_id)
    if settings not in session:
        session.add(settings)
        await session.flush()
    return settings


def check_in_window(event: EventClock, settings: WindowRule) -> CheckInWindow:
    """When scans may check people in (see the module docstring)."""
    return CheckInWindow(
        opens_at=event.starts_at - timedelta(minutes=settings.opens_minutes_before_start),
        closes_at=event.ends_at + timedelta(minutes=settings.closes_minutes_after_end),
    )


async def settings_by_poster(session: AsyncSession, *, token: str) -> DoorSettings | None:
    """The settings whose current poster has this token."""
    if not token or len(token) > 64:
        return None
    return await session.scalar(select(DoorSettings).where(DoorSettings.poster_token == token))


async def update_door_settings(
    session: AsyncSession, *, event: Event, data: DoorSettingsPatch
) -> DoorSettings:
    """Change the window or turn self check-in on or off (turning it on makes a poster)."""
    settings = await _saved_settings(session, event_id=event.id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for key, value in changes.items():
        setattr(settings, key, value)
    if settings.self_check_in_enabled and settings.poster_token is None:
        settings.poster_token = new_token(POSTER_TOKEN_BYTES)
        settings.poster_rotated_at = utcnow()
    await session.flush()
    return settings


async def rotate_poster(session: AsyncSession, *, event: Event) -> DoorSettings:
    """A new poster token; the old poster stops working at once."""
    settings = await _saved_settings(session, event_id=event.id)
    settings.poster_token = new_token(POSTER_TOKEN_BYTES)
    settings.poster_rotated_at = utcnow()
    await session.flush()
    return settings


async def current_poster_url(session: AsyncSession, *, event: Event) -> str:
    """The poster URL, for printing; only while self check-in is on."""
    settings = await door_settings(session, event_id=event.id)
    if not settings.self_check_in_enabled or settings.poster_token is None:
        raise Invalid(
            "Turn self check-in on first; the poster is made then.", code="self_check_in_off"
        )
    return poster_url(settings.poster_token)
