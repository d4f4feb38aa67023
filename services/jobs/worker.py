"""The background worker: two loops until stopped. One runs the periodic jobs (mail,
follow-ups, drafts, digests), each in its own transactions; the other runs the jobs people ask
for (imports, exports, badge sheets), one at a time, so a long import never holds up mail.

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
from services.jobs import exports, imports, queue, runner
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


# The jobs people ask for, by kind: each handler works in steps (services.jobs.runner).
HANDLERS: dict[str, runner.Handler] = {
    imports.ATTENDEES: imports.import_attendees,
    imports.CONTACTS: imports.import_contact_file,
    exports.CHECK_IN_CSV: exports.export_check_ins,
    exports.CONTACTS_VCF: exports.export_contacts_vcf,
    exports.CONTACTS_CSV: exports.export_contacts_csv,
    exports.ACCOUNT: exports.export_account,
    exports.BADGES_PDF: exports.export_badges,
}


async def run_next_job(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Take the next job people asked for and run it to its end; 0 when there is none."""
    run = await runner.take_next_job(settings, sessionmaker)
    if run is None:
        return 0
    await runner.run_job(run, HANDLERS[run.kind])
    return 1


FORGET_EVERY = 600.0  # seconds between two clean-ups of finished jobs
_forgotten_at = {"monotonic": -FORGET_EVERY}


async def forget_expired_jobs(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> int:
    """Delete the jobs (and result files) finished more than a day ago, every ten minutes."""
    now = asyncio.get_running_loop().time()
    if now - _forgotten_at["monotonic"] < FORGET_EVERY:
        return 0
    _forgotten_at["monotonic"] = now
    async with unit_of_work(sessionmaker) as session:
        await queue.forget_expired_jobs(session)
    return 0  # nothing that calls for another round at once


ASKED_FOR: list[Job] = [run_next_job, forget_expired_jobs]


async def run_once(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    jobs: list[Job] | None = None,
) -> int:
    """Run every job of the list (the periodic ones by default) once; return how many items
    they handled in all."""
    handled = 0
    for job in JOBS if jobs is None else jobs:
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
    """Run both loops until `stop` is set, finishing the item in hand; `wake` skips the wait."""
    wake = wake or asyncio.Event()
    log.info("worker started")
    await asyncio.gather(
        _loop(settings, sessionmaker, JOBS, stop=stop, wake=wake),
        _loop(settings, sessionmaker, ASKED_FOR, stop=stop, wake=wake),
    )
    log.info("worker stopped")


async def _loop(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    jobs: list[Job],
    *,
    stop: asyncio.Event,
    wake: asyncio.Event,
) -> None:
    while not stop.is_set():
        handled = await run_once(settings, sessionmaker, jobs=jobs)
        if handled:
            continue
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
        await asyncio.wait(
            waiters, timeout=settings.worker_poll_seconds, return_when="FIRST_COMPLETED"
        )
        wake.clear()
        for waiter in waiters:
            waiter.cancel()
