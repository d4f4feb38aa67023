"""The door pack: what a staff phone needs to judge badges alone, small enough to carry, and
the updates that keep it current (docs/offline.md, "The pack").

The pack holds no badge tokens. A token is the key to a person's badge (the door, and the
contact exchange that gives away their card), so a lost staff phone must not leak them. It
holds the first 128 bits of HMAC-SHA256(pack key, token) instead, with the pack key itself:
the phone hashes what it scans and looks the hash up. Tokens have 192 random bits, so a hash
cannot be turned back into a token, and the key is per event, so a hash says nothing about
other events.

One JSON object, gzip-compressed on the wire, whose attendees are rows of COLUMNS (50,000 of
them make about 3 MB). A pack asked for `since` an earlier pack's `version` holds only the
attendees changed since then (the attendee, a badge issued or revoked, a check-in made, undone
or moved), each whole, plus the event's counts for the phone to check its merged pack by.

The pack is written a chunk of rows at a time into the gzip stream, so the server holds only
the compressed bytes; each answer is kept for CACHE_SECONDS, so twenty phones that fetch it at
08:00 cost one build (see offline_pack).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.auth.tokens import token_hash
from services.db import utcnow
from services.door import settings as door_settings
from services.events.badges import badge_url
from services.models import Attendee, Badge, CheckIn, Event

FORMAT = 2
COLUMNS = ["id", "name", "company", "title", "checked_in_at", "gate", "badges", "revoked"]
HASH_DIGITS = 32  # hex digits of the HMAC kept: 128 bits
CHUNK = 250  # attendees per query; the event loop serves other requests between chunks
CACHE_SECONDS = 60.0
# A change committed a little after its timestamp was taken must not be missed: updates look
# this far behind the version they are asked for (sending a row twice does no harm).
OVERLAP = timedelta(minutes=2)


@dataclass(frozen=True)
class BuiltPack:
    """A pack as sent: gzip-compressed JSON."""

    gzip: bytes
    version: datetime
    full: bool


_cache: dict[tuple[uuid.UUID, datetime | None], tuple[float, BuiltPack]] = {}
_building: dict[uuid.UUID, asyncio.Lock] = {}


def pack_key(event_id: uuid.UUID) -> str:
    """The event's pack key: derived from the server secret, the same for every staff phone."""
    return token_hash(str(event_id), purpose="door-pack-key")


def hash_token(key: str, token: str) -> str:
    """What the phone computes for a scanned token: HMAC-SHA256 under the pack key, the first
    HASH_DIGITS hex digits."""
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()[:HASH_DIGITS]


def _version(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def _head(session: AsyncSession, event: Event, version: datetime, full: bool) -> str:
    """The pack's JSON up to its rows: the event, the window, the hash rule, the counts."""
    settings = await door_settings.door_settings(session, event_id=event.id)
    window = door_settings.check_in_window(event, settings)
    of_event = Attendee.event_id == event.id
    attendees = await session.scalar(select(func.count()).select_from(Attendee).where(of_event))
    badges = await session.scalar(
        select(func.count()).select_from(Badge).join(Attendee).where(of_event)
    )
    prefix = badge_url("")
    head = {
        "format": FORMAT,
        "full": full,
        "version": _version(version),
        "event_id": str(event.id),
        "event_name": event.name,
        "timezone": event.timezone,
        "window": {"opens_at": _version(window.opens_at), "closes_at": _version(window.closes_at)},
        "badge_url_prefix": prefix,
        "hash": {
            "algorithm": "HMAC-SHA256",
            "key": pack_key(event.id),
            "input": f"the badge token: what follows {prefix} in the QR code (or the bare token)",
            "output": f"the first {HASH_DIGITS} hex digits",
        },
        "attendee_count": attendees,
        "badge_count": badges,
        "columns": COLUMNS,
    }
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"attendees":['


def _changed_since(event: Event, since: datetime) -> Any:
    """The ids of the event's attendees with anything changed at or after `since`."""
    return union(
        select(Attendee.id).where(
            Attendee.event_id == event.id,
            or_(Attendee.updated_at >= since, Attendee.created_at >= since),
        ),
        select(Badge.attendee_id)
        .join(Attendee, Attendee.id == Badge.attendee_id)
        .where(
            Attendee.event_id == event.id,
            or_(Badge.issued_at >= since, Badge.revoked_at >= since),
        ),
        select(CheckIn.attendee_id).where(
            CheckIn.event_id == event.id,
            or_(
                CheckIn.received_at >= since,
                CheckIn.undone_at >= since,
                CheckIn.changed_at >= since,
            ),
        ),
    )


Scope = Callable[[Any], list[Any]]  # conditions on an attendee id column


async def _rows(
    conn: AsyncConnection, event: Event, key: str, scope: Scope, limit: int | None = None
) -> list[list[Any]]:
    """Pack rows of the event's attendees within `scope`, by id."""
    where = [Attendee.event_id == event.id, *scope(Attendee.id)]
    people = (
        await conn.execute(
            select(
                Attendee.id,
                Attendee.name,
                Attendee.company,
                Attendee.title,
                CheckIn.checked_in_at,
                CheckIn.gate,
            )
            .outerjoin(
                CheckIn, and_(CheckIn.attendee_id == Attendee.id, CheckIn.undone_at.is_(None))
            )
            .where(*where)
            .order_by(Attendee.id)
            .limit(limit)
        )
    ).all()
    if not people:
        return []
    badges: dict[uuid.UUID, tuple[list[str], list[str]]] = {p[0]: ([], []) for p in people}
    # On the badges' own attendee_id (its index), so each chunk reads only its badges.
    for attendee_id, token, revoked_at in await conn.execute(
        select(Badge.attendee_id, Badge.token, Badge.revoked_at)
        .where(*scope(Badge.attendee_id), Badge.attendee_id <= people[-1][0])
        .order_by(Badge.issued_at)
    ):
        if attendee_id in badges:
            badges[attendee_id][1 if revoked_at is not None else 0].append(hash_token(key, token))
    return [
        [
            str(attendee_id),
            name,
            company,
            title,
            int(at.timestamp()) if at is not None else None,
            gate if at is not None else None,
            *badges[attendee_id],
        ]
        for attendee_id, name, company, title, at, gate in people
    ]


async def _chunks(
    conn: AsyncConnection, event: Event, key: str, since: datetime | None
) -> AsyncIterator[list[list[Any]]]:
    """The pack's rows, CHUNK at a time: every attendee by id, or those changed since."""
    if since is None:
        after: uuid.UUID | None = None
        while True:
            rows = await _rows(conn, event, key, _after(after), limit=CHUNK)
            if not rows:
                return
            yield rows
            after = uuid.UUID(rows[-1][0])
    changed = sorted((await conn.execute(_changed_since(event, since - OVERLAP))).scalars())
    for start in range(0, len(changed), CHUNK):
        yield await _rows(conn, event, key, _among(changed[start : start + CHUNK]))


def _after(after: uuid.UUID | None) -> Scope:
    return lambda column: [column > after] if after is not None else []


def _among(ids: list[uuid.UUID]) -> Scope:
    return lambda column: [column.in_(ids)]


async def build_pack(
    session: AsyncSession, *, event: Event, since: datetime | None = None
) -> BuiltPack:
    """The pack, whole or (`since` an earlier version) only what changed since then."""
    version = utcnow()
    gzip = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    parts = [gzip.compress((await _head(session, event, version, since is None)).encode())]
    key = pack_key(event.id)
    separator = b""
    async for rows in _chunks(await session.connection(), event, key, since):
        text = ",".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows)
        parts.append(gzip.compress(separator + text.encode()))
        separator = b","
        await asyncio.sleep(0)  # let door scans through between chunks
    parts.append(gzip.compress(b"]}"))
    parts.append(gzip.flush())
    return BuiltPack(gzip=b"".join(parts), version=version, full=since is None)


async def offline_pack(
    session: AsyncSession,
    *,
    event: Event,
    since: datetime | None = None,
    release: Callable[[], Awaitable[None]] | None = None,
) -> BuiltPack:
    """What a door phone downloads: the full pack, or the update since a version it holds.

    Each answer is kept CACHE_SECONDS (phones that fetched the same full pack at 08:00 then
    ask for the same update), and one pack of an event is built at a time: the others wait,
    after `release` gave their database connection back (so the door's scans still find one),
    and then take the kept answer. An answer's `version` is when it was built, so a phone
    that gets a kept one asks next time for what changed since then: nothing is missed.
    """
    wanted = (event.id, since)
    kept = _kept(wanted)
    if kept is not None:
        return kept
    lock = _building.setdefault(event.id, asyncio.Lock())
    if lock.locked() and release is not None:
        await release()
    async with lock:
        kept = _kept(wanted)
        if kept is not None:
            return kept
        built = await build_pack(session, event=event, since=since)
        now = time.monotonic()
        for old in [k for k, (at, _) in _cache.items() if now - at >= CACHE_SECONDS]:
            del _cache[old]
        _cache[wanted] = (now, built)
        return built


def _kept(wanted: tuple[uuid.UUID, datetime | None]) -> BuiltPack | None:
    kept = _cache.get(wanted)
    if kept is not None and time.monotonic() - kept[0] < CACHE_SECONDS:
        return kept[1]
    return None


def forget_cached(event_id: uuid.UUID | None = None) -> None:
    """Drop kept packs (of one event, or all): for tests and benchmarks."""
    for wanted in [k for k in _cache if event_id is None or k[0] == event_id]:
        del _cache[wanted]
