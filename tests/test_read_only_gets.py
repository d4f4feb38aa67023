"""The suite's rule that GET requests never write (tests/read_only_gets.py) catches a write."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from services.db import create_engine
from tests import read_only_gets


async def test_a_write_made_while_answering_a_get_is_reported(database_url: str) -> None:
    probe = FastAPI()
    probe.state.engine = create_engine(database_url)

    async def run(sql: str) -> None:
        async with probe.state.engine.connect() as conn:
            await conn.execute(text(sql))
            await conn.rollback()

    @probe.get("/read")
    async def read() -> dict[str, str]:
        await run("SELECT count(*) FROM users")
        return {}

    @probe.api_route("/write", methods=["GET", "POST"])
    async def write() -> dict[str, str]:
        await run("UPDATE users SET name = name WHERE 1 = 0")
        return {}

    writes = read_only_gets.watch(probe)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=probe), base_url="http://127.0.0.1:8000"
        ) as client:
            await client.get("/read")
            await client.post("/write")
            assert writes == []
            await client.get("/write")
    finally:
        await probe.state.engine.dispose()
    assert writes == ["GET /write: UPDATE users SET name = name WHERE 1 = 0"]
