"""Badges for organizers: reissue a lost one, any attendee's QR code, printable PDFs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from api.deps import DbSession, OrganizerAccess
from api.errors import ERROR_RESPONSES
from schemas.badges import BadgeLayout, BadgePdfIn, IssuedBadgeOut
from services.events import badges
from services.events.badge_pdf import BadgeFace, render_badges_pdf

router = APIRouter(prefix="/events/{event_id}", tags=["badges"], responses=ERROR_RESPONSES)
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
SVG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/svg+xml": {}}}}
PNG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/png": {}}}}
PRIVATE = {"Cache-Control": "private, no-store"}


@router.post(
    "/attendees/{attendee_id}/badge/reissue",
    response_model=IssuedBadgeOut,
    summary="Reissue a lost badge (organizers)",
    description="Makes a new token; the old badge then scans as `revoked`, naming its owner so "
    "staff can check their ID.",
)
async def reissue_badge(
    attendee_id: uuid.UUID, access: OrganizerAccess, db: DbSession
) -> IssuedBadgeOut:
    attendee = await badges.attendee_in_event(db, event=access.event, attendee_id=attendee_id)
    badge, revoked = await badges.reissue_badge(db, attendee=attendee)
    return IssuedBadgeOut(
        attendee_id=attendee.id,
        name=attendee.name,
        url=badges.badge_url(badge.token),
        issued_at=badge.issued_at,
        revoked_tokens=revoked,
    )


@router.get(
    "/attendees/{attendee_id}/badge.svg",
    summary="An attendee's badge QR code as SVG (organizers)",
    response_class=Response,
    responses=SVG,
)
async def badge_svg(attendee_id: uuid.UUID, access: OrganizerAccess, db: DbSession) -> Response:
    attendee = await badges.attendee_in_event(db, event=access.event, attendee_id=attendee_id)
    url = await badges.attendee_badge_url(db, attendee=attendee)
    return Response(badges.qr_svg(url), media_type="image/svg+xml", headers=PRIVATE)


@router.get(
    "/attendees/{attendee_id}/badge.png",
    summary="An attendee's badge QR code as PNG (organizers)",
    response_class=Response,
    responses=PNG,
)
async def badge_png(
    attendee_id: uuid.UUID,
    access: OrganizerAccess,
    db: DbSession,
    scale: Annotated[int, Query(ge=1, le=40, description="Pixels per QR module")] = 10,
) -> Response:
    attendee = await badges.attendee_in_event(db, event=access.event, attendee_id=attendee_id)
    url = await badges.attendee_badge_url(db, attendee=attendee)
    return Response(badges.qr_png(url, scale=scale), media_type="image/png", headers=PRIVATE)


def _pdf(faces: list[BadgeFace], layout: BadgeLayout, event_name: str) -> StreamingResponse:
    """Render after the request's transaction has ended (the session dependency closes when
    this handler returns, before the body is sent): rendering 1,000 badges takes seconds, and
    on SQLite an open transaction would hold the write lock the door's scans need."""

    async def body() -> AsyncIterator[bytes]:
        yield await asyncio.to_thread(
            render_badges_pdf, faces, layout=layout, title=f"Badges: {event_name}"
        )

    return StreamingResponse(
        body(),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="badges-{layout.value}.pdf"', **PRIVATE},
    )


@router.get(
    "/badges.pdf",
    summary="Printable badges for all attendees, or a few by id (organizers)",
    description="`layout`: `a6` (one per A6 page), `a4x4` (four A6 on A4), `a4x8` (eight A7 on "
    "A4). Name large, company, title, event name and the QR code. For a long selection use "
    "POST.",
    response_class=Response,
    responses=PDF,
)
async def badges_pdf(
    access: OrganizerAccess,
    db: DbSession,
    layout: BadgeLayout = BadgeLayout.a6,
    attendee_id: Annotated[list[uuid.UUID] | None, Query(max_length=200)] = None,
) -> Response:
    faces = await badges.badge_faces(db, event=access.event, attendee_ids=attendee_id)
    return _pdf(faces, layout, access.event.name)


@router.post(
    "/badges.pdf",
    summary="Printable badges for the chosen attendees (organizers)",
    description="As GET, with the selection in the body (`attendee_ids`; all when omitted).",
    response_class=Response,
    responses=PDF,
)
async def badges_pdf_for(data: BadgePdfIn, access: OrganizerAccess, db: DbSession) -> Response:
    faces = await badges.badge_faces(db, event=access.event, attendee_ids=data.attendee_ids)
    return _pdf(faces, data.layout, access.event.name)
