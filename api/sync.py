"""Offline sync: the batch endpoint the PWA's outbox posts to, note conflicts; and the door's
offline pack, offline scan uploads and double admissions (docs/offline.md)."""

from __future__ import annotations

import gzip
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import CurrentUser, DbSession, StaffAccess, commit_so_far
from api.errors import ERROR_RESPONSES
from schemas.sync import (
    MAX_BATCH,
    DoorConflictsOut,
    DoorPackOut,
    NoteConflictOut,
    OfflineScansIn,
    OfflineScansOut,
    OperationTypeOut,
    SyncBatchIn,
    SyncBatchOut,
)
from services.door import offline, pack
from services.sync import batch
from services.sync import notes as sync_notes

router = APIRouter(responses=ERROR_RESPONSES)
NO_STORE = {"Cache-Control": "no-store"}


def _conflict_out(row: sync_notes.ConflictRow) -> NoteConflictOut:
    conflict = row.conflict
    return NoteConflictOut(
        id=conflict.id,
        note_id=conflict.note_id,
        copy_note_id=conflict.copy_note_id,
        contact_id=row.contact_id,
        contact_name=row.contact_name,
        winner=conflict.winner,
        device=conflict.device,
        edited_at=conflict.edited_at,
        created_at=conflict.created_at,
    )


@router.post(
    "/sync",
    response_model=SyncBatchOut,
    tags=["sync"],
    summary="Upload queued offline changes: many operations, applied in order, each once",
    description=f"At most {MAX_BATCH} operations per batch (400 `batch_too_large` otherwise). "
    "Each operation has the phone's `id` (UUID), a `type` (GET /sync/types) and a `payload`. "
    "They are applied in the order sent, each on its own: one that fails does not undo the "
    "others; a long batch is committed in chunks as it goes, so what was applied before a "
    "failure stays and is answered from the log when resent. Each gets an answer: "
    "`applied`, `duplicate`, `conflict` (applied, nothing lost, see `result`), `rejected` "
    "(with `code` / `detail`; final for this id) or `retry`. "
    "Sending the same operation id again changes nothing and gets the same answer, so a batch "
    "whose answer was lost can simply be sent again. See docs/offline.md.",
)
async def upload(data: SyncBatchIn, user: CurrentUser, db: DbSession) -> SyncBatchOut:
    return await batch.apply_batch(db, user=user, data=data, between_chunks=commit_so_far(db))


@router.get(
    "/sync/types",
    response_model=list[OperationTypeOut],
    tags=["sync"],
    summary="The operation types the sync endpoint takes, with each payload's JSON Schema",
)
async def operation_types(user: CurrentUser) -> list[OperationTypeOut]:
    return [
        OperationTypeOut(
            type=t.name, description=t.description, payload_schema=t.payload.model_json_schema()
        )
        for t in batch.operation_types()
    ]


@router.get(
    "/sync/conflicts",
    response_model=list[NoteConflictOut],
    tags=["sync"],
    summary="My notes edited on two devices at once: the note and its conflict copy",
)
async def note_conflicts(
    user: CurrentUser,
    db: DbSession,
    include_resolved: Annotated[bool, Query(description="Also those marked resolved")] = False,
) -> list[NoteConflictOut]:
    rows = await sync_notes.note_conflicts(db, user=user, include_resolved=include_resolved)
    return [_conflict_out(row) for row in rows]


@router.post(
    "/sync/conflicts/{conflict_id}/resolve",
    response_model=NoteConflictOut,
    tags=["sync"],
    summary="Mark a note conflict as seen (both notes stay)",
)
async def resolve_note_conflict(
    conflict_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> NoteConflictOut:
    return _conflict_out(
        await sync_notes.resolve_note_conflict(db, user=user, conflict_id=conflict_id)
    )


@router.get(
    "/events/{event_id}/door/offline-pack",
    response_class=Response,
    responses={200: {"model": DoorPackOut, "description": "The pack (gzip on the wire)"}},
    tags=["check-in"],
    summary="What a staff phone needs to check people in offline (staff, organizers)",
    description="Attendees as compact rows (id, name, company, title, check-in if any, and a "
    "keyed hash of each badge token: HMAC-SHA256 under the event's pack key, sent along, its "
    "first 32 hex digits), never the tokens themselves; revoked badges are listed too. Hash "
    "what the camera reads and look it up. With `since` (a pack's `version`), only the "
    "attendees changed since then. Sent gzip-compressed to clients that accept it.",
)
async def offline_pack(
    access: StaffAccess,
    db: DbSession,
    request: Request,
    since: Annotated[
        datetime | None, Query(description="The `version` of the pack this phone holds")
    ] = None,
) -> Response:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    # While another request builds the pack, this one gives its connection back (db.close).
    built = await pack.offline_pack(db, event=access.event, since=since, release=db.close)
    headers = {**NO_STORE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        headers["Content-Encoding"] = "gzip"
        return Response(built.gzip, media_type="application/json", headers=headers)
    return Response(gzip.decompress(built.gzip), media_type="application/json", headers=headers)


@router.post(
    "/events/{event_id}/door/offline-scans",
    response_model=OfflineScansOut,
    tags=["check-in"],
    summary="Upload scans a staff phone made offline (staff, organizers)",
    description=f"At most {MAX_BATCH} scans, applied in scan-time order, each judged like a "
    "live scan at its scan time. Send what the phone answered (`local_outcome`): a scan the "
    "phone let in that finds the badge already let in by another device is reported as a "
    "conflict (GET …/door/conflicts). An earlier scan than the check-in it finds gives the "
    "check-in its time. Resending a nonce returns the first answer.",
)
async def offline_scans(
    data: OfflineScansIn, access: StaffAccess, user: CurrentUser, db: DbSession
) -> OfflineScansOut:
    return await offline.apply_offline_scans(
        db,
        event=access.event,
        by_user=user,
        device=data.device,
        scans=data.scans,
        between_chunks=commit_so_far(db),
    )


@router.get(
    "/events/{event_id}/door/conflicts",
    response_model=DoorConflictsOut,
    tags=["check-in"],
    summary="Live view: badges let in by two devices, offline uploads and late ones",
    description="Each conflict lists every scan that let the badge in (device, gate, scan "
    "time), earliest first. Cheap enough to poll with the live view.",
)
async def door_conflicts(
    access: StaffAccess, db: DbSession, response: Response
) -> DoorConflictsOut:
    response.headers.update(NO_STORE)
    return await offline.door_conflicts(db, event=access.event)
