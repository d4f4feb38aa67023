"""Plain functions that make test data. Each commits what it makes."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.events import badges
from services.models import Attendee, Badge, Event, EventMember, EventRole, User
from services.network.introductions import IntroductionView

_seq = itertools.count(1)


async def user(
    session: AsyncSession, *, email: str | None = None, name: str = "", is_organizer: bool = False
) -> User:
    n = next(_seq)
    made = User(
        email=email or f"person{n}@example.org",
        name=name or f"Person {n}",
        is_organizer=is_organizer,
    )
    session.add(made)
    await session.commit()
    return made


async def event(
    session: AsyncSession,
    *,
    organizer: User | None = None,
    name: str = "DevConf",
    timezone: str = "Europe/Berlin",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Event:
    organizer = organizer or await user(session, is_organizer=True)
    starts_at = starts_at or utcnow() - timedelta(hours=1)
    made = Event(
        name=name,
        venue="Hall A",
        timezone=timezone,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + timedelta(days=1),
        created_by_id=organizer.id,
    )
    session.add(made)
    await session.flush()
    session.add(EventMember(event_id=made.id, user_id=organizer.id, role=EventRole.organizer))
    await session.commit()
    return made


async def staff(session: AsyncSession, *, event: Event, person: User | None = None) -> User:
    person = person or await user(session)
    session.add(EventMember(event_id=event.id, user_id=person.id, role=EventRole.staff))
    await session.commit()
    return person


async def attendee(
    session: AsyncSession,
    *,
    event: Event,
    person: User | None = None,
    name: str | None = None,
    company: str = "Acme",
    title: str = "Engineer",
) -> tuple[Attendee, Badge]:
    person = person or await user(session, name=name or "")
    made = Attendee(
        event_id=event.id,
        user_id=person.id,
        email=person.email,
        name=name or person.name,
        company=company,
        title=title,
    )
    session.add(made)
    await session.flush()
    badge = badges.new_badge(made)
    session.add(badge)
    await session.commit()
    return made, badge


# --- cards, contacts, notes, pitches (contacts helper) ---------------------------------------

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63"
    "f8cfc0f01f0005000201a0a5d8a90000000049454e44ae426082"
)


async def card(session: AsyncSession, *, person: User, **fields: object) -> object:
    """Give `person` a card (through the service, so phone and URL rules apply)."""
    from schemas.cards import CardIn
    from services.people import cards

    made = await cards.update_card(
        session, user=person, data=CardIn(**{"name": person.name, **fields})
    )
    await session.commit()
    return made


async def contact(
    session: AsyncSession, *, owner: User, name: str = "Dana Example", **fields: object
) -> object:
    """A contact typed in by `owner`."""
    from schemas.contacts import ContactIn
    from services.people import contacts

    added = await contacts.add_contact(
        session, user=owner, data=ContactIn(name=name, on_duplicate="create", **fields)
    )
    await session.commit()
    return added.contact


async def note(
    session: AsyncSession, *, owner: User, contact_id: object, text: str = "", **fields: object
) -> object:
    """A note by `owner` on one of their contacts; returns services.people.notes.NoteParts."""
    from schemas.notes import NoteIn
    from services.people import notes

    parts, _ = await notes.create_note(
        session, user=owner, contact_id=contact_id, data=NoteIn(text=text, **fields)
    )
    await session.commit()
    return parts


from services.models import Contact, FollowUp, LookForEntry  # noqa: E402 (follow-ups, look-for)


async def met_contact(
    session: AsyncSession,
    *,
    owner: User,
    event: Event | None = None,
    name: str = "Zoë Adeyemi",
    email: str = "",
    **fields: object,
) -> Contact:
    """A contact `owner` met at `event` (made directly, as a badge scan would leave it)."""

    n = next(_seq)
    made = Contact(
        owner_id=owner.id,
        source="manual",
        event_id=event.id if event else None,
        name=name,
        email=email or f"contact{n}@example.org",
        **fields,
    )
    session.add(made)
    await session.commit()
    return made


async def follow_up(
    session: AsyncSession,
    *,
    owner: User,
    contact: Contact,
    channel: str = "email",
    **fields: object,
) -> FollowUp:
    """A draft follow-up for `contact` (status and other columns may be overridden)."""
    import uuid

    from services.followups.drafts import message_id_for

    made_id = uuid.uuid4()
    values: dict[str, object] = {
        "event_id": contact.event_id,
        "subject": "Great talking to you",
        "body": "Hi,\n\nthanks for the chat.\n",
        "status": "draft",
        "to_address": contact.email,
        **fields,
    }
    made = FollowUp(
        id=made_id,
        owner_id=owner.id,
        contact_id=contact.id,
        channel=channel,
        message_id=message_id_for(made_id),
        **values,
    )
    session.add(made)
    await session.commit()
    return made


async def look_for(
    session: AsyncSession,
    *,
    owner: User,
    text: str,
    kind: str = "company",
    event: Event | None = None,
) -> LookForEntry:
    """An entry of `owner`'s look-for list (for `event`, or for every event)."""
    from schemas.look_for import LookForIn
    from services.network import look_for as look_for_service

    view, _ = await look_for_service.add_entry(
        session,
        user=owner,
        data=LookForIn.model_validate(
            {"kind": kind, "text": text, "event_id": event.id if event else None}
        ),
    )
    await session.commit()
    return view.entry


async def introduction(
    session: AsyncSession,
    *,
    owner: User,
    first: Contact,
    second: Contact,
    reason: str = "You both rebuild old bikes.",
) -> tuple[IntroductionView, dict[str, str]]:
    """`owner` introduces two contacts; returns the IntroductionView and each person's link
    token by email address, as read from the request mails."""
    import re
    from urllib.parse import unquote

    from sqlalchemy import select

    from services.models import OutboundEmail
    from services.network import introductions

    view = await introductions.introduce(
        session, owner=owner, contact_id=first.id, other_contact_id=second.id, reason=reason
    )
    await session.commit()
    mails = await session.scalars(
        select(OutboundEmail).where(
            OutboundEmail.introduction_id == view.introduction.id,
            OutboundEmail.kind == "introduction_request",
        )
    )
    tokens = {}
    for mail in mails:
        found = re.search(r"/introduction-request#token=(\S+)", mail.body)
        assert found, mail.body
        tokens[mail.to_address] = unquote(found.group(1))
    return view, tokens


async def drafted_from_promise(
    session: AsyncSession, *, owner: User, promise: str = "Send the slides", **contact: object
) -> tuple[FollowUp, object]:
    """A contact with a note holding `promise` (with a link) and a later one, drafted by the
    drafting service: the draft, and the note (services.people.notes.NoteParts) whose first promise
    the draft was written to keep."""
    from sqlalchemy import select

    from services.followups import drafts

    person = await met_contact(session, owner=owner, **contact)
    parts = await note(
        session,
        owner=owner,
        contact_id=person.id,
        promises=[
            {"text": promise, "link": "https://example.org/slides"},
            {"text": "Call about the pilot", "due_on": "2031-01-01"},
        ],
    )
    await drafts.draft_follow_ups(session, owner=owner, contact_ids=[person.id])
    await session.commit()
    made = await session.scalar(select(FollowUp).where(FollowUp.contact_id == person.id))
    assert made is not None
    return made, parts


async def finished_job(
    session: AsyncSession, *, owner: User, data: bytes = b"name\r\nAda\r\n", **fields: object
) -> object:
    """A job of `owner` that succeeded and made a small CSV file."""
    from services.models import Job, JobFilePart, JobStatus

    now = utcnow()
    job = Job(
        kind="check_in_csv",
        owner_id=owner.id,
        params={},
        status=JobStatus.succeeded,
        done=1,
        total=1,
        created_at=now,
        started_at=now,
        finished_at=now,
        file_name="check-ins.csv",
        media_type="text/csv; charset=utf-8",
        file_size=len(data),
        **fields,
    )
    session.add(job)
    await session.flush()
    session.add(JobFilePart(job_id=job.id, number=0, data=data))
    await session.commit()
    return job
