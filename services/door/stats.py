"""The organizer's live view of the door: counts, gates, arrivals per 5 minutes, recent and
failed scans; the arrivals chart as SVG; and the check-in list as a spreadsheet-safe CSV,
made piece by piece.

Every figure is one indexed aggregate query, so the live view can poll every few seconds.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from schemas.checkin import ArrivalBucket, CheckInStats, GateCount, RecentScan
from services.db import unit_of_work, utcnow
from services.door.log import local_time
from services.events.access import require_staff
from services.events.spreadsheet import safe_cell
from services.models import (
    Attendee,
    CheckIn,
    CheckInMethod,
    CheckInScan,
    Event,
    ScanOutcome,
    User,
)

BUCKET_SECONDS = 300
RECENT_SCANS = 20
MAX_BUCKETS = 24 * 12  # a day of 5-minute slots is plenty for one chart


def _bucket(session: AsyncSession) -> ColumnElement[int]:
    """The 5-minute slot number of a check-in time, in SQL for either database."""
    if session.get_bind().dialect.name == "postgresql":
        epoch = func.extract("epoch", CheckIn.checked_in_at)
        return cast(func.floor(epoch / BUCKET_SECONDS), Integer)
    seconds = cast(func.strftime("%s", CheckIn.checked_in_at), Integer)
    return cast(seconds / BUCKET_SECONDS, Integer)


async def check_in_stats(session: AsyncSession, *, event: Event) -> CheckInStats:
    """Everything the live view shows, as of now."""
    live = and_(CheckIn.event_id == event.id, CheckIn.undone_at.is_(None))
    registered = (
        await session.scalar(select(func.count()).where(Attendee.event_id == event.id)) or 0
    )
    by_gate_method = (
        await session.execute(
            select(CheckIn.gate, CheckIn.method, func.count())
            .where(live)
            .group_by(CheckIn.gate, CheckIn.method)
        )
    ).all()
    gates: dict[str, int] = {}
    methods = dict.fromkeys((m.value for m in CheckInMethod), 0)
    for gate, method, count in by_gate_method:
        gates[gate] = gates.get(gate, 0) + count
        methods[method] = methods.get(method, 0) + count
    undone = (
        await session.scalar(
            select(func.count()).where(CheckIn.event_id == event.id, CheckIn.undone_at.is_not(None))
        )
        or 0
    )
    bucket = _bucket(session)
    slots = (
        await session.execute(
            select(bucket, func.count()).where(live).group_by(bucket).order_by(bucket)
        )
    ).all()
    failed = (
        await session.execute(
            select(CheckInScan.outcome, func.count())
            .where(CheckInScan.event_id == event.id, CheckInScan.outcome != ScanOutcome.ok.value)
            .group_by(CheckInScan.outcome)
        )
    ).all()
    recent = (
        await session.execute(
            select(CheckInScan, Attendee.name, CheckIn.undone_at)
            .outerjoin(Attendee, Attendee.id == CheckInScan.attendee_id)
            .outerjoin(CheckIn, CheckIn.id == CheckInScan.check_in_id)
            .where(CheckInScan.event_id == event.id)
            .order_by(CheckInScan.received_at.desc(), CheckInScan.id)
            .limit(RECENT_SCANS)
        )
    ).all()
    return CheckInStats(
        registered=registered,
        checked_in=sum(gates.values()),
        undone=undone,
        by_gate=[GateCount(gate=g, checked_in=n) for g, n in sorted(gates.items())],
        by_method=methods,
        arrivals=_fill_slots([(int(s), int(n)) for s, n in slots], event),
        failed_by_reason={outcome: count for outcome, count in failed},
        recent_scans=[
            RecentScan(
                scan_id=scan.id,
                outcome=ScanOutcome(scan.outcome),
                reason=scan.reason,
                method=CheckInMethod(scan.method),
                gate=scan.gate,
                name=name,
                scanned_at=scan.scanned_at,
                received_at=scan.received_at,
                undone_at=undone_at,
            )
            for scan, name, undone_at in recent
        ],
        generated_at=utcnow(),
    )


def _fill_slots(slots: list[tuple[int, int]], event: Event) -> list[ArrivalBucket]:
    """Every 5-minute slot from the first arrival to the last, empty ones included."""
    if not slots:
        return []
    counts = dict(slots)
    last = max(counts)
    first = max(min(counts), last - MAX_BUCKETS + 1)
    out = []
    for slot in range(first, last + 1):
        starts_at = datetime.fromtimestamp(slot * BUCKET_SECONDS, UTC)
        out.append(
            ArrivalBucket(
                starts_at=starts_at,
                local_time=local_time(starts_at, event),
                arrivals=counts.get(slot, 0),
            )
        )
    return out


def arrivals_svg(stats: CheckInStats, *, title: str) -> str:
    """A bar chart of arrivals per 5 minutes, as a self-contained SVG (text escaped)."""
    width, height, left, bottom, top = 640, 240, 36, 28, 24
    buckets = stats.arrivals
    peak = max((b.arrivals for b in buckets), default=0) or 1
    plot_w, plot_h = width - left - 8, height - bottom - top
    bar_w = plot_w / max(len(buckets), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="15" font-size="13">{escape(title)}: '
        f"{stats.checked_in} of {stats.registered} checked in</text>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
        'stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    label_every = max(1, len(buckets) // 8)
    for i, b in enumerate(buckets):
        h = plot_h * b.arrivals / peak
        x = left + i * bar_w
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{max(bar_w - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#2b7a4b"><title>{escape(b.local_time)}: {b.arrivals}'
            "</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(b.local_time)}</text>"
            )
    if not buckets:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#666">'
            "No arrivals yet</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


CSV_ROWS_PER_PIECE = 500


async def check_in_csv_rows(session: AsyncSession, *, event: Event) -> int:
    """How many rows the check-in CSV will have (one per attendee)."""
    return await session.scalar(select(func.count()).where(Attendee.event_id == event.id)) or 0


async def check_in_csv(
    session: AsyncSession, *, event: Event, progress: Callable[[int], None] | None = None
) -> AsyncIterator[bytes]:
    """Every attendee with their check-in (if any), as UTF-8 CSV with a BOM and CRLF lines:
    yielded a few hundred rows at a time (never the whole file), `progress` told the rows done."""
    zone = ZoneInfo(event.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        [
            "name",
            "email",
            "company",
            "title",
            "checked_in",
            f"checked_in_at ({event.timezone})",
            "gate",
            "method",
        ]
    )
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    rows = await session.stream(
        select(Attendee, CheckIn)
        .outerjoin(CheckIn, and_(CheckIn.attendee_id == Attendee.id, CheckIn.undone_at.is_(None)))
        .where(Attendee.event_id == event.id)
        .order_by(Attendee.name, Attendee.id)
        .execution_options(yield_per=CSV_ROWS_PER_PIECE)
    )
    done = 0
    async for piece in rows.partitions():
        out.seek(0)
        out.truncate()
        for attendee, check_in in piece:
            when = (
                check_in.checked_in_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
                if check_in
                else ""
            )
            writer.writerow(
                [
                    safe_cell(attendee.name),
                    safe_cell(attendee.email),
                    safe_cell(attendee.company),
                    safe_cell(attendee.title),
                    "yes" if check_in else "no",
                    when,
                    safe_cell(check_in.gate) if check_in else "",
                    check_in.method if check_in else "",
                ]
            )
        done += len(piece)
        if progress:
            progress(done)
        yield out.getvalue().encode("utf-8")


async def stats_updates(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    event_id: uuid.UUID,
    user: User,
    every_seconds: float,
    for_seconds: float,
) -> AsyncIterator[CheckInStats | None]:
    """Live-view figures for a server-sent event stream: the current ones first, then new ones
    whenever they change (checked every `every_seconds`), and None as a keep-alive otherwise.

    Each check is its own short transaction, so a watching organizer holds no connection (and,
    on SQLite, no lock) between checks. Whoever loses their staff role stops receiving.
    """
    deadline = time.monotonic() + for_seconds
    last: dict[str, object] | None = None
    while True:
        async with unit_of_work(sessionmaker) as session:
            access = await require_staff(session, user=user, event_id=event_id)
            stats = await check_in_stats(session, event=access.event)
        shape = stats.model_dump(exclude={"generated_at"})
        yield stats if shape != last else None
        last = shape
        if time.monotonic() + every_seconds > deadline:
            return
        await asyncio.sleep(every_seconds)
