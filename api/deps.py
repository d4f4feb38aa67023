"""Typed request dependencies: the database session (which owns the transaction), the current
user, CSRF, and event roles. Every access check on an endpoint starts here."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.auth import limits, signin
from services.auth.tokens import same
from services.db import let_writers_in, unit_of_work, write_intent
from services.door import passes
from services.errors import DomainError, Forbidden, Unauthorized
from services.events import access
from services.events.access import EventAccess
from services.models import User, UserSession
from services.settings import Settings, get_settings

SESSION_COOKIE = "rapport_session"
CSRF_HEADER = "X-CSRF-Token"
DOOR_HEADER = "X-Door-Pass"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: committed when the handler succeeds, rolled back otherwise.

    Requests that may change things declare it (services.db.write_intent), which on SQLite
    queues them fairly for the single write lock; reads go straight through.
    """
    async with request_session(request, request.app.state.sessionmaker) as session:
        yield session


@asynccontextmanager
async def request_session(
    request: Request, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AsyncSession]:
    """get_db's unit of work, for the door scan that opens its own (door_session)."""
    writes = request.method not in SAFE_METHODS
    async with (
        write_intent(request.app.state.engine) if writes else nullcontext(),
        sessionmaker() as session,
    ):
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def door_session(request: Request) -> AbstractAsyncContextManager[AsyncSession]:
    """A door scan's unit of work, opened by the endpoint itself rather than as a dependency
    (FastAPI wraps each generator dependency in an exit stack and a shielded cancel scope: 5 %
    of a scan's CPU). On PostgreSQL each statement commits by itself (AUTOCOMMIT): a scan is one
    look-up and then one statement that makes the check-in and records the scan together
    (services/door/log.py), so a BEGIN and a COMMIT would only add two round trips to the
    door's busiest request. On SQLite, whose path takes two INSERTs, get_db's transaction."""
    maker = getattr(request.app.state, "autocommit_sessionmaker", None)
    return request_session(request, maker or request.app.state.sessionmaker)


DbSession = Annotated[AsyncSession, Depends(get_db, scope="function")]


def commit_so_far(db: AsyncSession) -> Callable[[], Awaitable[None]]:
    """For a long write cut into chunks (services.db.Chunks): commit the request's work so
    far, and on SQLite let the writers that queued meanwhile go first. The request commits the
    rest when it ends, as always."""

    async def commit() -> None:
        await db.commit()
        await let_writers_in()

    return commit


SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class SignedIn:
    user: User
    session: UserSession


async def _signed_in(request: Request, db: DbSession) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or DOOR_HEADER in request.headers:
        # A request that carries a door pass is judged by the pass alone (see DoorScanner); no
        # other site can send that header (it needs a CORS preflight we never allow).
        return None
    found = await signin.session_for_token(db, token)
    if found is None:
        return None
    user, user_session = found
    if request.method not in SAFE_METHODS:
        # A cookie rides along on cross-site requests; the CSRF header cannot.
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not same(sent, user_session.csrf_token):
            raise Forbidden(
                "This change was not confirmed by the app (missing or wrong CSRF token). "
                "Reload the page and try again.",
                code="csrf_failed",
            )
    return SignedIn(user=user, session=user_session)


async def require_signed_in(signed_in: Annotated[SignedIn | None, Depends(_signed_in)]) -> SignedIn:
    """The current session, or 401."""
    if signed_in is None:
        raise Unauthorized("Sign in first.")
    return signed_in


CurrentSession = Annotated[SignedIn, Depends(require_signed_in)]


async def current_user(signed_in: CurrentSession) -> User:
    """The signed-in user, or 401."""
    return signed_in.user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalSession = Annotated[SignedIn | None, Depends(_signed_in)]


async def csrf_guard(_signed_in: OptionalSession) -> None:
    """Mounted on the whole API: any change sent with a live session cookie needs the CSRF
    header, even on endpoints that do not otherwise look at the session (sign-in, verify)."""


async def operator_user(user: CurrentUser, settings: SettingsDep) -> User:
    """Operators are the accounts listed in RAPPORT_OPERATOR_EMAILS."""
    if user.email.lower() not in settings.operators:
        raise Forbidden("Only the server's operators can see this.", code="operators_only")
    return user


OperatorUser = Annotated[User, Depends(operator_user)]


async def any_event_role(event_id: uuid.UUID, user: CurrentUser, db: DbSession) -> EventAccess:
    """Anyone with a role in the event; others get 404."""
    return await access.event_access(db, user=user, event_id=event_id)


async def organizer_of(event_id: uuid.UUID, user: CurrentUser, db: DbSession) -> EventAccess:
    """The event's organizers only."""
    return await access.require_organizer(db, user=user, event_id=event_id)


async def staff_of(event_id: uuid.UUID, user: CurrentUser, db: DbSession) -> EventAccess:
    """The event's door staff and organizers."""
    return await access.require_staff(db, user=user, event_id=event_id)


async def attendee_of(event_id: uuid.UUID, user: CurrentUser, db: DbSession) -> EventAccess:
    """The event's registered attendees."""
    return await access.require_attendee(db, user=user, event_id=event_id)


EventMemberAccess = Annotated[EventAccess, Depends(any_event_role)]
OrganizerAccess = Annotated[EventAccess, Depends(organizer_of)]
StaffAccess = Annotated[EventAccess, Depends(staff_of)]
AttendeeAccess = Annotated[EventAccess, Depends(attendee_of)]


# No list is this long; a larger offset (2^63 and up) would overflow the database's integer.
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class Scanner:
    """Who scans at an event's door: the ids a door pass names, or those of signed-in staff."""

    event_id: uuid.UUID
    user_id: uuid.UUID


async def door_scanner(event_id: uuid.UUID, request: Request) -> Scanner:
    """A valid door pass for this event (checked in memory), or the event's staff signed in:
    then the session, its CSRF header and the role are checked here, in a session of their own
    (the scan's router has no `csrf_guard`, so a scan with a pass resolves nothing else)."""
    sent = request.headers.get(DOOR_HEADER)
    if sent is not None:
        door_pass = passes.check(sent, event_id=event_id)
        return Scanner(event_id=event_id, user_id=door_pass.user_id)
    async with request_session(request, request.app.state.sessionmaker) as db:
        signed_in = await _signed_in(request, db)
        if signed_in is None:
            raise Unauthorized("Sign in first.")
        await access.require_staff(db, user=signed_in.user, event_id=event_id)
    return Scanner(event_id=event_id, user_id=signed_in.user.id)


DoorScanner = Annotated[Scanner, Depends(door_scanner)]


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> PageParams:
    """The same `limit` / `offset` on every list endpoint."""
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


def client_ip(request: Request) -> str | None:
    """The client address as seen by uvicorn (which honours --forwarded-allow-ips)."""
    return request.client.host if request.client else None


# What a look-up that found nothing answers: unknown (404), dead (410), malformed (400).
FAILED_LOOKUP = frozenset({400, 404, 410})


@dataclass(frozen=True)
class Lookups:
    """A token look-up's limits: `failed()` counts one that found nothing but still answers
    200 (a door scan's red `invalid`), in the request's own transaction."""

    db: AsyncSession
    buckets: list[limits.Bucket]
    checked: bool = True  # false: the limit is checked only when a look-up fails (door scans)

    async def failed(self) -> None:
        if not self.checked:
            await limits.check(self.db, buckets=self.buckets)
        await limits.record_failure(self.db, buckets=self.buckets)


async def limit_lookups(
    request: Request, db: DbSession, signed_in: OptionalSession
) -> AsyncIterator[Lookups]:
    """For endpoints that look a token up: 429 after too many failed look-ups by this user or
    this network (services.auth.limits); a look-up answered 400, 404 or 410 is counted in a
    transaction of its own, since the request's is rolled back."""
    buckets = limits.buckets_for(
        user_id=signed_in.user.id if signed_in else None, ip=client_ip(request)
    )
    await limits.check(db, buckets=buckets)
    try:
        yield Lookups(db=db, buckets=buckets)
    except DomainError as exc:
        if exc.status_code in FAILED_LOOKUP:
            await db.rollback()  # the request's changes go; on SQLite its write lock is freed
            async with unit_of_work(request.app.state.sessionmaker) as own:
                await limits.record_failure(own, buckets=buckets)
        raise


TokenLookups = Annotated[Lookups, Depends(limit_lookups, scope="function")]


async def door_scan_found_nothing(request: Request, db: AsyncSession, scanner: Scanner) -> None:
    """Count a door scan that found no badge against the scanner's (pass or cookie) and their
    network's limits, checking them first (429 once over). A badge found costs nothing here:
    the door's busy path stays as short as a door pass makes it."""
    buckets = limits.buckets_for(user_id=scanner.user_id, ip=client_ip(request))
    await Lookups(db=db, buckets=buckets, checked=False).failed()


LimitLookups = Depends(limit_lookups, scope="function")  # for a route's `dependencies=[...]`
