"""Background jobs: progress, and then the result (a report, or a file to download)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from schemas.common import ErrorOut


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class JobFileOut(BaseModel):
    url: str = Field(description="Download it here (its owner only), for a day")
    name: str
    media_type: str
    size: int = Field(description="Bytes")


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="attendee_import, contact_import, check_in_csv, …")
    status: JobState
    done: int = Field(description="Rows (or badges) done so far")
    total: int | None = Field(description="Rows in all, once known")
    seconds_left: float | None = Field(description="A guess from the pace so far")
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None = Field(
        description="What the job reports when done: for an import, the same report as before "
        "(created, updated, unchanged, invited)"
    )
    error: ErrorOut | None = Field(
        description="Why it failed, in the API's error shape (an import's bad rows in `fields`)"
    )
    file: JobFileOut | None = Field(description="The file it made, when it made one")
