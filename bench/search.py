"""Search benchmark: one user with 10,000 notes (on 1,000 contacts), seeded through the services;
measures services.people.search.search_contacts (the service function, not HTTP) for a mix of
queries.

    .venv/bin/python bench/search.py                       # SQLite (a temporary file)
    .venv/bin/python bench/search.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/x

The PostgreSQL server URL names any database; a scratch database is created and dropped.
The last line printed is one JSON object with the figures.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas.contacts import ContactIn
from schemas.notes import NoteIn
from services.db import create_engine, create_sessionmaker
from services.models import User
from services.people import contacts, notes, search
from tests import support

WORDS = [
    "battery",
    "recycling",
    "solar",
    "wind",
    "grid",
    "storage",
    "hydrogen",
    "funding",
    "series",
    "seed",
    "hiring",
    "rust",
    "python",
    "kubernetes",
    "latency",
    "robotics",
    "sensors",
    "lidar",
    "fleet",
    "charging",
    "inverter",
    "policy",
    "europe",
    "asia",
    "startup",
    "pilot",
    "customer",
    "pricing",
    "partnership",
    "conference",
    "keynote",
    "panel",
    "coffee",
    "lunch",
    "family",
    "marathon",
    "sailing",
    "kids",
    "graduation",
    "trip",
    "japan",
    "lisbon",
    "berlin",
    "whitepaper",
    "demo",
    "roadmap",
    "budget",
]
FIRST = [
    "Ada",
    "Bob",
    "Carla",
    "Dmitri",
    "Eva",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Mateo",
    "Nora",
    "Oskar",
    "Priya",
]
LAST = [
    "Lovelace",
    "Stone",
    "Diaz",
    "Petrov",
    "Novak",
    "Haddad",
    "Berg",
    "Tanaka",
    "Silva",
    "Weber",
    "Yilmaz",
    "Fischer",
    "Rossi",
]
QUERIES = [
    "who talked about battery recycling?",
    "hydrogen funding",
    "lisbon",
    "Tanaka",
    "carla diaz",
    "kuber",
    "whitepaper demo roadmap",
    "coffee",
    "marathon kids",
    "zzz-not-there",
]


async def seed(sessionmaker, *, contacts_n: int, notes_per_contact: int) -> User:  # type: ignore[no-untyped-def]
    rng = random.Random(42)
    async with sessionmaker() as session:
        user = User(email=f"bench-{uuid.uuid4().hex[:8]}@example.org", name="Bench")
        session.add(user)
        await session.commit()
    for start in range(0, contacts_n, 50):
        async with sessionmaker() as session:
            for i in range(start, min(start + 50, contacts_n)):
                added = await contacts.add_contact(
                    session,
                    user=user,
                    data=ContactIn(
                        name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                        company=f"{rng.choice(WORDS).title()} Labs",
                        on_duplicate="create",
                    ),
                )
                for _ in range(notes_per_contact):
                    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
                    await notes.create_note(
                        session,
                        user=user,
                        contact_id=added.contact.id,
                        data=NoteIn(text=text, topics=rng.sample(WORDS, 2)),
                    )
            await session.commit()
    return user


async def measure(sessionmaker, user: User, rounds: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    timings: list[float] = []
    async with sessionmaker() as session:
        for _ in range(2):  # warm caches
            for query in QUERIES:
                await search.search_contacts(session, user=user, query=query)
        for _ in range(rounds):
            for query in QUERIES:
                began = time.perf_counter()
                await search.search_contacts(session, user=user, query=query)
                timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return {
        "searches": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
    }


async def run(
    url: str, *, contacts_n: int, notes_per_contact: int, rounds: int
) -> dict[str, object]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    began = time.perf_counter()
    user = await seed(sessionmaker, contacts_n=contacts_n, notes_per_contact=notes_per_contact)
    seeded = time.perf_counter() - began
    figures = await measure(sessionmaker, user, rounds)
    await engine.dispose()
    return {
        "database": url.split(":", 1)[0],
        "contacts": contacts_n,
        "notes": contacts_n * notes_per_contact,
        "measured": "services.people.search.search_contacts",
        "seed_seconds": round(seeded, 1),
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="PostgreSQL server URL (asyncpg)")
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--notes-per-contact", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    sizes = {"contacts_n": args.contacts, "notes_per_contact": args.notes_per_contact}
    if args.postgres:
        url = support.create_postgres_database(
            args.postgres, f"bench_search_{uuid.uuid4().hex[:8]}"
        )
        try:
            support.migrate(url)
            result = asyncio.run(run(url, **sizes, rounds=args.rounds))
        finally:
            support.drop_postgres_database(url)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            support.migrate(url)
            result = asyncio.run(run(url, **sizes, rounds=args.rounds))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
