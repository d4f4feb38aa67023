"""The door without a connection: the upload of the scans a staff phone made alone (from the
pack, services.door.pack), and the badges two devices both let in.

Uploaded scans are judged by the server exactly like live scans (services.door.checkin), by their
scan time. Beside each one we keep what the phone answered at the door: a scan the phone let
in ("ok") that finds the badge already checked in from another device is a double admission,
recorded as a DoorConflict for the organizer. When an upload is older than the check-in it
finds, the check-in takes the earlier time (the earliest scan wins, whatever the upload order).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.checkin import AttendeeBrief, ScanAnswer
from schemas.sync import (
    MAX_BATCH,
    ConflictScan,
    DoorConflictOut,
    DoorConflictsOut,
    OfflineScanIn,
    OfflineScanItem,
    OfflineScanResult,
    OfflineScansOut,
)
from services.db import BetweenChunks, Chunks, utcnow
from services.door import checkin
from services.errors import DomainError, Invalid
from services.models import (
    Attendee,
    CheckIn,
    CheckInScan,
    DoorConflict,
    DoorOfflineScan,
    Event,
    ScanOutcome,
    User,
)

LATE_AFTER = timedelta(minutes=2)


async def _admitting_scan(session: AsyncSession, *, check_in_id: uuid.UUID) -> CheckInScan | None:
    """The scan that made this check-in."""
    return await session.scalar(
        select(CheckInScan)
        .where(CheckInScan.check_in_id == check_in_id, CheckInScan.outcome == ScanOutcome.ok.value)
        .limit(1)
    )


async def _replayed(
    session: AsyncSession, answer: ScanAnswer, scan: OfflineScanIn
) -> OfflineScanResult:
    """The same nonce uploaded again: what was found the first time."""
    record = await session.get(DoorOfflineScan, answer.scan_id)
    conflict_id = await session.scalar(
        select(DoorConflict.id).where(DoorConflict.scan_id == answer.scan_id)
    )
    return OfflineScanResult(
        nonce=answer.nonce,
        answer=answer,
        local_outcome=record.local_outcome if record else scan.local_outcome,
        late=record.late if record else answer.received_at - answer.scanned_at > LATE_AFTER,
        moved_earlier=record.moved_check_in if record else False,
        conflict_id=conflict_id,
    )


async def apply_offline_scan(
    session: AsyncSession, *, event: Event, by_user: User, device: str, scan: OfflineScanIn
) -> OfflineScanResult:
    """Judge and record one scan an offline phone made (see the module docstring)."""
    common = {
        "event": event,
        "scanned_at": scan.scanned_at,
        "nonce": scan.nonce,
        "gate": scan.gate,
        "device": device,
        "by_user": by_user,
    }
    if scan.token is not None:
        answer = await checkin.scan_badge(session, token=scan.token, **common)  # type: ignore[arg-type]
    else:
        assert scan.attendee_id is not None
        answer = await checkin.check_in_by_hand(session, attendee_id=scan.attendee_id, **common)  # type: ignore[arg-type]
    if answer.replayed:
        return await _replayed(session, answer, scan)
    record = DoorOfflineScan(
        scan_id=answer.scan_id,
        event_id=event.id,
        attendee_id=answer.attendee.id if answer.attendee else None,
        device=device,
        gate=answer.gate,
        local_outcome=scan.local_outcome,
        scanned_at=answer.scanned_at,
        received_at=answer.received_at,
        late=answer.received_at - answer.scanned_at > LATE_AFTER,
        moved_check_in=False,
        uploaded_by_id=by_user.id,
    )
    session.add(record)
    conflict_id = None
    if answer.outcome == ScanOutcome.already_checked_in and answer.check_in and answer.attendee:
        live = await session.get(CheckIn, answer.check_in.id)
        assert live is not None
        if answer.scanned_at < live.checked_in_at:
            live.checked_in_at = answer.scanned_at
            live.gate, live.device, live.by_user_id = answer.gate, device, by_user.id
            live.changed_at = utcnow()  # door packs send it again (services.door.pack)
            record.moved_check_in = True
        other = await _admitting_scan(session, check_in_id=live.id)
        if scan.local_outcome == "ok" and other is not None and other.device != device:
            conflict = DoorConflict(
                event_id=event.id,
                attendee_id=answer.attendee.id,
                scan_id=answer.scan_id,
                other_scan_id=other.id,
            )
            session.add(conflict)
            await session.flush()
            conflict_id = conflict.id
    await session.flush()
    return OfflineScanResult(
        nonce=answer.nonce,
        answer=answer,
        local_outcome=scan.local_outcome,
        late=record.late,
        moved_earlier=record.moved_check_in,
        conflict_id=conflict_id,
    )


def status_of(result: OfflineScanResult) -> str:
    """How an uploaded scan went, in the words of the upload and sync answers."""
    if result.answer.replayed:
        return "duplicate"
    return "conflict" if result.conflict_id else "applied"


async def apply_offline_scans(
    session: AsyncSession,
    *,
    event: Event,
    by_user: User,
    device: str,
    scans: list[OfflineScanIn],
    between_chunks: BetweenChunks | None = None,
) -> OfflineScansOut:
    """A phone's queued scans, applied in scan-time order, each on its own (one savepoint each);
    `between_chunks` (services.db.Chunks) may commit those applied so far every 50 ms."""
    if len(scans) > MAX_BATCH:
        raise Invalid(
            f"Upload at most {MAX_BATCH} scans at a time; this has {len(scans)}.",
            code="batch_too_large",
        )
    items = []
    chunks = Chunks(between_chunks)
    for scan in sorted(scans, key=lambda s: (s.scanned_at, s.nonce)):
        try:
            async with session.begin_nested():
                result = await apply_offline_scan(
                    session, event=event, by_user=by_user, device=device, scan=scan
                )
            items.append(OfflineScanItem(nonce=scan.nonce, status=status_of(result), result=result))
        except DomainError as exc:
            status = "retry" if exc.code == "scan_again" else "rejected"
            items.append(
                OfflineScanItem(nonce=scan.nonce, status=status, code=exc.code, detail=exc.detail)
            )
        await chunks.done_one()
    return OfflineScansOut(results=items)


async def door_conflicts(session: AsyncSession, *, event: Event) -> DoorConflictsOut:
    """Badges let in by more than one device, with every admitting scan; offline upload counts."""
    rows = (
        await session.execute(
            select(DoorConflict, Attendee)
            .join(Attendee, Attendee.id == DoorConflict.attendee_id)
            .where(DoorConflict.event_id == event.id)
            .order_by(DoorConflict.created_at, DoorConflict.id)
        )
    ).all()
    # Subqueries rather than lists of ids: an event's conflicts can be many.
    of_event = DoorConflict.event_id == event.id
    in_conflict = or_(
        CheckInScan.id.in_(select(DoorConflict.scan_id).where(of_event)),
        CheckInScan.id.in_(select(DoorConflict.other_scan_id).where(of_event)),
    )
    scans = {s.id: s for s in await session.scalars(select(CheckInScan).where(in_conflict))}
    offline = set(
        await session.scalars(
            select(DoorOfflineScan.scan_id)
            .join(CheckInScan, CheckInScan.id == DoorOfflineScan.scan_id)
            .where(DoorOfflineScan.event_id == event.id, in_conflict)
        )
    )
    grouped: dict[uuid.UUID, tuple[Attendee, set[uuid.UUID], datetime]] = {}
    for conflict, attendee in rows:
        _, ids, first = grouped.get(attendee.id, (attendee, set(), conflict.created_at))
        grouped[attendee.id] = (attendee, ids | {conflict.scan_id, conflict.other_scan_id}, first)
    out = []
    for attendee, ids, first in grouped.values():
        listed = sorted((scans[i] for i in ids if i in scans), key=lambda s: (s.scanned_at, s.id))
        out.append(
            DoorConflictOut(
                attendee=AttendeeBrief(
                    id=attendee.id,
                    name=attendee.name,
                    company=attendee.company,
                    title=attendee.title,
                ),
                scans=[
                    ConflictScan(
                        scan_id=s.id,
                        device=s.device,
                        gate=s.gate,
                        scanned_at=s.scanned_at,
                        received_at=s.received_at,
                        offline=s.id in offline,
                    )
                    for s in listed
                ],
                first_reported_at=first,
            )
        )
    counts = (
        await session.execute(
            select(func.count(), func.count().filter(DoorOfflineScan.late)).where(
                DoorOfflineScan.event_id == event.id
            )
        )
    ).one()
    return DoorConflictsOut(conflicts=out, offline_scans=counts[0], late_uploads=counts[1])
