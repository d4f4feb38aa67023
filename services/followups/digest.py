"""The daily digest: an opt-in morning mail of what is due and how many drafts wait, sent by a
worker job once per user per day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import mail
from services.db import unit_of_work, utcnow
from services.followups.drafts import zone_of
from services.followups.reminders import reminders
from services.models import FollowUp, FollowUpPreferences, FollowUpStatus, User
from services.settings import Settings

DIGEST_HOUR = 8  # the digest goes out after 08:00 in the user's time zone


async def digest_for(session: AsyncSession, *, owner: User, today: date) -> str | None:
    """The text of today's digest, or None when nothing is due and nothing waits for review."""
    due = await reminders(session, owner=owner, today=today, within_days=0)
    waiting = await session.scalar(
        select(func.count())
        .select_from(FollowUp)
        .where(FollowUp.owner_id == owner.id, FollowUp.status == FollowUpStatus.draft)
    )
    if not due and not waiting:
        return None
    lines = [f"Good morning{', ' + owner.name if owner.name else ''}.", ""]
    if due:
        lines.append("Due today or overdue:")
        lines += [f"- {r.title} ({r.due_on:%d %b})" for r in due]
        lines.append("")
    if waiting:
        lines.append(f"{waiting} follow-up draft(s) wait for your review.")
        lines.append("")
    lines.append("You get this mail because the daily digest is on in your Rapport settings.")
    return "\n".join(lines) + "\n"


async def send_daily_digests(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> int:
    """Worker job: once per user per day, after 08:00 their time, queue the opt-in digest.
    The day is claimed with a conditional UPDATE, so two workers never both send it."""
    async with unit_of_work(sessionmaker) as session:
        rows = (
            await session.execute(
                select(User, FollowUpPreferences.last_digest_on)
                .join(FollowUpPreferences, FollowUpPreferences.user_id == User.id)
                .where(FollowUpPreferences.daily_digest.is_(True))
            )
        ).all()
    handled = 0
    for user, last_on in rows:
        local = utcnow().astimezone(zone_of(user))
        if local.hour < DIGEST_HOUR or (last_on is not None and last_on >= local.date()):
            continue
        async with unit_of_work(sessionmaker) as session:
            claimed = await session.execute(
                update(FollowUpPreferences)
                .where(
                    FollowUpPreferences.user_id == user.id,
                    or_(
                        FollowUpPreferences.last_digest_on.is_(None),
                        FollowUpPreferences.last_digest_on < local.date(),
                    ),
                )
                .values(last_digest_on=local.date())
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            handled += 1
            text = await digest_for(session, owner=user, today=local.date())
            if text:
                await mail.enqueue_email(
                    session,
                    kind="daily_digest",
                    to_address=user.email,
                    subject=f"Rapport: your day, {local:%d %b}",
                    body=text,
                )
    return handled
