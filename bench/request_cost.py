"""Where a check-in's time goes: CPU milliseconds per request, one request at a time.

    .venv/bin/python bench/request_cost.py [--requests 800]

Seeds a fresh `rapport_cost` database on the local PostgreSQL (as bench/checkin_pg.py does),
then sends requests one after another, in process (httpx's ASGI transport, no sockets between
client and app), and divides this process's CPU time by the number of requests: the ceiling
app's one INSERT, then Rapport's endpoints from the cheapest to the door scan (with the session
cookie), then the floor's door scan (bench/checkin_bare_app.py) and Rapport's scan with a door
pass, the pair bench/checkin_pg.py compares under load. One at a time,
so the figures are the cost of each request's own work; the client's share (about the same for
every row) is included. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_common import migrate, seed
from bench.checkin_pg import admin, db_url

DB_NAME = "rapport_cost"


async def cost(
    app: Any,
    method: str,
    path: str,
    *,
    count: int,
    body: Callable[[int], Any] | None = None,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> float:
    """CPU ms per request over `count` requests, after 30 to warm up."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://127.0.0.1:8000",
            cookies=cookies,
            headers=headers,
        ) as client,
    ):

        async def one(i: int) -> None:
            response = await client.request(method, path, json=body(i) if body else None)
            if response.status_code != 200:
                raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")

        for i in range(30):
            await one(count + i)
        started = time.process_time()
        for i in range(count):
            await one(i)
        return round((time.process_time() - started) / count * 1000, 3)


async def door_pass(app: Any, event: str, signed_in: dict[str, Any]) -> str:
    """A door pass for the seeded staff member, asked for over the signed-in API."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000", **signed_in
        ) as client,
    ):
        response = await client.post(f"{event}/check-in/pass")
        response.raise_for_status()
        return str(response.json()["token"])


async def main(count: int) -> dict[str, Any]:
    url = db_url(database=DB_NAME)
    await admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    await admin(f'CREATE DATABASE "{DB_NAME}"')
    await asyncio.to_thread(migrate, url)
    await admin(
        "CREATE TABLE bench_inserts (id uuid PRIMARY KEY, token varchar(64) NOT NULL, "
        "nonce varchar(64) NOT NULL UNIQUE, created_at timestamptz NOT NULL)",
        DB_NAME,
    )
    os.environ.update(
        RAPPORT_DATABASE_URL=url,
        RAPPORT_ENVIRONMENT="development",
        RAPPORT_RUN_WORKER_IN_PROCESS="false",
        RAPPORT_LOG_LEVEL="WARNING",
        RAPPORT_BASE_URL="http://127.0.0.1:8000",
        BENCH_DATABASE_URL=url,
    )
    seeded = await seed(url, badges_count=5 * count + 300)
    from api.app import create_app
    from bench.checkin_bare_app import app as bare
    from services.db import utcnow

    scanned_at = utcnow().isoformat()

    def scan_body(offset: int) -> Callable[[int], dict[str, str]]:
        return lambda i: {
            "token": seeded.tokens[offset + i],
            "scanned_at": scanned_at,
            "nonce": uuid.uuid4().hex,
            "gate": "A",
            "device": "bench",
        }

    signed_in = {
        "cookies": {"rapport_session": seeded.cookie},
        "headers": {"X-CSRF-Token": seeded.csrf},
    }
    event = f"/api/v1/events/{seeded.event_id}"
    figures = {
        "ceiling_insert": await cost(bare, "POST", "/insert", count=count, body=scan_body(0)),
        "healthz": await cost(create_app(), "GET", "/healthz", count=count),
        "readyz_one_query": await cost(create_app(), "GET", "/readyz", count=count),
        "auth_me_signed_in": await cost(
            create_app(), "GET", "/api/v1/auth/me", count=count, **signed_in
        ),
        "event_signed_in_with_access": await cost(
            create_app(), "GET", event, count=count, **signed_in
        ),
        "check_in_scan": await cost(
            create_app(),
            "POST",
            f"{event}/check-in/scans",
            count=count,
            body=scan_body(count + 50),
            **signed_in,
        ),
        "floor_door_scan": await cost(
            bare,
            "POST",
            f"/door/{seeded.event_id}",
            count=count,
            body=scan_body(2 * count + 100),
            **signed_in,
        ),
        "check_in_scan_with_door_pass": await cost(
            create_app(),
            "POST",
            f"{event}/check-in/scans",
            count=count,
            body=scan_body(3 * count + 150),
            headers={"X-Door-Pass": await door_pass(create_app(), event, signed_in)},
        ),
    }
    await admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    return {
        "benchmark": "request_cost",
        "requests": count,
        "cpu_ms_per_request": figures,
        "scan_vs_ceiling": round(figures["ceiling_insert"] / figures["check_in_scan"], 3),
        "pass_scan_vs_floor": round(
            figures["floor_door_scan"] / figures["check_in_scan_with_door_pass"], 3
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=800)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.requests))))
