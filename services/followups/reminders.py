"""Staying in touch: keep-in-touch cadences, logged interactions, the list of what is due
(check-ins, birthdays, milestones, promises), follow-up preferences, and the private calendar
feed of reminders (RFC 5545).

A cadence counts from the last interaction, whatever it was: meeting, a new note, a follow-up
sent, or "we talked". It is computed when asked rather than stored, so a note written through
any path restarts the clock without the notes code having to know about cadences.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import available_timezones

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.auth.tokens import new_token, token_hash
from services.db import utcnow
from services.errors import FieldProblem, Invalid, NotFound
from services.followups.drafts import zone_of
from services.models import (
    Contact,
    DetailKind,
    FollowUp,
    FollowUpPreferences,
    FollowUpStatus,
    Interaction,
    KeepInTouch,
    Note,
    PersonalDetail,
    Promise,
    User,
)
from services.network import meeting_mail

MAX_CADENCE_DAYS = 3650


async def _my_contact(session: AsyncSession, *, owner: User, contact_id: uuid.UUID) -> Contact:
    contact = await session.scalar(
        select(Contact).where(Contact.id == contact_id, Contact.owner_id == owner.id)
    )
    if contact is None:
        raise NotFound("No such contact.", code="contact_not_found")
    return contact


async def set_cadence(
    session: AsyncSession, *, owner: User, contact_id: uuid.UUID, every_days: int
) -> KeepInTouch:
    """Keep in touch with a contact every `every_days` days (14, 30, 90 or any other)."""
    if not 1 <= every_days <= MAX_CADENCE_DAYS:
        raise Invalid(
            f"Choose between 1 and {MAX_CADENCE_DAYS} days.",
            code="cadence_invalid",
            fields=[FieldProblem("every_days", f"Choose between 1 and {MAX_CADENCE_DAYS} days.")],
        )
    await _my_contact(session, owner=owner, contact_id=contact_id)
    cadence = await session.get(KeepInTouch, contact_id)
    now = utcnow()
    if cadence is None:
        cadence = KeepInTouch(contact_id=contact_id, owner_id=owner.id, created_at=now)
        session.add(cadence)
    cadence.every_days = every_days
    cadence.updated_at = now
    await session.flush()
    return cadence


async def remove_cadence(session: AsyncSession, *, owner: User, contact_id: uuid.UUID) -> None:
    """Stop keeping in touch with a contact on a cadence."""
    cadence = await session.get(KeepInTouch, contact_id)
    if cadence is None or cadence.owner_id != owner.id:
        raise NotFound("This contact has no keep-in-touch cadence.", code="cadence_not_found")
    await session.delete(cadence)
    await session.flush()


async def log_interaction(
    session: AsyncSession,
    *,
    owner: User,
    contact_id: uuid.UUID,
    kind: str,
    text: str = "",
    at: datetime | None = None,
) -> Interaction:
    """Record that we were in touch ("we talked"); the cadence starts again from it."""
    await _my_contact(session, owner=owner, contact_id=contact_id)
    now = utcnow()
    if at is not None and (at.tzinfo is None or at > now + timedelta(minutes=5)):
        raise Invalid(
            "Give a time in the past, with its time zone.",
            code="interaction_time_invalid",
            fields=[FieldProblem("at", "Give a time in the past, with its time zone.")],
        )
    interaction = Interaction(
        owner_id=owner.id, contact_id=contact_id, kind=kind, text=text.strip(), at=at or now
    )
    session.add(interaction)
    await session.flush()
    return interaction


async def last_interactions(
    session: AsyncSession,
    *,
    owner: User,
    contact_ids: Sequence[uuid.UUID] | Select[uuid.UUID] | None = None,
) -> dict[uuid.UUID, datetime]:
    """When I was last in touch with each contact: met, wrote a note, sent a follow-up, or
    logged an interaction, whichever came last."""
    latest: dict[uuid.UUID, datetime] = {}

    def scope(column):  # type: ignore[no-untyped-def]
        if contact_ids is None:
            return []
        # A select of ids stays one parameter however many it finds (no 1,000-id IN lists).
        return [column.in_(contact_ids if isinstance(contact_ids, Select) else list(contact_ids))]

    queries = [
        select(Contact.id, Contact.met_at).where(Contact.owner_id == owner.id, *scope(Contact.id)),
        select(Note.contact_id, func.max(Note.created_at))
        .where(Note.owner_id == owner.id, *scope(Note.contact_id))
        .group_by(Note.contact_id),
        select(FollowUp.contact_id, func.max(FollowUp.sent_at))
        .where(
            FollowUp.owner_id == owner.id,
            FollowUp.status == FollowUpStatus.sent,
            *scope(FollowUp.contact_id),
        )
        .group_by(FollowUp.contact_id),
        select(Interaction.contact_id, func.max(Interaction.at))
        .where(Interaction.owner_id == owner.id, *scope(Interaction.contact_id))
        .group_by(Interaction.contact_id),
    ]
    for query in queries:
        for contact_id, at in await session.execute(query):
            if at is not None and (contact_id not in latest or at > latest[contact_id]):
                latest[contact_id] = at
    return latest


@dataclass(frozen=True)
class CadenceView:
    contact_id: uuid.UUID
    contact_name: str
    every_days: int
    last_interaction_at: datetime | None
    next_due_on: date


async def list_cadences(
    session: AsyncSession, *, owner: User, contact_id: uuid.UUID | None = None
) -> list[CadenceView]:
    """My cadences, each with the last interaction and the day the next check-in is due."""
    query = (
        select(KeepInTouch, Contact.name)
        .join(Contact, Contact.id == KeepInTouch.contact_id)
        .where(KeepInTouch.owner_id == owner.id)
    )
    if contact_id is not None:
        query = query.where(KeepInTouch.contact_id == contact_id)
    cadences = (await session.execute(query)).all()
    if not cadences:
        return []
    ids = (
        [contact_id]
        if contact_id is not None
        else select(KeepInTouch.contact_id).where(KeepInTouch.owner_id == owner.id)
    )
    latest = await last_interactions(session, owner=owner, contact_ids=ids)
    zone = zone_of(owner)
    views = []
    for cadence, name in cadences:
        last = latest.get(cadence.contact_id)
        since = last or cadence.created_at
        due = (since + timedelta(days=cadence.every_days)).astimezone(zone).date()
        views.append(CadenceView(cadence.contact_id, name, cadence.every_days, last, due))
    views.sort(key=lambda v: (v.next_due_on, v.contact_name))
    return views


@dataclass(frozen=True)
class Reminder:
    kind: str  # keep_in_touch | birthday | milestone | promise
    due_on: date
    contact_id: uuid.UUID
    contact_name: str
    title: str
    source_id: str
    yearly: bool = False
    link: str | None = None  # a promise's link to send


def next_anniversary(day: date, today: date) -> date:
    """The next time (today or later) this day comes round; 29 February falls on 28 February."""
    for year in (today.year, today.year + 1):
        try:
            candidate = day.replace(year=year)
        except ValueError:
            candidate = date(year, 2, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


async def reminders(
    session: AsyncSession, *, owner: User, today: date, within_days: int
) -> list[Reminder]:
    """Everything due by `today + within_days` (overdue included), soonest first."""
    until = today + timedelta(days=within_days)
    found: list[Reminder] = []
    for cadence in await list_cadences(session, owner=owner):
        if cadence.next_due_on <= until:
            found.append(
                Reminder(
                    kind="keep_in_touch",
                    due_on=cadence.next_due_on,
                    contact_id=cadence.contact_id,
                    contact_name=cadence.contact_name,
                    title=f"Check in with {cadence.contact_name or 'a contact'}",
                    source_id=str(cadence.contact_id),
                )
            )
    details = await session.execute(
        select(PersonalDetail, Contact.name)
        .join(Contact, Contact.id == PersonalDetail.contact_id)
        .where(
            PersonalDetail.owner_id == owner.id,
            PersonalDetail.on_date.is_not(None),
            PersonalDetail.kind.in_([DetailKind.birthday, DetailKind.milestone]),
        )
    )
    for detail, name in details:
        assert detail.on_date is not None
        if detail.kind == DetailKind.birthday:
            due = next_anniversary(detail.on_date, today)
            title = f"Birthday: {name or 'a contact'}"
        else:
            due = detail.on_date
            if due < today:
                continue
            title = f"{name or 'A contact'}: {detail.text or 'milestone'}"
        if due <= until:
            found.append(
                Reminder(
                    kind=detail.kind,
                    due_on=due,
                    contact_id=detail.contact_id,
                    contact_name=name,
                    title=title,
                    source_id=str(detail.id),
                    yearly=detail.kind == DetailKind.birthday,
                )
            )
    promises = await session.execute(
        select(Promise, Contact.name)
        .join(Contact, Contact.id == Promise.contact_id)
        .where(
            Promise.owner_id == owner.id,
            Promise.done.is_(False),
            Promise.due_on.is_not(None),
            Promise.due_on <= until,
        )
    )
    for promise, name in promises:
        assert promise.due_on is not None
        found.append(
            Reminder(
                kind="promise",
                due_on=promise.due_on,
                contact_id=promise.contact_id,
                contact_name=name,
                title=f"Promised {name or 'a contact'}: {promise.text}",
                source_id=str(promise.id),
                link=promise.link,
            )
        )
    found.sort(key=lambda r: (r.due_on, r.kind, r.title))
    return found


def today_for(owner: User) -> date:
    """Today's date where the user is."""
    return utcnow().astimezone(zone_of(owner)).date()


# --- Preferences -----------------------------------------------------------------------------


async def preferences(
    session: AsyncSession, *, owner: User, for_update: bool = False
) -> FollowUpPreferences:
    """My follow-up preferences; the defaults (saved only `for_update`) until I change them."""
    prefs = await session.get(FollowUpPreferences, owner.id)
    if prefs is None:
        prefs = FollowUpPreferences(user_id=owner.id, signature="", daily_digest=False)
        if for_update:
            session.add(prefs)
            await session.flush()
    return prefs


async def update_preferences(
    session: AsyncSession,
    *,
    owner: User,
    timezone: str | None = None,
    signature: str | None = None,
    daily_digest: bool | None = None,
) -> FollowUpPreferences:
    """Change my time zone, signature, or daily digest."""
    prefs = await preferences(session, owner=owner, for_update=True)
    if timezone is not None:
        if timezone not in available_timezones():
            raise Invalid(
                f"“{timezone}” is not a time zone we know; use a name like Europe/Berlin.",
                code="timezone_unknown",
                fields=[FieldProblem("timezone", "Use a time zone such as Europe/Berlin.")],
            )
        owner.timezone = timezone
    if signature is not None:
        prefs.signature = signature.strip()
    if daily_digest is not None:
        prefs.daily_digest = daily_digest
    await session.flush()
    return prefs


# --- Calendar feed ---------------------------------------------------------------------------


async def rotate_calendar_token(session: AsyncSession, *, owner: User) -> str:
    """A new secret for my calendar feed; the old URL stops working. Only its hash is kept."""
    prefs = await preferences(session, owner=owner, for_update=True)
    token = new_token()
    prefs.calendar_token_hash = token_hash(token, purpose="calendar")
    prefs.calendar_token_created_at = utcnow()
    await session.flush()
    return token


async def disable_calendar_feed(session: AsyncSession, *, owner: User) -> None:
    """Turn the calendar feed off."""
    prefs = await preferences(session, owner=owner, for_update=True)
    prefs.calendar_token_hash = None
    prefs.calendar_token_created_at = None
    await session.flush()


async def owner_of_calendar(session: AsyncSession, *, token: str) -> User:
    """The user whose feed this token opens, or 404 (the same for a wrong or an old token)."""
    user = await session.scalar(
        select(User)
        .join(FollowUpPreferences, FollowUpPreferences.user_id == User.id)
        .where(FollowUpPreferences.calendar_token_hash == token_hash(token, purpose="calendar"))
    )
    if user is None:
        raise NotFound("This calendar link does not work (any more).", code="calendar_not_found")
    return user


CALENDAR_DAYS = 366


async def calendar_feed(session: AsyncSession, *, owner: User) -> bytes:
    """My reminders for the coming year as an iCalendar file (all-day events; birthdays repeat
    yearly), and my meetings at events."""
    today = today_for(owner)
    calendar = Calendar()
    calendar.add("prodid", "-//Rapport//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Rapport reminders")
    stamp = utcnow().replace(microsecond=0)
    for reminder in await reminders(session, owner=owner, today=today, within_days=CALENDAR_DAYS):
        event = CalendarEvent()
        event.add("uid", f"{reminder.kind}-{reminder.source_id}@rapport")
        event.add("dtstamp", stamp)
        event.add("dtstart", reminder.due_on)
        event.add("dtend", reminder.due_on + timedelta(days=1))
        event.add("summary", reminder.title)
        event.add("transp", "TRANSPARENT")
        if reminder.yearly:
            event.add("rrule", {"freq": "yearly"})
        calendar.add_component(event)
    for meeting in await meeting_mail.calendar_entries(session, user=owner):
        calendar.add_component(meeting)
    calendar.add_missing_timezones()
    return calendar.to_ical()
