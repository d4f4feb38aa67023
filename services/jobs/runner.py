"""Running one job: take it, hand it to its handler, record how it ended.

A handler does its work in steps (`JobRun.step`): each step is one short transaction that
commits the chunk's rows together with the job's position and result so far, and renews the
lease. So a job whose worker died is taken again from the last committed step and nothing is
done twice; and on SQLite no transaction holds the write lock for more than a chunk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db import unit_of_work, utcnow
from services.errors import DomainError
from services.jobs import queue
from services.models import Job, JobStatus
from services.settings import Settings

log = logging.getLogger("rapport.jobs")
T = TypeVar("T")


class JobCancelled(Exception):
    """The job's owner asked it to stop."""


class JobLost(Exception):
    """Another worker took the job (this one was too slow to report): stop without writing."""


@dataclass
class JobRun:
    """One take of a job, as its handler sees it."""

    job_id: uuid.UUID
    kind: str
    owner_id: uuid.UUID
    event_id: uuid.UUID | None
    params: dict[str, Any]
    attempt: int
    lease: timedelta
    sessionmaker: async_sessionmaker[AsyncSession]
    done: int = 0
    total: int | None = None
    result: dict[str, Any] = field(default_factory=dict)

    def progress(self, done: int) -> None:
        """Note how far the work got; it is saved with the next step."""
        self.done = done

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only session, for what a handler reads before or while it writes in steps."""
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def step(self) -> AsyncIterator[AsyncSession]:
        """One transaction: the work done inside commits together with the job's progress.

        Raises JobCancelled before the work when the owner asked to stop, and JobLost (rolling
        the work back) when another worker has taken the job since.
        """
        async with unit_of_work(self.sessionmaker) as session:
            if await session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)):
                raise JobCancelled
            yield session
            await self._save(session)

    async def _save(self, session: AsyncSession, **values: Any) -> None:
        saved = await session.execute(
            update(Job)
            .where(
                Job.id == self.job_id,
                Job.status == JobStatus.running,
                Job.attempts == self.attempt,
            )
            .values(
                {
                    "done": self.done,
                    "total": self.total,
                    "result": dict(self.result),
                    "lease_expires_at": utcnow() + self.lease,
                    **values,
                }
            )
        )
        if getattr(saved, "rowcount", 1) != 1:
            raise JobLost

    async def in_thread(self, work: Callable[[Callable[[int], None]], T]) -> T:
        """Run CPU-bound `work(progress)` in a worker thread, saving its progress and renewing
        the lease every few seconds meanwhile; a cancel stops it at its next progress call."""
        stop = threading.Event()

        def progress(done: int) -> None:
            self.done = done
            if stop.is_set():
                raise JobCancelled

        task = asyncio.ensure_future(asyncio.to_thread(work, progress))
        try:
            while True:
                finished, _ = await asyncio.wait({task}, timeout=self.lease.total_seconds() / 4)
                if finished:
                    return task.result()
                async with self.step():
                    pass
        except BaseException:
            stop.set()
            with contextlib.suppress(BaseException):
                await task
            raise

    async def finish(self, status: JobStatus, **values: Any) -> None:
        """Record how the job ended (succeeded, failed, cancelled)."""
        async with unit_of_work(self.sessionmaker) as session:
            await self._save(
                session, status=status, finished_at=utcnow(), lease_expires_at=None, **values
            )


Handler = Callable[[JobRun], Awaitable[None]]


def error_document(exc: DomainError) -> dict[str, Any]:
    """A domain error in the API's one error shape, kept as the job's error."""
    fields = [{"field": f.field, "message": f.message, "line": f.line} for f in exc.fields]
    return {"error": exc.code, "detail": exc.detail, "fields": fields}


UNEXPECTED = {
    "error": "job_failed",
    "detail": "Something went wrong on our side and the job stopped. Try again in a moment.",
    "fields": [],
}


async def take_next_job(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    job_id: uuid.UUID | None = None,
) -> JobRun | None:
    """Claim the next job (or job `job_id`) for this worker, if there is one to take."""
    lease = timedelta(seconds=settings.job_lease_seconds)
    async with unit_of_work(sessionmaker) as session:
        job = await queue.claim_next_job(session, lease=lease, job_id=job_id)
        if job is None:
            return None
        return JobRun(
            job_id=job.id,
            kind=job.kind,
            owner_id=job.owner_id,
            event_id=job.event_id,
            params=dict(job.params),
            attempt=job.attempts,
            lease=lease,
            sessionmaker=sessionmaker,
            done=job.done,
            total=job.total,
            result=dict(job.result or {}),
        )


async def run_job(run: JobRun, handler: Handler) -> None:
    """Run a claimed job to its end and record the end."""
    try:
        await handler(run)
    except JobCancelled:
        await run.finish(JobStatus.cancelled)
    except JobLost:
        log.warning("job %s was taken by another worker; stopped", run.job_id)
    except DomainError as exc:
        await run.finish(JobStatus.failed, error=error_document(exc))
    except Exception:
        log.exception("job %s (%s) failed", run.job_id, run.kind)
        await run.finish(JobStatus.failed, error=UNEXPECTED)
    else:
        await run.finish(JobStatus.succeeded)
