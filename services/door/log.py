"""The door's log: every check-in attempt recorded with the answer the phone got.

An attempt carries what a live scan and an offline upload both have (nonce, scan time, gate,
device, method, who). `record` stores it with its answer in one INSERT .. ON CONFLICT DO
NOTHING on `(event_id, nonce)`: a retry (same nonce) inserts nothing and gets the first answer
back, without a look-up first. Should the retry have made a check-in meanwhile (the first one
was undone in between), that check-in is deleted again, so a retry never records anything new.
The decisions themselves (is this person let in?) are in services/door/checkin.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.checkin import AttendeeBrief, CheckInBrief, CheckInWindow, ScanAnswer
from services.db import insert_or_skip_statements, utcnow
from services.models import Attendee, CheckIn, CheckInMethod, CheckInScan, Event, ScanOutcome, User

COLORS: dict[ScanOutcome, Literal["green", "amber", "red"]] = {
    ScanOutcome.ok: "green",
    ScanOutcome.already_checked_in: "amber",
}


_SCANS = cast(Table, CheckInScan.__table__)
# A nonce is recorded once per event: a retry inserts nothing and gets the first answer.
_SCAN_INSERT = insert_or_skip_statements(_SCANS, conflict_on=[_SCANS.c.event_id, _SCANS.c.nonce])


def local_time(moment: datetime, event: Event) -> str:
    """A moment as the wall-clock time at the event, with the date if not on the event's day."""
    zone = ZoneInfo(event.timezone)
    local = moment.astimezone(zone)
    if local.date() == event.starts_at.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def attendee_brief(attendee: Attendee) -> AttendeeBrief:
    return AttendeeBrief(
        id=attendee.id, name=attendee.name, company=attendee.company, title=attendee.title
    )


def check_in_brief(check_in: CheckIn, event: Event) -> CheckInBrief:
    """A check-in as the door phone shows it."""
    return CheckInBrief(
        id=check_in.id,
        checked_in_at=check_in.checked_in_at,
        local_time=local_time(check_in.checked_in_at, event),
        gate=check_in.gate,
        method=CheckInMethod(check_in.method),
    )


@dataclass(frozen=True)
class Attempt:
    """What every check-in attempt carries, from a staff phone now or an offline batch later."""

    event: Event
    nonce: str
    scanned_at: datetime
    received_at: datetime
    gate: str
    device: str
    method: CheckInMethod
    by_user_id: uuid.UUID | None


def new_attempt(
    *,
    event: Event,
    nonce: str,
    scanned_at: datetime,
    gate: str,
    device: str,
    method: CheckInMethod,
    by_user: User | None,
) -> Attempt:
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
        by_user_id=by_user.id if by_user else None,
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


async def record(
    session: AsyncSession,
    attempt: Attempt,
    *,
    outcome: ScanOutcome,
    reason: str,
    message: str,
    attendee: Attendee | None = None,
    check_in: CheckIn | None = None,
    window: CheckInWindow | None = None,
    made_check_in: bool = False,
) -> ScanAnswer:
    """Log the attempt with its answer; if the nonce won a race elsewhere, answer as it did."""
    answer = ScanAnswer(
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
    inserted = await session.scalar(
        _SCAN_INSERT[session.get_bind().dialect.name],
        {
            "id": answer.scan_id,
            "event_id": attempt.event.id,
            "nonce": attempt.nonce,
            "method": attempt.method.value,
            "outcome": outcome.value,
            "reason": reason,
            "gate": attempt.gate,
            "device": attempt.device,
            "scanned_at": attempt.scanned_at,
            "received_at": attempt.received_at,
            "by_user_id": attempt.by_user_id,
            "attendee_id": attendee.id if attendee else None,
            "check_in_id": check_in.id if check_in else None,
            "answer": answer.model_dump(mode="json"),
        },
    )
    if inserted is None:
        # The same nonce arrived twice at once and the other copy was recorded first.
        if made_check_in and check_in is not None:
            await session.execute(delete(CheckIn).where(CheckIn.id == check_in.id))
        replay = await _replay(session, event_id=attempt.event.id, nonce=attempt.nonce)
        assert replay is not None
        return replay
    return answer
