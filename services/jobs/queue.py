"""The job queue: asking for a job, seeing it (its owner only), cancelling it, and the worker's
side: claiming one under a lease, so that several workers share the queue, and forgetting
finished jobs after a day."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import NotFound
from services.models import Job, JobStatus, User

RESULT_KEPT = timedelta(days=1)
MAX_ATTEMPTS = 3  # a job that stopped its worker this often is not tried again
FINISHED = (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)


async def create_job(
    session: AsyncSession,
    *,
    kind: str,
    owner: User,
    event_id: uuid.UUID | None = None,
    params: dict[str, Any] | None = None,
    input: bytes | None = None,
) -> Job:
    """Queue a job; a worker takes it within a moment."""
    job = Job(
        kind=kind,
        owner_id=owner.id,
        event_id=event_id,
        params=params or {},
        input=input,
        status=JobStatus.queued,
        created_at=utcnow(),
    )
    session.add(job)
    await session.flush()
    return job


async def job_of(session: AsyncSession, *, user: User, job_id: uuid.UUID) -> Job:
    """A job of mine; anyone else's, or one forgotten, is 404."""
    job = await session.get(Job, job_id)
    if job is None or job.owner_id != user.id or expired(job):
        raise NotFound("No such job. Results are kept for a day.", code="job_not_found")
    return job


def expired(job: Job) -> bool:
    """Whether a finished job's result is past its day."""
    return job.finished_at is not None and job.finished_at + RESULT_KEPT < utcnow()


async def cancel_job(session: AsyncSession, *, user: User, job_id: uuid.UUID) -> Job:
    """Stop a job of mine: at once if no worker has it, else after the chunk in hand."""
    job = await job_of(session, user=user, job_id=job_id)
    if job.status == JobStatus.queued:
        job.status = JobStatus.cancelled
        job.finished_at = utcnow()
    elif job.status == JobStatus.running:
        job.cancel_requested = True
    await session.flush()
    return job


def seconds_left(job: Job) -> float | None:
    """A guess at the time left, from the pace so far; None until there is a pace."""
    if job.status != JobStatus.running or not job.total or not job.done or not job.started_at:
        return None
    elapsed = (utcnow() - job.started_at).total_seconds()
    return round(elapsed / job.done * (job.total - job.done), 1)


async def claim_next_job(
    session: AsyncSession, *, lease: timedelta, job_id: uuid.UUID | None = None
) -> Job | None:
    """Take the oldest waiting job, or one whose worker stopped reporting (its lease ran out);
    only that one if `job_id` is given (the CLI runs the job it asked for).

    `attempts` counts the takes; the runner writes only while it is still the current one, so
    a worker that comes back after its job was taken again cannot write over the new one.
    """
    now = utcnow()
    while True:
        job = await session.scalar(
            select(Job)
            .where(
                or_(
                    Job.status == JobStatus.queued,
                    (Job.status == JobStatus.running) & (Job.lease_expires_at < now),
                ),
                Job.id == job_id if job_id else true(),
            )
            .order_by(Job.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if job is None:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.status = JobStatus.failed
            job.finished_at = now
            job.error = {
                "error": "job_stopped",
                "detail": "The job stopped several times before it could finish. Try again "
                "with a smaller file, or ask the operator to look at the server's log.",
                "fields": [],
            }
            await session.flush()
            continue
        job.status = JobStatus.running
        job.attempts += 1
        job.lease_expires_at = now + lease
        job.started_at = job.started_at or now
        await session.flush()
        return job


async def job_input(session: AsyncSession, *, job_id: uuid.UUID) -> bytes:
    """The file uploaded with a job."""
    return await session.scalar(select(Job.input).where(Job.id == job_id)) or b""


async def forget_expired_jobs(session: AsyncSession) -> int:
    """Delete jobs (and their files) finished more than a day ago."""
    result = await session.execute(
        delete(Job).where(Job.status.in_(FINISHED), Job.finished_at < utcnow() - RESULT_KEPT)
    )
    return int(getattr(result, "rowcount", 0) or 0)
