"""Printable badges for 1,000 attendees: time and peak memory, per layout.

    .venv/bin/python bench/badge_pdf.py [--attendees 1000]

Seeds a SQLite file with an event of N attendees (names in Latin with accents, Greek,
Cyrillic, and some very long ones) and runs the same service the API calls,
services.events.badges.badges_pdf, once per layout (A6, A4x4, A4x8). Peak memory is the process's
maximum resident set size (getrusage), which includes Python and the imports. Targets: under
10 s and under 300 MB. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bench.checkin_common import migrate
from schemas.badges import BadgeLayout
from services.auth.tokens import new_token
from services.db import create_engine, create_sessionmaker, utcnow
from services.events import badges
from services.models import Attendee, Badge, Event, User

NAMES = [
    "Zoë Ångström",
    "Σοφία Παπαδοπούλου",
    "Дмитрий Шостакович",
    "Maximiliane Alexandra Konstanze von Hohenzollern-Sigmaringen",
    "Ann Lee",
    "François Müller-Łukasiewicz",
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(count: int, url: str) -> dict[str, object]:
    engine = create_engine(url)
    make = create_sessionmaker(engine)
    now = utcnow()
    async with make() as session:
        event = Event(
            name="DevConf 2026",
            venue="Hall",
            timezone="Europe/Berlin",
            starts_at=now,
            ends_at=now + timedelta(days=1),
        )
        session.add(event)
        await session.flush()
        users, people, rows = [], [], []
        for i in range(count):
            user_id, attendee_id = uuid.uuid4(), uuid.uuid4()
            name = f"{NAMES[i % len(NAMES)]} {i}"
            users.append(
                {
                    "id": user_id,
                    "email": f"p{i}@bench.example",
                    "name": name,
                    "is_organizer": False,
                    "created_at": now,
                }
            )
            people.append(
                {
                    "id": attendee_id,
                    "event_id": event.id,
                    "user_id": user_id,
                    "email": f"p{i}@bench.example",
                    "name": name,
                    "company": "Ørsted & Søn A/S",
                    "title": "Ingénieure principale",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "attendee_id": attendee_id,
                    "token": new_token(24),
                    "issued_at": now,
                    "revoked_at": None,
                }
            )
        await session.execute(insert(User), users)
        await session.execute(insert(Attendee), people)
        await session.execute(insert(Badge), rows)
        await session.commit()
    before = peak_mb()
    figures: dict[str, object] = {
        "benchmark": "badge_pdf",
        "attendees": count,
        "peak_rss_mb_before": round(before, 1),
    }
    for layout in BadgeLayout:
        async with make() as session:
            started = time.perf_counter()
            pdf = await badges.badges_pdf(session, event=event, layout=layout)
            seconds = time.perf_counter() - started
        figures[f"{layout.value}_seconds"] = round(seconds, 2)
        figures[f"{layout.value}_mb"] = round(len(pdf) / 1e6, 2)
        print(f"{layout.value}: {seconds:.2f} s, {len(pdf) / 1e6:.1f} MB PDF", flush=True)
    await engine.dispose()
    figures["peak_rss_mb"] = round(peak_mb(), 1)
    figures["max_seconds"] = max(v for k, v in figures.items() if k.endswith("_seconds"))
    figures["within_targets"] = figures["max_seconds"] < 10 and figures["peak_rss_mb"] < 300
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attendees", type=int, default=1000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rapport-bench-pdf-"))
    url = f"sqlite+aiosqlite:///{tmp / 'rapport.db'}"
    migrate(url)
    print(json.dumps(asyncio.run(run(args.attendees, url))))


if __name__ == "__main__":
    main()
