"""The offline outbox's other end: a batch of operations, applied in order, each exactly once.

Every operation has an id made by the phone. Before an operation is applied its id is claimed
in `sync_operations` (INSERT .. ON CONFLICT DO NOTHING on the (user, op id) pair): the claim
and the operation's changes share one SAVEPOINT, so either both stay or neither does, and the
answer is stored with the claim. The same operation sent again (a retried batch, or a second
request racing the first: on PostgreSQL its claim waits for the first to commit) is answered
from the log and changes nothing. One failing operation rolls back only its own savepoint.

Operation types live in a registry: `register("note.create", payload=..., description=...)`
on a handler adds one. Handler modules are listed in HANDLER_MODULES and imported on first use.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.common import FieldError
from schemas.sync import MAX_BATCH, OperationResult, SyncBatchIn, SyncBatchOut, SyncOperationIn
from services.db import BetweenChunks, Chunks, is_passing, upsert_insert, utcnow
from services.errors import DomainError, Invalid, TooManyRequests
from services.events import access
from services.logs import request_id_var
from services.models import Event, SyncOperation, User

log = logging.getLogger("rapport.sync")

# Modules whose handlers register operation types; add yours here.
HANDLER_MODULES = (
    "services.sync.ops",
    "services.sync.notes",
    "services.sync.door",
    "services.sync.followups",
    "services.sync.meetings",
)
# Errors that pass: the operation is answered `retry` and not recorded.
RETRY_CODES = frozenset({"scan_again"})


@dataclass
class OpContext:
    """What a handler gets besides its payload: who, which operation, and per-batch caches."""

    session: AsyncSession
    user: User
    op_id: uuid.UUID
    device: str
    now: datetime
    staff_events: dict[uuid.UUID, Event] = field(default_factory=dict)

    def clamp(self, moment: datetime | None) -> datetime:
        """A phone's time, but never later than now (a phone clock may run ahead)."""
        return self.now if moment is None else min(moment, self.now)

    async def staff_event(self, event_id: uuid.UUID) -> Event:
        """The event, if the user works its door; checked once per batch."""
        if event_id not in self.staff_events:
            found = await access.require_staff(self.session, user=self.user, event_id=event_id)
            self.staff_events[event_id] = found.event
        return self.staff_events[event_id]


@dataclass(frozen=True)
class Outcome:
    """What a handler did: `result` must be JSON-ready (it is stored and replayed as is)."""

    status: Literal["applied", "duplicate", "conflict"]
    result: dict[str, Any]


Handler = Callable[[OpContext, Any], Awaitable[Outcome]]


@dataclass(frozen=True)
class OperationType:
    name: str
    payload: type[BaseModel]
    handler: Handler
    description: str


_REGISTRY: dict[str, OperationType] = {}
_loaded = False


def register(
    type_: str, *, payload: type[BaseModel], description: str
) -> Callable[[Handler], Handler]:
    """Decorator: `handler(ctx, payload)` applies operations of this type."""

    def add(handler: Handler) -> Handler:
        _REGISTRY[type_] = OperationType(type_, payload, handler, description)
        return handler

    return add


def operation_types() -> list[OperationType]:
    """Every registered operation type, by name."""
    global _loaded
    if not _loaded:
        for module in HANDLER_MODULES:
            importlib.import_module(module)
        _loaded = True
    return sorted(_REGISTRY.values(), key=lambda t: t.name)


class _AlreadyClaimed(Exception):
    """Another request recorded this operation first."""


def _digest(op: SyncOperationIn) -> str:
    canonical = json.dumps(
        {"type": op.type, "payload": op.payload}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _stored(session: AsyncSession, *, user: User, op_id: uuid.UUID) -> SyncOperation | None:
    return await session.scalar(
        select(SyncOperation).where(SyncOperation.user_id == user.id, SyncOperation.op_id == op_id)
    )


async def _claim(
    session: AsyncSession, *, user: User, op: SyncOperationIn, digest: str, answer: OperationResult
) -> uuid.UUID | None:
    """Record the operation with its answer; None if it was recorded before."""
    claimed: uuid.UUID | None = await session.scalar(
        upsert_insert(session, SyncOperation)
        .values(
            id=uuid.uuid4(),
            user_id=user.id,
            op_id=op.id,
            type=op.type,
            status=answer.status,
            payload_hash=digest,
            result=answer.model_dump(mode="json"),
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["user_id", "op_id"])
        .returning(SyncOperation.id)
    )
    return claimed


def _replay(stored: SyncOperation, op: SyncOperationIn, digest: str) -> OperationResult | None:
    """The stored answer, or a rejection if the id was used for a different operation."""
    if stored.payload_hash != digest:
        return OperationResult(
            op_id=op.id,
            type=op.type,
            status="rejected",
            code="op_id_reused",
            detail="This operation id was already used for a different change. Give every "
            "change its own id.",
        )
    return None


def _failure(
    op: SyncOperationIn, exc: DomainError, status: Literal["rejected", "retry"]
) -> OperationResult:
    existing = getattr(exc, "existing_id", None)
    return OperationResult(
        op_id=op.id,
        type=op.type,
        status=status,
        code=exc.code,
        detail=exc.detail,
        fields=[FieldError(field=f.field, message=f.message, line=f.line) for f in exc.fields],
        result={"existing_contact_id": str(existing)} if existing else None,
    )


def _server_error(op: SyncOperationIn) -> OperationResult:
    """An operation that failed on our side in a way that will not pass by itself (a broken
    constraint, a bug): logged with the request id, and answered `rejected` so that the phone
    stops sending it and shows it, with what was typed. Nothing is recorded, so a fixed server
    applies it if the person sends it again."""
    request_id = request_id_var.get()
    log.exception("sync operation %s (%s) failed (request %s)", op.id, op.type, request_id)
    bug = DomainError(
        "Something went wrong on our side with this change, and trying again will not help. "
        f"What you typed is kept on this phone. Reference: {request_id}.",
        code="internal_error",
    )
    return _failure(op, bug, "rejected")


async def _rejected(
    session: AsyncSession, ctx: OpContext, op: SyncOperationIn, digest: str, answer: OperationResult
) -> tuple[OperationResult, bool]:
    """Record a rejection so that the same operation is answered the same way again."""
    if await _claim(session, user=ctx.user, op=op, digest=digest, answer=answer) is None:
        stored = await _stored(session, user=ctx.user, op_id=op.id)
        assert stored is not None
        return _replay(stored, op, digest) or OperationResult.model_validate(stored.result), True
    return answer, False


async def _apply_one(
    session: AsyncSession, ctx: OpContext, op: SyncOperationIn, stored: SyncOperation | None
) -> tuple[OperationResult, bool]:
    """Apply one operation once (`stored`: its log entry, if it was applied before); returns
    its answer and whether it came from the log."""
    digest = _digest(op)
    if stored is not None:
        return _replay(stored, op, digest) or OperationResult.model_validate(stored.result), True
    kind = _REGISTRY.get(op.type)
    if kind is None:
        known = ", ".join(t.name for t in operation_types())
        error = Invalid(f"Unknown operation type “{op.type}”. Known: {known}.", code="unknown_type")
        return await _rejected(session, ctx, op, digest, _failure(op, error, "rejected"))
    try:
        payload = kind.payload.model_validate(op.payload)
    except ValidationError as exc:
        problems = [
            FieldError(field=".".join(str(p) for p in e["loc"]) or "payload", message=e["msg"])
            for e in exc.errors()
        ]
        answer = OperationResult(
            op_id=op.id,
            type=op.type,
            status="rejected",
            code="invalid_payload",
            # One problem is said in the words of its field (as the API's 422 does).
            detail=problems[0].message
            if len(problems) == 1
            else f"The {op.type} payload is not in the expected form.",
            fields=problems,
        )
        return await _rejected(session, ctx, op, digest, answer)
    ctx.op_id = op.id
    placeholder = OperationResult(op_id=op.id, type=op.type, status="applied")
    try:
        async with session.begin_nested():
            claim = await _claim(session, user=ctx.user, op=op, digest=digest, answer=placeholder)
            if claim is None:
                raise _AlreadyClaimed
            outcome = await kind.handler(ctx, payload)
            answer = OperationResult(
                op_id=op.id, type=op.type, status=outcome.status, result=outcome.result
            )
            await session.execute(
                update(SyncOperation)
                .where(SyncOperation.id == claim)
                .values(status=answer.status, result=answer.model_dump(mode="json"))
            )
        return answer, False
    except _AlreadyClaimed:
        stored = await _stored(session, user=ctx.user, op_id=op.id)
        assert stored is not None
        return _replay(stored, op, digest) or OperationResult.model_validate(stored.result), True
    except DomainError as exc:
        if isinstance(exc, TooManyRequests) or exc.code in RETRY_CODES:
            return _failure(op, exc, "retry"), False
        return await _rejected(session, ctx, op, digest, _failure(op, exc, "rejected"))
    except DBAPIError as exc:
        if is_passing(exc):
            # The server was busy, a lock timed out, the connection dropped: try again later.
            log.warning(
                "sync operation %s (%s) will be tried again (request %s): %s",
                op.id,
                op.type,
                request_id_var.get(),
                exc.__class__.__name__,
            )
            busy = DomainError("The server was busy. Try again.", code="try_again")
            return _failure(op, busy, "retry"), False
        return _server_error(op), False
    except Exception:
        return _server_error(op), False


async def apply_batch(
    session: AsyncSession,
    *,
    user: User,
    data: SyncBatchIn,
    between_chunks: BetweenChunks | None = None,
) -> SyncBatchOut:
    """Apply a phone's queued operations in the order given, each once, each on its own;
    `between_chunks` (services.db.Chunks) may commit those applied so far every 50 ms."""
    if len(data.operations) > MAX_BATCH:
        raise Invalid(
            f"A batch holds at most {MAX_BATCH} operations; this one has "
            f"{len(data.operations)}. Send the first {MAX_BATCH}, then the rest.",
            code="batch_too_large",
        )
    operation_types()
    ctx = OpContext(
        session=session, user=user, op_id=uuid.uuid4(), device=data.device, now=utcnow()
    )
    results: list[OperationResult] = []
    replayed = 0
    # One query for the operations seen before (a resent batch), instead of one per operation.
    ids = [op.id for op in data.operations]
    known = (
        {
            row.op_id: row
            for row in await session.scalars(
                select(SyncOperation).where(
                    SyncOperation.user_id == user.id, SyncOperation.op_id.in_(ids)
                )
            )
        }
        if ids
        else {}
    )
    chunks = Chunks(between_chunks)
    for op in data.operations:
        answer, from_log = await _apply_one(session, ctx, op, known.get(op.id))
        results.append(answer)
        replayed += from_log
        await chunks.done_one()
    await session.flush()
    counts: dict[str, int] = {}
    for answer in results:
        counts[answer.status] = counts.get(answer.status, 0) + 1
    return SyncBatchOut(results=results, counts=counts, replayed=replayed, server_time=ctx.now)
