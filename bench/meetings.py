"""Free meeting slots at a big event: 5,000 attendees and 20,000 meetings booked; measures the
slots offered when one person asks another (free for both, a place free), through the service
the API calls (services.network.meetings.common_slots), and for one person alone.

    .venv/bin/python bench/meetings.py                       # SQLite (a temporary file)
    .venv/bin/python bench/meetings.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/x

The event has two days of meetings, 09:00-18:00 in Berlin, 20-minute slots (54 slots), and 40
places holding 10 meetings each. Meetings are spread at random: about 370 per slot, 8 per
person. The PostgreSQL server URL names any database; a scratch database is created and
dropped. Bounded: `--queries` measured calls after 20 warm-up calls. The last line printed is
one JSON object with the figures. Target: p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from services.db import create_engine, create_sessionmaker, utcnow
from services.models import (
    Attendee,
    Event,
    Meeting,
    MeetingPersonSlot,
    MeetingPlace,
    MeetingPlaceSlot,
    MeetingRequest,
    MeetingSettings,
    User,
)
from services.network import meeting_settings, meetings
from tests import support

DAYS = ("2030-06-10", "2030-06-11")
PLACES, SEATS = 40, 10


async def _chunks(session: Any, model: Any, rows: list[dict[str, Any]], size: int = 2000) -> None:
    for start in range(0, len(rows), size):
        await session.execute(insert(model), rows[start : start + size])


async def seed(url: str, *, people: int, booked: int) -> tuple[Any, Event, list[User], list[Any]]:
    """The event, its settings and places, the attendees, and `booked` meetings."""
    engine = create_engine(url)
    make = create_sessionmaker(engine)
    rng = random.Random(14)
    now = utcnow()
    async with make() as session:
        event = Event(
            name="Big Conf",
            venue="Hall",
            timezone="Europe/Berlin",
            starts_at=datetime.fromisoformat(f"{DAYS[0]}T06:00:00+00:00"),
            ends_at=datetime.fromisoformat(f"{DAYS[-1]}T18:00:00+00:00"),
        )
        session.add(event)
        await session.flush()
        session.add(
            MeetingSettings(
                event_id=event.id,
                enabled=True,
                windows=[{"day": d, "start": "09:00", "end": "18:00"} for d in DAYS],
                slot_minutes=20,
                find_each_other=False,
                max_pending_out=10,
                max_meetings_per_day=12,
                expiry_hours=24,
            )
        )
        places = [
            {"id": uuid.uuid4(), "event_id": event.id, "name": f"Table {n + 1}", "capacity": SEATS,
             "position": n}
            for n in range(PLACES)
        ]  # fmt: skip
        await session.execute(insert(MeetingPlace), places)
        await session.flush()
        users = [
            {"id": uuid.uuid4(), "email": f"m{i}@bench.example", "name": f"Person {i}",
             "is_organizer": False, "created_at": now}
            for i in range(people)
        ]  # fmt: skip
        await _chunks(session, User, users)
        attendees = [
            {"id": uuid.uuid4(), "event_id": event.id, "user_id": u["id"], "email": u["email"],
             "name": u["name"], "company": "Acme", "title": "", "directory_listed_at": now,
             "created_at": now, "updated_at": now}
            for u in users
        ]  # fmt: skip
        await _chunks(session, Attendee, attendees)
        setup = await meeting_settings.setup_of(session, event=event)
        starts = setup.slot_starts()
        per_slot = -(-booked // len(starts))
        requests, rows, person_rows, place_rows = [], [], [], []
        made = 0
        for at in starts:
            chosen = rng.sample(users, 2 * per_slot)
            for k in range(per_slot):
                if made == booked:
                    break
                a, b = chosen[2 * k]["id"], chosen[2 * k + 1]["id"]
                request_id, meeting_id = uuid.uuid4(), uuid.uuid4()
                place = places[k // SEATS]
                requests.append(
                    {"id": request_id, "event_id": event.id, "requester_id": a, "invitee_id": b,
                     "awaiting_id": b, "message": "", "slots": [at.isoformat()],
                     "status": "accepted", "requester_proposed": False, "invitee_proposed": False,
                     "created_at": now, "expires_at": at, "closed_at": now}
                )  # fmt: skip
                rows.append(
                    {"id": meeting_id, "event_id": event.id, "request_id": request_id,
                     "requester_id": a, "invitee_id": b, "starts_at": at,
                     "ends_at": at + timedelta(minutes=20), "place_id": place["id"],
                     "place_name": place["name"], "status": "booked", "created_at": now}
                )  # fmt: skip
                for person in (a, b):
                    person_rows.append(
                        {"id": uuid.uuid4(), "meeting_id": meeting_id, "event_id": event.id,
                         "user_id": person, "starts_at": at}
                    )  # fmt: skip
                place_rows.append(
                    {"id": uuid.uuid4(), "meeting_id": meeting_id, "event_id": event.id,
                     "place_id": place["id"], "starts_at": at, "seat": k % SEATS}
                )  # fmt: skip
                made += 1
        await _chunks(session, MeetingRequest, requests)
        await _chunks(session, Meeting, rows)
        await _chunks(session, MeetingPersonSlot, person_rows)
        await _chunks(session, MeetingPlaceSlot, place_rows)
        await session.commit()
        people_rows = [User(id=u["id"], email=u["email"], name=u["name"]) for u in users]
        return make, event, people_rows, attendees


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


async def run(url: str, *, people: int, booked: int, queries: int) -> dict[str, object]:
    started = time.perf_counter()
    make, event, users, attendees = await seed(url, people=people, booked=booked)
    seeded = time.perf_counter() - started
    rng = random.Random(41)
    both: list[float] = []
    alone: list[float] = []
    offered = []
    for n in range(20 + queries):
        i, j = rng.sample(range(people), 2)
        async with make() as session:
            t0 = time.perf_counter()
            _, slots = await meetings.common_slots(
                session, event=event, user=users[i], attendee_id=attendees[j]["id"]
            )
            t1 = time.perf_counter()
            await meetings.common_slots(session, event=event, user=users[i], attendee_id=None)
            t2 = time.perf_counter()
        if n >= 20:
            both.append((t1 - t0) * 1000)
            alone.append((t2 - t1) * 1000)
            offered.append(len(slots))
    return {
        "database": url.split(":", 1)[0],
        "attendees": people,
        "meetings": booked,
        "queries": queries,
        "two_people": _ms(both),
        "one_person": _ms(alone),
        "slots_offered_mean": round(statistics.mean(offered), 1),
        "seeding_s": round(seeded, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="PostgreSQL server URL (asyncpg)")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--meetings", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    sizes = {"people": args.people, "booked": args.meetings, "queries": min(args.queries, 5000)}
    if args.postgres:
        url = support.create_postgres_database(
            args.postgres, f"bench_meetings_{uuid.uuid4().hex[:8]}"
        )
        try:
            support.migrate(url)
            result = asyncio.run(run(url, **sizes))
        finally:
            support.drop_postgres_database(url)
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            support.migrate(url)
            result = asyncio.run(run(url, **sizes))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
