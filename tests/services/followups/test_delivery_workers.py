"""Several workers, and a worker that dies: 1,000 due follow-ups, each delivered exactly once by
three workers sharing the queue on PostgreSQL; and after a worker process is killed with SIGKILL
mid-run, a new worker delivers everything, none lost, with at most the messages that were in
hand delivered twice (the documented window)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import create_engine, create_sessionmaker
from services.followups import delivery
from services.followups.drafts import message_id_for
from services.settings import Settings, get_settings
from tests.services.followups.delivery_support import (
    count_by_status,
    seed_due_messages,
    smtp_server,
)
from tests.support import ROOT, need

MESSAGES = 1_000


async def wait_for(check: Callable[[], Awaitable[bool]], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.mark.postgres
async def test_three_workers_on_postgres_deliver_each_message_exactly_once(
    db: AsyncSession,
) -> None:
    url = get_settings().database_url
    need(url.startswith("postgresql"), "needs PostgreSQL (RAPPORT_TEST_DATABASE_URL)")
    ids = await seed_due_messages(db, count=MESSAGES)
    policy = delivery.DeliveryPolicy(batch_size=10)

    async def worker_loop(settings: Settings) -> int:
        engine = create_engine(url, pool_size=2, max_overflow=0)
        sessionmaker = create_sessionmaker(engine)
        delivered = 0
        try:
            while True:
                handled = await delivery.deliver_follow_ups(settings, sessionmaker, policy=policy)
                if handled == 0:
                    return delivered
                delivered += handled
        finally:
            await engine.dispose()

    with smtp_server(keep=False) as (inbox, settings):
        shares = await asyncio.gather(*(worker_loop(settings) for _ in range(3)))

    assert sum(shares) == MESSAGES
    assert sum(1 for share in shares if share > 0) >= 2, shares
    assert set(inbox.ids) == {message_id_for(i) for i in ids}
    assert inbox.duplicates == 0
    assert await count_by_status(db) == {"sent": MESSAGES}


def worker_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "RAPPORT_SMTP_HOST": "127.0.0.1",
        "RAPPORT_SMTP_PORT": str(settings.smtp_port),
        "RAPPORT_SMTP_SECURITY": "none",
        "RAPPORT_SMTP_TIMEOUT_SECONDS": "1",
        "RAPPORT_WORKER_POLL_SECONDS": "0.1",
        "RAPPORT_LOG_LEVEL": "WARNING",
    }


async def start_worker(
    env: dict[str, str], *, lease_seconds: float, into: list[asyncio.subprocess.Process]
) -> asyncio.subprocess.Process:
    """Start a worker process (listed in `into`, so the test can always stop it)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.delivery_worker",
        "--lease-seconds",
        str(lease_seconds),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    into.append(process)
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=20)
    assert line.strip() == b"worker ready"
    return process


async def test_killed_worker_loses_nothing_and_resends_at_most_the_messages_in_hand(
    app: FastAPI, db: AsyncSession
) -> None:
    ids = await seed_due_messages(db, count=MESSAGES)
    lease = timedelta(seconds=3)
    workers: list[asyncio.subprocess.Process] = []
    try:
        with smtp_server(keep=False) as (inbox, settings):
            env = worker_env(settings)
            first = await start_worker(env, lease_seconds=lease.total_seconds(), into=workers)

            async def some_delivered() -> bool:
                return len(inbox.ids) >= MESSAGES // 3

            await wait_for(some_delivered, seconds=30, what="the first worker to get going")
            first.send_signal(signal.SIGKILL)
            assert await first.wait() == -signal.SIGKILL
            delivered_before_kill = len(inbox.ids)
            assert delivered_before_kill < MESSAGES

            second = await start_worker(env, lease_seconds=lease.total_seconds(), into=workers)

            async def all_sent() -> bool:
                return (await count_by_status(db)).get("sent", 0) == MESSAGES

            await wait_for(all_sent, seconds=45, what="the new worker to deliver the rest")
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), timeout=10) == 0
    finally:
        for process in workers:
            if process.returncode is None:
                process.kill()
                await process.wait()

    assert set(inbox.ids) == {message_id_for(i) for i in ids}, "a message was lost"
    print(
        f"\ncrash test: {MESSAGES} messages, killed after {delivered_before_kill}, "
        f"delivered twice: {inbox.duplicates}"
    )
    # Each of the worker's lanes can hold one accepted-but-unsaved message when it dies.
    assert inbox.duplicates <= delivery.DEFAULT_POLICY.concurrency
    assert await count_by_status(db) == {"sent": MESSAGES}
