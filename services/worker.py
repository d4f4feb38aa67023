"""The background worker: one loop that runs each job in its own transaction until stopped.

`rapport worker` runs it as a process of its own; `rapport serve` runs one inside the API
process in embedded mode. Several workers may run at once: jobs claim rows with row locks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import mail
from services.db import unit_of_work
from services.followups import delivery, digest, drafts
from services.network import meeting_mail
from services.people import cards
from services.settings import Settings

log = logging.getLogger("rapport.worker")

Job = Callable[[Settings, async_sessionmaker[AsyncSession]], Awaitable[int]]


async def deliver_system_mail(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> int:
    """Claim due system mails, send them outside any transaction, and record each outcome."""
    async with unit_of_work(sessionmaker) as session:
        claimed = await mail.claim_due_emails(session)
    for email in claimed:
        error = await mail.deliver(settings, email)
        async with unit_of_work(sessionmaker) as session:
            await mail.record_delivery(session, email_id=email.id, error=error)
    return len(claimed)


async def catch_up_card_copies(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> int:
    """Refresh one chunk of the copies of a popular card edited lately (people.cards)."""
    async with unit_of_work(sessionmaker) as session:
        return await cards.refresh_waiting_copies(session)


JOBS: list[Job] = [
    deliver_system_mail,
    delivery.deliver_follow_ups,
    drafts.draft_after_events,
    digest.send_daily_digests,
    meeting_mail.remind_meetings,
    catch_up_card_copies,
]


async def run_once(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Run every job once; return how many items they handled in all."""
    handled = 0
    for job in JOBS:
        try:
            handled += await job(settings, sessionmaker)
        except Exception:
            log.exception("worker job %s failed; will try again", job.__name__)
    return handled


async def run_worker(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    stop: asyncio.Event,
    wake: asyncio.Event | None = None,
) -> None:
    """Loop until `stop` is set, finishing the item in hand; `wake` skips the wait."""
    wake = wake or asyncio.Event()
    log.info("worker started")
    while not stop.is_set():
        handled = await run_once(settings, sessionmaker)
        if handled:
            continue
        wake.clear()
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
        await asyncio.wait(
            waiters, timeout=settings.worker_poll_seconds, return_when="FIRST_COMPLETED"
        )
        for waiter in waiters:
            waiter.cancel()
    log.info("worker stopped")
