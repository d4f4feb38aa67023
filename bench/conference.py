"""Conference scale (issue 11): the directory, people to meet, a popular card and the door pack,
measured against a real `rapport serve` on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.conference [--attendees 50000] [--listed 20000]
        [--holders 35000] [--databases sqlite,postgresql] [--requests 60]

For each database: a fresh one (a SQLite file in a temporary folder; a PostgreSQL database on
127.0.0.1, made and dropped here), built by Alembic and seeded with SQLAlchemy core in chunks
(bench/conference_seed.py): one event of ATTENDEES attendees with badges, LISTED of them in the
directory with cards, and a keynote speaker whose card HOLDERS of them hold. `rapport serve`
(one process, no in-process worker) serves it on a free port of 127.0.0.1; each function of
MEASURES then runs, bounded in requests, and adds its figures (among them door scans during
three full sync batches). The last line printed is one
JSON object: per database, each figure next to its target.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from bench import conference_jobs
from bench.checkin_common import migrate, start_server, stop_server
from bench.conference_seed import Seeded, seed
from services.db import create_engine, create_sessionmaker, unit_of_work, utcnow
from services.people import cards

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432"
TARGETS = {
    "directory_p95_ms": 150,
    "directory_search_p95_ms": 150,
    "people_to_meet_p95_ms": 150,
    "card_edit_p95_ms": 300,
    "pack_gzip_bytes": 4_000_000,
    "pack_server_extra_mb": 50,
    "door_scan_p99_ms_while_20_phones_fetch": 250,
    "door_scan_p99_ms_during_sync_batch": 250,
}


@dataclass
class Conference:
    """A seeded database served on a free port, with what the measures need."""

    db_url: str
    seeded: Seeded
    port: int = 0
    server: Any = None
    requests: int = 60
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """(Re)start the server on a free port: a fresh process, nothing cached."""
        self.stop()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            "RAPPORT_DATABASE_URL": self.db_url,
            "RAPPORT_ENVIRONMENT": "development",
            "RAPPORT_RUN_WORKER_IN_PROCESS": "false",
            "RAPPORT_LOG_LEVEL": "WARNING",
            "RAPPORT_BASE_URL": self.base_url,
        }
        rapport = str(Path(sys.executable).parent / "rapport")
        command = [rapport, "serve", "--workers", "1", "--port", str(self.port)]
        self.server = start_server(command, env, self.port)

    def stop(self) -> None:
        if self.server is not None:
            stop_server(self.server)
            self.server = None

    def client(self, who: str, **kwargs: Any) -> httpx.AsyncClient:
        """An HTTP client signed in as the viewer, the speaker or the door staff."""
        cookie, csrf = self.seeded.sessions[who]
        return httpx.AsyncClient(
            base_url=self.base_url,
            cookies={"rapport_session": cookie},
            headers={"X-CSRF-Token": csrf},
            timeout=60,
            **kwargs,
        )


def _ms(seconds: list[float], q: int) -> float:
    """The q-th percentile, in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return round(cuts[q - 1] * 1000, 1)


async def _timed(call: Awaitable[httpx.Response]) -> float:
    started = time.perf_counter()
    response = await call
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


async def measure_directory(conf: Conference) -> dict[str, Any]:
    """Pages of 50 of the directory (anywhere in it, and searched) and of people to meet."""
    path = f"/api/v1/events/{conf.seeded.event_id}"
    pages = max(1, conf.seeded.listed // 50)
    words = ["volta", "battery", "engineer", "ma", "recycling ai", "zz-nobody"]
    async with conf.client("viewer") as client:
        total = (await client.get(f"{path}/people-to-meet")).json()["total"]
        listing, search, meet = [], [], []
        for i in range(conf.requests):
            offset = random.randrange(pages) * 50
            listing.append(await _timed(client.get(f"{path}/directory", params={"offset": offset})))
            query = {"q": words[i % len(words)]}
            search.append(await _timed(client.get(f"{path}/directory", params=query)))
            offset = random.randrange(max(1, total // 50)) * 50
            meet.append(
                await _timed(client.get(f"{path}/people-to-meet", params={"offset": offset}))
            )
    return {
        "listed": conf.seeded.listed,
        "people_to_meet_total": total,
        "directory_p95_ms": _ms(listing, 95),
        "directory_search_p95_ms": _ms(search, 95),
        "people_to_meet_p95_ms": _ms(meet, 95),
    }


async def measure_card_edit(conf: Conference) -> dict[str, Any]:
    """PUT /me/card by the speaker whose card HOLDERS hold; then the worker's catch-up."""
    times = []
    async with conf.client("speaker") as client:
        card = (await client.get("/api/v1/me/card")).json()
        for i in range(max(5, conf.requests // 6)):
            body = {**card, "company": f"Keynote Labs {i}"}
            body.pop("has_photo", None)
            times.append(await _timed(client.put("/api/v1/me/card", json=body)))
    engine = create_engine(conf.db_url)
    sessionmaker = create_sessionmaker(engine)
    started, chunks, copies = time.perf_counter(), 0, 0
    while time.perf_counter() - started < 600:
        async with unit_of_work(sessionmaker) as session:
            done = await cards.refresh_waiting_copies(session)
        if not done:
            break
        chunks, copies = chunks + 1, copies + done
    await engine.dispose()
    return {
        "card_holders": conf.seeded.holders,
        "card_edit_p95_ms": _ms(times, 95),
        "card_edit_max_ms": round(max(times) * 1000, 1),
        "card_copies_caught_up_s": round(time.perf_counter() - started, 1),
        "card_copies_refreshed": copies,
        "card_copies_chunks": chunks,
    }


def _pids(root: int) -> list[int]:
    """The server process and its children."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            children = (task / "children").read_text().split()
            todo.extend(int(c) for c in children)
    return found


def _memory_kb(pids: list[int], field_name: str) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                total += int(line.split()[1])
    return total


async def measure_pack(conf: Conference) -> dict[str, Any]:
    """The full pack from a fresh server: its size on the wire and the server's peak memory
    above what it held before (peak RSS reset through /proc/PID/clear_refs); then an update."""
    conf.start()
    path = f"/api/v1/events/{conf.seeded.event_id}/door/offline-pack"
    pids = _pids(conf.server.pid)
    async with conf.client("staff") as client:
        await client.get("/api/v1/me")  # warm: imports, connections
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        before = _memory_kb(pids, "VmRSS")
        started = time.perf_counter()
        async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
            wire = b"".join([chunk async for chunk in response.aiter_raw()])
        seconds = time.perf_counter() - started
        peak = _memory_kb(pids, "VmHWM")
        version = json.loads(gzip.decompress(wire))["version"]
        update = await client.get(path, params={"since": version})
        update_bytes = update.num_bytes_downloaded
    return {
        "pack_attendees": conf.seeded.attendees,
        "pack_gzip_bytes": len(wire),
        "pack_build_s": round(seconds, 2),
        "pack_server_extra_mb": round((peak - before) / 1024, 1),
        "pack_update_gzip_bytes": update_bytes,
    }


async def _scans(conf: Conference, stop: asyncio.Event, tokens: list[str]) -> list[float]:
    """Door scans one after another (two doors) until `stop`: their latencies."""
    path = f"/api/v1/events/{conf.seeded.event_id}/check-in/scans"
    times: list[float] = []

    async def door(gate: str) -> None:
        async with conf.client("staff") as client:
            while not stop.is_set() and tokens:
                body = {
                    "token": tokens.pop(),
                    "nonce": uuid.uuid4().hex,
                    "gate": gate,
                    "scanned_at": utcnow().isoformat(),
                }
                times.append(await _timed(client.post(path, json=body)))

    await asyncio.gather(door("A"), door("B"))
    return times


async def measure_scans_while_phones_fetch(conf: Conference) -> dict[str, Any]:
    """Door scans before, and while 20 phones fetch the pack at once from a fresh server (each
    then asks for the update since, as the PWA does)."""
    conf.start()
    tokens = list(conf.seeded.scan_tokens)
    stop = asyncio.Event()
    quiet = asyncio.create_task(_scans(conf, stop, tokens))
    await asyncio.sleep(5)
    stop.set()
    before = await quiet
    path = f"/api/v1/events/{conf.seeded.event_id}/door/offline-pack"

    async def phone() -> int:
        # Not unpacked here: the bench's own work would slow the scans it times.
        async with conf.client("staff") as client:
            async with client.stream("GET", path) as response:
                size = sum([len(chunk) async for chunk in response.aiter_raw()])
            since = (utcnow() - timedelta(minutes=1)).isoformat()
            async with client.stream("GET", path, params={"since": since}) as response:
                size += sum([len(chunk) async for chunk in response.aiter_raw()])
            return size

    stop = asyncio.Event()
    during_task = asyncio.create_task(_scans(conf, stop, tokens))
    started = time.perf_counter()
    sizes = await asyncio.gather(*(phone() for _ in range(20)))
    fetch_s = time.perf_counter() - started
    stop.set()
    during = await during_task
    return {
        "door_scan_p99_ms_quiet": _ms(before, 99),
        "door_scan_p99_ms_while_20_phones_fetch": _ms(during, 99),
        "door_scans_while_fetching": len(during),
        "pack_20_phones_s": round(fetch_s, 2),
        "pack_20_phones_bytes": sum(sizes),
    }


def _sync_batch(size: int) -> list[dict[str, Any]]:
    """A full outbox: a contact, then a note about it, in turn (what the PWA queues offline)."""
    ops: list[dict[str, Any]] = []
    for i in range(size // 2):
        contact_id = str(uuid.uuid4())
        contact = {"id": contact_id, "name": f"Met {i}", "company": "Acme"}
        note = {"id": str(uuid.uuid4()), "contact_id": contact_id, "text": f"talked about {i}"}
        ops.append({"id": str(uuid.uuid4()), "type": "contact.create", "payload": contact})
        ops.append({"id": str(uuid.uuid4()), "type": "note.create", "payload": note})
    return ops


async def measure_scans_during_sync_batches(conf: Conference) -> dict[str, Any]:
    """Door scans (two doors) while a phone uploads three full sync batches (500 operations
    each, one after the other): on SQLite the batch commits in chunks of about 50 ms."""
    half = conf.seeded.scan_tokens[: len(conf.seeded.scan_tokens) // 2]  # the rest: measures after
    tokens = list(half)
    stop = asyncio.Event()
    scanning = asyncio.create_task(_scans(conf, stop, tokens))
    batch_s: list[float] = []
    async with conf.client("viewer") as phone:
        for _ in range(3):
            ops = _sync_batch(500)
            started = time.perf_counter()
            answer = await phone.post("/api/v1/sync", json={"device": "bench", "operations": ops})
            batch_s.append(time.perf_counter() - started)
            assert answer.json()["counts"] == {"applied": 500}, answer.text
    stop.set()
    during = await scanning
    return {
        "sync_batch_500_ops_s": round(statistics.median(batch_s), 2),
        "door_scan_p99_ms_during_sync_batch": _ms(during, 99),
        "door_scans_during_sync_batch": len(during),
    }


Measure = Callable[[Conference], Awaitable[dict[str, Any]]]
MEASURES: list[Measure] = [
    measure_directory,
    measure_card_edit,
    measure_pack,
    measure_scans_during_sync_batches,
    measure_scans_while_phones_fetch,
]
# The import and the exports (bench/conference_jobs.py) each seed a fresh database of their own.
JOB_TARGETS = {"import_scan_p99_ms": 250, "export_extra_mb": 50}


async def measure_jobs(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """The 10,000-row import with door scans during it, and each export's extra memory."""
    return await conference_jobs.run_on(
        kind,
        argparse.Namespace(
            import_only=args.import_only,
            rows=10_000,
            export_rows=50_000,
            badges=10_000,
            drafts=10_000,
        ),
    )


def _database(kind: str, folder: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database and how to drop it."""
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{folder / 'conference.db'}", lambda: None
    name = f"rapport_bench_{uuid.uuid4().hex[:8]}"
    from tests import support

    url = support.create_postgres_database(f"{POSTGRES}/postgres", name)
    return url, lambda: support.drop_postgres_database(url)


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed the migrated database at `url`, serve it, and run every measure."""
    conf: Conference | None = None
    try:
        started = time.perf_counter()
        seeded = await seed(url, attendees=args.attendees, listed=args.listed, holders=args.holders)
        figures: dict[str, Any] = {"seed_s": round(time.perf_counter() - started, 1)}
        conf = Conference(db_url=url, seeded=seeded, requests=args.requests)
        conf.start()
        for measure in MEASURES:
            figures.update(await measure(conf))
        conf.stop()
    finally:
        if conf is not None:
            conf.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=50_000)
    parser.add_argument("--listed", type=int, default=20_000)
    parser.add_argument("--holders", type=int, default=35_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--no-jobs", action="store_true", help="skip the import and exports")
    parser.add_argument("--import-only", action="store_true", help="of the jobs, the import")
    args = parser.parse_args()
    os.environ.setdefault("RAPPORT_SECRET_KEY", "bench-" + "x" * 40)
    results = {}
    for kind in args.databases.split(","):
        print(f"{kind}: seeding and measuring…", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as folder:
            url, drop = _database(kind, Path(folder))
            try:
                migrate(url)
                results[kind] = asyncio.run(run(url, args))
            finally:
                drop()
        if not args.no_jobs:
            results[kind]["jobs"] = asyncio.run(measure_jobs(kind, args))
            results[kind]["jobs"]["targets"] = JOB_TARGETS
        print(f"{kind}: {json.dumps(results[kind])}", file=sys.stderr, flush=True)
    out = {
        kind: {
            name: {"value": value, "target": TARGETS[name]} if name in TARGETS else value
            for name, value in figures.items()
        }
        for kind, figures in results.items()
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
