"""Elevator pitches: several per user, word count and speaking time against a 30/60/90 s target."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.pitches import PitchIn, PitchPatch
from services.errors import Conflict, NotFound
from services.models import Pitch, User
from services.people import cards

ON_TARGET_TOLERANCE = 0.10


@dataclass(frozen=True)
class Timing:
    word_count: int
    speaking_seconds: float
    over_under_seconds: float
    fit: str


def word_count(text: str) -> int:
    """Words as a listener hears them: runs of letters or digits (don't, e-mail count once)."""
    return len(re.findall(r"\w+(?:['\u2019\-]\w+)*", text))


def timing(text: str, *, target_seconds: int, words_per_minute: int) -> Timing:
    """How long the text takes to say, and how far that is from the target."""
    words = word_count(text)
    seconds = round(words * 60 / words_per_minute, 1)
    delta = round(seconds - target_seconds, 1)
    if abs(delta) <= target_seconds * ON_TARGET_TOLERANCE:
        fit = "on_target"
    else:
        fit = "over" if delta > 0 else "under"
    return Timing(words, seconds, delta, fit)


async def _pitch(session: AsyncSession, *, user: User, pitch_id: uuid.UUID) -> Pitch:
    pitch = await session.get(Pitch, pitch_id)
    if pitch is None or pitch.owner_id != user.id:
        raise NotFound("No such pitch.", code="pitch_not_found")
    return pitch


async def create_pitch(session: AsyncSession, *, user: User, data: PitchIn) -> tuple[Pitch, bool]:
    """A new pitch; the same client id again returns the existing one."""
    if data.id is not None:
        existing = await session.get(Pitch, data.id)
        if existing is not None:
            if existing.owner_id != user.id:
                raise Conflict("This id is already in use; make a new one.", code="id_taken")
            return existing, False
    pitch = Pitch(
        id=data.id or uuid.uuid4(),
        owner_id=user.id,
        title=data.title.strip(),
        audience=data.audience.strip(),
        text=data.text.strip(),
        target_seconds=data.target_seconds,
    )
    session.add(pitch)
    await session.flush()
    return pitch, True


async def update_pitch(
    session: AsyncSession, *, user: User, pitch_id: uuid.UUID, data: PitchPatch
) -> Pitch:
    """Edit a pitch; if it is my card's headline, people holding my card see the new text."""
    pitch = await _pitch(session, user=user, pitch_id=pitch_id)
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(pitch, name, value.strip() if isinstance(value, str) else value)
    await session.flush()
    card = await cards.get_card(session, user=user)
    if card.headline_pitch_id == pitch.id:
        await cards.card_changed(session, card=card)
    return pitch


async def delete_pitch(session: AsyncSession, *, user: User, pitch_id: uuid.UUID) -> None:
    """Delete a pitch (the card falls back to its typed headline)."""
    pitch = await _pitch(session, user=user, pitch_id=pitch_id)
    card = await cards.get_card(session, user=user)
    was_headline = card.headline_pitch_id == pitch.id
    if was_headline:
        card.headline_pitch_id = None
    await session.delete(pitch)
    await session.flush()
    if was_headline:
        await cards.card_changed(session, card=card)


async def get_pitch(session: AsyncSession, *, user: User, pitch_id: uuid.UUID) -> Pitch:
    """One of my pitches."""
    return await _pitch(session, user=user, pitch_id=pitch_id)


async def list_pitches(session: AsyncSession, *, user: User) -> Sequence[Pitch]:
    """My pitches, most recently edited first."""
    return (
        await session.scalars(
            select(Pitch).where(Pitch.owner_id == user.id).order_by(Pitch.updated_at.desc())
        )
    ).all()
