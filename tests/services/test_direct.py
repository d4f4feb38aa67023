"""services.db.Direct: the door's statements sent by asyncpg itself on PostgreSQL in AUTOCOMMIT,
with the same values in and out as the session's own execute, and the session's execute
anywhere else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import Table, bindparam, event, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import Direct
from services.models import CheckInScan
from tests import factories
from tests.support import need

SCANS = cast(Table, CheckInScan.__table__)
INSERT = Direct(
    pg_insert(SCANS)
    .values({c.key: bindparam(c.key, type_=c.type) for c in SCANS.columns})
    .returning(SCANS.c.id, SCANS.c.scanned_at, SCANS.c.answer)
)
LOOKUP = Direct(
    select(CheckInScan.nonce, CheckInScan.scanned_at, CheckInScan.answer).where(
        CheckInScan.id == bindparam("id")
    )
)
BERLIN = timezone(timedelta(hours=1))


@pytest.fixture
async def row(db: AsyncSession) -> dict[str, Any]:
    """A scan's row, of an event that exists, not yet inserted."""
    event_row = await factories.event(db)
    return {
        "id": uuid.uuid4(),
        "event_id": event_row.id,
        "nonce": uuid.uuid4().hex,
        "method": "badge",
        "outcome": "ok",
        "reason": "checked_in",
        "gate": "A",
        "device": "",
        "scanned_at": datetime(2030, 5, 1, 9, 30, tzinfo=BERLIN),
        "received_at": datetime(2030, 5, 1, 8, 30, 5, tzinfo=UTC),
        "by_user_id": None,
        "attendee_id": None,
        "check_in_id": None,
        "answer": {"outcome": "ok", "name": 'Zoë "Z" O\'Neil', "n": [1, 2]},
    }


def looked_up(row: dict[str, Any]) -> dict[str, Any]:
    """What LOOKUP returns for `row`."""
    return {"nonce": row["nonce"], "scanned_at": row["scanned_at"], "answer": row["answer"]}


def driver_calls(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements SQLAlchemy's own cursor path sends (Direct's fast path sends none)."""
    sent: list[str] = []
    dialect = app.state.engine.sync_engine.dialect
    real = dialect.do_execute

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        sent.append(statement)
        real(cursor, statement, parameters, context)

    monkeypatch.setattr(dialect, "do_execute", do_execute)
    return sent


@pytest.mark.postgres
async def test_on_postgresql_in_autocommit_it_skips_sqlalchemy_and_keeps_the_values(
    app: FastAPI, db: AsyncSession, row: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    need(app.state.engine.dialect.name == "postgresql", "needs PostgreSQL")
    listened: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        listened.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    sent = driver_calls(app, monkeypatch)
    try:
        async with app.state.autocommit_sessionmaker() as fast:
            assert Direct.applies(fast)
            inserted = await INSERT.first(fast, row)
            found = await LOOKUP.first(fast, {"id": row["id"]})
            missing = await LOOKUP.first(fast, {"id": uuid.uuid4()})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert sent == []  # asyncpg itself
    assert len(listened) == 3 and listened[0].startswith("INSERT INTO check_in_scans")
    assert inserted == {"id": row["id"], "scanned_at": row["scanned_at"], "answer": row["answer"]}
    assert inserted["scanned_at"].tzinfo is UTC  # as UTCDateTime hands it back
    assert found == looked_up(row)
    assert missing is None
    # What the ORM reads back is what it would have written itself.
    stored = await db.get(CheckInScan, row["id"])
    assert stored is not None and stored.answer == row["answer"]
    assert stored.received_at == row["received_at"]


@pytest.mark.postgres
async def test_in_a_transaction_it_is_the_sessions_execute_and_rolls_back(
    app: FastAPI, db: AsyncSession, row: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    need(app.state.engine.dialect.name == "postgresql", "needs PostgreSQL")
    sent = driver_calls(app, monkeypatch)
    async with app.state.sessionmaker() as session:
        assert not Direct.applies(session)
        inserted = await INSERT.first(session, row)
        assert inserted is not None and inserted["answer"] == row["answer"]
        await session.rollback()
    assert any(s.startswith("INSERT INTO check_in_scans") for s in sent)
    assert await db.scalar(select(func.count()).select_from(CheckInScan)) == 0


async def test_outside_autocommit_it_is_the_sessions_execute(
    app: FastAPI, db: AsyncSession, row: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite, and PostgreSQL in a transaction: the same values through SQLAlchemy's cursor."""
    db.add(CheckInScan(**row))
    await db.commit()
    assert not Direct.applies(db)
    sent = driver_calls(app, monkeypatch)
    found = await LOOKUP.first(db, {"id": row["id"]})
    assert sent and "FROM check_in_scans" in sent[-1]  # SQLAlchemy sent it (after a BEGIN)
    assert found == looked_up(row)
    assert found["scanned_at"].tzinfo is UTC
    assert await LOOKUP.first(db, {"id": uuid.uuid4()}) is None
