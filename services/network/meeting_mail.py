"""The words and calendar entries of meetings: "Tue 10 Dec, 10:20-10:40, Table 4", the
iCalendar invitation (METHOD:REQUEST, one stable UID per meeting, times in the event's time
zone) mailed to both on acceptance, and the reminder ten minutes before.

Names reach mail only on one line (services.mail cleans the subject again), and iCalendar text
is escaped by the icalendar package.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import mail
from services.db import unit_of_work, utcnow
from services.mail import clean_header as one_line
from services.models import Event, Meeting, MeetingPreferences, Notification, User
from services.models import MeetingStatus as M
from services.network.meetings import person
from services.settings import Settings

REMIND_BEFORE = timedelta(minutes=10)


def uid(meeting: Meeting) -> str:
    """The same UID in every invitation and feed, so calendars update rather than duplicate."""
    return f"meeting-{meeting.id}@rapport"


def when_and_where(meeting: Meeting, *, timezone: str) -> str:
    """ "on Tue 10 Dec, 10:20-10:40 at Table 4", in the event's time zone."""
    zone = ZoneInfo(timezone)
    start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    words = f"on {start:%a} {start.day} {start:%b}, {start:%H:%M}-{end:%H:%M}"
    return f"{words} at {meeting.place_name}" if meeting.place_name else words


def calendar_event(
    meeting: Meeting, *, event: Event, summary: str, people: list[User]
) -> CalendarEvent:
    """One meeting as a VEVENT, its times in the event's zone."""
    zone = ZoneInfo(event.timezone)
    entry = CalendarEvent()
    entry.add("uid", uid(meeting))
    entry.add("dtstamp", meeting.created_at)
    entry.add("dtstart", meeting.starts_at.astimezone(zone))
    entry.add("dtend", meeting.ends_at.astimezone(zone))
    entry.add("summary", summary)
    where = ", ".join(part for part in (meeting.place_name, event.name, event.venue) if part)
    entry.add("location", where)
    entry.add("sequence", 0 if meeting.status == M.booked else 1)
    entry.add("status", "CONFIRMED" if meeting.status == M.booked else "CANCELLED")
    for someone in people:
        address = vCalAddress(f"mailto:{someone.email}")
        address.params["cn"] = vText(one_line(someone.name or someone.email))
        address.params["partstat"] = vText("ACCEPTED")
        entry.add("attendee", address)
    if people:
        organizer = vCalAddress(f"mailto:{people[0].email}")
        organizer.params["cn"] = vText(one_line(people[0].name or people[0].email))
        entry.add("organizer", organizer)
    return entry


def invitation(meeting: Meeting, *, event: Event, summary: str, people: list[User]) -> str:
    """An iCalendar file with one meeting, METHOD:REQUEST, that calendar apps import."""
    cal = Calendar()
    cal.add("prodid", "-//Rapport//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    cal.add_component(calendar_event(meeting, event=event, summary=summary, people=people))
    cal.add_missing_timezones()
    return cal.to_ical().decode()


async def _names(session: AsyncSession, meeting: Meeting) -> tuple[User, User]:
    requester = await session.get(User, meeting.requester_id)
    invitee = await session.get(User, meeting.invitee_id)
    assert requester is not None and invitee is not None
    return requester, invitee


async def send_invitations(session: AsyncSession, *, meeting: Meeting, event: Event) -> None:
    """Mail both people the booked meeting with an invite.ics."""
    requester, invitee = await _names(session, meeting)
    when = when_and_where(meeting, timezone=event.timezone)
    for me, other in ((requester, invitee), (invitee, requester)):
        other_name = one_line((await person(session, event_id=event.id, user_id=other.id)).name)
        summary = f"Meeting with {other_name}"
        body = (
            f"Hello,\n\nYou meet {other_name} at {one_line(event.name)} {when}.\n\n"
            "The invitation is attached: open it to put the meeting in your calendar. It is "
            "also on My agenda in Rapport, where either of you can cancel it.\n\n"
            "Sent by Rapport.\n"
        )
        await mail.enqueue_email(
            session,
            kind="meeting_booked",
            to_address=me.email,
            subject=f"{summary} {when}",
            body=body,
            calendar=invitation(meeting, event=event, summary=summary, people=[requester, invitee]),
        )


async def reminder_mail(session: AsyncSession, *, user: User) -> bool:
    """Whether I want my meeting reminders by mail too (off unless I opted in)."""
    prefs = await session.get(MeetingPreferences, user.id)
    return bool(prefs and prefs.reminder_mail)


async def set_reminder_mail(session: AsyncSession, *, user: User, on: bool) -> bool:
    """Opt in to (or out of) meeting reminders by mail."""
    prefs = await session.get(MeetingPreferences, user.id)
    if prefs is None:
        prefs = MeetingPreferences(user_id=user.id)
        session.add(prefs)
    prefs.reminder_mail = on
    await session.flush()
    return on


async def remind_due(session: AsyncSession, *, now: datetime) -> int:
    """Tell both people of each meeting starting within ten minutes, once, in the app (and by
    mail for those who opted in); returns how many meetings were reminded."""
    due = (
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.status == M.booked,
                Meeting.reminded_at.is_(None),
                Meeting.starts_at > now,
                Meeting.starts_at <= now + REMIND_BEFORE,
            )
            .with_for_update(skip_locked=True)
        )
    ).all()
    for meeting in due:
        event = await session.get(Event, meeting.event_id)
        assert event is not None
        meeting.reminded_at = now
        when = when_and_where(meeting, timezone=event.timezone)
        for me, other in (
            (meeting.requester_id, meeting.invitee_id),
            (meeting.invitee_id, meeting.requester_id),
        ):
            other_name = one_line((await person(session, event_id=event.id, user_id=other)).name)
            text = f"Your meeting with {other_name} starts soon: {when}."
            session.add(Notification(user_id=me, kind="meeting_soon", text=text, event_id=event.id))
            user = await session.get(User, me)
            if user is not None and await reminder_mail(session, user=user):
                await mail.enqueue_email(
                    session,
                    kind="meeting_reminder",
                    to_address=user.email,
                    subject=f"Soon: meeting with {other_name}",
                    body=f"Hello,\n\n{text}\n\nSent by Rapport.\n",
                )
    await session.flush()
    return len(due)


async def remind_meetings(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> int:
    """The worker's job: remind the meetings starting within ten minutes."""
    async with unit_of_work(sessionmaker) as session:
        return await remind_due(session, now=utcnow())


async def calendar_entries(session: AsyncSession, *, user: User) -> list[CalendarEvent]:
    """My meetings for my calendar feed (cancelled ones marked so, which calendars remove),
    with the same UIDs as the invitations."""
    found = (
        await session.execute(
            select(Meeting, Event)
            .join(Event, Event.id == Meeting.event_id)
            .where(or_(Meeting.requester_id == user.id, Meeting.invitee_id == user.id))
            .order_by(Meeting.starts_at)
        )
    ).all()
    entries = []
    for meeting, event in found:
        other_id = meeting.invitee_id if meeting.requester_id == user.id else meeting.requester_id
        other = await person(session, event_id=event.id, user_id=other_id)
        entries.append(
            calendar_event(
                meeting, event=event, summary=f"Meeting with {one_line(other.name)}", people=[]
            )
        )
    return entries
