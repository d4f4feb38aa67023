"""Background jobs: how far one got, its result or file, and stopping it (its owner only).

Routers that start a job answer 202 with `accepted(...)`: the job as it stands, and a nudge
to the in-process worker so that it starts at once.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request, Response, status
from fastapi.responses import StreamingResponse

from api.deps import CurrentUser, DbSession
from api.errors import ERROR_RESPONSES
from schemas.common import ErrorOut
from schemas.jobs import JobFileOut, JobOut, JobState
from services.errors import NotFound
from services.jobs import files, queue
from services.models import Job

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=ERROR_RESPONSES)
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"model": JobOut, "description": "Started: follow it at GET /jobs/{id}"}
}


def job_out(job: Job, request: Request) -> JobOut:
    """The job as the API shows it."""
    file = None
    if job.file_name and job.status == JobState.succeeded:
        file = JobFileOut(
            url=str(request.url_for("job_file", job_id=job.id).path),
            name=job.file_name,
            media_type=job.media_type or "application/octet-stream",
            size=job.file_size or 0,
        )
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=JobState(job.status),
        done=job.done,
        total=job.total,
        seconds_left=queue.seconds_left(job),
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        result=job.result if job.status == JobState.succeeded else None,
        error=ErrorOut.model_validate(job.error) if job.error else None,
        file=file,
    )


def accepted(job: Job, request: Request, response: Response, background: BackgroundTasks) -> JobOut:
    """Answer 202 with a job just queued, and wake the in-process worker once it is committed."""
    response.status_code = status.HTTP_202_ACCEPTED
    wake = getattr(request.app.state, "worker_wake", None)
    if wake is not None:
        background.add_task(wake.set)
    return job_out(job, request)


@router.get("/{job_id}", response_model=JobOut, summary="A job of mine: progress, then result")
async def get_job(job_id: uuid.UUID, user: CurrentUser, db: DbSession, request: Request) -> JobOut:
    return job_out(await queue.job_of(db, user=user, job_id=job_id), request)


@router.post(
    "/{job_id}/cancel",
    response_model=JobOut,
    summary="Stop a job of mine",
    description="A job not started yet is cancelled at once; a running one stops after the "
    "chunk in hand (rows an import already wrote stay; importing the file again completes it).",
)
async def cancel_job(
    job_id: uuid.UUID, user: CurrentUser, db: DbSession, request: Request
) -> JobOut:
    return job_out(await queue.cancel_job(db, user=user, job_id=job_id), request)


@router.get(
    "/{job_id}/file",
    summary="Download the file a job of mine made (kept for a day)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def job_file(
    job_id: uuid.UUID, user: CurrentUser, db: DbSession, request: Request
) -> StreamingResponse:
    job = await queue.job_of(db, user=user, job_id=job_id)
    if job.status != JobState.succeeded or not job.file_name:
        raise NotFound("This job has no file (yet).", code="job_file_not_found")
    return StreamingResponse(
        files.read_file(request.app.state.sessionmaker, job_id=job.id),
        media_type=job.media_type or "application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{job.file_name}"',
            "Content-Length": str(job.file_size or 0),
            "Cache-Control": "private, no-store",
        },
    )
