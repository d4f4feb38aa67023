"""My card: read and edit it, choose what to share, a photo; speaking speed and headline pitch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from api.deps import CurrentUser, DbSession
from api.errors import ERROR_RESPONSES
from schemas.cards import CardIn, CardOut, CardSettingsIn, SharedCardOut
from services.errors import NotFound
from services.people import cards

router = APIRouter(prefix="/me/card", tags=["cards"], responses=ERROR_RESPONSES)


@router.get("", response_model=CardOut, summary="My card (every field, and what I share)")
async def get_my_card(user: CurrentUser, db: DbSession) -> CardOut:
    card = await cards.read_card(db, user=user)
    return CardOut.model_validate(await cards.card_view(db, card=card))


@router.put(
    "",
    response_model=CardOut,
    summary="Replace my card",
    description="Phone numbers are stored in E.164: give +country code, or the server's "
    "default region is used. URLs must be http(s). `shared_fields` says what people I meet "
    "receive; people already holding my card see the change.",
)
async def put_my_card(data: CardIn, user: CurrentUser, db: DbSession) -> CardOut:
    card = await cards.update_card(db, user=user, data=data)
    return CardOut.model_validate(await cards.card_view(db, card=card))


@router.get("/shared", response_model=SharedCardOut, summary="My card as people I meet see it")
async def preview_shared(user: CurrentUser, db: DbSession) -> SharedCardOut:
    card = await cards.read_card(db, user=user)
    return SharedCardOut.model_validate(await cards.shared_view(db, card=card))


@router.patch(
    "/settings",
    response_model=CardOut,
    summary="Speaking speed for pitches, and the pitch used as my headline",
)
async def patch_settings(data: CardSettingsIn, user: CurrentUser, db: DbSession) -> CardOut:
    card = await cards.update_card_settings(db, user=user, data=data)
    return CardOut.model_validate(await cards.card_view(db, card=card))


@router.put(
    "/photo",
    response_model=CardOut,
    summary="Upload my photo (JPEG or PNG, at most 200 KB)",
)
async def put_photo(
    user: CurrentUser, db: DbSession, file: Annotated[UploadFile, File(description="The image")]
) -> CardOut:
    data = await file.read(cards.PHOTO_MAX_BYTES + 1)
    card = await cards.set_photo(db, user=user, data=data)
    return CardOut.model_validate(await cards.card_view(db, card=card))


@router.delete("/photo", response_model=CardOut, summary="Remove my photo")
async def delete_photo(user: CurrentUser, db: DbSession) -> CardOut:
    card = await cards.remove_photo(db, user=user)
    return CardOut.model_validate(await cards.card_view(db, card=card))


@router.get(
    "/photo",
    summary="My photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
async def get_photo(user: CurrentUser, db: DbSession) -> Response:
    card = await cards.read_card(db, user=user)
    if card.photo is None:
        raise NotFound("Your card has no photo.", code="no_photo")
    return Response(card.photo, media_type=card.photo_type, headers={"Cache-Control": "private"})
