"""The database: engine and session factory, and the one place naive datetimes become UTC."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


# INSERT .. ON CONFLICT is dialect-specific in SQLAlchemy; both our databases have it.
_ON_CONFLICT_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


# PostgreSQL error classes that pass: a transaction rolled back by a deadlock or a serialization
# failure (40), a lost connection (08), too little memory or disk (53), the server shutting
# down (57P), a lock or statement timeout (55P03, 57014).
_PASSING_SQLSTATES = ("40", "08", "53", "57P", "55P03", "57014")
# SQLite: the database was busy or locked (SQLITE_BUSY, SQLITE_LOCKED, and their extended codes).
_SQLITE_BUSY = frozenset({5, 6})


def is_passing(exc: DBAPIError) -> bool:
    """Whether a database error will likely not happen again (busy, a lock timed out, the
    connection dropped), so the same change may be tried later; a broken constraint, data
    the database refuses or a bug will fail the same way every time."""
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str):
        return sqlstate.startswith(_PASSING_SQLSTATES)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_BUSY
    return "database is locked" in str(orig)


def upsert_insert(session: AsyncSession, table: Table | Any) -> Any:
    """An INSERT supporting .on_conflict_do_nothing() on the session's database."""
    return _ON_CONFLICT_INSERTS[session.get_bind().dialect.name](table)


def insert_or_skip_statements(
    table: Table | Any, *, conflict_on: list[Any], where: Any = None
) -> dict[str, Any]:
    """INSERT .. ON CONFLICT DO NOTHING RETURNING id, built once for each database (by dialect
    name). A constant statement is a compiled-cache hit every time: for hot paths."""
    return {
        name: insert(table)
        .on_conflict_do_nothing(index_elements=conflict_on, index_where=where)
        .returning(table.c.id)
        for name, insert in _ON_CONFLICT_INSERTS.items()
    }


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite and PostgreSQL alike.

    SQLite has no time zones and hands back naive values; PostgreSQL hands back aware ones in the
    session's zone. Both become aware UTC here, and naive input is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use services.db.utcnow()")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_on_connect(*, foreign_keys: bool) -> Callable[[Any, Any], None]:
    """Settings for each new SQLite connection. Foreign keys are off only for migrations:
    Alembic's batch mode rebuilds a table by copying it and dropping the old one, and with them on
    that drop deletes every row pointing at it (ON DELETE CASCADE); alembic/env.py checks the
    keys itself afterwards."""

    def connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that BEGIN and SAVEPOINT work as
        # written (the sqlite3 module's own handling breaks savepoints).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return connect


def _sqlite_begin(conn: Any) -> None:
    # A writer takes the write lock when its transaction starts: one that reads and then writes
    # could otherwise fail with "database is locked" when another wrote in between (busy_timeout
    # covers waiting for the lock, not upgrading a read snapshot). Readers never block in WAL.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _sqlite_writer.get() is not None else "BEGIN")


class _Turn:
    """A task's place in its process's SQLite write queue: `held` while it has the lock."""

    def __init__(self, lock: asyncio.Lock) -> None:
        self.lock = lock
        self.held = False


_sqlite_writer: ContextVar[_Turn | None] = ContextVar("sqlite_writer", default=None)
_write_locks: WeakKeyDictionary[Any, asyncio.Lock] = WeakKeyDictionary()


@asynccontextmanager
async def write_intent(engine: AsyncEngine) -> AsyncIterator[None]:
    """Declare that the transactions opened inside will write.

    On SQLite, writers of this process queue here in arrival order and then take the database's
    write lock at BEGIN, so none of them starves in SQLite's own busy-wait or fails with
    "database is locked". On PostgreSQL it does nothing: row locks and constraints do the work.
    """
    if engine.dialect.name != "sqlite" or _sqlite_writer.get() is not None:
        yield  # PostgreSQL, or already declared by an enclosing block of this task
        return
    turn = _Turn(_write_locks.setdefault(engine.sync_engine, asyncio.Lock()))
    await turn.lock.acquire()
    turn.held = True
    token = _sqlite_writer.set(turn)
    try:
        yield
    finally:
        _sqlite_writer.reset(token)
        if turn.held:
            turn.lock.release()


async def let_writers_in() -> None:
    """For a long write between two of its chunks, once the first is committed: on SQLite,
    the writers of this process that queued meanwhile (a door scan, a note, a sign-in) go
    first, then this task queues again behind them. Without a write_intent, or with nobody
    waiting, it returns at once."""
    turn = _sqlite_writer.get()
    if turn is None or not turn.held:
        return
    turn.held = False
    turn.lock.release()
    await turn.lock.acquire()  # behind those already waiting (asyncio.Lock is first come)
    turn.held = True


# A long write (a sync batch, a phone's offline scans) commits about this often, so that on
# SQLite no other writer waits much longer behind it.
CHUNK_SECONDS = 0.05
BetweenChunks = Callable[[], Awaitable[None]]


class Chunks:
    """Times a long write that the request owning the transaction may cut into chunks:
    `await chunks.done_one()` after each item calls `between` (which commits what is done and
    lets waiting writers in: api.deps.commit_so_far) once CHUNK_SECONDS have passed. Each item
    must stand on its own (a savepoint each, answers recorded), since earlier chunks stay
    committed if a later one fails. Without `between`, one transaction as before."""

    def __init__(self, between: BetweenChunks | None) -> None:
        self.between = between
        self.began = time.monotonic()

    async def done_one(self) -> None:
        if self.between is not None and time.monotonic() - self.began >= CHUNK_SECONDS:
            await self.between()
            self.began = time.monotonic()


def create_engine(database_url: str, *, for_migrations: bool = False, **kwargs: Any) -> AsyncEngine:
    """An async engine for SQLite (aiosqlite) or PostgreSQL (asyncpg); `for_migrations` turns
    SQLite's foreign keys off (see _sqlite_on_connect)."""
    if database_url.startswith("sqlite"):
        engine = create_async_engine(database_url, connect_args={"timeout": 5}, **kwargs)
        on_connect = _sqlite_on_connect(foreign_keys=not for_migrations)
        event.listen(engine.sync_engine, "connect", on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return _bounded(engine)
    # 15 connections per process, all kept open: docker-compose.yml's 4 API and 2 worker
    # processes stay under PostgreSQL's default 100. No overflow: under load, overflow
    # connections were opened and closed over and over (a PostgreSQL backend each); requests
    # now wait their turn for a pooled one instead. Connections are recycled every half hour
    # instead of pinged before every use (a round trip per request); one that broke is dropped
    # on its first error.
    kwargs.setdefault("pool_size", 15)
    kwargs.setdefault("max_overflow", 0)
    kwargs.setdefault("pool_recycle", 1800)
    return _bounded(create_async_engine(database_url, **kwargs))


# The most parameters one statement may bind (tests/bound_parameters.py checks every statement
# of the test suite): long id lists are joins or chunks instead.
MAX_PARAMETERS = 1000


def _bounded(engine: AsyncEngine) -> AsyncEngine:
    """SQLAlchemy sends many rows of an INSERT as multi-row statements ("insertmanyvalues"),
    by default up to ~32,700 parameters each; keep each under MAX_PARAMETERS."""
    engine.sync_engine.dialect.insertmanyvalues_max_parameters = MAX_PARAMETERS
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit, so responses can be built afterwards."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A writing transaction for the worker and the CLI: commit on success, roll back on error."""
    async with write_intent(sessionmaker.kw["bind"]), sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


class Direct:
    """A Core statement that returns rows (a SELECT, an INSERT .. RETURNING), compiled once.

    On PostgreSQL in AUTOCOMMIT it is sent by asyncpg itself on the session's connection,
    skipping the ORM's and the Core's work per execution (a door scan's CPU fell by a fifth:
    docs/benchmarks.md, issue 12). Bind and result values are processed as the column types
    define, and the engine's `before_cursor_execute` listeners are called as usual. Anywhere
    else (SQLite; a session in a transaction, whose BEGIN the driver adapter sends only with
    its first statement) it is the session's own execute."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._prepared: tuple[str, list[tuple[str, Any]], list[Any]] | None = None

    @staticmethod
    def applies(session: AsyncSession) -> bool:
        bind = session.get_bind()
        return (
            bind.dialect.name == "postgresql"
            and bind.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        )

    def _prepare(self, dialect: Dialect) -> tuple[str, list[tuple[str, Any]], list[Any]]:
        if self._prepared is None:
            compiled = self.statement.compile(dialect=dialect)
            binds = [
                (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                for name in compiled.positiontup or ()
            ]
            results = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.exported_columns
            ]
            self._prepared = (str(compiled), binds, results)
        return self._prepared

    async def first(self, session: AsyncSession, params: dict[str, Any]) -> dict[str, Any] | None:
        """The first row as a dict of its columns, or None."""
        if not self.applies(session):
            row = (await session.execute(self.statement, params)).first()
            return None if row is None else dict(row._mapping)
        connection = await session.connection()
        sql, binds, results = self._prepare(connection.dialect)
        args = [process(params[name]) if process else params[name] for name, process in binds]
        sync, driver = (
            connection.sync_connection,
            (await connection.get_raw_connection()).driver_connection,
        )
        assert sync is not None and driver is not None  # a connection the session holds open
        # Listeners (SQL logs, the tests' statement counters) still see the statement.
        sync.dispatch.before_cursor_execute(sync, None, sql, tuple(args), None, False)
        record = await driver.fetchrow(sql, *args)
        if record is None:
            return None
        return {
            key: process(value) if process else value
            for (key, value), process in zip(record.items(), results, strict=True)
        }
