"""Attendees: CSV import and the list (organizers, staff), and my badge (attendees)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Query, Request, Response, UploadFile, status

from api.deps import (
    AttendeeAccess,
    CurrentUser,
    DbSession,
    OrganizerAccess,
    Paging,
    StaffAccess,
)
from api.errors import ERROR_RESPONSES
from api.jobs import ACCEPTED, accepted
from schemas.attendees import AttendeeOut, BadgeOut
from schemas.common import Page, Text
from schemas.jobs import JobOut
from services.errors import Invalid
from services.events import attendees, badges
from services.events.attendee_csv import MAX_BYTES
from services.jobs import imports, queue

router = APIRouter(prefix="/events/{event_id}", tags=["attendees"], responses=ERROR_RESPONSES)


@router.post(
    "/attendees/import",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    summary="Import attendees from CSV (a background job)",
    description="Columns name, email, company, title; UTF-8 with or without BOM; comma or "
    "semicolon; up to 100,000 rows. Answers 202 with the job at once: follow it at "
    "GET /jobs/{id}. The whole file is checked first: any bad row fails the job, writing "
    "nothing, with every problem (line and column) in its `error.fields`. Then rows are written "
    "in chunks, and the job's `result` is the report (created, updated, unchanged, invited). "
    "People are matched by email, never duplicated.",
)
async def import_attendees(
    access: OrganizerAccess,
    user: CurrentUser,
    db: DbSession,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File(description="The CSV")],
) -> JobOut:
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Invalid(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", code="file_too_large"
        )
    job = await queue.create_job(
        db, kind=imports.ATTENDEES, owner=user, event_id=access.event.id, input=data
    )
    return accepted(job, request, response, background)


@router.get("/attendees", response_model=Page[AttendeeOut], summary="Attendees (staff, organizers)")
async def list_attendees(
    access: StaffAccess,
    db: DbSession,
    paging: Paging,
    q: Annotated[Text | None, Query(max_length=100, description="Name, email or company")] = None,
) -> Page[AttendeeOut]:
    items, total = await attendees.list_attendees(
        db, event=access.event, query=q, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[AttendeeOut.model_validate(a) for a in items],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/badge", response_model=BadgeOut, summary="My badge for this event (attendees)")
async def my_badge(access: AttendeeAccess, db: DbSession, request: Request) -> BadgeOut:
    assert access.attendee is not None
    url = await attendees.my_badge(db, attendee=access.attendee)
    return BadgeOut(
        event_id=access.event.id,
        event_name=access.event.name,
        name=access.attendee.name,
        company=access.attendee.company,
        title=access.attendee.title,
        url=url,
        qr_svg_url=str(request.url_for("my_badge_svg", event_id=access.event.id).path),
    )


@router.get(
    "/badge.svg",
    summary="My badge QR code as SVG (attendees)",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
async def my_badge_svg(access: AttendeeAccess, db: DbSession) -> Response:
    assert access.attendee is not None
    url = await attendees.my_badge(db, attendee=access.attendee)
    return Response(
        badges.qr_svg(url),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=300"},
    )
