"""Offline sync: the batch of operations a phone uploads, each operation type's payload, the
per-operation answers; the door's offline pack, offline scan uploads and double admissions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from schemas.checkin import GATE, NONCE, AttendeeBrief, CheckInWindow, ScanAnswer
from schemas.common import FieldError, Input
from schemas.contacts import ContactFields, OnDuplicate
from schemas.notes import NoteIn as NoteFields
from schemas.notes import NotePatch

MAX_BATCH = 500

OpStatus = Literal["applied", "duplicate", "conflict", "rejected", "retry"]
LocalOutcome = Literal["ok", "already_checked_in", "invalid", "revoked", "wrong_event", "not_open"]


# --- the batch -------------------------------------------------------------------------------


class SyncOperationIn(Input):
    """One queued change. `payload` is checked against the type's schema when it is applied."""

    # The payload is checked by its type's model, one operation at a time.
    unchecked: ClassVar[frozenset[str]] = frozenset({"payload"})

    id: uuid.UUID = Field(
        description="Made by the phone when the change was made, kept across retries: the same "
        "id is applied once and always answered the same way"
    )
    type: str = Field(min_length=1, max_length=40, description="See GET /api/v1/sync/types")
    payload: dict[str, Any] = Field(description="The operation's data, by type")


class SyncBatchIn(Input):
    """Operations in the order they were made; at most 500 per batch."""

    device: str = Field(default="", max_length=100, description="Which phone, for the log")
    operations: list[SyncOperationIn]


class OperationResult(BaseModel):
    """The answer to one operation.

    - `applied`: done now (`result` says what it made or changed).
    - `duplicate`: it was already so (the contact existed, the promise was already done, the
      badge scan was already recorded); `result` shows the existing thing.
    - `conflict`: applied, but it met another device's change; nothing was lost: `result`
      says what was kept where (e.g. a note's conflict copy).
    - `rejected`: not applied and never will be under this id; `code` and `detail` say why,
      in the shape of every API error. Keep what the user typed and show them.
    - `retry`: a passing problem (the server was busy); send the same operation again later.
    """

    op_id: uuid.UUID
    type: str
    status: OpStatus
    code: str | None = Field(default=None, description="For `rejected` / `retry`: error code")
    detail: str | None = None
    fields: list[FieldError] = Field(default_factory=list)
    result: dict[str, Any] | None = None


class SyncBatchOut(BaseModel):
    results: list[OperationResult] = Field(description="One per operation, in the order sent")
    counts: dict[str, int] = Field(description="How many operations got each status")
    replayed: int = Field(
        description="How many were answered from the log because they were applied before"
    )
    server_time: datetime


class OperationTypeOut(BaseModel):
    type: str
    description: str
    payload_schema: dict[str, Any] = Field(description="JSON Schema of the payload")


# --- payloads --------------------------------------------------------------------------------


class ContactCreateOp(ContactFields):
    """A contact typed in offline, or the text of a scanned vCard / MECARD / LinkedIn QR."""

    id: uuid.UUID = Field(description="The contact's id, made by the phone")
    qr: str | None = Field(
        default=None,
        max_length=20000,
        description="What a scanned contact QR held; then the typed fields are ignored",
    )
    event_id: uuid.UUID | None = None
    met_at: AwareDatetime | None = Field(default=None, description="When we met; default now")
    on_duplicate: OnDuplicate = Field(
        default="create",
        description="Offline the default is `create`: a possible duplicate is named in the "
        "result (`possible_duplicate_of`) so the app can offer a merge",
    )
    merge_into: uuid.UUID | None = None


class ExchangeScanOp(Input):
    """A badge scanned offline ("scanned — details when online")."""

    contact_id: uuid.UUID = Field(description="The id the phone gave the placeholder contact")
    badge: str = Field(min_length=1, max_length=500, description="Token or whole badge URL")
    scanned_at: AwareDatetime | None = Field(default=None, description="Becomes `met_at`")


class NoteCreateOp(NoteFields):
    id: uuid.UUID = Field(description="The note's id, made by the phone")
    contact_id: uuid.UUID = Field(description="A contact id, also one the phone made offline")
    created_at: AwareDatetime | None = Field(default=None, description="When written")


class NoteUpdateOp(NotePatch):
    """An edit made on `base_version`, at `edited_at` by the phone's clock."""

    note_id: uuid.UUID
    edited_at: AwareDatetime = Field(
        description="When the edit was made on the phone; decides which of two edits is current"
    )


class PromiseSetDoneOp(Input):
    promise_id: uuid.UUID
    done: bool = True


class DoorScanOp(Input):
    """A door scan made offline: a badge token, or someone found by name in the pack."""

    event_id: uuid.UUID
    token: str | None = Field(default=None, min_length=1, max_length=500)
    attendee_id: uuid.UUID | None = Field(default=None, description="Found by name instead")
    scanned_at: AwareDatetime
    nonce: str = NONCE
    gate: str = GATE
    device: str = Field(min_length=1, max_length=100, description="Which phone (required)")
    local_outcome: LocalOutcome = Field(
        description="What the phone answered at the door: `ok` means it let the person in"
    )

    @model_validator(mode="after")
    def _token_or_attendee(self) -> DoorScanOp:
        if (self.token is None) == (self.attendee_id is None):
            raise ValueError("give either token or attendee_id")
        return self


# --- the door's offline pack and uploads -------------------------------------------------------


class PackHash(BaseModel):
    algorithm: Literal["HMAC-SHA256"] = "HMAC-SHA256"
    key: str = Field(description="The event's pack key: UTF-8 bytes of this string")
    input: str = Field(description="What to hash")
    output: str = Field(description="What of the HMAC is kept: its first 32 hex digits")


class DoorPackOut(BaseModel):
    """Everything a door phone needs to judge a scan alone (format 2; sent gzip-compressed).
    Holds no badge tokens. Described here for the API docs; services.door.pack writes it."""

    format: Literal[2] = 2
    full: bool = Field(description="The whole event; false: only attendees changed since")
    version: datetime = Field(description="Send back as `since` to get what changed after it")
    event_id: uuid.UUID
    event_name: str
    timezone: str
    window: CheckInWindow
    badge_url_prefix: str = Field(description="Badge QR codes hold this followed by the token")
    hash: PackHash
    attendee_count: int = Field(description="The event's attendees, to check a merged pack by")
    badge_count: int = Field(description="Their badges, revoked ones included")
    columns: list[str] = Field(
        description="What each attendee row holds: id, name, company, title, checked_in_at "
        "(Unix seconds, or null), gate (or null), the hashes of their valid badges, and of "
        "their revoked ones"
    )
    attendees: list[list[Any]]


class OfflineScanIn(Input):
    token: str | None = Field(default=None, min_length=1, max_length=500)
    attendee_id: uuid.UUID | None = None
    scanned_at: AwareDatetime
    nonce: str = NONCE
    gate: str = GATE
    local_outcome: LocalOutcome

    @model_validator(mode="after")
    def _token_or_attendee(self) -> OfflineScanIn:
        if (self.token is None) == (self.attendee_id is None):
            raise ValueError("give either token or attendee_id")
        return self


class OfflineScansIn(Input):
    device: str = Field(min_length=1, max_length=100, description="Which phone")
    scans: list[OfflineScanIn] = Field(description=f"At most {MAX_BATCH}, any order")


class OfflineScanResult(BaseModel):
    """How the server judged an offline scan, and what it found."""

    nonce: str
    answer: ScanAnswer = Field(description="The server's answer, as a live scan would get it")
    local_outcome: LocalOutcome
    late: bool = Field(description="Received more than 2 minutes after the scan")
    moved_earlier: bool = Field(
        description="This scan was earlier than the check-in it found: the check-in now has "
        "this scan's time (the earliest scan wins)"
    )
    conflict_id: uuid.UUID | None = Field(
        description="Set when another device had already let this badge in"
    )


class OfflineScanItem(BaseModel):
    """One uploaded scan: `applied` (recorded now), `duplicate` (this nonce was uploaded
    before: the first answer), `conflict` (recorded, and another device had already let this
    badge in), `rejected` (e.g. an attendee id not in this event), `retry` (send it again)."""

    nonce: str
    status: OpStatus
    code: str | None = None
    detail: str | None = None
    result: OfflineScanResult | None = None


class OfflineScansOut(BaseModel):
    results: list[OfflineScanItem] = Field(description="In scan-time order")


class ConflictScan(BaseModel):
    scan_id: uuid.UUID
    device: str
    gate: str
    scanned_at: datetime
    received_at: datetime
    offline: bool = Field(description="Uploaded from an offline phone")


class DoorConflictOut(BaseModel):
    """A badge let in by two (or more) devices: every admitting scan, earliest first."""

    attendee: AttendeeBrief
    scans: list[ConflictScan]
    first_reported_at: datetime


class DoorConflictsOut(BaseModel):
    conflicts: list[DoorConflictOut]
    offline_scans: int = Field(description="Scans uploaded by offline phones")
    late_uploads: int = Field(description="Of those, received more than 2 minutes after")


class NoteConflictOut(BaseModel):
    id: uuid.UUID
    note_id: uuid.UUID = Field(description="The note, with the text now current")
    copy_note_id: uuid.UUID = Field(description="The conflict copy, with the other text")
    contact_id: uuid.UUID
    contact_name: str = Field(description="The contact the note is about, as I keep them")
    winner: Literal["incoming", "current"]
    device: str
    edited_at: datetime
    created_at: datetime
