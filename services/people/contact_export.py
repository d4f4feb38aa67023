"""Export my contacts: one vCard 3.0 file, or CSV for Google Contacts or HubSpot. Notes (mine
only) are included only when asked for. Both are made a few hundred contacts at a time, so an
export never holds the whole file (or every contact) in memory."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Contact, Note, NoteTopic, User
from services.people import contact_csv, vcard

BATCH = 500  # contacts per piece (and per IN list of their ids)
Progress = Callable[[int], None] | None


async def contact_count(session: AsyncSession, *, user: User) -> int:
    """How many contacts an export of mine will hold."""
    return await session.scalar(select(func.count()).where(Contact.owner_id == user.id)) or 0


async def _my_contacts(session: AsyncSession, user: User) -> AsyncIterator[Sequence[Contact]]:
    rows = await session.stream_scalars(
        select(Contact)
        .where(Contact.owner_id == user.id)
        .order_by(Contact.name, Contact.id)
        .execution_options(yield_per=BATCH)
    )
    async for batch in rows.partitions():
        yield batch


async def _notes_text(
    session: AsyncSession, user: User, contact_ids: list[uuid.UUID]
) -> dict[str, str]:
    """My notes on these contacts as plain text, oldest first, each headed by its date."""
    texts: dict[str, list[str]] = {}
    notes = await session.scalars(
        select(Note)
        .where(Note.owner_id == user.id, Note.contact_id.in_(contact_ids))
        .order_by(Note.created_at)
    )
    for note in notes:
        lines = [f"{note.created_at:%Y-%m-%d}: {note.text.strip()}"]
        if note.next_step:
            lines.append(f"Next step: {note.next_step}")
        texts.setdefault(str(note.contact_id), []).append("\n".join(lines))
    return {k: "\n\n".join(v) for k, v in texts.items()}


async def _topics(
    session: AsyncSession, user: User, contact_ids: list[uuid.UUID]
) -> dict[str, list[str]]:
    topics: dict[str, list[str]] = {}
    rows = await session.execute(
        select(NoteTopic.contact_id, NoteTopic.topic)
        .where(NoteTopic.owner_id == user.id, NoteTopic.contact_id.in_(contact_ids))
        .distinct()
        .order_by(NoteTopic.topic)
    )
    for contact_id, topic in rows:
        topics.setdefault(str(contact_id), []).append(topic)
    return topics


def _vcard_note(contact: Contact, notes: str) -> str:
    """The vCard NOTE ("supplemental information", RFC 2426 3.6.2; no property says "goals",
    and phones hide X- properties): what they are looking for while they share it, then my
    notes if asked for."""
    looking = f"Looking for: {contact.goals}" if contact.goals else ""
    return "\n\n".join(part for part in (looking, notes) if part)


async def export_vcf(
    session: AsyncSession, *, user: User, include_notes: bool, progress: Progress = None
) -> AsyncIterator[bytes]:
    """All my contacts as one .vcf (vCard 3.0) file, in pieces."""
    done = 0
    async for contacts in _my_contacts(session, user):
        ids = [c.id for c in contacts]
        notes = await _notes_text(session, user, ids) if include_notes else {}
        topics = await _topics(session, user, ids)
        yield "".join(
            vcard.export_vcard(
                vcard.ExportCard(
                    uid=str(c.id),
                    name=c.name,
                    title=c.title,
                    company=c.company,
                    email=c.email,
                    phone=c.phone,
                    linkedin_url=c.linkedin_url,
                    website=c.website,
                    note=_vcard_note(c, notes.get(str(c.id), "")),
                    categories=topics.get(str(c.id), []),
                )
            )
            for c in contacts
        ).encode("utf-8")
        done += len(contacts)
        if progress:
            progress(done)


async def export_csv(
    session: AsyncSession,
    *,
    user: User,
    fmt: str,
    include_notes: bool,
    progress: Progress = None,
) -> AsyncIterator[bytes]:
    """All my contacts as CSV in Google's or HubSpot's import layout, in pieces."""
    yield contact_csv.csv_header(fmt)
    done = 0
    async for contacts in _my_contacts(session, user):
        ids = [c.id for c in contacts]
        notes = await _notes_text(session, user, ids) if include_notes else None
        yield contact_csv.csv_rows(contacts, fmt=fmt, owner_email=user.email, notes=notes)
        done += len(contacts)
        if progress:
            progress(done)
