"""Check-in throughput on PostgreSQL next to its ceiling and its floor, measured in one run.

    make bench     (installs wrk, the Debian package, if it is missing; BENCH_ARGS=...)
    .venv/bin/python bench/checkin_pg.py [--seconds 10] [--connections 64] [--rounds 2]

Needs wrk (Debian package `wrk`) and PostgreSQL on 127.0.0.1. Seeds a fresh `rapport_bench`
database on the local server (an event, 60,000 badges, a staff session), then in each round
loads, one after the other, with wrk (2 threads, 64 connections, 10 s), each on badges of its
own:
  - the ceiling: POST /insert of bench/checkin_bare_app.py, a bare FastAPI endpoint doing one
    INSERT;
  - the floor: POST /door/{event} of the same bare app, the least a door scan has to do with
    Rapport's schema (one SELECT for session, role and badge; the check-in INSERT; the scan
    INSERT), and
  - Rapport: `rapport serve --workers 2`, POST /api/v1/events/{id}/check-in/scans, each
    request a different badge (every tenth a repeat), with a door pass in X-Door-Pass as the
    staff scanner sends it (renewed over the signed-in API before each load).
Both servers run 2 processes the same way (cli/server.py): gunicorn with uvicorn's worker, each
process on its own SO_REUSEPORT socket, new connections dealt to them in turn where the kernel lets
us load the program that does it (cli/reuseport.py; it needs root). Halfway through each load it
counts the open connections each server process holds (how wrk's connections were shared out), and
reports the largest share one process held; around each load it reads the CPU time the server's
processes and PostgreSQL's used, per request (`*_server_cpu_ms`, `*_db_cpu_ms`). Afterwards it
checks the database: one live check-in per distinct badge Rapport scanned OK. The last line printed
is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_common import (
    cpu_seconds,
    get_door_pass,
    migrate,
    require_wrk,
    run_wrk,
    seed,
    start_server,
    stop_server,
    write_tokens,
)

SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "rapport_bench"
RAPPORT_PORT, BARE_PORT = 18765, 18766
BADGES = 60_000


def db_url(driver: str = "postgresql+asyncpg", database: str = DB_NAME) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(scheme=driver, path=f"/{database}"))


async def admin(sql: str, database: str = "postgres") -> None:
    parts = urlsplit(SERVER)
    conn = await asyncpg.connect(urlunsplit(parts._replace(path=f"/{database}")))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def fetch(sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(db_url("postgresql"))
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


def connections_per_process(port: int, after: float, seen: list[list[int]]) -> threading.Thread:
    """Count, `after` seconds from now, the connections each process serving `port` holds."""

    def count() -> None:
        threading.Event().wait(after)
        out = subprocess.run(
            ["ss", "-tnpH", "state", "established", "sport", f"= :{port}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        seen.append(sorted(Counter(re.findall(r"pid=(\d+)", out)).values(), reverse=True))

    thread = threading.Thread(target=count, daemon=True)
    thread.start()
    return thread


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    require_wrk()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{DB_NAME}"'))
    migrate(db_url())
    asyncio.run(
        admin(
            "CREATE TABLE bench_inserts (id uuid PRIMARY KEY, token varchar(64) NOT NULL, "
            "nonce varchar(64) NOT NULL UNIQUE, created_at timestamptz NOT NULL)",
            DB_NAME,
        )
    )
    seeded = asyncio.run(seed(db_url(), badges_count=BADGES))
    tmp = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    env = {
        "RAPPORT_DATABASE_URL": db_url(),
        "RAPPORT_ENVIRONMENT": "development",
        "RAPPORT_RUN_WORKER_IN_PROCESS": "false",
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_BASE_URL": f"http://127.0.0.1:{RAPPORT_PORT}",
        "BENCH_DATABASE_URL": db_url(),
    }
    venv = Path(sys.executable).parent
    command = [str(venv / "rapport"), "serve", "--workers", "2", "--port", str(RAPPORT_PORT)]
    rapport = start_server(command, env, RAPPORT_PORT)
    bare = start_server(
        [sys.executable, "-m", "bench.checkin_bare_app", str(BARE_PORT)], env, BARE_PORT
    )
    paths = {
        "ceiling": (BARE_PORT, "/insert"),
        "floor": (BARE_PORT, f"/door/{seeded.event_id}"),
        "checkin": (RAPPORT_PORT, f"/api/v1/events/{seeded.event_id}/check-in/scans"),
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
    split: dict[str, list[list[int]]] = {name: [] for name in paths}
    # the warm-up round and each measured round give each load its own slice of badges
    per_load = BADGES // ((args.rounds + 1) * len(paths))
    try:
        for n in range(args.rounds + 1):
            seconds = 3 if n == 0 else args.seconds  # round 0 warms the servers up
            line = []
            for k, (name, (port, path)) in enumerate(paths.items()):
                first = (n * len(paths) + k) * per_load
                tokens = write_tokens(
                    tmp / f"tokens{n}-{name}.txt", seeded.tokens[first : first + per_load]
                )
                counter = connections_per_process(port, seconds / 2, split[name] if n else [])
                door_pass = get_door_pass(port, seeded) if name == "checkin" else ""
                group = (rapport if name == "checkin" else bare).pid
                cpu_before = cpu_seconds(group=group), cpu_seconds(command="postgres")
                figures = run_wrk(
                    door_pass=door_pass,
                    port=port,
                    path=path,
                    tokens_file=tokens,
                    seeded=seeded,
                    connections=args.connections,
                    seconds=seconds,
                )
                counter.join()
                cpu_after = cpu_seconds(group=group), cpu_seconds(command="postgres")
                for key, before, after in zip(
                    ("server_cpu_ms", "db_cpu_ms"), cpu_before, cpu_after, strict=True
                ):
                    figures[key] = round((after - before) * 1000 / figures["requests"], 2)
                if n:
                    results[name].append(figures)
                line.append(f"{name} {figures}")
            print(f"round {n}: " + "\n         ".join(line), flush=True)
    finally:
        stop_server(rapport)
        stop_server(bare)

    # Rapport's rows only (device "wrk"); the floor writes device "floor"
    rows = asyncio.run(
        fetch(
            "SELECT (SELECT count(*) FROM check_ins WHERE undone_at IS NULL AND device = 'wrk') "
            "AS live, (SELECT count(DISTINCT attendee_id) FROM check_ins WHERE device = 'wrk') "
            "AS people, (SELECT count(*) FROM check_in_scans WHERE device = 'wrk') AS scans, "
            "(SELECT count(*) FROM check_in_scans WHERE device = 'wrk' AND outcome = 'ok') AS ok, "
            "(SELECT count(*) FROM check_in_scans WHERE device = 'wrk' "
            "AND outcome = 'already_checked_in') AS again"
        )
    )
    db = dict(rows[0])

    def ratio(over: str, under: str) -> list[float]:
        pairs = zip(results[over], results[under], strict=True)
        return [round(a["rps"] / b["rps"], 3) for a, b in pairs]

    summary: dict[str, object] = {
        "benchmark": "checkin_pg",
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
    }
    for name in paths:
        summary[f"{name}_rps"] = [r["rps"] for r in results[name]]
        summary[f"{name}_p50_ms"] = [r["p50_ms"] for r in results[name]]
        summary[f"{name}_p99_ms"] = [r["p99_ms"] for r in results[name]]
        summary[f"{name}_connections_per_process"] = split[name]
        summary[f"{name}_server_cpu_ms"] = [r["server_cpu_ms"] for r in results[name]]
        summary[f"{name}_db_cpu_ms"] = [r["db_cpu_ms"] for r in results[name]]
        summary[f"{name}_largest_share"] = [
            round(max(held) / sum(held), 3) if held else None for held in split[name]
        ]
    summary |= {
        "ratio": ratio("checkin", "ceiling"),
        "floor_ratio": ratio("floor", "ceiling"),
        "checkin_vs_floor": ratio("checkin", "floor"),
        "checkin_max_ms": [r["max_ms"] for r in results["checkin"]],
        "errors": sum(r["errors"] for rs in results.values() for r in rs),
        "db_live_check_ins": db["live"],
        "db_people_checked_in": db["people"],
        "db_scans": db["scans"],
        "db_ok_scans": db["ok"],
        "db_already_scans": db["again"],
        "one_check_in_per_person": db["live"] == db["people"] == db["ok"],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
