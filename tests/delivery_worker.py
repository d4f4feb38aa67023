"""A follow-up worker as a process of its own, for the crash test and the delivery benchmark:
`python -m tests.delivery_worker --lease-seconds 8` runs services.jobs.worker.run_worker with
only the follow-up delivery job, against RAPPORT_DATABASE_URL and RAPPORT_SMTP_*; SIGTERM stops it
gracefully (the message in hand is finished)."""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db import create_engine, create_sessionmaker
from services.followups import delivery
from services.jobs import worker
from services.settings import Settings, get_settings


async def main(lease_seconds: float, batch_size: int) -> None:
    settings = get_settings()
    policy = delivery.DeliveryPolicy(
        lease=timedelta(seconds=lease_seconds),
        batch_size=batch_size,
        send_margin=timedelta(seconds=0.5),
    )

    async def deliver_follow_ups(
        settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> int:
        return await delivery.deliver_follow_ups(settings, sessionmaker, policy=policy)

    worker.JOBS[:] = [deliver_follow_ups]
    engine = create_engine(settings.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("worker ready", flush=True)
    try:
        await worker.run_worker(settings, create_sessionmaker(engine), stop=stop)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lease-seconds", type=float, default=120)
    parser.add_argument("--batch-size", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.lease_seconds, args.batch_size))
