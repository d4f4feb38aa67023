"""Limits on failed token look-ups (a badge, a door poster, an introduction link, a calendar
feed, a sign-in link that names nothing): per user and per network, counted in the database in
ten-minute windows, so that the limit holds across every API process and needs no other service.

Tokens are long enough that guessing fails anyway; the limit keeps the noise and the load of
someone trying down. The API checks before a look-up (`check`) and records a failed one
(`record_failure`), in a transaction that survives the failed request's rollback.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import upsert_insert, utcnow
from services.errors import TooManyRequests
from services.models import LookupFailure
from services.settings import get_settings

WINDOW = timedelta(minutes=10)
KEEP = 2 * WINDOW  # the window before the current one still counts, in part


@dataclass(frozen=True)
class Bucket:
    """Who is counted: `user:<id>` or `net:<address or IPv6 /64>`, with that bucket's limit."""

    key: str
    limit: int


def network_of(ip: str | None) -> str:
    """The network a client address stands for: the IPv4 address, or the IPv6 /64 (one home or
    one phone gets a whole /64, so its addresses count as one)."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def buckets_for(*, user_id: uuid.UUID | None, ip: str | None) -> list[Bucket]:
    """The signed-in user's bucket (if any) and the client network's."""
    settings = get_settings()
    found = [Bucket(f"net:{network_of(ip)}", settings.lookup_failures_per_network)]
    if user_id is not None:
        found.insert(0, Bucket(f"user:{user_id}", settings.lookup_failures_per_user))
    return found


def _window(now: datetime) -> datetime:
    seconds = int(WINDOW.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)


async def check(session: AsyncSession, *, buckets: Sequence[Bucket]) -> None:
    """TooManyRequests (429, with Retry-After) if a bucket failed too often lately: the current
    window's failures plus the part of the last window's that the current one has not yet
    slid past (a sliding window made of two counters)."""
    now = utcnow()
    current = _window(now)
    rows = await session.execute(
        select(LookupFailure.bucket, LookupFailure.window_start, LookupFailure.failures).where(
            LookupFailure.bucket.in_([b.key for b in buckets]),
            LookupFailure.window_start >= current - WINDOW,
        )
    )
    counts: dict[str, float] = {}
    past_share = 1 - (now - current) / WINDOW
    for key, start, failures in rows:
        share = 1.0 if start >= current else past_share
        counts[key] = counts.get(key, 0.0) + failures * share
    for bucket in buckets:
        if counts.get(bucket.key, 0.0) >= bucket.limit:
            wait = int((current + WINDOW - now).total_seconds()) + 1
            who = "you" if bucket.key.startswith("user:") else "this network"
            raise TooManyRequests(
                f"Too many codes or links that did not work were tried by {who}. "
                f"Wait {max(1, wait // 60)} minutes, then try again.",
                code="too_many_failed_lookups",
                headers={"Retry-After": str(wait)},
            )


async def record_failure(session: AsyncSession, *, buckets: Sequence[Bucket]) -> None:
    """Count one failed look-up in each bucket, and forget windows that no longer count."""
    now = utcnow()
    window = _window(now)
    for bucket in buckets:
        insert = upsert_insert(session, LookupFailure).values(
            bucket=bucket.key, window_start=window, failures=1
        )
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["bucket", "window_start"],
                set_={"failures": LookupFailure.failures + 1},
            )
        )
    await session.execute(delete(LookupFailure).where(LookupFailure.window_start < window - KEEP))
