"""Badges for organizers: reissue a lost one, any attendee's QR code, printable PDFs (a job)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status

from api.deps import CurrentUser, DbSession, OrganizerAccess
from api.errors import ERROR_RESPONSES
from api.jobs import ACCEPTED, accepted
from schemas.badges import BadgePdfIn, IssuedBadgeOut
from schemas.jobs import JobOut
from services.events import badges
from services.jobs import exports, queue

router = APIRouter(prefix="/events/{event_id}", tags=["badges"], responses=ERROR_RESPONSES)
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


@router.post(
    "/badges.pdf",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    summary="Printable badges for all attendees, or the chosen ones (organizers; a background job)",
    description="`layout`: `a6` (one per A6 page), `a4x4` (four A6 on A4), `a4x8` (eight A7 "
    "on A4). Name large, company, title, event name and the QR code; `attendee_ids` chooses "
    "(all when omitted). Answers 202 with the job; its `file` is the PDF.",
)
async def badges_pdf(
    data: BadgePdfIn,
    access: OrganizerAccess,
    user: CurrentUser,
    db: DbSession,
    request: Request,
    response: Response,
    background: BackgroundTasks,
) -> JobOut:
    chosen = None if data.attendee_ids is None else [str(i) for i in data.attendee_ids]
    job = await queue.create_job(
        db,
        kind=exports.BADGES_PDF,
        owner=user,
        event_id=access.event.id,
        params={"layout": data.layout.value, "attendee_ids": chosen},
    )
    return accepted(job, request, response, background)
