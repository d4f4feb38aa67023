"""Export jobs: each reads in one read-only session and writes its file part by part
(services.jobs.files), the part of the product that owns the data making the pieces. A job
taken again after its worker died writes its file anew."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from schemas.badges import BadgeLayout
from services.accounts import export as account_export
from services.db import utcnow
from services.door import stats
from services.errors import NotFound
from services.events import attendees, badge_pdf, badges
from services.jobs import files
from services.jobs.runner import JobRun
from services.models import Event, User
from services.people import contact_export

CHECK_IN_CSV = "check_in_csv"
CONTACTS_VCF = "contacts_vcf"
CONTACTS_CSV = "contacts_csv"
ACCOUNT = "account_export"
BADGES_PDF = "badges_pdf"
CSV = "text/csv; charset=utf-8"
FILE_PIECE = 256 * 1024


async def _event(session: AsyncSession, run: JobRun) -> Event:
    event = await session.get(Event, run.event_id)
    if event is None:
        raise NotFound("The event was deleted.", code="event_not_found")
    return event


async def _owner(session: AsyncSession, run: JobRun) -> User:
    user = await session.get(User, run.owner_id)
    if user is None:  # pragma: no cover - the job goes with its owner (ON DELETE CASCADE)
        raise NotFound("The account was deleted.", code="user_not_found")
    return user


async def export_check_ins(run: JobRun) -> None:
    """The event's check-in list as CSV."""
    async with run.reading() as session:
        event = await _event(session, run)
        run.total = await stats.check_in_csv_rows(session, event=event)
        pieces = stats.check_in_csv(session, event=event, progress=run.progress)
        await files.write_file(run, name="check-ins.csv", media_type=CSV, pieces=pieces)


async def export_contacts_vcf(run: JobRun) -> None:
    """My contacts as one .vcf file."""
    async with run.reading() as session:
        user = await _owner(session, run)
        run.total = await contact_export.contact_count(session, user=user)
        pieces = contact_export.export_vcf(
            session,
            user=user,
            include_notes=bool(run.params.get("include_notes")),
            progress=run.progress,
        )
        await files.write_file(
            run, name="contacts.vcf", media_type="text/vcard; charset=utf-8", pieces=pieces
        )


async def export_contacts_csv(run: JobRun) -> None:
    """My contacts as CSV for Google Contacts or HubSpot."""
    fmt = str(run.params.get("format", "google"))
    async with run.reading() as session:
        user = await _owner(session, run)
        run.total = await contact_export.contact_count(session, user=user)
        pieces = contact_export.export_csv(
            session,
            user=user,
            fmt=fmt,
            include_notes=bool(run.params.get("include_notes")),
            progress=run.progress,
        )
        await files.write_file(run, name=f"contacts-{fmt}.csv", media_type=CSV, pieces=pieces)


async def export_badges(run: JobRun) -> None:
    """Printable badges: attendees without one get a badge first (a chunk per step), then the
    PDF is rendered a few hundred badges at a time into a temporary file, and stored."""
    layout = BadgeLayout(run.params.get("layout", BadgeLayout.a6))
    chosen = run.params.get("attendee_ids")
    ids = [uuid.UUID(i) for i in chosen] if chosen is not None else None
    while True:
        async with run.step() as session:
            event = await _event(session, run)
            issued = await badges.issue_missing_badges(
                session, event=event, attendee_ids=ids, limit=attendees.CHUNK_ROWS
            )
        if not issued:
            break
    async with run.reading() as session:
        event = await _event(session, run)
        faces = await badges.badge_faces(
            session, event=event, attendee_ids=ids, issue_missing=False
        )
    run.total = len(faces)
    with tempfile.TemporaryFile() as out:
        await run.in_thread(
            lambda progress: badge_pdf.write_badges_pdf(
                faces, layout=layout, title=f"Badges: {event.name}", out=out, progress=progress
            )
        )
        out.seek(0)
        await files.write_file(
            run,
            name=f"badges-{layout.value}.pdf",
            media_type="application/pdf",
            pieces=_pieces(out),
        )


async def _pieces(file: BinaryIO) -> AsyncIterator[bytes]:
    while piece := file.read(FILE_PIECE):
        yield piece


async def export_account(run: JobRun) -> None:
    """Everything I own, as one JSON file."""
    async with run.reading() as session:
        user = await _owner(session, run)
        run.total = await account_export.export_size(session, user=user)
        pieces = account_export.export_json(session, user=user, progress=run.progress)
        name = f"rapport-export-{utcnow().date().isoformat()}.json"
        await files.write_file(run, name=name, media_type="application/json", pieces=pieces)
