"""Door check-in: scans and their answers, manual and self check-in, undo, settings, live view."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from schemas.common import Input
from services.models import CheckInMethod, ScanOutcome

NONCE = Field(
    min_length=8,
    max_length=64,
    pattern=r"^[A-Za-z0-9_\-:.]+$",
    description="Made by the phone for this one scan (a UUID is ideal). Sending the same nonce "
    "again returns the first answer and records nothing new, so retries are safe.",
)
SCANNED_AT = Field(
    description="When the phone scanned, with its UTC offset. May be in the past (a phone that "
    "was offline); a time in the future is taken as the time the server received the scan."
)
GATE = Field(default="", max_length=60, description="Which door or desk, e.g. `A`")
DEVICE = Field(default="", max_length=100, description="Which phone, for the log")


class ScanIn(Input):
    """A staff phone scanned a badge."""

    token: str = Field(
        min_length=1,
        max_length=500,
        description="The badge token, or the whole badge URL as read from the QR code",
    )
    scanned_at: AwareDatetime = SCANNED_AT
    nonce: str = NONCE
    gate: str = GATE
    device: str = DEVICE


class ManualCheckInIn(Input):
    """Staff found the person by name (no badge with them)."""

    attendee_id: uuid.UUID
    scanned_at: AwareDatetime = SCANNED_AT
    nonce: str = NONCE
    gate: str = GATE
    device: str = DEVICE


class SelfCheckInIn(Input):
    """A signed-in attendee scanned the door poster."""

    token: str = Field(
        min_length=1, max_length=500, description="The poster token, or the whole poster URL"
    )
    scanned_at: AwareDatetime = SCANNED_AT
    nonce: str = NONCE
    device: str = DEVICE


class DoorPassOut(BaseModel):
    """A door pass: send `token` in the `X-Door-Pass` header of each online scan."""

    token: str = Field(description="The pass, signed by the server; opaque to the phone")
    expires_at: datetime = Field(description="At most two minutes from now: renew before then")
    role: str = Field(description="`staff` or `organizer`")


class UndoIn(Input):
    reason: str = Field(default="", max_length=300, description="Why, for the log")


class AttendeeBrief(BaseModel):
    id: uuid.UUID
    name: str
    company: str
    title: str


class CheckInBrief(BaseModel):
    id: uuid.UUID
    checked_in_at: datetime = Field(description="When the person was scanned at the door")
    local_time: str = Field(description="The same, as a wall-clock time at the event")
    gate: str
    method: CheckInMethod


class CheckInWindow(BaseModel):
    opens_at: datetime
    closes_at: datetime


class ScanAnswer(BaseModel):
    """What the door phone shows. Every outcome is a 200: the scan itself was received.

    - `ok` (green): checked in now; `attendee` and `check_in` say who and when.
    - `already_checked_in` (amber): `check_in` is the first check-in (when, which gate).
    - `invalid` (red): no badge has this token (or it is not a badge QR at all).
    - `revoked` (red): a replaced badge; `attendee` names its owner so staff can check ID.
    - `wrong_event` (red): a valid badge of another event.
    - `not_open` (red): outside the check-in window, given in `window`.
    """

    outcome: ScanOutcome
    color: Literal["green", "amber", "red"]
    message: str = Field(description="What to tell staff, in plain words")
    reason: str = Field(description="A stable code for the outcome, used by the statistics")
    scan_id: uuid.UUID
    nonce: str
    method: CheckInMethod
    gate: str
    scanned_at: datetime
    received_at: datetime
    attendee: AttendeeBrief | None = None
    check_in: CheckInBrief | None = None
    window: CheckInWindow | None = None
    replayed: bool = Field(default=False, description="True when this nonce was seen before")


class CheckInOut(BaseModel):
    id: uuid.UUID
    attendee: AttendeeBrief
    method: CheckInMethod
    gate: str
    device: str
    checked_in_at: datetime
    received_at: datetime
    undone_at: datetime | None
    undo_reason: str


class DoorAttendeeOut(BaseModel):
    """An attendee as the door sees them: found by name, with their check-in if any."""

    attendee: AttendeeBrief
    check_in: CheckInBrief | None


class DoorSettingsOut(BaseModel):
    opens_minutes_before_start: int
    closes_minutes_after_end: int
    window: CheckInWindow
    self_check_in_enabled: bool
    poster_url: str | None = Field(description="What the door poster QR holds, once made")
    poster_rotated_at: datetime | None


class DoorSettingsPatch(Input):
    opens_minutes_before_start: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    closes_minutes_after_end: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    self_check_in_enabled: bool | None = None


class GateCount(BaseModel):
    gate: str
    checked_in: int


class ArrivalBucket(BaseModel):
    starts_at: datetime = Field(description="Start of the 5-minute slot")
    local_time: str
    arrivals: int


class RecentScan(BaseModel):
    scan_id: uuid.UUID
    outcome: ScanOutcome
    reason: str
    method: CheckInMethod
    gate: str
    name: str | None
    scanned_at: datetime
    received_at: datetime
    undone_at: datetime | None = Field(
        default=None, description="When staff took back the check-in this scan made, if they did"
    )


class CheckInStats(BaseModel):
    """The organizer's live view. Cheap enough to poll every few seconds."""

    registered: int
    checked_in: int
    undone: int = Field(description="Check-ins taken back by staff")
    by_gate: list[GateCount]
    by_method: dict[str, int]
    arrivals: list[ArrivalBucket] = Field(description="Live check-ins per 5 minutes, oldest first")
    failed_by_reason: dict[str, int] = Field(description="Scans that let nobody in, by reason")
    recent_scans: list[RecentScan]
    generated_at: datetime
