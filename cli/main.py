"""`rapport`: serve the app, run the worker, migrate, seed the demo, import attendees, create
organizers."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncSession

from alembic import command
from cli import demo, imports
from services.db import create_engine, create_sessionmaker, unit_of_work
from services.jobs import worker
from services.logs import setup_logging
from services.settings import get_settings

app = typer.Typer(help="Rapport: a networking-event companion.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def _with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def main() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _ensure_sqlite_folder() -> None:
    settings = get_settings()
    if settings.is_sqlite and ":///" in settings.database_url:
        path = settings.database_url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Bring the database schema up to date (Alembic)."""
    _ensure_sqlite_folder()
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    command.upgrade(config, revision)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="API processes (use 1 with SQLite); above 1, under gunicorn")
    ] = 1,
    proxy_headers: Annotated[bool, typer.Option(help="Trust X-Forwarded-* from the proxy")] = False,
) -> None:
    """Serve the API and the PWA (and, in embedded mode, the worker): one uvicorn process, or
    several under gunicorn, each with its own listening socket (cli/server.py)."""
    settings = get_settings()
    setup_logging(json_lines=settings.log_json, level=settings.log_level)
    _ensure_sqlite_folder()
    if workers > 1:
        from cli.server import Server

        Server(host=host, port=port, workers=workers, proxy_headers=proxy_headers).run()
        return
    import uvicorn

    from api.app import create_app
    from cli.server import freeze_what_is_loaded

    application = create_app()
    freeze_what_is_loaded()
    uvicorn.run(
        application,
        host=host,
        port=port,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="*" if proxy_headers else None,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=30,
    )


@app.command("worker")
def run_worker() -> None:
    """Run the background worker until SIGTERM or Ctrl-C (it finishes the item in hand)."""
    settings = get_settings()
    setup_logging(json_lines=settings.log_json, level=settings.log_level)

    async def main() -> None:
        engine = create_engine(settings.database_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await worker.run_worker(settings, create_sessionmaker(engine), stop=stop)
        finally:
            await engine.dispose()

    asyncio.run(main())


@app.command("demo")
def seed_demo() -> None:
    """Create the demo event (again: nothing is duplicated) and print sign-in links."""
    result = _with_session(demo.seed_demo)
    base = get_settings().base_url
    typer.echo(f"Demo event “{result.event.name}” is ready. Open {base}")
    typer.echo("Sign-in links (each works once, for 24 hours; run `rapport demo` for new ones):")
    for label, url in result.links.items():
        typer.echo(f"  {label:<10} {url}")
    typer.echo(f"Other mail goes to the development mailbox: {base}/dev/mailbox")


@app.command("import-attendees")
def import_attendees(
    event: Annotated[str, typer.Argument(help="The event's id (or its exact name)")],
    file: Annotated[Path, typer.Argument(help="The CSV: name, email, company, title", exists=True)],
) -> None:
    """Import attendees from a CSV file, with a progress bar: the same checks, chunks and
    invitations as the app's import (any bad row imports nothing and is listed)."""
    imports.report(asyncio.run(imports.run_import(event, imports.read_file(str(file)))))


@app.command("create-organizer")
def create_organizer(email: Annotated[str, typer.Argument(help="Their email address")]) -> None:
    """Let this person create events (the account is created if new)."""

    async def work(session: AsyncSession) -> str:
        user = await demo.make_organizer(session, email=email)
        return user.email

    typer.echo(f"{_with_session(work)} can now create events.")


if __name__ == "__main__":
    app()
