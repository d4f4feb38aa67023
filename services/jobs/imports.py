"""Import jobs: the whole file is checked first (any bad row fails the job with every problem
listed, and nothing is written), then written a chunk per step, the position and the report so
far committed with each chunk."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from services.errors import NotFound
from services.events import attendees
from services.events.attendee_csv import parse_attendee_csv
from services.jobs import queue
from services.jobs.runner import JobRun
from services.models import Event

ATTENDEES = "attendee_import"


def _added(report: dict[str, Any], chunk: attendees.ImportResult) -> dict[str, Any]:
    return {key: report.get(key, 0) + value for key, value in asdict(chunk).items()}


async def import_attendees(run: JobRun) -> None:
    """An attendee CSV, from the row the last take of the job committed."""
    async with run.reading() as session:
        data = await queue.job_input(session, job_id=run.job_id)
    rows = await asyncio.to_thread(parse_attendee_csv, data)
    run.total = len(rows)
    for start in range(run.done, len(rows), attendees.CHUNK_ROWS):
        chunk = rows[start : start + attendees.CHUNK_ROWS]
        async with run.step() as session:
            event = await session.get(Event, run.event_id)
            if event is None:
                raise NotFound("The event was deleted during the import.", code="event_not_found")
            imported = await attendees.import_rows(session, event=event, rows=chunk)
            run.result = _added(run.result, imported)
            run.progress(start + len(chunk))
