"""Check-in on SQLite (the embedded mode): 16 concurrent door phones for 10 s.

    .venv/bin/python bench/checkin_sqlite.py [--seconds 10] [--connections 16]

Seeds a fresh SQLite file (an event, 20,000 badges, a staff session), serves it with
`rapport serve` (one process, as for SQLite), and loads POST .../check-in/scans with wrk
(each request a different badge, every tenth a repeat). Target: no errors and no request over
1 s. Checks afterwards that each person scanned OK has exactly one live check-in. The last
line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_common import (
    migrate,
    require_wrk,
    run_wrk,
    seed,
    start_server,
    stop_server,
    write_tokens,
)

PORT = 18767
BADGES = 20_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    require_wrk()

    tmp = Path(tempfile.mkdtemp(prefix="rapport-bench-sqlite-"))
    path = tmp / "rapport.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate(url)
    seeded = asyncio.run(seed(url, badges_count=BADGES))
    env = {
        "RAPPORT_DATABASE_URL": url,
        "RAPPORT_ENVIRONMENT": "development",
        "RAPPORT_RUN_WORKER_IN_PROCESS": "false",
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_BASE_URL": f"http://127.0.0.1:{PORT}",
    }
    venv = Path(sys.executable).parent
    server = start_server(
        [str(venv / "rapport"), "serve", "--workers", "1", "--port", str(PORT)], env, PORT
    )
    scan_path = f"/api/v1/events/{seeded.event_id}/check-in/scans"
    half = BADGES // 2
    try:
        warm = write_tokens(tmp / "warm.txt", seeded.tokens[half:])
        run_wrk(
            port=PORT,
            path=scan_path,
            tokens_file=warm,
            seeded=seeded,
            connections=args.connections,
            seconds=2,
        )
        tokens = write_tokens(tmp / "tokens.txt", seeded.tokens[:half])
        result = run_wrk(
            port=PORT,
            path=scan_path,
            tokens_file=tokens,
            seeded=seeded,
            connections=args.connections,
            seconds=args.seconds,
        )
        print(f"measured: {result}", flush=True)
    finally:
        stop_server(server)

    with sqlite3.connect(path) as conn:
        live, people, ok, again = conn.execute(
            "SELECT (SELECT count(*) FROM check_ins WHERE undone_at IS NULL), "
            "(SELECT count(DISTINCT attendee_id) FROM check_ins), "
            "(SELECT count(*) FROM check_in_scans WHERE outcome = 'ok'), "
            "(SELECT count(*) FROM check_in_scans WHERE outcome = 'already_checked_in')"
        ).fetchone()
    summary = {
        "benchmark": "checkin_sqlite",
        "connections": args.connections,
        "seconds": args.seconds,
        "rps": result["rps"],
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
        "max_ms": result["max_ms"],
        "errors": result["errors"],
        "requests": result["requests"],
        "none_over_1s": result["max_ms"] < 1000 and result["errors"] == 0,
        "db_live_check_ins": live,
        "db_ok_scans": ok,
        "db_already_scans": again,
        "one_check_in_per_person": live == people == ok,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
