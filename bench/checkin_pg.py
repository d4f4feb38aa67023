"""Check-in throughput on PostgreSQL next to its ceiling, measured in the same run.

    .venv/bin/python bench/checkin_pg.py [--seconds 10] [--connections 64] [--rounds 2]

Seeds a fresh `rapport_bench` database on the local server (an event, 40,000 badges, a staff
session), then alternately loads, with wrk (2 threads, 64 connections, 10 s):
  - the ceiling: bench/checkin_bare_app.py, a bare FastAPI endpoint doing one INSERT
    (uvicorn, 2 workers), and
  - Rapport: `rapport serve --workers 2`, POST /api/v1/events/{id}/check-in/scans, each
    request a different badge (every tenth a repeat), with the staff session and CSRF header.
Afterwards it checks the database: one live check-in per distinct badge scanned OK. The last
line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_common import (
    migrate,
    run_wrk,
    seed,
    start_server,
    stop_server,
    write_tokens,
)

SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "rapport_bench"
RAPPORT_PORT, BARE_PORT = 18765, 18766
BADGES = 40_000


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

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
    # warm-up and each measured round use their own slice of badges
    slices = BADGES // (args.rounds + 1)
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
        [
            str(venv / "uvicorn"),
            "bench.checkin_bare_app:app",
            "--workers",
            "2",
            "--port",
            str(BARE_PORT),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env,
        BARE_PORT,
    )
    scan_path = f"/api/v1/events/{seeded.event_id}/check-in/scans"
    results: dict[str, list[dict[str, float]]] = {"ceiling": [], "checkin": []}
    try:
        for n in range(args.rounds + 1):
            tokens = write_tokens(
                tmp / f"tokens{n}.txt", seeded.tokens[n * slices : (n + 1) * slices]
            )
            seconds = 3 if n == 0 else args.seconds  # round 0 warms both servers up
            common = {
                "tokens_file": tokens,
                "seeded": seeded,
                "connections": args.connections,
                "seconds": seconds,
            }
            ceiling = run_wrk(port=BARE_PORT, path="/insert", **common)
            checkin = run_wrk(port=RAPPORT_PORT, path=scan_path, **common)
            if n:
                results["ceiling"].append(ceiling)
                results["checkin"].append(checkin)
            print(f"round {n}: ceiling {ceiling}\n         checkin {checkin}", flush=True)
    finally:
        stop_server(rapport)
        stop_server(bare)

    rows = asyncio.run(
        fetch(
            "SELECT (SELECT count(*) FROM check_ins WHERE undone_at IS NULL) AS live, "
            "(SELECT count(DISTINCT attendee_id) FROM check_ins) AS people, "
            "(SELECT count(*) FROM check_in_scans) AS scans, "
            "(SELECT count(*) FROM check_in_scans WHERE outcome = 'ok') AS ok, "
            "(SELECT count(*) FROM check_in_scans WHERE outcome = 'already_checked_in') AS again"
        )
    )
    db = dict(rows[0])
    best = max(range(args.rounds), key=lambda i: results["checkin"][i]["rps"])
    summary = {
        "benchmark": "checkin_pg",
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "ceiling_rps": [r["rps"] for r in results["ceiling"]],
        "checkin_rps": [r["rps"] for r in results["checkin"]],
        "ratio": [
            round(c["rps"] / b["rps"], 3)
            for c, b in zip(results["checkin"], results["ceiling"], strict=True)
        ],
        "ceiling_p50_ms": [r["p50_ms"] for r in results["ceiling"]],
        "ceiling_p99_ms": [r["p99_ms"] for r in results["ceiling"]],
        "checkin_p50_ms": [r["p50_ms"] for r in results["checkin"]],
        "checkin_p99_ms": [r["p99_ms"] for r in results["checkin"]],
        "checkin_max_ms": [r["max_ms"] for r in results["checkin"]],
        "errors": sum(r["errors"] for r in results["checkin"] + results["ceiling"]),
        "best_round": best,
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
