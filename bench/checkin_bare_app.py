"""The reference points for the check-in benchmark, served by one bare FastAPI app.

Same stack as Rapport (FastAPI, Pydantic, async SQLAlchemy on asyncpg, uvicorn with uvloop),
no middleware, no dependencies beyond the request, no business logic. Run by
bench/checkin_pg.py as `python -m bench.checkin_bare_app PORT`: 2 processes served the way
`rapport serve --workers 2` serves Rapport (cli/server.py).

- POST /insert, the ceiling the issue names: one INSERT into a table of its own.
- POST /door/{event_id}, the floor of a door scan: the least any check-in endpoint has to do
  with Rapport's schema and rules. One SELECT finds the staff member's live session, their role
  in the event and the badge's attendee; one INSERT .. ON CONFLICT DO NOTHING makes the
  check-in (the database decides races); one INSERT records the scan. No outcome other than
  `ok` and `already_checked_in`, no messages, no answer kept for replays.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import text

from services.auth.signin import SESSION_PURPOSE
from services.auth.tokens import same, token_hash
from services.db import create_engine, create_sessionmaker, utcnow


class InsertIn(BaseModel):
    token: str
    nonce: str
    scanned_at: str = ""
    gate: str = ""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    app.state.sessionmaker = create_sessionmaker(engine)
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)
INSERT = text(
    "INSERT INTO bench_inserts (id, token, nonce, created_at) VALUES (:id, :token, :nonce, :at)"
)
DOOR_PASS = text(
    "SELECT s.user_id, s.csrf_token, a.id AS attendee_id, a.name, EXISTS ("
    "  SELECT 1 FROM event_members m WHERE m.event_id = :event_id AND m.user_id = s.user_id"
    "  AND m.role IN ('staff', 'organizer')) AS is_staff "
    "FROM user_sessions s LEFT JOIN badges b ON b.token = :token AND b.revoked_at IS NULL "
    "LEFT JOIN attendees a ON a.id = b.attendee_id AND a.event_id = :event_id "
    "WHERE s.token_hash = :token_hash AND s.expires_at > :now"
)
CHECK_IN = text(
    "INSERT INTO check_ins (id, event_id, attendee_id, method, gate, device, checked_in_at, "
    "received_at, by_user_id, undo_reason) VALUES (:id, :event_id, :attendee_id, 'badge', "
    ":gate, 'floor', :at, :at, :user_id, '') "
    "ON CONFLICT (attendee_id) WHERE undone_at IS NULL DO NOTHING RETURNING id"
)
SCAN = text(
    "INSERT INTO check_in_scans (id, event_id, nonce, method, outcome, reason, gate, device, "
    "scanned_at, received_at, by_user_id, attendee_id, check_in_id, answer) VALUES (:id, "
    ":event_id, :nonce, 'badge', :outcome, :outcome, :gate, 'floor', :at, :at, :user_id, "
    ":attendee_id, :check_in_id, '{}')"
)


@app.post("/insert")
async def insert(data: InsertIn) -> dict[str, str]:
    async with app.state.sessionmaker() as session:
        await session.execute(
            INSERT, {"id": uuid.uuid4(), "token": data.token, "nonce": data.nonce, "at": utcnow()}
        )
        await session.commit()
    return {"outcome": "ok"}


@app.post("/door/{event_id}")
async def door(event_id: uuid.UUID, data: InsertIn, request: Request) -> dict[str, str]:
    cookie = request.cookies.get("rapport_session", "")
    now = utcnow()
    async with app.state.sessionmaker() as session:
        found = (
            await session.execute(
                DOOR_PASS,
                {
                    "event_id": event_id,
                    "token": data.token,
                    "token_hash": token_hash(cookie, purpose=SESSION_PURPOSE),
                    "now": now,
                },
            )
        ).first()
        if found is None or not same(request.headers.get("x-csrf-token", ""), found.csrf_token):
            raise HTTPException(401)
        if not found.is_staff or found.attendee_id is None:
            raise HTTPException(404)
        row = {"event_id": event_id, "gate": data.gate, "at": now, "user_id": found.user_id}
        made = await session.scalar(
            CHECK_IN, {**row, "id": uuid.uuid4(), "attendee_id": found.attendee_id}
        )
        outcome = "ok" if made else "already_checked_in"
        await session.execute(
            SCAN,
            {
                **row,
                "id": uuid.uuid4(),
                "nonce": data.nonce,
                "outcome": outcome,
                "attendee_id": found.attendee_id,
                "check_in_id": made,
            },
        )
        await session.commit()
    return {"outcome": outcome, "name": found.name}


if __name__ == "__main__":
    import sys

    from cli.server import Server

    port = int(sys.argv[1])
    Server(
        host="127.0.0.1", port=port, workers=2, proxy_headers=False, app=f"{__spec__.name}:app"
    ).run()
