"""My account as a whole: download everything I own, and delete the account."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request, Response, status

from api.deps import SESSION_COOKIE, CurrentUser, DbSession, SettingsDep
from api.errors import ERROR_RESPONSES
from api.jobs import ACCEPTED, accepted
from schemas.account import DeleteAccountIn, DeletePreviewOut
from schemas.jobs import JobOut
from services.accounts import deletion
from services.jobs import exports, queue

router = APIRouter(prefix="/me", tags=["account"], responses=ERROR_RESPONSES)


@router.post(
    "/export",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    summary="Everything I own, as one JSON file (a background job)",
    description="Answers 202 with the job; its `file` is the JSON document (the shape of "
    "`AccountExport`): my account, card (photo as base64), pitches, contacts with my notes, "
    "follow-ups with their history, templates, cadences, reminder settings, registrations "
    "with my check-ins, the events I run (name and role) and my notifications.",
)
async def export_all(
    user: CurrentUser,
    db: DbSession,
    request: Request,
    response: Response,
    background: BackgroundTasks,
) -> JobOut:
    job = await queue.create_job(db, kind=exports.ACCOUNT, owner=user)
    return accepted(job, request, response, background)


@router.get(
    "/delete-preview",
    response_model=DeletePreviewOut,
    summary="What deleting my account would remove",
)
async def delete_preview(user: CurrentUser, db: DbSession) -> DeletePreviewOut:
    return DeletePreviewOut.model_validate(await deletion.deletion_preview(db, user=user))


@router.post(
    "/delete",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my account and everything it owns",
    description="`confirm_email` must be the account's email (any case), else 400. While I am "
    "the only organizer of an event the answer is 409, unless `delete_my_events` is true: "
    "then those events are deleted too. Signs this browser out.",
)
async def delete_account(
    data: DeleteAccountIn,
    user: CurrentUser,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
) -> None:
    await deletion.delete_account(
        db, user=user, confirm_email=data.confirm_email, delete_my_events=data.delete_my_events
    )
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )
