"""Import jobs (an attendee CSV, a contact .vcf): the whole file is checked first (any bad row
fails the job with every problem listed, and nothing is written), then written a chunk per
step, the position and the report so far committed with each chunk."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from typing import Any

from schemas.contacts import ContactOut, FileDuplicateOut
from services.errors import NotFound
from services.events import attendee_csv, attendees
from services.jobs import queue
from services.jobs.runner import JobRun
from services.models import Event, User
from services.people import contact_files

ATTENDEES = "attendee_import"
CONTACTS = "contact_import"
CARDS_PER_STEP = 100
SLICE = 0.005  # seconds of reading a CSV between two pauses as long


def _added(report: dict[str, Any], chunk: attendees.ImportResult) -> dict[str, Any]:
    return {key: report.get(key, 0) + value for key, value in asdict(chunk).items()}


async def import_attendees(run: JobRun) -> None:
    """An attendee CSV, from the row the last take of the job committed."""
    async with run.reading() as session:
        data = await queue.job_input(session, job_id=run.job_id)
    # Read in slices of SLICE seconds on the event loop, each followed by a pause as long, not
    # in a thread: a CPU-bound thread would take the interpreter lock from the requests served
    # meanwhile (a door scan awaits the database several times, and would wait at each).
    steps = attendee_csv.parse_in_steps(data)
    began = time.perf_counter()
    while True:
        try:
            next(steps)
        except StopIteration as done:
            rows: list[attendee_csv.AttendeeRow] = done.value
            break
        if time.perf_counter() - began > SLICE:
            await asyncio.sleep(SLICE)
            began = time.perf_counter()
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


def _contact_report(report: dict[str, Any], chunk: contact_files.FileImported) -> dict[str, Any]:
    """The report so far (the shape of schemas.contacts.FileImportOut) with a chunk added."""
    duplicates = [
        FileDuplicateOut(card=d.card, name=d.name, existing_contact_id=d.existing_id)
        for d in chunk.duplicates
    ]
    return {
        "created": report.get("created", [])
        + [ContactOut.model_validate(c).model_dump(mode="json") for c in chunk.created],
        "merged": report.get("merged", [])
        + [ContactOut.model_validate(c).model_dump(mode="json") for c in chunk.merged],
        "duplicates": report.get("duplicates", []) + [str(d.existing_id) for d in chunk.duplicates],
        "duplicate_cards": report.get("duplicate_cards", [])
        + [d.model_dump(mode="json") for d in duplicates],
        "warnings": report.get("warnings", []) + chunk.warnings,
    }


async def import_contact_file(run: JobRun) -> None:
    """A .vcf file into my contacts, every card read first, then a chunk of cards per step."""
    async with run.reading() as session:
        data = await queue.job_input(session, job_id=run.job_id)
    chosen = run.params.get("cards")
    cards = await asyncio.to_thread(
        contact_files.read_cards, data, cards=set(chosen) if chosen else None
    )
    run.total = len(cards)
    if not cards:
        run.result = _contact_report(run.result, contact_files.FileImported())
    for start in range(run.done, len(cards), CARDS_PER_STEP):
        chunk = cards[start : start + CARDS_PER_STEP]
        async with run.step() as session:
            user = await session.get(User, run.owner_id)
            assert user is not None  # the job goes with its owner
            imported = await contact_files.import_cards(
                session,
                user=user,
                cards=chunk,
                on_duplicate=run.params.get("on_duplicate", "offer"),
            )
            run.result = _contact_report(run.result, imported)
            run.progress(start + len(chunk))
