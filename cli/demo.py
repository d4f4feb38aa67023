"""A demo event to explore: an organizer, two door staff and 30 attendees with badges.

Running it again finds what is there and adds nothing twice; it hands out fresh sign-in links.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.checkin import DoorSettingsPatch
from schemas.events import EventIn
from services.auth import signin
from services.db import utcnow
from services.door import settings as door_settings
from services.events import attendees, events
from services.models import Event, User

ORGANIZER = "organizer@demo.rapport.example"
STAFF = ("door1@demo.rapport.example", "door2@demo.rapport.example")
EVENT_NAME = "Rapport Demo Conference"
TIMEZONE = "Europe/Berlin"
FIRST = ["Zoë", "Sofia", "Dmitri", "Amara", "Jonas", "Léa", "Kenji", "Priya", "Mateo", "Ngozi"]
LAST = [
    "Ångström",
    "Okafor",
    "Petrov",
    "García",
    "Müller",
    "Nakamura",
    "Rossi",
    "Kowalski",
    "Silva",
]
COMPANIES = ["Acme, Inc.", "Nordlicht GmbH", "Sol Energía", "Mizu KK", "Kite & Key Ltd"]
TITLES = ["CTO", "Founder", "Head of Product", "Engineer", "Designer", "Investor"]
ATTENDEE_COUNT = 30


@dataclass(frozen=True)
class DemoResult:
    event: Event
    links: dict[str, str]


def demo_people() -> list[tuple[str, str, str, str]]:
    """Thirty made-up attendees: name, email, company, title."""
    people = []
    for i in range(ATTENDEE_COUNT):
        name = f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
        people.append(
            (
                name,
                f"attendee{i + 1}@demo.rapport.example",
                COMPANIES[i % len(COMPANIES)],
                TITLES[i % len(TITLES)],
            )
        )
    return people


def _csv(people: list[tuple[str, str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "company", "title"])
    writer.writerows(people)
    return out.getvalue().encode()


async def seed_demo(session: AsyncSession) -> DemoResult:
    """Create (or find) the demo event and its people; return fresh sign-in links."""
    organizer = await signin.get_or_create_user(session, email=ORGANIZER, name="Olivia Organizer")
    organizer.is_organizer = True
    event = await session.scalar(
        select(Event).where(Event.name == EVENT_NAME, Event.created_by_id == organizer.id)
    )
    if event is None:
        zone = ZoneInfo(TIMEZONE)
        today = utcnow().astimezone(zone).date()
        event = await events.create_event(
            session,
            user=organizer,
            data=EventIn(
                name=EVENT_NAME,
                venue="Kongresshalle, Hall B",
                timezone=TIMEZONE,
                starts_at=datetime.combine(today, time(8, 0), zone),
                ends_at=datetime.combine(today + timedelta(days=1), time(18, 0), zone),
            ),
        )
        # The door opens a day early, so the demo's scanner says "ok" at whatever hour you try it.
        await door_settings.update_door_settings(
            session, event=event, data=DoorSettingsPatch(opens_minutes_before_start=24 * 60)
        )
    for index, email in enumerate(STAFF, start=1):
        await events.invite_staff(session, event=event, email=email, name=f"Door Staff {index}")
    people = demo_people()
    await attendees.import_attendees(session, event=event, data=_csv(people))
    links = {}
    for label, email in (("organizer", ORGANIZER), ("staff", STAFF[0]), ("attendee", people[0][1])):
        links[label] = await signin.issue_login_link(
            session, email=email, next_path="/", ttl=timedelta(days=1)
        )
    return DemoResult(event=event, links=links)


async def make_organizer(session: AsyncSession, *, email: str) -> User:
    """Give an account (created if new) the right to create events."""
    user = await signin.get_or_create_user(session, email=email)
    user.is_organizer = True
    await session.flush()
    return user
