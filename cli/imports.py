"""`rapport import-attendees EVENT FILE`: the same import job the app starts, run here with a
progress bar. The job is the organizer's (it shows in the app as theirs); if a running
`rapport worker` takes it first, this command follows it instead of running it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db import create_engine, create_sessionmaker, unit_of_work
from services.events.attendee_csv import MAX_BYTES
from services.jobs import imports, queue, runner, worker
from services.models import Event, EventMember, EventRole, Job, JobStatus, User
from services.settings import get_settings

console = Console(stderr=True)


async def _event_and_owner(session: AsyncSession, ref: str) -> tuple[Event, User]:
    try:
        found = [await session.get(Event, uuid.UUID(ref))]
    except ValueError:
        found = list(await session.scalars(select(Event).where(Event.name == ref)))
    events = [e for e in found if e is not None]
    if len(events) != 1:
        what = "No event" if not events else f"{len(events)} events"
        raise typer.BadParameter(f"{what} with the id or name “{ref}”. Give the event's id.")
    owner = await session.scalar(
        select(User)
        .join(EventMember, EventMember.user_id == User.id)
        .where(EventMember.event_id == events[0].id, EventMember.role == EventRole.organizer)
        .order_by((User.id == events[0].created_by_id).desc(), EventMember.created_at)
        .limit(1)
    )
    if owner is None:
        raise typer.BadParameter("The event has no organizer to own the import.")
    return events[0], owner


async def _job(sessionmaker: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> Job:
    async with sessionmaker() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def run_import(ref: str, data: bytes) -> Job:
    """Queue the import, run it (or follow the worker that took it) and return how it ended."""
    settings = get_settings()
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with unit_of_work(sessionmaker) as session:
            event, owner = await _event_and_owner(session, ref)
            job = await queue.create_job(
                session, kind=imports.ATTENDEES, owner=owner, event_id=event.id, input=data
            )
        console.print(f"Importing into “{event.name}” (job {job.id}, owned by {owner.email})")
        run = await runner.take_next_job(settings, sessionmaker, job_id=job.id)
        task = asyncio.create_task(runner.run_job(run, worker.HANDLERS[run.kind])) if run else None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            shown = bar.add_task("Checking the file", total=None)
            while True:
                now = await _job(sessionmaker, job.id)
                if now.total:
                    bar.update(shown, description="Importing", completed=now.done, total=now.total)
                if now.status not in (JobStatus.queued, JobStatus.running):
                    break
                await asyncio.sleep(0.2)
        if task is not None:
            await task
        return now
    finally:
        await engine.dispose()


def report(job: Job) -> None:
    """Print the import's report, or its problems (and fail)."""
    if job.status == JobStatus.succeeded:
        result: dict[str, Any] = job.result or {}
        typer.echo(
            "Imported: {created} new, {updated} updated, {unchanged} unchanged, "
            "{invited} invitations queued.".format(**result)
        )
        return
    error: dict[str, Any] = job.error or {"detail": f"The import ended {job.status}."}
    console.print(f"[red]{error['detail']}[/red]")
    if error.get("fields"):
        table = Table("line", "column", "problem")
        for field in error["fields"]:
            table.add_row(str(field.get("line") or "—"), field["field"], field["message"])
        console.print(table)
    raise typer.Exit(1)


def read_file(path: str) -> bytes:
    """The CSV, refused if it is larger than the import takes."""
    with open(path, "rb") as file:
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise typer.BadParameter(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    return data
