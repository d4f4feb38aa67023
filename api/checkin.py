"""Door check-in: scans, manual and self check-in, undo, door settings and poster, live view.

Staff and organizers of the event check people in; attendees only themselves, by scanning the
door poster while self check-in is on. Scan answers are always 200 with an `outcome`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from api.deps import (
    CurrentSession,
    CurrentUser,
    DbSession,
    DoorScanner,
    LimitLookups,
    OrganizerAccess,
    Paging,
    StaffAccess,
    door_scan_found_nothing,
    door_session,
)
from api.errors import ERROR_RESPONSES
from api.jobs import ACCEPTED, accepted
from schemas.checkin import (
    CheckInOut,
    CheckInStats,
    DoorAttendeeOut,
    DoorPassOut,
    DoorSettingsOut,
    DoorSettingsPatch,
    ManualCheckInIn,
    ScanAnswer,
    ScanIn,
    SelfCheckInIn,
    UndoIn,
)
from schemas.common import Page, Text
from schemas.jobs import JobOut
from services.door import checkin, passes, records
from services.door import log as checkin_log
from services.door import settings as door_settings
from services.door import stats as door_stats
from services.events import badges
from services.events.badge_pdf import render_poster_pdf
from services.jobs import exports, queue
from services.models import Attendee, CheckIn, CheckInMethod, DoorSettings, Event

router = APIRouter(prefix="/events/{event_id}", tags=["check-in"], responses=ERROR_RESPONSES)
# The busiest request on its own router, included without the CSRF guard: its DoorScanner
# checks a door pass, or the session with its CSRF header (api.deps.door_scanner).
scan_router = APIRouter(prefix="/events/{event_id}", tags=["check-in"], responses=ERROR_RESPONSES)
self_router = APIRouter(tags=["check-in"], responses=ERROR_RESPONSES)
SVG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/svg+xml": {}}}}
CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
STREAM_EVERY_SECONDS = 2.0
NO_STORE = {"Cache-Control": "no-store"}


def _check_in_out(check_in: CheckIn, attendee: Attendee) -> CheckInOut:
    return CheckInOut(
        id=check_in.id,
        attendee=checkin_log.attendee_brief(attendee),
        method=CheckInMethod(check_in.method),
        gate=check_in.gate,
        device=check_in.device,
        checked_in_at=check_in.checked_in_at,
        received_at=check_in.received_at,
        undone_at=check_in.undone_at,
        undo_reason=check_in.undo_reason,
    )


def _settings_out(event: Event, settings: DoorSettings) -> DoorSettingsOut:
    return DoorSettingsOut(
        opens_minutes_before_start=settings.opens_minutes_before_start,
        closes_minutes_after_end=settings.closes_minutes_after_end,
        window=door_settings.check_in_window(event, settings),
        self_check_in_enabled=settings.self_check_in_enabled,
        poster_url=door_settings.poster_url(settings.poster_token)
        if settings.poster_token
        else None,
        poster_rotated_at=settings.poster_rotated_at,
    )


@router.post(
    "/check-in/pass",
    response_model=DoorPassOut,
    summary="Get or renew a door pass for scanning (staff, organizers)",
    description="A door pass lets the scanner send scans without the session being looked up: "
    "put its `token` in the `X-Door-Pass` header of POST …/check-in/scans. It names the event, "
    "the staff member, their role and this session, is signed by the server and is valid for at "
    "most two minutes; the scanner renews it here while it is open. Signing out, removal from "
    "the staff or a revoked session stop the renewals, so they take effect for scans when the "
    "last pass runs out: within two minutes at most.",
)
async def door_pass(
    access: StaffAccess, signed_in: CurrentSession, response: Response
) -> DoorPassOut:
    response.headers.update(NO_STORE)
    token, issued = passes.issue(
        event_access=access, user=signed_in.user, session_id=signed_in.session.id
    )
    return DoorPassOut(token=token, expires_at=issued.expires_at, role=issued.role)


@scan_router.post(
    "/check-in/scans",
    response_model=ScanAnswer,
    summary="Scan a badge at the door (staff, organizers)",
    description="Send the token or the whole badge URL read from the QR code, the time the "
    "phone scanned it, a fresh nonce and the gate. The answer's `outcome` is one of `ok`, "
    "`already_checked_in` (with the first check-in's time and gate), `invalid`, `revoked` (with "
    "the owner's name), `wrong_event` or `not_open` (with the check-in window). Every scan is "
    "recorded. Resending the same nonce returns the first answer and records nothing new. Two "
    "simultaneous scans of one badge make exactly one check-in.\n\n"
    "Authorise it with a door pass (POST …/check-in/pass) in the `X-Door-Pass` header — then "
    "no session cookie or CSRF header is needed or looked at, and sign-out, removal from the "
    "staff or a revoked session take effect when the pass expires (two minutes at most) — or "
    "with the session cookie and CSRF header. A pass that is expired (401 `door_pass_expired`), "
    "not genuine (401 `door_pass_invalid`), for another event (403 `door_pass_other_event`) or "
    "for a role that does not scan (403 `door_pass_wrong_role`) is refused.",
)
async def scan(data: ScanIn, scanner: DoorScanner, request: Request) -> ScanAnswer:
    async with door_session(request) as db:
        answer = await checkin.scan_badge_at(
            db,
            event_id=scanner.event_id,
            token=data.token,
            scanned_at=data.scanned_at,
            nonce=data.nonce,
            gate=data.gate,
            device=data.device,
            by_user_id=scanner.user_id,
        )
        if answer.outcome == "invalid":  # no badge of ours: a failed look-up (api.deps.Lookups)
            await door_scan_found_nothing(request, db, scanner)
    return answer


@router.post(
    "/check-in/manual",
    response_model=ScanAnswer,
    summary="Check someone in by name, without a badge (staff, organizers)",
    description="Find them with GET …/check-in/attendees?q=, then send their `attendee_id`. "
    "Answers and nonce rules as for a scan.",
)
async def check_in_by_hand(
    data: ManualCheckInIn, access: StaffAccess, user: CurrentUser, db: DbSession
) -> ScanAnswer:
    return await checkin.check_in_by_hand(
        db,
        event=access.event,
        attendee_id=data.attendee_id,
        scanned_at=data.scanned_at,
        nonce=data.nonce,
        gate=data.gate,
        device=data.device,
        by_user=user,
    )


@router.get(
    "/check-in/attendees",
    response_model=list[DoorAttendeeOut],
    summary="Find attendees by name at the door, with their check-in (staff, organizers)",
)
async def find_at_door(
    access: StaffAccess,
    db: DbSession,
    q: Annotated[Text, Query(min_length=1, max_length=100, description="Name, email, company")],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[DoorAttendeeOut]:
    found = await records.find_at_door(db, event=access.event, query=q, limit=limit)
    return [
        DoorAttendeeOut(
            attendee=checkin_log.attendee_brief(a),
            check_in=checkin_log.check_in_brief(c, access.event) if c else None,
        )
        for a, c in found
    ]


@router.get(
    "/check-ins",
    response_model=Page[CheckInOut],
    summary="Check-ins, latest first (staff, organizers)",
)
async def list_check_ins(
    access: StaffAccess,
    db: DbSession,
    paging: Paging,
    include_undone: Annotated[bool, Query(description="Also list undone check-ins")] = False,
) -> Page[CheckInOut]:
    rows, total = await records.list_check_ins(
        db,
        event=access.event,
        include_undone=include_undone,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page(
        items=[_check_in_out(c, a) for c, a in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    "/check-ins/{check_in_id}/undo",
    response_model=CheckInOut,
    summary="Undo a check-in made by mistake (staff, organizers)",
    description="The check-in is kept, marked undone with who, when and why; the person can "
    "then be checked in again. Undoing twice changes nothing.",
)
async def undo_check_in(
    check_in_id: uuid.UUID, data: UndoIn, access: StaffAccess, user: CurrentUser, db: DbSession
) -> CheckInOut:
    check_in, attendee = await records.undo_check_in(
        db, event=access.event, check_in_id=check_in_id, by_user=user, reason=data.reason
    )
    return _check_in_out(check_in, attendee)


@router.get(
    "/check-in/stats",
    response_model=CheckInStats,
    summary="Live view: checked in / registered, gates, arrivals, recent and failed scans",
    description="Cheap enough to poll every few seconds (a handful of indexed aggregates).",
)
async def stats(access: StaffAccess, db: DbSession, response: Response) -> CheckInStats:
    response.headers.update(NO_STORE)
    return await door_stats.check_in_stats(db, event=access.event)


@router.get(
    "/check-in/stats/stream",
    summary="Live view as a server-sent event stream (staff, organizers)",
    description="`text/event-stream`: an `event: stats` with the same JSON as GET "
    "…/check-in/stats at once and whenever the figures change (checked every 2 s), a comment "
    "line as keep-alive otherwise. The stream ends after `max_seconds`; EventSource reconnects "
    "by itself.",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stats_stream(
    access: StaffAccess,
    user: CurrentUser,
    request: Request,
    max_seconds: Annotated[int, Query(ge=1, le=1800)] = 600,
) -> StreamingResponse:
    updates = door_stats.stats_updates(
        request.app.state.sessionmaker,
        event_id=access.event.id,
        user=user,
        every_seconds=STREAM_EVERY_SECONDS,
        for_seconds=max_seconds,
    )

    async def events() -> AsyncIterator[str]:
        async for stats in updates:
            if await request.is_disconnected():
                return
            yield f"event: stats\ndata: {stats.model_dump_json()}\n\n" if stats else ": alive\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={**NO_STORE, "X-Accel-Buffering": "no"},
    )


@router.get(
    "/check-in/arrivals.svg",
    summary="Live view: arrivals per 5 minutes as an SVG bar chart (staff, organizers)",
    response_class=Response,
    responses=SVG,
)
async def arrivals_chart(access: StaffAccess, db: DbSession) -> Response:
    figures = await door_stats.check_in_stats(db, event=access.event)
    svg = door_stats.arrivals_svg(figures, title=access.event.name)
    return Response(svg, media_type="image/svg+xml", headers=NO_STORE)


@router.post(
    "/check-ins.csv",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    summary="Export the check-in list as CSV (organizers; a background job)",
    description="Answers 202 with the job; its `file` is the CSV, one row per attendee. UTF-8 "
    "with BOM, CRLF line ends, quoted where needed; cells starting with = + - @ tab or CR get "
    "a leading ' so spreadsheets do not run them.",
)
async def export_csv(
    access: OrganizerAccess,
    user: CurrentUser,
    db: DbSession,
    request: Request,
    response: Response,
    background: BackgroundTasks,
) -> JobOut:
    job = await queue.create_job(
        db, kind=exports.CHECK_IN_CSV, owner=user, event_id=access.event.id
    )
    return accepted(job, request, response, background)


@router.get(
    "/check-in/settings",
    response_model=DoorSettingsOut,
    summary="Check-in window and self check-in (organizers)",
)
async def get_settings(access: OrganizerAccess, db: DbSession) -> DoorSettingsOut:
    settings = await door_settings.door_settings(db, event_id=access.event.id)
    return _settings_out(access.event, settings)


@router.patch(
    "/check-in/settings",
    response_model=DoorSettingsOut,
    summary="Change the check-in window or turn self check-in on/off (organizers)",
    description="The window opens `opens_minutes_before_start` (default 120) before the start "
    "and closes `closes_minutes_after_end` (default 0) after the end. Turning self check-in on "
    "makes the door poster.",
)
async def update_settings(
    data: DoorSettingsPatch, access: OrganizerAccess, db: DbSession
) -> DoorSettingsOut:
    settings = await door_settings.update_door_settings(db, event=access.event, data=data)
    return _settings_out(access.event, settings)


@router.post(
    "/check-in/poster/rotate",
    response_model=DoorSettingsOut,
    summary="New door poster; the old one stops working at once (organizers)",
)
async def rotate_poster(access: OrganizerAccess, db: DbSession) -> DoorSettingsOut:
    settings = await door_settings.rotate_poster(db, event=access.event)
    return _settings_out(access.event, settings)


@router.get(
    "/check-in/poster.svg",
    summary="The self check-in door poster QR as SVG (organizers)",
    response_class=Response,
    responses=SVG,
)
async def poster_svg(access: OrganizerAccess, db: DbSession) -> Response:
    url = await door_settings.current_poster_url(db, event=access.event)
    return Response(badges.qr_svg(url), media_type="image/svg+xml", headers=NO_STORE)


@router.get(
    "/check-in/poster.pdf",
    summary="The self check-in door poster, A4, to print (organizers)",
    response_class=Response,
    responses=PDF,
)
async def poster_pdf(access: OrganizerAccess, db: DbSession) -> Response:
    url = await door_settings.current_poster_url(db, event=access.event)
    pdf = render_poster_pdf(event_name=access.event.name, url=url)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="door-poster.pdf"', **NO_STORE},
    )


@self_router.post(
    "/self-check-in",
    dependencies=[LimitLookups],
    response_model=ScanAnswer,
    summary="Check myself in by scanning the door poster (signed-in attendees)",
    description="Only while the organizer has self check-in on, and only for the event the "
    "poster belongs to, if I am registered for it. Answers and nonce rules as for a scan.",
)
async def self_check_in(data: SelfCheckInIn, user: CurrentUser, db: DbSession) -> ScanAnswer:
    return await checkin.self_check_in(
        db,
        user=user,
        poster_token=data.token,
        scanned_at=data.scanned_at,
        nonce=data.nonce,
        device=data.device,
    )
