"""Offline sync: how long a full batch takes to apply and to replay, and the door pack's size.

    .venv/bin/python bench/sync_batch.py [--database-url URL] [--attendees 5000]

Builds a fresh database with Alembic (a temporary SQLite file unless a PostgreSQL URL is given:
then an empty database, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/bench_sync, that this
script fills), and runs the services the API calls:
- a 500-operation batch (250 contact.create, 250 note.create with topics and a promise), then
  the same batch again (answered from the operation log);
- 500 door.scan operations from two phones over one event (one batch each);
- the offline door pack for an event of N attendees: time and size (gzip, as sent).
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bench.checkin_common import migrate
from schemas.sync import SyncBatchIn
from services.auth.tokens import new_token
from services.db import create_engine, create_sessionmaker, utcnow
from services.door import pack as door_pack
from services.events.badges import BADGE_TOKEN_BYTES
from services.models import Attendee, Badge, Event, EventMember, EventRole, User
from services.sync import batch


def _op(type_: str, payload: dict[str, object]) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "type": type_, "payload": payload}


async def run(url: str, attendees: int) -> dict[str, object]:
    engine = create_engine(url)
    make = create_sessionmaker(engine)
    now = utcnow()
    async with make() as session:
        me = User(email="me@bench.example", name="Me")
        door_a = User(email="a@bench.example", name="Door A")
        door_b = User(email="b@bench.example", name="Door B")
        session.add_all([me, door_a, door_b])
        event = Event(
            name="Bench",
            timezone="Europe/Berlin",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=8),
        )
        session.add(event)
        await session.flush()
        for staff in (door_a, door_b):
            session.add(EventMember(event_id=event.id, user_id=staff.id, role=EventRole.staff))
        people = [
            {"id": uuid.uuid4(), "email": f"p{i}@bench.example", "name": f"Person {i}"}
            for i in range(attendees)
        ]
        await session.execute(insert(User), people)
        await session.execute(
            insert(Attendee),
            [
                {
                    "id": p["id"],
                    "event_id": event.id,
                    "user_id": p["id"],
                    "email": p["email"],
                    "name": p["name"],
                    "company": "Acme",
                    "title": "Engineer",
                }
                for p in people
            ],
        )
        tokens = [new_token(BADGE_TOKEN_BYTES) for _ in people]
        await session.execute(
            insert(Badge),
            [{"attendee_id": p["id"], "token": t} for p, t in zip(people, tokens, strict=True)],
        )
        await session.commit()

    contact_ids = [uuid.uuid4() for _ in range(250)]
    operations = [
        _op("contact.create", {"id": str(c), "name": f"Contact {i}", "company": "Recyclo"})
        for i, c in enumerate(contact_ids)
    ] + [
        _op(
            "note.create",
            {
                "id": str(uuid.uuid4()),
                "contact_id": str(c),
                "text": "talked about battery recycling in Lyon",
                "topics": ["batteries", "recycling"],
                "promises": [{"text": "send the paper"}],
            },
        )
        for c in contact_ids
    ]
    figures: dict[str, object] = {"database": url.split(":", 1)[0], "attendees": attendees}
    for label in ("batch_500_first_s", "batch_500_replay_s"):
        async with make() as session:
            user = await session.get(User, me.id)
            assert user is not None
            started = time.perf_counter()
            out = await batch.apply_batch(
                session, user=user, data=SyncBatchIn.model_validate({"operations": operations})
            )
            await session.commit()
            figures[label] = round(time.perf_counter() - started, 3)
            figures[label.replace("_s", "_counts")] = out.counts

    scans: dict[uuid.UUID, list[dict[str, object]]] = {door_a.id: [], door_b.id: []}
    for i, token in enumerate(tokens[:500]):
        staff_id = door_a.id if i % 2 else door_b.id
        scans[staff_id].append(
            _op(
                "door.scan",
                {
                    "event_id": str(event.id),
                    "token": token,
                    "scanned_at": (now - timedelta(minutes=30) + timedelta(seconds=i)).isoformat(),
                    "nonce": uuid.uuid4().hex,
                    "gate": "A",
                    "device": str(staff_id),
                    "local_outcome": "ok",
                },
            )
        )
    started = time.perf_counter()
    for staff_id, ops in scans.items():
        async with make() as session:
            user = await session.get(User, staff_id)
            assert user is not None
            await batch.apply_batch(
                session, user=user, data=SyncBatchIn.model_validate({"operations": ops})
            )
            await session.commit()
    figures["door_scans_500_s"] = round(time.perf_counter() - started, 3)

    async with make() as session:
        loaded = await session.get(Event, event.id)
        assert loaded is not None
        started = time.perf_counter()
        built = await door_pack.build_pack(session, event=loaded)
        figures["pack_s"] = round(time.perf_counter() - started, 3)
        figures["pack_bytes"] = len(built.gzip)  # gzip, as sent
    await engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--attendees", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate(url)
        print(json.dumps(asyncio.run(run(url, args.attendees))))


if __name__ == "__main__":
    main()
