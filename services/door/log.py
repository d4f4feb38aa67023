"""The door's log: every check-in attempt recorded with the answer the phone got.

An attempt carries what a live scan and an offline upload both have (nonce, scan time, gate,
device, method, who). `record` stores it with its answer in one INSERT .. ON CONFLICT DO
NOTHING on `(event_id, nonce)`: a retry (same nonce) inserts nothing and gets the first answer
back, without a look-up first. Should the retry have made a check-in meanwhile (the first one
was undone in between), that check-in is deleted again, so a retry never records anything new.
`record_check_in` makes a check-in and records its scan together: one statement on PostgreSQL,
two on SQLite, with the same outcomes.
The decisions themselves (is this person let in?) are in services/door/checkin.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.checkin import AttendeeBrief, CheckInBrief, CheckInWindow, ScanAnswer
from services.db import Direct, insert_or_skip_statements, utcnow
from services.models import CheckIn, CheckInMethod, CheckInScan, ScanOutcome, User

COLORS: dict[ScanOutcome, Literal["green", "amber", "red"]] = {
    ScanOutcome.ok: "green",
    ScanOutcome.already_checked_in: "amber",
}


_SCANS = cast(Table, CheckInScan.__table__)
# A nonce is recorded once per event: a retry inserts nothing and gets the first answer.
_SCAN_INSERT = {
    dialect: Direct(statement)
    for dialect, statement in insert_or_skip_statements(
        _SCANS, conflict_on=[_SCANS.c.event_id, _SCANS.c.nonce]
    ).items()
}
_CHECK_IN = cast(Table, CheckIn.__table__)
# One live check-in per attendee: the partial unique index decides races.
_CHECK_IN_INSERT = insert_or_skip_statements(
    _CHECK_IN, conflict_on=[_CHECK_IN.c.attendee_id], where=_CHECK_IN.c.undone_at.is_(None)
)


class EventClock(Protocol):
    """What the door needs of an event: an Event, or the few columns a scan reads of it."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def timezone(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...


class Person(Protocol):
    """What the door shows of an attendee: an Attendee, or the columns a scan reads of it."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def title(self) -> str: ...


def local_time(moment: datetime, event: EventClock) -> str:
    """A moment as the wall-clock time at the event, with the date if not on the event's day."""
    zone = ZoneInfo(event.timezone)
    local = moment.astimezone(zone)
    if local.date() == event.starts_at.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def attendee_brief(attendee: Person) -> AttendeeBrief:
    return AttendeeBrief(
        id=attendee.id, name=attendee.name, company=attendee.company, title=attendee.title
    )


def check_in_brief(check_in: Seen, event: EventClock) -> CheckInBrief:
    """A check-in as the door phone shows it."""
    return CheckInBrief(
        id=check_in.id,
        checked_in_at=check_in.checked_in_at,
        local_time=local_time(check_in.checked_in_at, event),
        gate=check_in.gate,
        method=CheckInMethod(check_in.method),
    )


@dataclass(frozen=True)
class NewCheckIn:
    """A check-in about to be inserted: its row, without an ORM instance to build and track
    (one per scan on the door's busiest path)."""

    id: uuid.UUID
    event_id: uuid.UUID
    attendee_id: uuid.UUID
    method: str
    gate: str
    device: str
    checked_in_at: datetime
    received_at: datetime
    by_user_id: uuid.UUID | None
    undone_at: None = None
    undone_by_id: None = None
    undo_reason: str = ""
    changed_at: None = None


class Seen(Protocol):
    """What the door shows of a check-in: a CheckIn, or the columns a scan writes or reads."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def checked_in_at(self) -> datetime: ...
    @property
    def gate(self) -> str: ...
    @property
    def method(self) -> str: ...


@dataclass(frozen=True)
class Attempt:
    """What every check-in attempt carries, from a staff phone now or an offline batch later."""

    event: EventClock
    nonce: str
    scanned_at: datetime
    received_at: datetime
    gate: str
    device: str
    method: CheckInMethod
    by_user_id: uuid.UUID | None


def new_attempt(
    *,
    event: EventClock,
    nonce: str,
    scanned_at: datetime,
    gate: str,
    device: str,
    method: CheckInMethod,
    by_user: User | None = None,
    by_user_id: uuid.UUID | None = None,
) -> Attempt:
    """An attempt received now, by a user (or their id, as a door pass gives it)."""
    received_at = utcnow()
    # A phone clock ahead of ours must not date a check-in in the future.
    return Attempt(
        event=event,
        nonce=nonce,
        scanned_at=min(scanned_at, received_at),
        received_at=received_at,
        gate=gate.strip(),
        device=device.strip(),
        method=method,
        by_user_id=by_user.id if by_user else by_user_id,
    )


async def _replay(session: AsyncSession, *, event_id: uuid.UUID, nonce: str) -> ScanAnswer | None:
    answer = await session.scalar(
        select(CheckInScan.answer).where(
            CheckInScan.event_id == event_id, CheckInScan.nonce == nonce
        )
    )
    if answer is None:
        return None
    return ScanAnswer.model_validate({**answer, "replayed": True})


def _answer(
    attempt: Attempt,
    *,
    outcome: ScanOutcome,
    reason: str,
    message: str,
    attendee: Person | None = None,
    check_in: Seen | None = None,
    window: CheckInWindow | None = None,
) -> ScanAnswer:
    return ScanAnswer(
        outcome=outcome,
        color=COLORS.get(outcome, "red"),
        message=message,
        reason=reason,
        scan_id=uuid.uuid4(),
        nonce=attempt.nonce,
        method=attempt.method,
        gate=attempt.gate,
        scanned_at=attempt.scanned_at,
        received_at=attempt.received_at,
        attendee=attendee_brief(attendee) if attendee else None,
        check_in=check_in_brief(check_in, attempt.event) if check_in else None,
        window=window,
    )


def _scan_row(attempt: Attempt, answer: ScanAnswer) -> dict[str, Any]:
    return {
        "id": answer.scan_id,
        "event_id": attempt.event.id,
        "nonce": attempt.nonce,
        "method": attempt.method.value,
        "outcome": answer.outcome.value,
        "reason": answer.reason,
        "gate": attempt.gate,
        "device": attempt.device,
        "scanned_at": attempt.scanned_at,
        "received_at": attempt.received_at,
        "by_user_id": attempt.by_user_id,
        "attendee_id": answer.attendee.id if answer.attendee else None,
        "check_in_id": answer.check_in.id if answer.check_in else None,
        "answer": answer.model_dump(mode="json"),
    }


async def _insert_scan(
    session: AsyncSession, attempt: Attempt, answer: ScanAnswer, *, made: Seen | None = None
) -> ScanAnswer:
    """Store the scan; if its nonce was recorded first elsewhere, undo `made` and replay."""
    inserted = await _SCAN_INSERT[session.get_bind().dialect.name].first(
        session, _scan_row(attempt, answer)
    )
    if inserted is None:
        return await _lost_to_replay(session, attempt, made=made)
    return answer


async def _lost_to_replay(
    session: AsyncSession, attempt: Attempt, *, made: Seen | None
) -> ScanAnswer:
    # The same nonce arrived twice at once and the other copy was recorded first.
    if made is not None:
        await session.execute(delete(CheckIn).where(CheckIn.id == made.id))
    replay = await _replay(session, event_id=attempt.event.id, nonce=attempt.nonce)
    assert replay is not None
    return replay


async def record(
    session: AsyncSession,
    attempt: Attempt,
    *,
    outcome: ScanOutcome,
    reason: str,
    message: str,
    attendee: Person | None = None,
    check_in: Seen | None = None,
    window: CheckInWindow | None = None,
) -> ScanAnswer:
    """Log the attempt with its answer; if the nonce won a race elsewhere, answer as it did."""
    answer = _answer(
        attempt,
        outcome=outcome,
        reason=reason,
        message=message,
        attendee=attendee,
        check_in=check_in,
        window=window,
    )
    return await _insert_scan(session, attempt, answer)


def _check_in_row(check_in: NewCheckIn) -> dict[str, Any]:
    return {c.key: getattr(check_in, c.key) for c in _CHECK_IN.columns}


def _check_in_and_scan_statement() -> Select[Any]:
    """PostgreSQL: the check-in and its scan in one statement (data-modifying CTEs).

    The scan row is inserted only if the check-in was; the answer says which of the two were.
    """
    made = (
        pg_insert(_CHECK_IN)
        .values({c.key: bindparam(f"c_{c.key}", type_=c.type) for c in _CHECK_IN.columns})
        .on_conflict_do_nothing(
            index_elements=[_CHECK_IN.c.attendee_id], index_where=_CHECK_IN.c.undone_at.is_(None)
        )
        .returning(_CHECK_IN.c.id)
        .cte("made")
    )
    columns = [c for c in _SCANS.columns if c.key != "check_in_id"]
    scanned = (
        pg_insert(_SCANS)
        .from_select(
            [*(c.key for c in columns), "check_in_id"],
            select(*(bindparam(f"s_{c.key}", type_=c.type) for c in columns), made.c.id),
        )
        .on_conflict_do_nothing(index_elements=[_SCANS.c.event_id, _SCANS.c.nonce])
        .returning(_SCANS.c.id)
        .cte("scanned")
    )
    return select(
        select(made.c.id).scalar_subquery().label("made"),
        select(scanned.c.id).scalar_subquery().label("scanned"),
    )


_CHECK_IN_AND_SCAN = Direct(_check_in_and_scan_statement())


async def record_check_in(
    session: AsyncSession, attempt: Attempt, *, check_in: NewCheckIn, attendee: Person, message: str
) -> ScanAnswer | None:
    """Make the check-in and log the attempt as `ok`; None if a live check-in was there first.

    One statement on PostgreSQL; on SQLite (no data-modifying CTEs) the same two INSERTs one
    after the other. Either way the database decides races, and a nonce seen before replays.
    """
    answer = _answer(
        attempt,
        outcome=ScanOutcome.ok,
        reason="checked_in",
        message=message,
        attendee=attendee,
        check_in=check_in,
    )
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        params = {f"c_{k}": v for k, v in _check_in_row(check_in).items()}
        params |= {f"s_{k}": v for k, v in _scan_row(attempt, answer).items()}
        row = await _CHECK_IN_AND_SCAN.first(session, params)
        assert row is not None  # a SELECT of two scalar subqueries has one row
        made, scanned = row["made"], row["scanned"]
        if made is None:
            return None
        if scanned is None:
            return await _lost_to_replay(session, attempt, made=check_in)
        return answer
    inserted = await session.scalar(_CHECK_IN_INSERT[dialect], _check_in_row(check_in))
    if inserted is None:
        return None
    return await _insert_scan(session, attempt, answer, made=check_in)
