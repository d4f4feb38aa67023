"""The memory an export costs a fresh `rapport worker` on PostgreSQL, measured as
bench/conference_jobs.py measures it: a real `rapport serve` and a worker process beside it, the
peak resident memory of both over the one before, the peak reset just before the export."""

from __future__ import annotations

import pytest

from bench import conference_jobs
from tests.support import need

ROWS = 5000
EXTRA_MB = 30  # at 50,000 rows the bench measures about 7 MB; a worker's start-up is ~100 MB


@pytest.mark.postgres
async def test_the_first_check_in_csv_of_a_fresh_worker_adds_little_memory(
    fresh_database: str,
) -> None:
    need(fresh_database.startswith("postgresql"), "needs PostgreSQL (RAPPORT_TEST_DATABASE_URL)")
    world = await conference_jobs.seed(fresh_database, attendees=ROWS)
    server, worker, port = conference_jobs._server(fresh_database)
    assert worker is not None  # server mode: the worker is a process of its own
    try:
        async with conference_jobs._client(port, world.organizer) as organizer:
            await organizer.get("/me/card")  # warm the server, as the bench does
            export = await conference_jobs._export_memory(
                organizer, [server.pid, worker.pid], f"/events/{world.event_id}/check-ins.csv"
            )
    finally:
        conference_jobs._stop(server, worker)
    assert export["rows"] == ROWS
    assert export["extra_mb"] < EXTRA_MB, export
