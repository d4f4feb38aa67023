"""Checking people in at the door: badge scans, manual and self check-in.

Every attempt becomes an `Attempt` (services/door/log.py) carrying what an offline upload
also has (nonce, scan time, gate, device), so live scans and offline batches share these
functions, and every attempt is recorded with its answer, failed ones included. The database
decides races: a partial unique index allows one live check-in per attendee, and the insert is
INSERT .. ON CONFLICT DO NOTHING, which behaves the same on SQLite and PostgreSQL and needs no
savepoint or IntegrityError handling (the loser of a race simply inserts nothing). A badge scan
takes one SELECT (event, badge, attendee, door settings) and then, on PostgreSQL, one statement
that makes the check-in and records the scan (services/door/log.py `record_check_in`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.checkin import ScanAnswer
from services.db import Direct
from services.door.log import (
    Attempt,
    EventClock,
    NewCheckIn,
    Person,
    Seen,
    local_time,
    new_attempt,
    record,
    record_check_in,
)
from services.door.settings import (
    DEFAULT_WINDOW,
    WindowMinutes,
    WindowRule,
    check_in_window,
    settings_by_poster,
)
from services.errors import Conflict, Forbidden, NotFound
from services.models import (
    Attendee,
    Badge,
    CheckIn,
    CheckInMethod,
    DoorSettings,
    Event,
    ScanOutcome,
    User,
)


def token_from_scan(value: str) -> str:
    """The token from what the camera read: a bare token or a whole `{base_url}/b/{token}`."""
    value = value.strip()
    for marker in ("/b/", "/door/"):
        if marker in value:
            value = value.rsplit(marker, 1)[1]
    return value.split("?", 1)[0].split("#", 1)[0].strip("/")


@dataclass(frozen=True)
class _Earlier:
    """The columns the door shows of a check-in made before this scan."""

    id: uuid.UUID
    checked_in_at: datetime
    gate: str
    method: str


_LIVE_CHECK_IN = Direct(
    select(CheckIn.id, CheckIn.checked_in_at, CheckIn.gate, CheckIn.method).where(
        CheckIn.attendee_id == bindparam("attendee_id"), CheckIn.undone_at.is_(None)
    )
)


async def live_check_in(session: AsyncSession, *, attendee_id: uuid.UUID) -> _Earlier | None:
    """The attendee's check-in that counts (not undone), if any."""
    row = await _LIVE_CHECK_IN.first(session, {"attendee_id": attendee_id})
    return None if row is None else _Earlier(**row)


def _gate_words(check_in: Seen) -> str:
    if check_in.method == CheckInMethod.self:
        return " (self check-in)"
    return f", gate {check_in.gate}" if check_in.gate else ""


async def _check_in(
    session: AsyncSession, attempt: Attempt, *, attendee: Person, settings: WindowRule | None
) -> ScanAnswer:
    """Check a known attendee of the event in, unless outside the window or already in.

    `settings` come loaded with the attendee; None means the event has none saved: defaults.
    """
    window = check_in_window(attempt.event, settings or DEFAULT_WINDOW)
    if not window.opens_at <= attempt.scanned_at <= window.closes_at:
        early = attempt.scanned_at < window.opens_at
        return await record(
            session,
            attempt,
            outcome=ScanOutcome.not_open,
            reason="before_window" if early else "after_window",
            message=(
                f"Check-in is not open. It opens at {local_time(window.opens_at, attempt.event)}."
                if early
                else f"Check-in closed at {local_time(window.closes_at, attempt.event)}."
            ),
            attendee=attendee,
            window=window,
        )
    check_in = NewCheckIn(
        id=uuid.uuid4(),
        event_id=attempt.event.id,
        attendee_id=attendee.id,
        method=attempt.method.value,
        gate=attempt.gate,
        device=attempt.device,
        checked_in_at=attempt.scanned_at,
        received_at=attempt.received_at,
        by_user_id=attempt.by_user_id,
    )
    # Insert, or find the live check-in that beat us. The second step can come back empty only
    # if that check-in was undone in the instant between the two statements: then try again.
    for _ in range(3):
        made = await record_check_in(
            session,
            attempt,
            check_in=check_in,
            attendee=attendee,
            message=f"Welcome, {attendee.name}.",
        )
        if made is not None:
            return made
        first = await live_check_in(session, attendee_id=attendee.id)
        if first is not None:
            return await record(
                session,
                attempt,
                outcome=ScanOutcome.already_checked_in,
                reason="already_checked_in",
                message=(
                    f"{attendee.name} was already checked in at "
                    f"{local_time(first.checked_in_at, attempt.event)}{_gate_words(first)}."
                ),
                attendee=attendee,
                check_in=first,
            )
    raise Conflict("The check-in changed while scanning. Scan again.", code="scan_again")


@dataclass(frozen=True)
class _ScanFacts:
    """One row of _SCAN_LOOKUP: the columns judging a scan reads, not whole entities."""

    event: EventClock
    attendee: Person | None  # None: no badge has this token (a badge always has its attendee)
    attendee_event_id: uuid.UUID | None
    revoked_at: datetime | None
    settings: WindowRule | None


@dataclass(frozen=True)
class _Event:
    id: uuid.UUID
    timezone: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class _Person:
    id: uuid.UUID
    name: str
    company: str
    title: str


# The event, the badge with this token (of any event), its attendee and the door settings, in
# one round trip of plain columns: a scan with a door pass has loaded nothing before this.
_SCAN_LOOKUP = Direct(
    select(
        Event.id,
        Event.timezone,
        Event.starts_at,
        Event.ends_at,
        Badge.revoked_at,
        Attendee.id.label("attendee_id"),
        Attendee.event_id.label("attendee_event_id"),
        Attendee.name,
        Attendee.company,
        Attendee.title,
        DoorSettings.opens_minutes_before_start,
        DoorSettings.closes_minutes_after_end,
    )
    .select_from(Event)
    .outerjoin(Badge, Badge.token == bindparam("token"))
    .outerjoin(Attendee, Attendee.id == Badge.attendee_id)
    .outerjoin(DoorSettings, DoorSettings.event_id == Event.id)
    .where(Event.id == bindparam("event_id"))
)


async def _scan_facts(session: AsyncSession, *, event_id: uuid.UUID, token: str) -> _ScanFacts:
    row = await _SCAN_LOOKUP.first(
        session, {"event_id": event_id, "token": token if 0 < len(token) <= 64 else None}
    )
    if row is None:
        raise NotFound("No such event, or you are not part of it.", code="event_not_found")
    saved = row["opens_minutes_before_start"] is not None
    return _ScanFacts(
        event=_Event(
            id=row["id"],
            timezone=row["timezone"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
        ),
        attendee=_Person(
            id=row["attendee_id"], name=row["name"], company=row["company"], title=row["title"]
        )
        if row["attendee_id"] is not None
        else None,
        attendee_event_id=row["attendee_event_id"],
        revoked_at=row["revoked_at"],
        settings=WindowMinutes(row["opens_minutes_before_start"], row["closes_minutes_after_end"])
        if saved
        else None,
    )


async def scan_badge(
    session: AsyncSession,
    *,
    event: Event,
    token: str,
    scanned_at: datetime,
    nonce: str,
    gate: str = "",
    device: str = "",
    by_user: User | None = None,
) -> ScanAnswer:
    """Answer a staff scan of a badge (token or badge URL) and record it, whatever the outcome."""
    return await scan_badge_at(
        session,
        event_id=event.id,
        token=token,
        scanned_at=scanned_at,
        nonce=nonce,
        gate=gate,
        device=device,
        by_user_id=by_user.id if by_user else None,
    )


async def scan_badge_at(
    session: AsyncSession,
    *,
    event_id: uuid.UUID,
    token: str,
    scanned_at: datetime,
    nonce: str,
    gate: str = "",
    device: str = "",
    by_user_id: uuid.UUID | None = None,
) -> ScanAnswer:
    """`scan_badge` knowing only the event's and the scanner's ids (what a door pass names)."""
    facts = await _scan_facts(session, event_id=event_id, token=token_from_scan(token))
    attempt = new_attempt(
        event=facts.event,
        nonce=nonce,
        scanned_at=scanned_at,
        gate=gate,
        device=device,
        method=CheckInMethod.badge,
        by_user_id=by_user_id,
    )
    attendee = facts.attendee
    if attendee is None:
        return await record(
            session,
            attempt,
            outcome=ScanOutcome.invalid,
            reason="unknown_token",
            message="Unknown badge. Ask for ID and find the person by name.",
        )
    if facts.attendee_event_id != event_id:
        return await record(
            session,
            attempt,
            outcome=ScanOutcome.wrong_event,
            reason="other_event",
            message="This badge is for another event.",
        )
    if facts.revoked_at is not None:
        return await record(
            session,
            attempt,
            outcome=ScanOutcome.revoked,
            reason="badge_revoked",
            message=(
                f"This badge was replaced. It belongs to {attendee.name}: check their ID, "
                "then scan the new badge or check them in by name."
            ),
            attendee=attendee,
        )
    return await _check_in(session, attempt, attendee=attendee, settings=facts.settings)


async def check_in_by_hand(
    session: AsyncSession,
    *,
    event: Event,
    attendee_id: uuid.UUID,
    scanned_at: datetime,
    nonce: str,
    gate: str = "",
    device: str = "",
    by_user: User | None = None,
) -> ScanAnswer:
    """Check in someone staff found by name (no badge with them)."""
    row = (
        await session.execute(
            select(Attendee, DoorSettings)
            .outerjoin(DoorSettings, DoorSettings.event_id == Attendee.event_id)
            .where(Attendee.id == attendee_id, Attendee.event_id == event.id)
        )
    ).first()
    if row is None:
        raise NotFound("No such attendee in this event.", code="attendee_not_found")
    attendee, settings = row
    attempt = new_attempt(
        event=event,
        nonce=nonce,
        scanned_at=scanned_at,
        gate=gate,
        device=device,
        method=CheckInMethod.manual,
        by_user=by_user,
    )
    return await _check_in(session, attempt, attendee=attendee, settings=settings)


async def self_check_in(
    session: AsyncSession,
    *,
    user: User,
    poster_token: str,
    scanned_at: datetime,
    nonce: str,
    device: str = "",
) -> ScanAnswer:
    """A signed-in attendee checks themselves in by scanning the event's door poster."""
    settings = await settings_by_poster(session, token=token_from_scan(poster_token))
    if settings is None:
        raise NotFound(
            "This door poster is not valid (any more). Ask the staff at the door.",
            code="poster_not_found",
        )
    event = await session.get(Event, settings.event_id)
    assert event is not None
    attendee = await session.scalar(
        select(Attendee).where(Attendee.event_id == event.id, Attendee.user_id == user.id)
    )
    if attendee is None:
        raise NotFound("You are not registered for this event.", code="not_registered")
    if not settings.self_check_in_enabled:
        raise Forbidden(
            "Self check-in is turned off for this event. Please see the staff at the door.",
            code="self_check_in_off",
        )
    attempt = new_attempt(
        event=event,
        nonce=nonce,
        scanned_at=scanned_at,
        gate="",
        device=device,
        method=CheckInMethod.self,
        by_user=user,
    )
    return await _check_in(session, attempt, attendee=attendee, settings=settings)
