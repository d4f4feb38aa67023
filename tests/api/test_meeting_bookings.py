"""Meetings over HTTP, the booking side: accepting books a place (spread over the places), the
other is told, cancelling frees both people and the place, the invitation mail's .ics, "We
met", and the race for one slot on PostgreSQL (the unique keys decide, not a check)."""

from __future__ import annotations

import asyncio
import email
from collections import Counter
from datetime import timedelta
from email.message import Message
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import mail
from services.models import Contact, Meeting, MeetingPersonSlot, MeetingPlaceSlot, OutboundEmail
from services.network import meeting_mail
from services.settings import get_settings
from tests import factories
from tests.api.test_meetings import API, SLOT, START, Clock, asked, clock, free, slot, venue
from tests.conftest import ClientFactory
from tests.support import need, postgres_url

__all__ = ["clock"]


async def test_accepting_books_the_meeting_at_a_place_and_tells_the_one_who_asked(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [0, 1])
    accepted = await b.client.post(
        f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(1)}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted" and accepted.json()["meeting_id"]
    for person, other in ((a, "Person B"), (b, "Person A")):
        (meeting,) = (await person.client.get(f"{v.base}/agenda")).json()
        assert meeting["place"] == "Table 4" and meeting["other"]["name"] == other
        assert meeting["starts_at"].startswith(slot(1)[:16]) and meeting["status"] == "booked"
    notes = (await a.client.get(f"{API}/notifications")).json()["items"]
    assert any(
        "accepted: you meet on Mon 10 Jun, 09:20-09:40 at Table 4" in n["text"] for n in notes
    )
    again = await b.client.post(
        f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(0)}
    )
    assert again.status_code == 409
    assert await db.scalar(select(func.count()).select_from(MeetingPersonSlot)) == 2


async def test_places_are_spread_evenly(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    places = [{"name": "Table 1", "capacity": 2}, {"name": "Table 2", "capacity": 2}]
    v = await venue(db, make_client, people=6, places=places)
    p = v.people
    for n, (x, y) in enumerate([(p[0], p[1]), (p[2], p[3]), (p[4], p[5])]):
        request = await asked(v, x, y, [n])
        await y.client.post(
            f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(n)}
        )
    booked = (await db.scalars(select(Meeting.place_name).order_by(Meeting.starts_at))).all()
    assert list(booked) == ["Table 1", "Table 2", "Table 1"]


async def test_either_side_cancels_and_the_other_is_told_and_the_slot_is_free_again(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=4)
    a, b, c, d = v.people
    request = await asked(v, a, b, [0])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(0)})
    assert slot(0) not in await free(v, c, d)
    (meeting,) = (await a.client.get(f"{API}/meetings")).json()
    assert (await c.client.post(f"{API}/meetings/{meeting['id']}/cancel")).status_code == 404
    cancelled = await b.client.post(f"{API}/meetings/{meeting['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    again = await b.client.post(f"{API}/meetings/{meeting['id']}/cancel")
    assert again.status_code == 200  # an offline retry changes nothing
    notes = (await a.client.get(f"{API}/notifications")).json()["items"]
    assert sum("cancelled your meeting" in n["text"] for n in notes) == 1
    assert slot(0) in await free(v, c, d) and slot(0) in await free(v, a, b)
    assert await db.scalar(select(func.count()).select_from(MeetingPlaceSlot)) == 0


def _ics(message: Message) -> Calendar:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics" and part.get_param("method") == "REQUEST"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return Calendar.from_ical(payload)


async def test_the_acceptance_mail_carries_an_invitation_calendars_import(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [2])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(2)})
    sent = (
        await db.scalars(select(OutboundEmail).where(OutboundEmail.kind == "meeting_booked"))
    ).all()
    assert sorted(m.to_address for m in sent) == sorted([a.user.email, b.user.email])
    uids = set()
    for queued in sent:
        built = mail.build_message(
            from_addr=get_settings().mail_from,
            to_addr=queued.to_address,
            subject=queued.subject,
            body=queued.body,
            calendar=queued.calendar,
        )
        message = email.message_from_bytes(built.as_bytes())
        cal = _ics(message)
        assert cal["method"] == "REQUEST"
        (entry,) = cal.walk("VEVENT")
        start = entry.decoded("dtstart")
        assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Berlin"
        assert start.hour == 9 and start.minute == 40 and start == START + timedelta(minutes=40)
        assert entry.decoded("dtend") - start == timedelta(minutes=20)
        assert "Table 4" in str(entry["location"])
        assert any(tz["tzid"] == "Europe/Berlin" for tz in cal.walk("VTIMEZONE"))
        uids.add(str(entry["uid"]))
    (meeting_id,) = (await db.scalars(select(Meeting.id))).all()
    assert uids == {f"meeting-{meeting_id}@rapport"}


async def test_my_calendar_feed_lists_my_meetings_in_the_events_zone(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=3)
    a, b, c = v.people
    request = await asked(v, a, b, [5])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(5)})
    for person, other, count in ((a, "Person B", 1), (b, "Person A", 1), (c, None, 0)):
        made = await person.client.post(f"{API}/reminders/calendar-feed")
        feed = await (await make_client()).get(urlsplit(made.json()["url"]).path)
        entries = Calendar.from_ical(feed.content).walk("VEVENT")
        assert len(entries) == count
        if other:
            (entry,) = entries
            assert str(entry["summary"]) == f"Meeting with {other}"
            start = entry.decoded("dtstart")
            assert str(start.tzinfo) == "Europe/Berlin" and (start.hour, start.minute) == (10, 40)
            assert str(entry["uid"]).startswith("meeting-")


async def test_both_are_reminded_ten_minutes_before_once_and_by_mail_if_they_opted_in(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [3])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(3)})
    opted = await b.client.put(f"{API}/meeting-preferences", json={"reminder_mail": True})
    assert opted.json() == {"reminder_mail": True}
    starts = START + 3 * timedelta(minutes=20)
    assert await meeting_mail.remind_due(db, now=starts - timedelta(minutes=11)) == 0
    assert await meeting_mail.remind_due(db, now=starts - timedelta(minutes=10)) == 1
    assert await meeting_mail.remind_due(db, now=starts - timedelta(minutes=9)) == 0
    await db.commit()
    for person, other in ((a, "Person B"), (b, "Person A")):
        notes = (await person.client.get(f"{API}/notifications")).json()["items"]
        assert sum(f"meeting with {other} starts soon" in n["text"] for n in notes) == 1
    reminders = (
        await db.scalars(
            select(OutboundEmail.to_address).where(OutboundEmail.kind == "meeting_reminder")
        )
    ).all()
    assert list(reminders) == [b.user.email]


async def test_we_met_exchanges_cards_both_ways(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [0])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(0)})
    (meeting,) = (await a.client.get(f"{API}/meetings")).json()
    assert meeting["contact_id"] is None
    met = await a.client.post(f"{API}/meetings/{meeting['id']}/we-met")
    assert met.status_code == 200, met.text
    assert met.json()["we_met"] and met.json()["contact_id"]
    owners = (await db.scalars(select(Contact.owner_id))).all()
    assert sorted(map(str, owners)) == sorted([str(a.user.id), str(b.user.id)])
    (theirs,) = (await b.client.get(f"{API}/meetings")).json()
    assert theirs["we_met"] is False and theirs["contact_id"]


async def test_scanning_their_badge_at_the_meeting_marks_it_held_on_my_side(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [3])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(3)})
    early = await a.client.post(f"{API}/exchange/scan", json={"badge": b.badge})
    assert early.status_code in (200, 201), early.text  # the day before: cards only
    (meeting,) = (await a.client.get(f"{API}/meetings")).json()
    assert meeting["we_met"] is False
    clock.at = START + 3 * SLOT + timedelta(minutes=5)
    again = await a.client.post(f"{API}/exchange/scan", json={"badge": b.badge})
    assert again.status_code in (200, 201), again.text
    (meeting,) = (await a.client.get(f"{API}/meetings")).json()
    assert meeting["we_met"] is True
    (theirs,) = (await b.client.get(f"{API}/meetings")).json()
    assert theirs["we_met"] is False  # only the one who scanned


async def test_follow_up_drafts_know_the_meeting_through_a_placeholder(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [0])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(0)})
    (meeting,) = (await a.client.get(f"{API}/meetings")).json()
    met = (await a.client.post(f"{API}/meetings/{meeting['id']}/we-met")).json()
    body = "Thank you for the meeting{% if meeting %} {{ meeting }}{% endif %}."
    shown = await a.client.post(
        f"{API}/follow-up-templates/preview",
        json={"contact_id": met["contact_id"], "subject": "Hello", "body": body},
    )
    assert shown.status_code == 200, shown.text
    assert shown.json()["body"].strip() == "Thank you for the meeting at Table 4 on Monday."
    other = await factories.met_contact(db, owner=a.user, name="Not Met")
    plain = await a.client.post(
        f"{API}/follow-up-templates/preview",
        json={"contact_id": str(other.id), "subject": "Hello", "body": body},
    )
    assert plain.json()["body"].strip() == "Thank you for the meeting."


@pytest.mark.postgres
async def test_twenty_people_accepting_the_same_slot_at_one_table_book_one_meeting(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    need((postgres_url() or "").startswith("postgresql"), "needs PostgreSQL")
    v = await venue(db, make_client, people=40, max_pending_out=5)
    pairs = [(v.people[2 * n], v.people[2 * n + 1]) for n in range(20)]
    requests = [await asked(v, x, y, [3, 4]) for x, y in pairs]
    answers = await asyncio.gather(
        *(
            y.client.post(f"{API}/meeting-requests/{r['id']}/accept", json={"slot": slot(3)})
            for (_, y), r in zip(pairs, requests, strict=True)
        )
    )
    assert Counter(r.status_code for r in answers) == Counter({200: 1, 409: 19})
    for lost in (r.json() for r in answers if r.status_code == 409):
        assert lost["error"] == "slot_taken" and "just taken" in lost["detail"]
        assert [f["message"][:16] for f in lost["fields"]] == [
            slot(n)[:16] for n in (0, 1, 2, 4, 5)
        ]
    assert await db.scalar(select(func.count()).select_from(Meeting)) == 1
    assert await db.scalar(select(func.count()).select_from(MeetingPlaceSlot)) == 1


@pytest.mark.postgres
async def test_one_person_accepting_two_requests_for_one_slot_at_once_gets_one_meeting(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    need((postgres_url() or "").startswith("postgresql"), "needs PostgreSQL")
    v = await venue(db, make_client, people=3, find_each_other=True)
    a, b, c = v.people
    first = await asked(v, b, a, [2])
    second = await asked(v, c, a, [2])
    answers = await asyncio.gather(
        *(
            a.client.post(f"{API}/meeting-requests/{r['id']}/accept", json={"slot": slot(2)})
            for r in (first, second)
        )
    )
    assert sorted(r.status_code for r in answers) == [200, 409]
    assert await db.scalar(select(func.count()).select_from(Meeting)) == 1
    assert await db.scalar(select(func.count()).select_from(MeetingPersonSlot)) == 2
