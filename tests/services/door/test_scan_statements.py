"""How many statements a badge scan sends: the same rules on both databases, one statement
fewer on PostgreSQL, where the check-in and its scan record go together."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.door import checkin
from tests import factories


async def statements_of_scan(db: AsyncSession, event_id: uuid.UUID, token: str) -> list[str]:
    sent: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.strip().upper().startswith("BEGIN"):  # SQLite's own BEGIN (IMMEDIATE)
            sent.append(statement)

    engine = db.get_bind()
    sa_event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = await checkin.scan_badge_at(
            db, event_id=event_id, token=token, scanned_at=utcnow(), nonce=uuid.uuid4().hex
        )
    finally:
        sa_event.remove(engine, "before_cursor_execute", seen)
    await db.commit()
    return [answer.outcome.value, *sent]


async def test_an_ok_scan_is_one_select_then_the_check_in_with_its_record(
    db: AsyncSession,
) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    outcome, *sent = await statements_of_scan(db, event.id, badge.token)
    assert outcome == "ok"
    assert sent[0].lstrip().startswith("SELECT") and "badges" in sent[0]
    if db.get_bind().dialect.name == "postgresql":
        assert len(sent) == 2
        assert "INSERT INTO check_ins" in sent[1] and "INSERT INTO check_in_scans" in sent[1]
    else:
        assert len(sent) == 3
        assert "INSERT INTO check_ins" in sent[1] and "INSERT INTO check_in_scans" in sent[2]


async def test_an_unknown_badge_is_one_select_and_its_record(db: AsyncSession) -> None:
    event = await factories.event(db)
    outcome, *sent = await statements_of_scan(db, event.id, "no-such-badge")
    assert outcome == "invalid"
    assert len(sent) == 2 and "INSERT INTO check_in_scans" in sent[1]
