"""Sending approved follow-ups: the worker job that claims due messages, sends them over SMTP,
and records each outcome; plus the queue's health for operators.

Claiming uses `SELECT ... FOR UPDATE SKIP LOCKED` and a lease, so several workers on several
machines share the queue on PostgreSQL (on SQLite the transaction takes the write lock at BEGIN,
and one in-process worker runs). Each message is sent outside any transaction and its outcome
saved in a transaction of its own right after the server answers. The one window in which a
message can go out twice: the worker dies after the SMTP server accepted the message and before
"sent" is saved; once the lease runs out another worker sends it again, with the same
Message-ID (see docs/followups.md, and the figure measured in docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db import unit_of_work, utcnow
from services.followups.mail import Outgoing, SmtpSession, send_one
from services.followups.queue import record
from services.mail import PermanentMailError
from services.models import (
    EmailStatus,
    FollowUp,
    FollowUpStatus,
    FollowUpTransition,
    OutboundEmail,
)
from services.people import notes
from services.settings import Settings

log = logging.getLogger("rapport.delivery")
S = FollowUpStatus


@dataclass(frozen=True)
class DeliveryPolicy:
    """How the worker claims and retries. The lease must outlast sending one message; the
    worker also hands back what it has not started when its lease is close to running out."""

    lease: timedelta = timedelta(minutes=2)
    batch_size: int = 40
    max_attempts: int = 6
    backoff_base: timedelta = timedelta(minutes=1)
    backoff_cap: timedelta = timedelta(hours=1)
    # Start a message only if the lease outlasts the SMTP timeout plus this margin.
    send_margin: timedelta = timedelta(seconds=5)
    # Messages one worker sends at once, each on its own SMTP connection. Waiting on the
    # server dominates, so this multiplies throughput; it is also the most messages a worker
    # can have in hand when it dies (the duplicate-send window).
    concurrency: int = 4


DEFAULT_POLICY = DeliveryPolicy()


def retry_delay(attempts: int, policy: DeliveryPolicy) -> timedelta:
    """Exponential backoff with jitter: base * 2^(attempts-1), capped, times 0.5 to 1.0."""
    delay = min(policy.backoff_base * 2 ** max(attempts - 1, 0), policy.backoff_cap)
    return delay * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not a secret)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(FollowUp.status == S.scheduled, FollowUp.next_attempt_at <= now),
        and_(FollowUp.status == S.sending, FollowUp.lease_expires_at < now),
    )


async def anything_due(session: AsyncSession) -> bool:
    """Whether any message is due (or stranded by a dead worker), without locking anything."""
    return await session.scalar(select(FollowUp.id).where(_due(utcnow())).limit(1)) is not None


async def claim_due(
    session: AsyncSession, *, policy: DeliveryPolicy = DEFAULT_POLICY
) -> list[Outgoing]:
    """Take up to `batch_size` due messages under a lease; no two workers take the same one.
    A message whose lease ran out (its worker died) is due again."""
    now = utcnow()
    query = (
        select(FollowUp)
        .where(_due(now))
        .order_by(FollowUp.next_attempt_at)
        .limit(policy.batch_size)
        .with_for_update(skip_locked=True)
    )
    claimed = []
    for follow_up in await session.scalars(query):
        if follow_up.status == S.sending:
            # Its worker stopped mid-send: it may or may not have gone out (the window).
            record(follow_up, session, S.scheduled, detail="the worker stopped; trying again")
            if follow_up.attempts >= policy.max_attempts:
                follow_up.lease_expires_at = None
                follow_up.last_error = "Sending was interrupted too many times."
                record(follow_up, session, S.failed, detail=follow_up.last_error)
                continue
        follow_up.attempts += 1
        follow_up.lease_expires_at = now + policy.lease
        record(follow_up, session, S.sending, detail=f"attempt {follow_up.attempts}")
        claimed.append(
            Outgoing(
                id=follow_up.id,
                to_address=follow_up.to_address,
                from_name=follow_up.from_name,
                reply_to=follow_up.reply_to,
                subject=follow_up.subject,
                body=follow_up.body,
                message_id=follow_up.message_id,
                lease_expires_at=follow_up.lease_expires_at,
            )
        )
    await session.flush()
    return claimed


async def _record_sent(session: AsyncSession, *, sent: list[Outgoing], settings: Settings) -> None:
    # The common case in two statements, whatever the number: this is the duplicate window.
    now = utcnow()
    marked = await session.execute(
        update(FollowUp)
        .where(FollowUp.id.in_([o.id for o in sent]), FollowUp.status == S.sending)
        .values(
            status=S.sent,
            sent_at=now,
            lease_expires_at=None,
            last_error=None,
            status_changed_at=now,
            updated_at=now,
        )
        .returning(FollowUp.id, FollowUp.promise_id)
    )
    promised = {follow_up_id: promise_id for follow_up_id, promise_id in marked}
    marked_ids = set(promised)
    if not marked_ids:
        return
    # A follow-up drafted from a promise keeps it, as of the moment it was sent.
    await notes.keep_promises(
        session, promise_ids={p for p in promised.values() if p is not None}, at=now
    )
    await session.execute(
        insert(FollowUpTransition),
        [
            {"id": uuid.uuid4(), "follow_up_id": i, "from_status": S.sending,
             "to_status": S.sent, "at": now, "detail": ""}
            for i in marked_ids
        ],
    )  # fmt: skip
    if settings.dev_mailbox_enabled:
        session.add_all(
            OutboundEmail(
                kind="follow_up",
                to_address=o.to_address,
                subject=o.subject,
                body=o.body,
                status=EmailStatus.sent,
                attempts=1,
                sent_at=now,
            )
            for o in sent
            if o.id in marked_ids
        )
        await session.flush()


async def _record_failure(
    session: AsyncSession, *, outgoing: Outgoing, error: Exception, policy: DeliveryPolicy
) -> None:
    follow_up = await session.scalar(
        select(FollowUp)
        .where(FollowUp.id == outgoing.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if follow_up is None or follow_up.status != S.sending:
        return
    follow_up.lease_expires_at = None
    if isinstance(error, PermanentMailError):
        follow_up.last_error = f"The mail server refused this message: {error}"
        record(follow_up, session, S.failed, detail=follow_up.last_error)
    elif follow_up.attempts >= policy.max_attempts:
        follow_up.last_error = f"Gave up after {follow_up.attempts} attempts. Last error: {error}"
        record(follow_up, session, S.failed, detail=follow_up.last_error)
    else:
        follow_up.last_error = str(error)
        follow_up.next_attempt_at = utcnow() + retry_delay(follow_up.attempts, policy)
        record(
            follow_up,
            session,
            S.scheduled,
            detail=f"temporary failure ({error}); next try {follow_up.next_attempt_at.isoformat()}",
        )
    await session.flush()


async def record_outcomes(
    session: AsyncSession,
    *,
    outcomes: list[tuple[Outgoing, Exception | None]],
    settings: Settings,
    policy: DeliveryPolicy = DEFAULT_POLICY,
) -> None:
    """Save how attempts went: sent; failed for good (5xx, or out of attempts) with the
    reason shown to the user; or scheduled again after a backoff."""
    sent = [outgoing for outgoing, error in outcomes if error is None]
    if sent:
        await _record_sent(session, sent=sent, settings=settings)
    for outgoing, error in outcomes:
        if error is not None:
            await _record_failure(session, outgoing=outgoing, error=error, policy=policy)


class OutcomeRecorder:
    """Group commit: outcomes that arrive while a save is running are saved together in the
    next transaction. Each lane waits until its outcome is saved before it starts another
    message, so a worker never holds more than `concurrency` accepted-but-unsaved messages."""

    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        policy: DeliveryPolicy,
    ) -> None:
        self.settings, self.sessionmaker, self.policy = settings, sessionmaker, policy
        self.pending: list[tuple[Outgoing, Exception | None, asyncio.Future[None]]] = []
        self.saving: asyncio.Task[None] | None = None

    async def save(self, outgoing: Outgoing, error: Exception | None) -> None:
        """Return once this outcome is committed (raises if the save failed)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((outgoing, error, done))
        if self.saving is None or self.saving.done():
            self.saving = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                async with unit_of_work(self.sessionmaker) as session:
                    await record_outcomes(
                        session,
                        outcomes=[(o, e) for o, e, _ in batch],
                        settings=self.settings,
                        policy=self.policy,
                    )
            except Exception as exc:
                for *_, done in batch:
                    done.set_exception(exc)
            else:
                for *_, done in batch:
                    done.set_result(None)


async def release(session: AsyncSession, *, ids: list[uuid.UUID]) -> None:
    """Hand claimed messages that were not started back to the queue, as they were."""
    rows = await session.scalars(
        select(FollowUp)
        .where(FollowUp.id.in_(ids), FollowUp.status == S.sending)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for follow_up in rows:
        follow_up.lease_expires_at = None
        follow_up.attempts -= 1
        record(follow_up, session, S.scheduled, detail="handed back unsent")
    await session.flush()


async def deliver_follow_ups(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    policy: DeliveryPolicy = DEFAULT_POLICY,
) -> int:
    """Worker job: claim due follow-ups, send them outside any transaction (a few at once),
    record each outcome as soon as the server answers. Messages in hand are finished; if the
    lease gets short, the rest go back unsent."""
    async with unit_of_work(sessionmaker) as session:  # a read first: idle polls take no lock
        if not await anything_due(session):
            return 0
    async with unit_of_work(sessionmaker) as session:
        claimed = await claim_due(session, policy=policy)
    margin = timedelta(seconds=settings.smtp_timeout_seconds) + policy.send_margin
    pending = iter(claimed)  # shared by the lanes; asyncio hands out each message once
    unstarted: list[uuid.UUID] = []

    recorder = OutcomeRecorder(settings, sessionmaker, policy)

    async def lane() -> None:
        smtp = SmtpSession(settings)
        try:
            for outgoing in pending:
                if utcnow() + margin > outgoing.lease_expires_at:
                    unstarted.append(outgoing.id)
                    continue
                await recorder.save(outgoing, await send_one(settings, outgoing, smtp))
        finally:
            await smtp.close()

    lanes = min(policy.concurrency, len(claimed))
    # Let every lane finish its message in hand even if another one failed.
    results = await asyncio.gather(*(lane() for _ in range(lanes)), return_exceptions=True)
    if unstarted:
        async with unit_of_work(sessionmaker) as session:
            await release(session, ids=unstarted)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return len(claimed)


@dataclass(frozen=True)
class QueueHealth:
    """What an operator watches: how much is due, how late, and what is stuck or failing."""

    due: int
    oldest_due_seconds: float | None
    sending: int
    stuck: int
    scheduled_later: int
    failed_last_day: int
    awaiting_review: int


async def queue_health(session: AsyncSession) -> QueueHealth:
    """Queue depth and the age of the oldest due message, across all users."""
    now = utcnow()
    due_count, oldest = (
        await session.execute(
            select(func.count(), func.min(FollowUp.next_attempt_at)).where(
                FollowUp.status == S.scheduled, FollowUp.next_attempt_at <= now
            )
        )
    ).one()

    async def count(*conditions: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(FollowUp).where(*conditions)
        return await session.scalar(query) or 0

    return QueueHealth(
        due=due_count,
        oldest_due_seconds=(now - oldest).total_seconds() if oldest else None,
        sending=await count(FollowUp.status == S.sending),
        stuck=await count(FollowUp.status == S.sending, FollowUp.lease_expires_at < now),
        scheduled_later=await count(FollowUp.status == S.scheduled, FollowUp.next_attempt_at > now),
        failed_last_day=await count(
            FollowUp.status == S.failed, FollowUp.status_changed_at > now - timedelta(days=1)
        ),
        awaiting_review=await count(FollowUp.status == S.draft),
    )
