"""The ceiling for the check-in benchmark: a bare FastAPI endpoint that does one INSERT.

Same stack as Rapport (FastAPI, Pydantic, async SQLAlchemy on asyncpg, uvicorn with uvloop),
its own table, no session lookup, no access check, no business logic. Run by
bench/checkin_pg.py: `uvicorn bench.checkin_bare_app:app --workers 2`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import text

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


@app.post("/insert")
async def insert(data: InsertIn) -> dict[str, str]:
    async with app.state.sessionmaker() as session:
        await session.execute(
            INSERT, {"id": uuid.uuid4(), "token": data.token, "nonce": data.nonce, "at": utcnow()}
        )
        await session.commit()
    return {"outcome": "ok"}
