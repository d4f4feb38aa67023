"""Drafting follow-ups in bulk: one user met 10,000 people at an event, most with a note (topics,
a personal detail for some, a promise for some, a next step for some); how long does drafting
a follow-up for every one of them take?

    .venv/bin/python -m bench.drafts [--contacts 10000]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

The database is a fresh one built by Alembic (a temporary SQLite file unless a PostgreSQL server
is given), analyzed after seeding. Timed: services.followups.drafts.draft_for_event in one
transaction, commit included; then a second run, which must add nothing. The last line printed
is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from services.db import create_engine, create_sessionmaker, utcnow  # noqa: E402
from services.followups import drafts  # noqa: E402
from services.models import (  # noqa: E402
    Contact,
    Event,
    FollowUp,
    Note,
    NoteTopic,
    PersonalDetail,
    Promise,
    User,
)
from services.settings import get_settings  # noqa: E402
from tests import support  # noqa: E402

TOPICS = ["battery recycling", "open source", "hiring", "climate tech", "Rust", "design systems"]


async def seed(url: str, contacts: int) -> tuple[uuid.UUID, uuid.UUID]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            owner = User(email="ada@example.org", name="Ada Lovelace", timezone="Europe/Berlin")
            start = utcnow() - timedelta(days=1)
            event = Event(
                name="Battery Summit",
                timezone="Europe/Berlin",
                starts_at=start,
                ends_at=start + timedelta(hours=8),
            )
            session.add_all([owner, event])
            await session.flush()
            now = utcnow()
            people, notes, topics, details, promises = [], [], [], [], []
            for n in range(contacts):
                contact_id, note_id = uuid.uuid4(), uuid.uuid4()
                people.append(
                    {
                        "id": contact_id,
                        "owner_id": owner.id,
                        "source": "badge",
                        "event_id": event.id,
                        "met_at": start,
                        "name": f"Person{n} Example",
                        "email": f"person{n}@example.org",
                        "preferred_channel": "linkedin" if n % 10 == 0 else None,
                    }
                )
                if n % 5 == 4:
                    continue  # a fifth have no note at all
                notes.append(
                    {
                        "id": note_id,
                        "owner_id": owner.id,
                        "contact_id": contact_id,
                        "text": "Talked by the coffee stand.",
                        "next_step": "a call next month" if n % 3 == 0 else "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                common = {"note_id": note_id, "contact_id": contact_id, "owner_id": owner.id}
                topics.append({"id": uuid.uuid4(), **common, "topic": TOPICS[n % len(TOPICS)]})
                if n % 4 == 0:
                    details.append(
                        {"id": uuid.uuid4(), **common, "kind": "trip", "text": "your trip to Lagos"}
                    )
                if n % 7 == 0:
                    promises.append(
                        {
                            "id": uuid.uuid4(),
                            **common,
                            "text": "the life-cycle report",
                            "due_on": date.today(),
                            "done": False,
                            "created_at": now,
                        }
                    )
            for model, rows in (
                (Contact, people),
                (Note, notes),
                (NoteTopic, topics),
                (PersonalDetail, details),
                (Promise, promises),
            ):
                for chunk in range(0, len(rows), 2000):
                    await session.execute(insert(model), rows[chunk : chunk + 2000])
            await session.commit()
            # Fresh statistics, as autovacuum keeps them on a live database: without them
            # PostgreSQL plans the notes lookup as 10,000 nested index probes (1.2 s, not 7 ms).
            await session.execute(text("ANALYZE"))
            await session.commit()
            return owner.id, event.id
    finally:
        await engine.dispose()


async def measure(url: str, contacts: int) -> dict[str, object]:
    owner_id, event_id = await seed(url, contacts)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    try:
        timings = []
        results = []
        for _ in range(2):
            async with sessionmaker() as session:
                owner = await session.get(User, owner_id)
                assert owner is not None
                started = time.perf_counter()
                result = await drafts.draft_for_event(session, owner=owner, event_id=event_id)
                await session.commit()
                timings.append(time.perf_counter() - started)
                results.append(result)
        async with sessionmaker() as session:
            total = await session.scalar(select(func.count()).select_from(FollowUp))
            kinds = dict(
                (
                    await session.execute(
                        select(FollowUp.channel, func.count()).group_by(FollowUp.channel)
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert results[0].created == contacts and results[1].created == 0 and total == contacts
    return {
        "contacts": contacts,
        "drafted": results[0].created,
        "seconds": round(timings[0], 3),
        "drafts_per_second": round(contacts / timings[0]),
        "second_run_seconds": round(timings[1], 3),
        "second_run_drafted": results[1].created,
        "channels": kinds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    args = parser.parse_args()
    os.environ["RAPPORT_ENVIRONMENT"] = "test"
    get_settings.cache_clear()
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            name = f"rapport_bench_{uuid.uuid4().hex[:8]}"
            url = support.create_postgres_database(args.database_url, name)
        else:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
        support.migrate(url)  # Alembic runs its own event loop, so before ours
        try:
            figures = asyncio.run(measure(url, args.contacts))
        finally:
            if args.database_url:
                support.drop_postgres_database(url)
    database = "postgresql" if args.database_url else "sqlite"
    print(json.dumps({"database": database, **figures}))


if __name__ == "__main__":
    main()
