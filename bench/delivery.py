"""Follow-up delivery: how many messages per second one worker hands to a local SMTP server, and
how many messages a worker killed with SIGKILL mid-run causes to be delivered twice.

    .venv/bin/python -m bench.delivery [--messages 2000] [--crash-runs 5]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

The database is a fresh one (a temporary SQLite file, or a new database on the PostgreSQL server
given), built by Alembic. Throughput: aiosmtpd runs as its own process (a Sink), and one
worker (services.followups.delivery.deliver_follow_ups in a loop, as services.jobs.worker runs it)
drains the queue.
Crash runs: each seeds 1,000 messages, starts `python -m tests.delivery_worker`, kills it with
SIGKILL once a third are delivered, starts a new one, and counts Message-IDs received twice.
The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, text  # noqa: E402
from tests.services.delivery_support import (  # noqa: E402
    count_by_status,
    free_port,
    seed_due_messages,
    settings_for,
    smtp_server,
)

from services.db import create_engine, create_sessionmaker  # noqa: E402
from services.followups import delivery  # noqa: E402
from services.models import FollowUp  # noqa: E402
from services.settings import get_settings  # noqa: E402
from tests import support  # noqa: E402


def fresh_database(server_url: str | None, folder: str) -> str:
    if server_url:
        url = support.create_postgres_database(server_url, f"rapport_bench_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
    support.migrate(url)
    return url


async def throughput(url: str, messages: int) -> dict[str, float]:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
        "-c", "aiosmtpd.handlers.Sink",
    )  # fmt: skip
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            await seed_due_messages(session, count=messages)
            await session.execute(text("ANALYZE"))  # statistics, as autovacuum keeps them
            await session.commit()
        await asyncio.sleep(1.0)  # let the server start listening
        settings = settings_for(port, get_settings().model_copy(update={"database_url": url}))
        started = time.perf_counter()
        cpu_started = time.process_time()
        delivered = 0
        while handled := await delivery.deliver_follow_ups(settings, sessionmaker):
            delivered += handled
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        async with sessionmaker() as session:
            states = await count_by_status(session)
        assert states == {"sent": messages}, states
    finally:
        server.terminate()
        await server.wait()
        await engine.dispose()
    return {
        "delivered": delivered,
        "seconds": round(elapsed, 2),
        "per_second": delivered / elapsed,
        "worker_cpu_ms_per_message": 1000 * cpu / delivered,
    }


async def crash_run(url: str) -> dict[str, int]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        await session.execute(delete(FollowUp))  # start from an empty queue
        await seed_due_messages(session, count=1000)
        await session.execute(text("ANALYZE"))
        await session.commit()
    workers: list[asyncio.subprocess.Process] = []
    try:
        with smtp_server(keep=False) as (inbox, settings):
            env = {
                **os.environ,
                "RAPPORT_DATABASE_URL": url,
                "RAPPORT_SMTP_HOST": "127.0.0.1",
                "RAPPORT_SMTP_PORT": str(settings.smtp_port),
                "RAPPORT_SMTP_SECURITY": "none",
                "RAPPORT_SMTP_TIMEOUT_SECONDS": "1",
                "RAPPORT_WORKER_POLL_SECONDS": "0.1",
                "RAPPORT_LOG_LEVEL": "WARNING",
                "RAPPORT_ENVIRONMENT": "test",
            }

            async def start() -> asyncio.subprocess.Process:
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "tests.delivery_worker", "--lease-seconds", "3",
                    cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                )  # fmt: skip
                workers.append(process)
                assert process.stdout is not None
                await asyncio.wait_for(process.stdout.readline(), timeout=20)
                return process

            first = await start()
            while len(inbox.ids) < 1000 // 3:
                await asyncio.sleep(0.02)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            killed_after = len(inbox.ids)
            second = await start()
            deadline = time.monotonic() + 60
            while True:
                async with sessionmaker() as session:
                    if (await count_by_status(session)).get("sent", 0) >= 1000:
                        break
                assert time.monotonic() < deadline, "the new worker did not finish"
                await asyncio.sleep(0.1)
            second.send_signal(signal.SIGTERM)
            await second.wait()
            return {
                "killed_after": killed_after,
                "distinct_received": len(inbox.ids),
                "delivered_twice": inbox.duplicates,
            }
    finally:
        for process in workers:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await engine.dispose()


async def measure(url: str, messages: int, crash_runs: int) -> dict[str, object]:
    speed = await throughput(url, messages)
    crashes = [await crash_run(url) for _ in range(crash_runs)]
    return {
        "messages": messages,
        "seconds": speed["seconds"],
        "messages_per_second": round(speed["per_second"], 1),
        "worker_cpu_ms_per_message": round(speed["worker_cpu_ms_per_message"], 2),
        "crash_runs": len(crashes),
        "crash_messages_each": 1000,
        "crash_lost": sum(1000 - c["distinct_received"] for c in crashes),
        "crash_delivered_twice": [c["delivered_twice"] for c in crashes],
        "crash_killed_after": [c["killed_after"] for c in crashes],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--crash-runs", type=int, default=5)
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    args = parser.parse_args()
    os.environ["RAPPORT_ENVIRONMENT"] = "test"
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database_url, folder)  # Alembic runs its own event loop
        os.environ["RAPPORT_DATABASE_URL"] = url
        get_settings.cache_clear()
        try:
            figures = asyncio.run(measure(url, args.messages, args.crash_runs))
        finally:
            if args.database_url:
                support.drop_postgres_database(url)
    print(json.dumps({"database": "postgresql" if args.database_url else "sqlite", **figures}))


if __name__ == "__main__":
    main()
