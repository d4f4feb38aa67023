"""Helpers for tests: databases, migrations, signed-in clients, and services that may be missing."""

from __future__ import annotations

import asyncio
import os
import shutil
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from alembic.config import Config
from fastapi import FastAPI

from alembic import command

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def services_required() -> bool:
    """In CI a missing service is a failure, not a skip."""
    return os.environ.get("RAPPORT_REQUIRE_SERVICES") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip the test when `condition` is false, or fail when services are required."""
    if condition:
        return
    if services_required():
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


def postgres_url() -> str | None:
    """The PostgreSQL server URL for tests that need PostgreSQL specifically."""
    return os.environ.get("RAPPORT_TEST_DATABASE_URL")


def _alembic_config(url: str, connection: Any = None) -> Config:
    config = Config(os.path.join(ROOT, "alembic.ini"))
    config.set_main_option("script_location", os.path.join(ROOT, "alembic"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(url: str) -> None:
    """Build the schema with Alembic, exactly as production does."""
    command.upgrade(_alembic_config(url), "head")


async def migrate_to(url: str, revision: str, *, down: bool = False) -> None:
    """Upgrade (or downgrade) to `revision` from inside a test's event loop, to test a
    migration on data made at the revision before it."""
    from services.db import create_engine

    engine = create_engine(url, for_migrations=True)
    step = command.downgrade if down else command.upgrade
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: step(_alembic_config(url, sync), revision))
    finally:
        await engine.dispose()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import asyncpg

    parts = urlsplit(url.replace("postgresql+asyncpg", "postgresql"))
    dsn = urlunsplit(parts._replace(path="/postgres"))

    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def create_postgres_database(server_url: str, name: str) -> str:
    """Create an empty database on the test server and return its URL."""
    _admin(server_url, f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def drop_postgres_database(url: str) -> None:
    """Drop a database made by create_postgres_database."""
    name = urlsplit(url).path.lstrip("/")
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def client_for(
    app: FastAPI, user: Any | None, *, base_url: str, **kwargs: Any
) -> httpx.AsyncClient:
    """An httpx client for the app; signed in as `user` (with its CSRF header) if given."""
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, **kwargs)
    if user is not None:
        from api.deps import CSRF_HEADER, SESSION_COOKIE
        from services.auth import signin

        async with app.state.sessionmaker() as session:
            new = await signin.open_session(session, user=user)
            await session.commit()
        client.cookies.set(SESSION_COOKIE, new.token)
        client.headers[CSRF_HEADER] = new.csrf_token
    return client


async def finish_job(app: FastAPI, client: httpx.AsyncClient, started: httpx.Response) -> Any:
    """Run the jobs a worker would, then return the job a 202 answer started, as it ended."""
    from services.jobs import worker
    from services.settings import get_settings

    assert started.status_code == 202, started.text
    while await worker.run_next_job(get_settings(), app.state.sessionmaker):
        pass
    job = await client.get(f"/api/v1/jobs/{started.json()['id']}")
    assert job.status_code == 200, job.text
    return job.json()


async def job_result(app: FastAPI, client: httpx.AsyncClient, started: httpx.Response) -> Any:
    """The result of a job that must succeed (an import's report)."""
    job = await finish_job(app, client, started)
    assert job["status"] == "succeeded", job
    return job["result"]


async def job_error(app: FastAPI, client: httpx.AsyncClient, started: httpx.Response) -> Any:
    """The error of a job that must fail, in the API's error shape."""
    job = await finish_job(app, client, started)
    assert job["status"] == "failed", job
    return job["error"]


async def job_file(
    app: FastAPI, client: httpx.AsyncClient, started: httpx.Response
) -> httpx.Response:
    """The file a job made (it must succeed), downloaded as its owner would."""
    job = await finish_job(app, client, started)
    assert job["status"] == "succeeded", job
    download = await client.get(job["file"]["url"])
    assert download.status_code == 200, download.text
    return download
