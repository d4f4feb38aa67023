"""Elevator pitches with word count and speaking time."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CurrentUser, DbSession
from api.errors import ERROR_RESPONSES
from schemas.pitches import PitchIn, PitchOut, PitchPatch
from services.models import Pitch, User
from services.people import cards, pitches

router = APIRouter(prefix="/pitches", tags=["pitches"], responses=ERROR_RESPONSES)


async def _out(db: AsyncSession, user: User, items: list[Pitch]) -> list[PitchOut]:
    card = await cards.read_card(db, user=user)
    out = []
    for pitch in items:
        timing = pitches.timing(
            pitch.text, target_seconds=pitch.target_seconds, words_per_minute=card.words_per_minute
        )
        out.append(
            PitchOut(
                id=pitch.id,
                title=pitch.title,
                audience=pitch.audience,
                text=pitch.text,
                target_seconds=pitch.target_seconds,
                word_count=timing.word_count,
                words_per_minute=card.words_per_minute,
                speaking_seconds=timing.speaking_seconds,
                over_under_seconds=timing.over_under_seconds,
                fit=timing.fit,
                is_headline=card.headline_pitch_id == pitch.id,
                created_at=pitch.created_at,
                updated_at=pitch.updated_at,
            )
        )
    return out


@router.get("", response_model=list[PitchOut], summary="My pitches with their timing")
async def list_pitches(user: CurrentUser, db: DbSession) -> list[PitchOut]:
    return await _out(db, user, list(await pitches.list_pitches(db, user=user)))


@router.post(
    "",
    response_model=PitchOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "A pitch with this client id exists: returned as is"}},
    summary="Write a pitch",
)
async def create_pitch(
    data: PitchIn, user: CurrentUser, db: DbSession, response: Response
) -> PitchOut:
    pitch, created = await pitches.create_pitch(db, user=user, data=data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return (await _out(db, user, [pitch]))[0]


@router.get("/{pitch_id}", response_model=PitchOut, summary="One pitch")
async def get_pitch(pitch_id: uuid.UUID, user: CurrentUser, db: DbSession) -> PitchOut:
    return (await _out(db, user, [await pitches.get_pitch(db, user=user, pitch_id=pitch_id)]))[0]


@router.patch("/{pitch_id}", response_model=PitchOut, summary="Edit a pitch")
async def patch_pitch(
    pitch_id: uuid.UUID, data: PitchPatch, user: CurrentUser, db: DbSession
) -> PitchOut:
    pitch = await pitches.update_pitch(db, user=user, pitch_id=pitch_id, data=data)
    return (await _out(db, user, [pitch]))[0]


@router.delete("/{pitch_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a pitch")
async def delete_pitch(pitch_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    await pitches.delete_pitch(db, user=user, pitch_id=pitch_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
