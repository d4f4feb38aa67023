"""Conference-size background jobs against a real `rapport serve` (in-process worker).

    .venv/bin/python bench/conference_jobs.py [--rows 10000] [--export-rows 50000]
        [--badges 10000] [--drafts 10000] [--sqlite-only]

On SQLite the worker runs inside `rapport serve` (embedded mode); on PostgreSQL a `rapport
worker` process runs beside it (server mode), measured only once it has started (start_worker).

measure_import: an attendee CSV of ROWS new people imported through the API (202, then the job
followed) while a door phone scans a badge every 100 ms: the import's time, the slowest answer
the import request got, and the p50/p99/max of the door scans sent meanwhile.
measure_exports: the extra server memory (peak resident set size over the one before, read
from /proc; the peak is reset before each export) of the check-in CSV of EXPORT_ROWS
attendees, my EXPORT_ROWS contacts as vCard and CSV, GET-then-download of /me/export holding
those contacts and DRAFTS follow-up drafts, and the badge PDF of BADGES attendees; each job
followed to its end and its file downloaded.

`main` runs both on a fresh SQLite file and a fresh PostgreSQL database
(BENCH_PG_SERVER, default postgresql://postgres@127.0.0.1:5432/postgres) and prints one JSON
object as its last line. Traffic goes to 127.0.0.1 only; every run is bounded (each job by
JOB_TIMEOUT); servers are stopped by their own process id. bench/conference.py calls
measure_import and measure_exports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx
from sqlalchemy import insert

from bench.checkin_common import ROOT, migrate, start_server, stop_server
from services.auth import signin
from services.auth.tokens import new_token
from services.db import create_engine, create_sessionmaker, utcnow
from services.events.badges import BADGE_TOKEN_BYTES
from services.models import (
    Attendee,
    Badge,
    Contact,
    Event,
    EventMember,
    EventRole,
    FollowUp,
    User,
)

JOB_TIMEOUT = 900.0
WORKER_START_TIMEOUT = 60.0
SCAN_EVERY = 0.1
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGETS = {"scan_p99_ms": 250, "extra_mb": 50, "request_ms": 2000}


@dataclass
class World:
    event_id: uuid.UUID
    badge_event_id: uuid.UUID
    organizer: tuple[str, str]  # session token, CSRF token
    staff: tuple[str, str]
    door_token: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _event(session: Any, name: str, organizer: User, staff: User) -> Event:
    now = utcnow()
    event = Event(
        name=name,
        venue="Hall",
        timezone="Europe/Berlin",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
        created_by_id=organizer.id,
    )
    session.add(event)
    await session.flush()
    session.add(EventMember(event_id=event.id, user_id=organizer.id, role=EventRole.organizer))
    session.add(EventMember(event_id=event.id, user_id=staff.id, role=EventRole.staff))
    return event


async def _attendees(session: Any, event_id: uuid.UUID, count: int, tag: str) -> list[str]:
    """`count` attendees with accounts and badges, inserted 2,000 at a time."""
    now, tokens = utcnow(), []
    for start in range(0, count, 2000):
        users, attendees, badges = [], [], []
        for i in range(start, min(start + 2000, count)):
            user_id, attendee_id, email = uuid.uuid4(), uuid.uuid4(), f"{tag}{i}@bench.example"
            users.append({"id": user_id, "email": email, "name": f"Person {i}", "created_at": now})
            attendees.append(
                {
                    "id": attendee_id,
                    "event_id": event_id,
                    "user_id": user_id,
                    "email": email,
                    "name": f"Zoë Person {i}",
                    "company": "Acme, Inc.",
                    "title": "Engineer",
                }
            )
            token = new_token(BADGE_TOKEN_BYTES)
            tokens.append(token)
            badges.append({"attendee_id": attendee_id, "token": token, "issued_at": now})
        await session.execute(insert(User), users)
        await session.execute(insert(Attendee), attendees)
        await session.execute(insert(Badge), badges)
        await session.commit()
    return tokens


async def seed(
    db_url: str, *, attendees: int = 1, badges: int = 0, contacts: int = 0, drafts: int = 0
) -> World:
    """An organizer and a door staff member with sessions, an event with `attendees` (one of
    them the door's test badge), an event of `badges` attendees to print, and the organizer's
    `contacts` contacts and `drafts` follow-up drafts."""
    await asyncio.to_thread(migrate, db_url)  # Alembic runs its own event loop
    engine = create_engine(db_url)
    try:
        async with create_sessionmaker(engine)() as session:
            organizer = User(email="organizer@bench.example", name="Olga", is_organizer=True)
            staff = User(email="door@bench.example", name="Door")
            session.add_all([organizer, staff])
            await session.flush()
            event = await _event(session, "Bench Conf", organizer, staff)
            badge_event = await _event(session, "Badge Day", organizer, staff)
            org_session = await signin.open_session(session, user=organizer)
            staff_session = await signin.open_session(session, user=staff)
            await session.commit()
            door = await _attendees(session, event.id, max(attendees, 1), "guest")
            await _attendees(session, badge_event.id, badges, "badge")
            now, contact_ids = utcnow(), []
            for start in range(0, contacts, 2000):
                rows = []
                for i in range(start, min(start + 2000, contacts)):
                    contact_ids.append(uuid.uuid4())
                    rows.append(
                        {
                            "id": contact_ids[-1],
                            "owner_id": organizer.id,
                            "source": "typed",
                            "name": f"Contact {i}",
                            "company": "=Formula Co",
                            "email": f"contact{i}@bench.example",
                            "met_at": now,
                        }
                    )
                await session.execute(insert(Contact), rows)
                await session.commit()
            for start in range(0, drafts, 2000):
                rows = [
                    {
                        "owner_id": organizer.id,
                        "contact_id": contact_ids[i % len(contact_ids)],
                        "channel": "email",
                        "subject": "Good to meet you",
                        "body": "Hello,\n\nit was good to meet you at Bench Conf. " * 4,
                        "message_id": f"<{uuid.uuid4()}@bench>",
                    }
                    for i in range(start, min(start + 2000, drafts))
                ]
                await session.execute(insert(FollowUp), rows)
                await session.commit()
    finally:
        await engine.dispose()
    return World(
        event_id=event.id,
        badge_event_id=badge_event.id,
        organizer=(org_session.token, org_session.csrf_token),
        staff=(staff_session.token, staff_session.csrf_token),
        door_token=door[0],
    )


def _client(port: int, who: tuple[str, str]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}/api/v1",
        cookies={"rapport_session": who[0]},
        headers={"X-CSRF-Token": who[1]},
        timeout=60,
    )


def _server(db_url: str) -> tuple[Any, Any, int]:
    """`rapport serve`, and on PostgreSQL a `rapport worker` beside it (server mode); on
    SQLite the worker runs inside the server (embedded mode). (server, worker or None, port)"""
    port = _free_port()
    embedded = db_url.startswith("sqlite")
    env = {
        "RAPPORT_DATABASE_URL": db_url,
        "RAPPORT_ENVIRONMENT": "development",
        "RAPPORT_BASE_URL": f"http://127.0.0.1:{port}",
        "RAPPORT_RUN_WORKER_IN_PROCESS": "true" if embedded else "false",
        "RAPPORT_WORKER_POLL_SECONDS": "0.5",
        "RAPPORT_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port)]
    server = start_server(command, env, port)
    worker = None
    if not embedded:
        try:
            worker = start_worker(env, Path(f"/tmp/bench-worker-{port}.log"))
        except BaseException:
            stop_server(server)
            raise
    return server, worker, port


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`rapport worker` (own process group), returned once it has started: its modules
    imported (it logs "worker started"), then its memory steady for half a second (its first
    round of periodic jobs connected). Measuring it sooner counts its start-up (about 100 MB of
    imports) as the first job's memory."""
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker"],
            cwd=ROOT,
            env={**os.environ, **env, "RAPPORT_LOG_LEVEL": "INFO"},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    deadline, last = time.monotonic() + WORKER_START_TIMEOUT, -1.0
    try:
        while True:
            if worker.poll() is not None:
                raise RuntimeError(f"the worker stopped at start; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start in {WORKER_START_TIMEOUT} s")
            time.sleep(0.5)
            if b"worker started" not in log.read_bytes():
                continue
            rss = _rss_mb(worker.pid, "VmRSS")
            if abs(rss - last) < 0.5:
                return worker
            last = rss
    except BaseException:
        stop_server(worker)
        raise


def _stop(server: Any, worker: Any) -> None:
    stop_server(server)
    if worker is not None:
        stop_server(worker)


async def _follow(client: httpx.AsyncClient, job: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """Poll a job until it ends; the job, and the slowest poll in ms."""
    deadline, slowest = time.monotonic() + JOB_TIMEOUT, 0.0
    while job["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {job['id']} did not end in {JOB_TIMEOUT} s")
        await asyncio.sleep(0.25)
        began = time.perf_counter()
        job = (await client.get(f"/jobs/{job['id']}")).json()
        slowest = max(slowest, (time.perf_counter() - began) * 1000)
    return job, slowest


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1) if ordered else 0.0


async def measure_import(db_url: str, rows: int) -> dict[str, Any]:
    """Import `rows` new attendees through the API while the door scans every 100 ms."""
    world = await seed(db_url)
    proc, worker, port = _server(db_url)
    try:
        async with _client(port, world.organizer) as organizer, _client(port, world.staff) as door:
            scan_url = f"/events/{world.event_id}/check-in/scans"

            async def scan() -> float:
                began = time.perf_counter()
                answer = await door.post(
                    scan_url,
                    json={
                        "token": world.door_token,
                        "scanned_at": utcnow().isoformat(),
                        "nonce": uuid.uuid4().hex,
                        "gate": "A",
                        "device": "bench",
                    },
                )
                answer.raise_for_status()
                return (time.perf_counter() - began) * 1000

            for _ in range(5):
                await scan()  # warm
            quiet = [await scan() for _ in range(20)]
            body = "name,email,company,title\n" + "".join(
                f"Guest {i},guest{i}@import.example,Firm {i % 50},Engineer\n" for i in range(rows)
            )
            began = time.perf_counter()
            started = await organizer.post(
                f"/events/{world.event_id}/attendees/import",
                files={"file": ("people.csv", body.encode(), "text/csv")},
            )
            post_ms = (time.perf_counter() - began) * 1000
            started.raise_for_status()
            during: list[float] = []
            follow = asyncio.create_task(_follow(organizer, started.json()))
            while not follow.done():
                during.append(await scan())
                await asyncio.sleep(SCAN_EVERY)
            job, slowest_poll = await follow
            seconds = time.perf_counter() - began
    finally:
        _stop(proc, worker)
    return {
        "rows": rows,
        "status": job["status"],
        "report": job["result"],
        "import_seconds": round(seconds, 1),
        "import_request_ms": round(post_ms, 1),
        "slowest_progress_poll_ms": round(slowest_poll, 1),
        "scans_during_import": len(during),
        "scan_p50_ms": _percentile(during, 0.5),
        "scan_p99_ms": _percentile(during, 0.99),
        "scan_max_ms": round(max(during, default=0.0), 1),
        "scan_p50_quiet_ms": _percentile(quiet, 0.5),
    }


def _rss_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


async def _export_memory(
    client: httpx.AsyncClient, pids: list[int], path: str, **request: Any
) -> dict[str, Any]:
    """One export: start it, follow it, download its file; the extra peak memory of the
    server (and of the worker, in server mode) added up."""
    before = {pid: _rss_mb(pid, "VmRSS") for pid in pids}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak (VmHWM) starts from here
    began = time.perf_counter()
    started = await client.post(path, **request)
    started.raise_for_status()
    job, _ = await _follow(client, started.json())
    if job["status"] != "succeeded":
        raise RuntimeError(f"{path}: {job}")
    size = 0
    async with client.stream("GET", job["file"]["url"].removeprefix("/api/v1")) as download:
        async for piece in download.aiter_bytes():
            size += len(piece)
    return {
        "rows": job["total"],
        "seconds": round(time.perf_counter() - began, 1),
        "file_mb": round(size / 1e6, 1),
        "extra_mb": round(sum(_rss_mb(pid, "VmHWM") - before[pid] for pid in pids), 1),
    }


async def measure_exports(
    db_url: str, rows: int, badges: int, drafts: int | None = None
) -> dict[str, Any]:
    """Extra server memory of each export: check-in CSV and contacts at `rows`, /me/export
    with `rows` contacts and `drafts` drafts, the badge PDF of `badges` attendees."""
    drafts = badges if drafts is None else drafts
    world = await seed(db_url, attendees=rows, badges=badges, contacts=rows, drafts=drafts)
    proc, worker, port = _server(db_url)
    pids = [proc.pid] + ([worker.pid] if worker else [])
    try:
        async with _client(port, world.organizer) as organizer:
            await organizer.get("/me/card")  # warm
            return {
                "check_in_csv": await _export_memory(
                    organizer, pids, f"/events/{world.event_id}/check-ins.csv"
                ),
                "contacts_vcf": await _export_memory(
                    organizer, pids, "/contacts/export.vcf", params={"include_notes": "true"}
                ),
                "contacts_csv": await _export_memory(
                    organizer, pids, "/contacts/export.csv", params={"format": "google"}
                ),
                "me_export": {
                    **await _export_memory(organizer, pids, "/me/export"),
                    "contacts": rows,
                    "drafts": drafts,
                },
                "badges_pdf": await _export_memory(
                    organizer,
                    pids,
                    f"/events/{world.badge_event_id}/badges.pdf",
                    json={"layout": "a6"},
                ),
            }
    finally:
        _stop(proc, worker)


async def _postgres_database() -> tuple[str, str]:
    name = f"rapport_bench_jobs_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_SERVER)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}", name


async def _drop_postgres(name: str) -> None:
    conn = await asyncpg.connect(PG_SERVER)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def run_on(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """Both measurements on a fresh database of `kind` (sqlite or postgresql) each."""
    out: dict[str, Any] = {}
    for measure in ("import",) if args.import_only else ("import", "exports"):
        if kind == "sqlite":
            folder = tempfile.mkdtemp(prefix="rapport-bench-jobs-")
            url, name = f"sqlite+aiosqlite:///{folder}/rapport.db", ""
        else:
            url, name = await _postgres_database()
        try:
            if measure == "import":
                out["import"] = await measure_import(url, args.rows)
            else:
                out["exports"] = await measure_exports(
                    url, args.export_rows, args.badges, args.drafts
                )
        finally:
            if name:
                await _drop_postgres(name)
    return out


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"targets": TARGETS}
    for kind in ("sqlite",) if args.sqlite_only else ("sqlite", "postgresql"):
        results[kind] = await run_on(kind, args)
        print(kind, json.dumps(results[kind]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=50_000)
    parser.add_argument("--badges", type=int, default=10_000)
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--import-only", action="store_true")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
