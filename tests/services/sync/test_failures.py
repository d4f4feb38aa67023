"""An operation that can never succeed is never answered `retry`: bad text and ids of other
people's things are refused with the field's message, a broken constraint or a bug is refused
and logged with the request id, and only a busy database is worth another try."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.common import CONTROL_MESSAGE
from schemas.notes import PromiseIn
from services.logs import request_id_var
from services.sync import batch
from tests import factories
from tests.services.sync.test_batch import apply, op


async def test_a_note_with_a_nul_is_refused_with_the_field_message_every_time(
    db: AsyncSession,
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me, name="Ada")
    note = op(
        "note.create",
        {"id": str(uuid.uuid4()), "contact_id": str(contact.id), "text": "Heat\u0000pumps"},  # type: ignore[attr-defined]
    )
    for _ in range(2):  # sent again after the phone's retry: the same final answer
        out = await apply(db, me, [note])
        answer = out.results[0]
        assert answer.status == "rejected"
        assert answer.code == "invalid_payload"
        assert answer.detail == CONTROL_MESSAGE
        assert [(f.field, f.message) for f in answer.fields] == [("text", CONTROL_MESSAGE)]


async def test_a_promise_id_of_someone_else_is_refused_not_retried(db: AsyncSession) -> None:
    other = await factories.user(db)
    theirs = await factories.contact(db, owner=other, name="Kim")
    parts = await factories.note(
        db,
        owner=other,
        contact_id=theirs.id,  # type: ignore[attr-defined]
        promises=[{"text": "Theirs"}],
    )
    me = await factories.user(db)
    mine = await factories.contact(db, owner=me, name="Ada")
    payload = {
        "id": str(uuid.uuid4()),
        "contact_id": str(mine.id),  # type: ignore[attr-defined]
        "promises": [{"id": str(parts.promises[0].id), "text": "Mine"}],  # type: ignore[attr-defined]
    }
    out = await apply(db, me, [op("note.create", payload)])
    assert out.results[0].status == "rejected"
    assert out.results[0].code == "id_taken"


def _sqlite_busy() -> DBAPIError:
    orig = sqlite3.OperationalError("database is locked")
    orig.sqlite_errorcode = 5  # SQLITE_BUSY
    return OperationalError("INSERT …", {}, orig)


class _PgError(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


FAILURES: dict[str, tuple[DBAPIError | Exception, str]] = {
    "sqlite busy": (_sqlite_busy(), "retry"),
    "postgres lock timeout": (
        DBAPIError("UPDATE …", {}, _PgError("canceling statement due to lock timeout", "55P03")),
        "retry",
    ),
    "postgres deadlock": (DBAPIError("UPDATE …", {}, _PgError("deadlock", "40P01")), "retry"),
    "unique constraint": (
        IntegrityError("INSERT …", {}, _PgError("duplicate key value", "23505")),
        "rejected",
    ),
    "sqlite constraint": (
        IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        "rejected",
    ),
    "postgres bad text": (
        DBAPIError("INSERT …", {}, _PgError('invalid byte sequence for encoding "UTF8"', "22021")),
        "rejected",
    ),
    "a bug": (KeyError("oops"), "rejected"),
}


@pytest.mark.parametrize("name", list(FAILURES))
async def test_only_a_passing_failure_is_answered_retry(
    db: AsyncSession, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    error, expected = FAILURES[name]
    me = await factories.user(db)

    async def fail(_ctx: batch.OpContext, _data: Any) -> batch.Outcome:
        raise error

    batch.operation_types()
    batch.register("test.fail", payload=PromiseIn, description="test")(fail)
    token = request_id_var.set("req-4711")
    try:
        with caplog.at_level(logging.WARNING, logger="rapport.sync"):
            out = await apply(db, me, [op("test.fail", {"text": "x"})])
    finally:
        request_id_var.reset(token)
        batch._REGISTRY.pop("test.fail")
    answer = out.results[0]
    assert answer.status == expected
    assert any("req-4711" in record.getMessage() for record in caplog.records)
    if expected == "rejected":
        assert answer.code == "internal_error"
        assert "req-4711" in (answer.detail or "")
        assert any(record.exc_info for record in caplog.records)
