"""Test set-up: a database built by Alembic (SQLite, or PostgreSQL when
RAPPORT_TEST_DATABASE_URL is set), emptied after every test; the app; signed-in clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.settings import get_settings
from tests import bound_parameters, read_only_gets, support

BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test run."""
    server_url = os.environ.get("RAPPORT_TEST_DATABASE_URL")
    if server_url:
        url = support.create_postgres_database(server_url, f"rapport_test_{uuid.uuid4().hex[:10]}")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'rapport.db'}"
    support.migrate(url)
    yield url
    if server_url:
        support.drop_postgres_database(url)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (PostgreSQL when the tests run on it), for migrations."""
    server = support.postgres_url()
    if not server:
        yield f"sqlite+aiosqlite:///{tmp_path / 'upgrade.db'}"
        return
    url = support.create_postgres_database(server, f"rapport_upgrade_{uuid.uuid4().hex[:10]}")
    yield url
    support.drop_postgres_database(url)


@pytest.fixture(scope="session", autouse=True)
def settings_env(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the settings at the test database; no SMTP, so mail lands in the dev mailbox."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith("RAPPORT_") and key not in (
            "RAPPORT_TEST_DATABASE_URL",
            "RAPPORT_REQUIRE_SERVICES",
        ):
            del os.environ[key]
    os.environ.update(
        {
            "RAPPORT_DATABASE_URL": database_url,
            "RAPPORT_ENVIRONMENT": "test",
            "RAPPORT_BASE_URL": BASE_URL,
            "RAPPORT_RUN_WORKER_IN_PROCESS": "false",
            "RAPPORT_FRONTEND_DIST": str(
                Path(__file__).resolve().parent.parent / "frontend" / "dist"
            ),
        }
    )
    get_settings.cache_clear()
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
async def app(settings_env: None) -> AsyncIterator[FastAPI]:
    """The application with its lifespan running (no in-process worker)."""
    from api.app import create_app

    application = create_app(with_worker=False)
    async with application.router.lifespan_context(application):
        application.state.writes_in_reads = read_only_gets.watch(application)
        yield application


_tables: list[str] = []  # the migrated tables, children first; read once per run
# Statements over tests/bound_parameters.MAX_PARAMETERS, from any engine of this process.
_too_many_parameters = bound_parameters.watch()


@pytest.fixture(autouse=True)
async def _empty_database(app: FastAPI) -> AsyncIterator[None]:
    """Each test starts with empty tables (the schema stays, built once by Alembic), and fails
    if a GET request it made wrote to the database (tests/read_only_gets.py) or a statement it
    ran bound more than 1,000 parameters (tests/bound_parameters.py)."""
    writes: list[str] = app.state.writes_in_reads
    writes.clear()
    _too_many_parameters.clear()
    yield
    found, writes[:] = list(writes), []
    too_many, _too_many_parameters[:] = list(_too_many_parameters), []
    from services.models import Base

    async with app.state.engine.begin() as conn:
        if not _tables:
            existing = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            _tables.extend(
                t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing
            )
        tables = _tables
        # DELETE in dependency order: on tables this small it is ~25x faster than TRUNCATE.
        for table in tables:
            await conn.execute(text(f"DELETE FROM {table}"))
    if found:
        pytest.fail("A GET request wrote to the database:\n" + "\n".join(found))
    if too_many:
        pytest.fail("A statement bound too many parameters:\n" + "\n".join(too_many))


@pytest.fixture
async def db(app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A session for arranging and checking data; factories commit what they make."""
    async with app.state.sessionmaker() as session:
        yield session


ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def make_client(app: FastAPI) -> AsyncIterator[ClientFactory]:
    """make_client() is anonymous; make_client(user) is signed in as that user, with CSRF."""
    clients: list[httpx.AsyncClient] = []

    async def make(user: object | None = None, **kwargs: object) -> httpx.AsyncClient:
        client = await support.client_for(app, user, base_url=BASE_URL, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """An anonymous client."""
    return await make_client()
