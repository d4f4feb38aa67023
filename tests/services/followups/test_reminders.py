"""Staying in touch: cadences that restart with every interaction, the due list (check-ins,
birthdays, milestones, promises), the daily digest, and the calendar feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from icalendar import Calendar
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Invalid, NotFound
from services.followups import digest, reminders
from services.models import Contact, FollowUp, OutboundEmail, User
from services.settings import get_settings
from tests import factories


async def met_days_ago(db: AsyncSession, owner: User, days: int, **fields: object) -> Contact:
    return await factories.met_contact(
        db, owner=owner, met_at=utcnow() - timedelta(days=days), **fields
    )


async def due_on(db: AsyncSession, owner: User, contact: Contact) -> date:
    (view,) = await reminders.list_cadences(db, owner=owner, contact_id=contact.id)
    return view.next_due_on


async def test_cadence_counts_from_the_day_we_met(db: AsyncSession) -> None:
    owner = await factories.user(db)
    contact = await met_days_ago(db, owner, 20)
    await reminders.set_cadence(db, owner=owner, contact_id=contact.id, every_days=14)
    assert await due_on(db, owner, contact) == (utcnow() - timedelta(days=6)).date()
    (due,) = await reminders.reminders(db, owner=owner, today=utcnow().date(), within_days=0)
    assert due.kind == "keep_in_touch" and due.contact_id == contact.id


async def test_we_talked_restarts_the_cadence(db: AsyncSession) -> None:
    owner = await factories.user(db)
    contact = await met_days_ago(db, owner, 40)
    await reminders.set_cadence(db, owner=owner, contact_id=contact.id, every_days=30)
    await reminders.log_interaction(db, owner=owner, contact_id=contact.id, kind="talked")
    assert await due_on(db, owner, contact) == (utcnow() + timedelta(days=30)).date()
    assert await reminders.reminders(db, owner=owner, today=utcnow().date(), within_days=7) == []


async def test_a_new_note_restarts_the_cadence(db: AsyncSession) -> None:
    owner = await factories.user(db)
    contact = await met_days_ago(db, owner, 100)
    await reminders.set_cadence(db, owner=owner, contact_id=contact.id, every_days=90)
    await factories.note(db, owner=owner, contact_id=contact.id, text="Bumped into her at lunch")
    assert await due_on(db, owner, contact) == (utcnow() + timedelta(days=90)).date()


async def test_a_sent_follow_up_restarts_the_cadence(db: AsyncSession) -> None:
    owner = await factories.user(db)
    contact = await met_days_ago(db, owner, 20)
    await reminders.set_cadence(db, owner=owner, contact_id=contact.id, every_days=14)
    sent_at = utcnow() - timedelta(days=2)
    await factories.follow_up(db, owner=owner, contact=contact, status="sent", sent_at=sent_at)
    assert await due_on(db, owner, contact) == (sent_at + timedelta(days=14)).date()


async def test_cadence_limits_and_privacy(db: AsyncSession) -> None:
    owner = await factories.user(db)
    stranger = await factories.user(db)
    contact = await met_days_ago(db, owner, 1)
    with pytest.raises(Invalid):
        await reminders.set_cadence(db, owner=owner, contact_id=contact.id, every_days=0)
    with pytest.raises(NotFound):
        await reminders.set_cadence(db, owner=stranger, contact_id=contact.id, every_days=14)
    with pytest.raises(NotFound):
        await reminders.log_interaction(db, owner=stranger, contact_id=contact.id, kind="talked")


def test_birthdays_come_round_every_year_and_29_february_falls_on_the_28th() -> None:
    today = date(2027, 6, 10)
    assert reminders.next_anniversary(date(1990, 6, 12), today) == date(2027, 6, 12)
    assert reminders.next_anniversary(date(1990, 6, 10), today) == date(2027, 6, 10)
    assert reminders.next_anniversary(date(1990, 1, 2), today) == date(2028, 1, 2)
    assert reminders.next_anniversary(date(1992, 2, 29), today) == date(2028, 2, 29)
    assert reminders.next_anniversary(date(1992, 2, 29), date(2027, 1, 1)) == date(2027, 2, 28)


async def notes_with_dates(db: AsyncSession, owner: User, contact: Contact) -> date:
    today = utcnow().date()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    birthday = (today + timedelta(days=3)).replace(year=1992).isoformat()
    await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        personal_details=[
            {"kind": "birthday", "on_date": birthday},
            {"kind": "milestone", "text": "daughter's graduation", "on_date": day(5)},
            {"kind": "milestone", "text": "last year's move", "on_date": day(-300)},
        ],
        promises=[
            {"text": "send the report", "due_on": day(-1)},
            {"text": "already done", "due_on": day(0), "done": True},
        ],
    )
    return today


async def test_birthdays_milestones_and_promises_become_reminders(db: AsyncSession) -> None:
    owner = await factories.user(db)
    stranger = await factories.user(db)
    contact = await met_days_ago(db, owner, 1, name="Zoë Adeyemi")
    today = await notes_with_dates(db, owner, contact)

    found = await reminders.reminders(db, owner=owner, today=today, within_days=7)

    assert [(r.kind, r.due_on - today) for r in found] == [
        ("promise", timedelta(days=-1)),
        ("birthday", timedelta(days=3)),
        ("milestone", timedelta(days=5)),
    ]
    assert found[0].title == "Promised Zoë Adeyemi: send the report"
    assert found[2].title == "Zoë Adeyemi: daughter's graduation"
    assert await reminders.reminders(db, owner=stranger, today=today, within_days=7) == []


async def test_calendar_feed_is_valid_icalendar_behind_a_rotating_secret(
    db: AsyncSession,
) -> None:
    owner = await factories.user(db)
    contact = await met_days_ago(db, owner, 1, name="Zoë Adeyemi")
    await notes_with_dates(db, owner, contact)
    await reminders.set_cadence(db, owner=owner, contact_id=contact.id, every_days=30)
    token = await reminders.rotate_calendar_token(db, owner=owner)
    await db.commit()

    assert len(token) >= 40
    prefs = await reminders.preferences(db, owner=owner)
    assert prefs.calendar_token_hash and token not in prefs.calendar_token_hash
    found = await reminders.owner_of_calendar(db, token=token)
    calendar = Calendar.from_ical(await reminders.calendar_feed(db, owner=found))

    events = calendar.walk("VEVENT")
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert {str(e["SUMMARY"]) for e in events} == {
        "Promised Zoë Adeyemi: send the report",
        "Birthday: Zoë Adeyemi",
        "Zoë Adeyemi: daughter's graduation",
        "Check in with Zoë Adeyemi",
    }
    for event in events:
        assert event["UID"] and event["DTSTAMP"]
        assert isinstance(event.decoded("DTSTART"), date)
    (birthday,) = [e for e in events if str(e["SUMMARY"]).startswith("Birthday")]
    assert birthday["RRULE"]["FREQ"] == ["YEARLY"]

    await reminders.rotate_calendar_token(db, owner=owner)
    with pytest.raises(NotFound):
        await reminders.owner_of_calendar(db, token=token)


def zone_where_it_is(hour: int) -> str:
    """An Etc/GMT zone in which the local hour is `hour` right now."""
    offset = (hour - utcnow().hour) % 24
    if offset > 12:
        offset -= 24
    # POSIX-style names: Etc/GMT-10 is ten hours ahead of UTC.
    return "Etc/GMT" + (f"-{offset}" if offset > 0 else f"+{-offset}" if offset < 0 else "")


async def test_daily_digest_goes_once_a_day_after_eight_to_those_who_asked(
    app: FastAPI, db: AsyncSession
) -> None:
    settings = get_settings()
    morning = await factories.user(db, email="morning@example.org")
    night = await factories.user(db, email="night@example.org")
    silent = await factories.user(db, email="silent@example.org")
    for person, zone in ((morning, zone_where_it_is(12)), (night, zone_where_it_is(3))):
        await reminders.update_preferences(db, owner=person, timezone=zone, daily_digest=True)
        contact = await met_days_ago(db, person, 40)
        await reminders.set_cadence(db, owner=person, contact_id=contact.id, every_days=14)
        await factories.follow_up(db, owner=person, contact=contact)
    contact = await met_days_ago(db, silent, 40)
    await reminders.set_cadence(db, owner=silent, contact_id=contact.id, every_days=14)
    await db.commit()

    first = await digest.send_daily_digests(settings, app.state.sessionmaker)
    again = await digest.send_daily_digests(settings, app.state.sessionmaker)

    digests = list(
        await db.scalars(select(OutboundEmail).where(OutboundEmail.kind == "daily_digest"))
    )
    assert (first, again) == (1, 0)
    assert [d.to_address for d in digests] == ["morning@example.org"]
    assert "Check in with" in digests[0].body and "1 follow-up draft(s)" in digests[0].body


async def test_unknown_time_zone_is_refused(db: AsyncSession) -> None:
    owner = await factories.user(db)
    with pytest.raises(Invalid):
        await reminders.update_preferences(db, owner=owner, timezone="Mars/Olympus")
    await reminders.update_preferences(db, owner=owner, timezone="Asia/Kolkata")
    assert owner.timezone == "Asia/Kolkata"


async def test_follow_up_status_other_than_sent_does_not_count_as_contact(db: AsyncSession) -> None:
    owner = await factories.user(db)
    contact = await met_days_ago(db, owner, 20)
    made = await factories.follow_up(db, owner=owner, contact=contact)
    await db.execute(update(FollowUp).where(FollowUp.id == made.id).values(status="scheduled"))
    await db.commit()
    latest = await reminders.last_interactions(db, owner=owner, contact_ids=[contact.id])
    assert latest[contact.id] == contact.met_at
