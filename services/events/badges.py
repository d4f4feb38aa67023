"""Badge tokens and the QR code that carries the badge URL; reissuing; printable badges.

QR codes use error correction level Q (about 25 % of the code can be damaged or covered and
it still reads): a printed badge gets a thumb, a lanyard clip or a crease over it. H (30 %)
would make the code denser for little gain, so the modules would print smaller at the same size.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Sequence

import segno
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from schemas.badges import BadgeLayout
from services.auth.tokens import new_token
from services.db import utcnow
from services.errors import Conflict, NotFound
from services.events.badge_pdf import BadgeFace, check_printable, render_badges_pdf
from services.models import Attendee, Badge, Event
from services.settings import get_settings

BADGE_TOKEN_BYTES = 24  # 192 random bits, 32 URL-safe characters


def badge_url(token: str) -> str:
    """What a badge's QR code holds: one URL for the door and for contact exchange."""
    return f"{get_settings().base_url}/b/{token}"


def new_badge(attendee: Attendee) -> Badge:
    """A fresh badge for an attendee (not yet added to the session)."""
    return Badge(attendee_id=attendee.id, token=new_token(BADGE_TOKEN_BYTES))


def new_badge_row(*, attendee_id: uuid.UUID) -> dict[str, object]:
    """A fresh badge as a row, for inserting many at once."""
    return {"attendee_id": attendee_id, "token": new_token(BADGE_TOKEN_BYTES)}


async def current_badge(session: AsyncSession, *, attendee: Attendee) -> Badge | None:
    """The attendee's valid badge, if any."""
    return await session.scalar(
        select(Badge)
        .where(Badge.attendee_id == attendee.id, Badge.revoked_at.is_(None))
        .order_by(Badge.issued_at.desc())
        .limit(1)
    )


async def badge_by_token(session: AsyncSession, *, token: str) -> Badge | None:
    """The badge (valid or revoked) with this token, its attendee loaded; None if unknown."""
    if not token or len(token) > 64:
        return None
    return await session.scalar(
        select(Badge).options(joinedload(Badge.attendee)).where(Badge.token == token)
    )


def qr_svg(data: str) -> str:
    """An SVG QR code: black on white with a quiet zone, level Q so a covered corner still scans."""
    qr = segno.make(data, error="q", micro=False)
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
        title="Badge QR code",
        unit=None,
        svgclass="qr",
        lineclass=None,
    )
    return out.getvalue().decode()


def qr_png(data: str, *, scale: int = 10) -> bytes:
    """A PNG QR code, level Q, `scale` pixels per module, with the standard quiet zone."""
    out = io.BytesIO()
    segno.make(data, error="q", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


async def attendee_in_event(
    session: AsyncSession, *, event: Event, attendee_id: uuid.UUID
) -> Attendee:
    """The attendee of this event, or NotFound (attendees of other events are not shown)."""
    attendee = await session.scalar(
        select(Attendee).where(Attendee.id == attendee_id, Attendee.event_id == event.id)
    )
    if attendee is None:
        raise NotFound("No such attendee in this event.", code="attendee_not_found")
    return attendee


async def reissue_badge(session: AsyncSession, *, attendee: Attendee) -> tuple[Badge, int]:
    """A new badge for a lost one: every older token now scans as revoked. Returns the new
    badge and how many tokens were revoked."""
    now = utcnow()
    revoked = await session.execute(
        update(Badge)
        .where(Badge.attendee_id == attendee.id, Badge.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    badge = new_badge(attendee)
    badge.issued_at = now
    session.add(badge)
    await session.flush()
    return badge, revoked.rowcount or 0  # type: ignore[attr-defined]


async def attendee_badge_url(session: AsyncSession, *, attendee: Attendee) -> str:
    """The attendee's current badge URL; a badge is made if they have none (e.g. all revoked)."""
    badge = await current_badge(session, attendee=attendee)
    if badge is None:
        badge = new_badge(attendee)
        session.add(badge)
        await session.flush()
    return badge_url(badge.token)


async def issue_missing_badges(
    session: AsyncSession, *, event: Event, attendee_ids: Sequence[uuid.UUID] | None, limit: int
) -> int:
    """Give up to `limit` of the (chosen) attendees who have no valid badge one; how many."""
    valid = select(Badge.id).where(Badge.attendee_id == Attendee.id, Badge.revoked_at.is_(None))
    condition = (Attendee.event_id == event.id) & ~valid.exists()
    if attendee_ids is not None:
        condition = condition & Attendee.id.in_(list(attendee_ids))
    missing = (await session.scalars(select(Attendee).where(condition).limit(limit))).all()
    session.add_all([new_badge(attendee) for attendee in missing])
    await session.flush()
    return len(missing)


async def badge_faces(
    session: AsyncSession,
    *,
    event: Event,
    attendee_ids: Sequence[uuid.UUID] | None,
    issue_missing: bool = True,
) -> list[BadgeFace]:
    """What to print for all (or the chosen) attendees of the event, by name. Attendees with
    no valid badge get one, unless `issue_missing` is false (a read-only session, after
    issue_missing_badges): then one found is a Conflict."""
    condition = Attendee.event_id == event.id
    chosen = set(attendee_ids) if attendee_ids is not None else None
    if chosen is not None and len(chosen) <= 500:
        condition = condition & Attendee.id.in_(list(chosen))
    attendees = (
        await session.scalars(
            select(Attendee).where(condition).order_by(Attendee.name, Attendee.id)
        )
    ).all()
    if chosen is not None and len(chosen) > 500:  # no IN list over 1,000 parameters
        attendees = [a for a in attendees if a.id in chosen]
    if attendee_ids is not None and len(attendees) != len(set(attendee_ids)):
        raise NotFound(
            "Some of the chosen attendees are not in this event.", code="attendee_not_found"
        )
    tokens: dict[uuid.UUID, str] = {}
    ids = [a.id for a in attendees]
    for start in range(0, len(ids), 500):
        rows = await session.execute(
            select(Badge.attendee_id, Badge.token)
            .where(Badge.attendee_id.in_(ids[start : start + 500]), Badge.revoked_at.is_(None))
            .order_by(Badge.issued_at)
        )
        tokens.update({attendee_id: token for attendee_id, token in rows})  # newest wins
    faces = []
    for attendee in attendees:
        if attendee.id not in tokens:
            if not issue_missing:
                raise Conflict(
                    "Attendees were added while the badges were being prepared. Make the "
                    "badges again.",
                    code="badges_changed",
                )
            badge = new_badge(attendee)
            session.add(badge)
            tokens[attendee.id] = badge.token
        faces.append(
            BadgeFace(
                name=attendee.name,
                company=attendee.company,
                title=attendee.title,
                event_name=event.name,
                url=badge_url(tokens[attendee.id]),
            )
        )
    await session.flush()
    check_printable(faces)
    return faces


async def badges_pdf(
    session: AsyncSession,
    *,
    event: Event,
    layout: BadgeLayout,
    attendee_ids: Sequence[uuid.UUID] | None = None,
) -> bytes:
    """Printable badges for the event in memory, rendered in a worker thread (bench/badge_pdf.py
    times it). The API runs a job instead (services.jobs.exports.export_badges), which renders
    a few hundred at a time into a file and holds no transaction meanwhile."""
    faces = await badge_faces(session, event=event, attendee_ids=attendee_ids)
    return await asyncio.to_thread(
        render_badges_pdf, faces, layout=layout, title=f"Badges: {event.name}"
    )
