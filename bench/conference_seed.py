"""Seeds a conference for bench/conference.py, fast: SQLAlchemy core inserts of a thousand
rows at a time. One event with ATTENDEES attendees and their badges; the first LISTED of them
have cards (names, companies, titles, interests from small lists, so searches and people to
meet find people) and are listed in the directory; attendee 0 is the keynote speaker, whose card
attendees 1..HOLDERS hold (contact, share and search entry each); attendee 1 is the viewer,
with interests and a look-for list; plus a door staff member. Each of the three has a session.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.auth import signin
from services.auth.tokens import new_token
from services.db import create_engine, create_sessionmaker, utcnow
from services.events.badges import BADGE_TOKEN_BYTES
from services.events.listing import row_values
from services.models import (
    Attendee,
    Badge,
    Card,
    CardShare,
    Contact,
    DirectoryEntry,
    Event,
    EventMember,
    EventRole,
    LookForEntry,
    SearchEntry,
    User,
)
from services.models.contacts import DEFAULT_SHARED_FIELDS

CHUNK = 1000
AGO = timedelta(days=1)  # imported and exchanged the day before: the door's updates are small
FIRST = ["Ada", "Bo", "Chen", "Dana", "Émile", "Farah", "Goran", "Hana", "Ivo", "Jonas", "Kemal",
         "Léa", "Mona", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Søren", "Tomás", "Uma", "Vera",
         "Wen", "Xavi", "Yara", "Zoë"]  # fmt: skip
LAST = ["Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ito",
        "Jensen", "Khan", "Lindqvist", "Müller", "Novak", "Okafor", "Petrov", "Rossi", "Silva",
        "Tanaka", "Usman", "Vogel", "Weber", "Yilmaz", "Zhou"]  # fmt: skip
COMPANIES = ["Volta", "Acme", "Northwind", "Sodium Labs", "GridWorks", "Helio", "Recyclo",
             "Datawise", "Bluefin", "Kestrel AI", "Terra Power", "Openfield"]  # fmt: skip
TITLES = ["Engineer", "CTO", "Product Manager", "Researcher", "Founder", "Designer", "Analyst"]
TOPICS = ["AI", "Battery recycling", "Solar", "Wind power", "Robotics", "Climate tech",
          "Machine learning", "Hydrogen", "Grid storage", "Open source", "Design systems",
          "Data engineering", "Sodium cells", "Heat pumps", "Carbon capture"]  # fmt: skip
SHARED = ["name", "title", "company", "headline", "interests"]


@dataclass
class Seeded:
    event_id: uuid.UUID
    attendees: int
    listed: int
    holders: int
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)  # cookie, CSRF token
    scan_tokens: list[str] = field(default_factory=list)


def _card(rnd: random.Random, user_id: uuid.UUID, name: str, now: Any) -> dict[str, Any]:
    topics = rnd.sample(TOPICS, 3)
    return {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "name": name,
        "title": rnd.choice(TITLES),
        "company": rnd.choice(COMPANIES),
        "email": "",
        "phone": "",
        "linkedin_url": "",
        "website": "",
        "headline": f"Working on {topics[0].lower()} at scale",
        "interests": topics,
        "goals": "",
        "shared_fields": SHARED if rnd.random() < 0.8 else list(DEFAULT_SHARED_FIELDS),
        "photo": None,
        "photo_type": "",
        "headline_pitch_id": None,
        "words_per_minute": 130,
        "created_at": now,
        "updated_at": now,
    }


async def _people(session: AsyncSession, event: Event, n: int, listed: int, rnd: random.Random):
    """Users, attendees, badges, cards and directory rows, a chunk at a time; the users' ids,
    the speaker's card and the badge tokens."""
    now = utcnow() - AGO
    user_ids, tokens = [], []
    speaker_card: dict[str, Any] = {}
    for start in range(0, n, CHUNK):
        users, attendees, badges, cards, rows = [], [], [], [], []
        for i in range(start, min(start + CHUNK, n)):
            user_id, attendee_id = uuid.uuid4(), uuid.uuid4()
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
            email = f"person{i}@conference.example"
            users.append({"id": user_id, "email": email, "name": name, "created_at": now})
            attendee = {
                "id": attendee_id,
                "event_id": event.id,
                "user_id": user_id,
                "email": email,
                "name": name,
                "company": rnd.choice(COMPANIES),
                "title": rnd.choice(TITLES),
                "directory_listed_at": now if i < listed else None,
                "created_at": now,
                "updated_at": now,
            }
            attendees.append(attendee)
            token = new_token(BADGE_TOKEN_BYTES)
            tokens.append(token)
            badges.append(
                {"id": uuid.uuid4(), "attendee_id": attendee_id, "token": token, "issued_at": now}
            )
            if i < listed:
                card = _card(rnd, user_id, name, now)
                if i == 0:
                    card["shared_fields"] = SHARED
                    speaker_card = card
                cards.append(card)
                values = row_values(
                    SimpleNamespace(**attendee), SimpleNamespace(**card), card["headline"]
                )
                rows.append({"attendee_id": attendee_id, **values, "updated_at": now})
            user_ids.append(user_id)
        await session.execute(insert(User), users)
        await session.execute(insert(Attendee), attendees)
        await session.execute(insert(Badge), badges)
        if cards:
            await session.execute(insert(Card), cards)
            await session.execute(insert(DirectoryEntry), rows)
        await session.commit()
    return user_ids, speaker_card, tokens


async def _holders(
    session: AsyncSession, event: Event, speaker: dict[str, Any], holders: list[uuid.UUID]
) -> None:
    """The speaker's card held by each of `holders`: a contact, a share and a search entry."""
    now = utcnow() - AGO
    for start in range(0, len(holders), CHUNK):
        contacts, shares, entries = [], [], []
        for owner_id in holders[start : start + CHUNK]:
            contact_id = uuid.uuid4()
            contacts.append(
                {
                    "id": contact_id,
                    "owner_id": owner_id,
                    "person_id": speaker["user_id"],
                    "source": "badge",
                    "event_id": event.id,
                    "met_at": now,
                    "name": speaker["name"],
                    "title": speaker["title"],
                    "company": speaker["company"],
                    "email": "",
                    "phone": "",
                    "linkedin_url": "",
                    "website": "",
                    "headline": speaker["headline"],
                    "interests": speaker["interests"],
                    "goals": "",
                    "shared_fields": SHARED,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            shares.append(
                {
                    "id": uuid.uuid4(),
                    "from_user_id": speaker["user_id"],
                    "to_user_id": owner_id,
                    "event_id": event.id,
                    "created_at": now,
                }
            )
            entries.append(
                {
                    "owner_id": owner_id,
                    "contact_id": contact_id,
                    "note_id": None,
                    "name": speaker["name"],
                    "org": f"{speaker['company']} {speaker['title']}",
                    "body": " ".join([speaker["headline"], *speaker["interests"]]),
                }
            )
        await session.execute(insert(Contact), contacts)
        await session.execute(insert(CardShare), shares)
        await session.execute(insert(SearchEntry), entries)
        await session.commit()


async def seed(url: str, *, attendees: int, listed: int, holders: int) -> Seeded:
    """The conference (see the module docstring)."""
    engine = create_engine(url)
    make = create_sessionmaker(engine)
    rnd = random.Random(11)
    now = utcnow()
    async with make() as session:
        staff = User(email="door@conference.example", name="Door")
        event = Event(
            name="Conference",
            venue="Hall",
            timezone="Europe/Berlin",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=2),
        )
        session.add_all([staff, event])
        await session.flush()
        session.add(EventMember(event_id=event.id, user_id=staff.id, role=EventRole.staff))
        await session.commit()
        user_ids, speaker, tokens = await _people(session, event, attendees, listed, rnd)
        await _holders(session, event, speaker, user_ids[1 : holders + 1])
        viewer_id = user_ids[1]
        await session.execute(
            insert(LookForEntry),
            [
                {"owner_id": viewer_id, "kind": kind, "text": text, "created_at": now}
                for kind, text in (
                    ("company", "Volta"),
                    ("topic", "battery recycling"),
                    ("person", "Mona Berg"),
                    ("topic", "machine learning"),
                    ("company", "Kestrel AI"),
                )
            ],
        )
        sessions = {}
        for who, user_id in (("speaker", speaker["user_id"]), ("viewer", viewer_id)):
            user = await session.get(User, user_id)
            assert user is not None
            opened = await signin.open_session(session, user=user)
            sessions[who] = (opened.token, opened.csrf_token)
        opened = await signin.open_session(session, user=staff)
        sessions["staff"] = (opened.token, opened.csrf_token)
        await session.commit()
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("ANALYZE"))  # as autovacuum would have by the morning
            await session.commit()
    await engine.dispose()
    return Seeded(
        event_id=event.id,
        attendees=attendees,
        listed=listed,
        holders=holders,
        sessions=sessions,
        scan_tokens=tokens[holders + 1 :] or tokens[2:],
    )
