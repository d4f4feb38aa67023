"""Staying in touch over the API: cadences, "we talked", the due list, time zone and digest
settings, and the private calendar feed (valid iCalendar; the secret URL can be rotated)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"


async def test_cadence_due_list_and_we_talked(db: AsyncSession, make_client: ClientFactory) -> None:
    owner = await factories.user(db)
    contact = await factories.met_contact(
        db, owner=owner, name="Zoë Adeyemi", met_at=utcnow() - timedelta(days=20)
    )
    client = await make_client(owner)

    cadence = await client.put(f"{API}/keep-in-touch/{contact.id}", json={"every_days": 14})
    assert cadence.status_code == 200
    assert cadence.json()["next_due_on"] == (utcnow() - timedelta(days=6)).date().isoformat()
    due = (await client.get(f"{API}/reminders")).json()
    assert [(r["kind"], r["overdue"], r["title"]) for r in due] == [
        ("keep_in_touch", True, "Check in with Zoë Adeyemi")
    ]

    talked = await client.post(
        f"{API}/interactions", json={"contact_id": str(contact.id), "kind": "talked"}
    )
    assert talked.status_code == 201
    assert (await client.get(f"{API}/reminders")).json() == []
    (listed,) = (await client.get(f"{API}/keep-in-touch")).json()
    assert listed["next_due_on"] == (utcnow() + timedelta(days=14)).date().isoformat()

    assert (await client.delete(f"{API}/keep-in-touch/{contact.id}")).status_code == 204
    assert (await client.get(f"{API}/keep-in-touch")).json() == []


async def test_time_zone_signature_and_digest_settings(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    defaults = (await client.get(f"{API}/follow-up-settings")).json()
    assert defaults == {
        "timezone": "UTC",
        "signature": "",
        "daily_digest": False,
        "calendar_feed": False,
    }
    changed = await client.patch(
        f"{API}/follow-up-settings",
        json={"timezone": "America/Sao_Paulo", "signature": "Ada\nEngines", "daily_digest": True},
    )
    assert changed.json()["timezone"] == "America/Sao_Paulo" and changed.json()["daily_digest"]
    wrong = await client.patch(f"{API}/follow-up-settings", json={"timezone": "Europe/Atlantis"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "timezone_unknown"


async def test_calendar_feed_parses_and_rotating_kills_the_old_url(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, name="Li Wei")
    client = await make_client(owner)
    await client.put(f"{API}/keep-in-touch/{contact.id}", json={"every_days": 30})

    made = await client.post(f"{API}/reminders/calendar-feed")
    assert made.status_code == 201
    path = urlsplit(made.json()["url"]).path
    anonymous = await make_client()
    feed = await anonymous.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert b"\r\n" in feed.content
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Check in with Li Wei"
    assert (await client.get(f"{API}/follow-up-settings")).json()["calendar_feed"] is True

    rotated = await client.post(f"{API}/reminders/calendar-feed")
    assert rotated.json()["url"] != made.json()["url"]
    gone = await anonymous.get(path)
    assert gone.status_code == 404 and gone.json()["error"] == "calendar_not_found"
    assert (await client.delete(f"{API}/reminders/calendar-feed")).status_code == 204
    assert (await anonymous.get(urlsplit(rotated.json()["url"]).path)).status_code == 404
