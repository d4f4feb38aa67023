"""Browser tests against the real app, started as a new user would start it: a fresh SQLite
file, `rapport db upgrade`, `rapport demo`, `rapport serve` on a free port, and headless
Chromium driving it like a phone.

Playwright's sync API is used from plain (non-async) tests: pytest-asyncio's session loop is
not running while they run, so the two do not meet.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.support import ROOT, chromium_path, need

FRONTEND = Path(ROOT) / "frontend"
DIST = FRONTEND / "dist"
SERVER_HOOKS = Path(__file__).resolve().parent / "server_hooks"
ARTIFACTS = Path(ROOT) / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_LINK = re.compile(r"^\s+(\w+)\s+(https?://\S+/signin/verify#token=\S+)\s*$", re.MULTILINE)
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class LiveServer:
    """A running `rapport serve` and what `rapport demo` printed."""

    base_url: str
    links: dict[str, str]  # organizer, staff, attendee: single-use sign-in links
    env: dict[str, str]
    log: Path
    dist: Path  # this server's own copy of frontend/dist, which a test may change

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return f"{self.base_url}{path}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_frontend_built() -> None:
    """Build frontend/dist if it is missing (installing node_modules first if needed)."""
    if (DIST / "index.html").is_file() and (DIST / "sw.js").is_file():
        return
    need(shutil.which("npm") is not None, "npm is needed to build frontend/dist")
    if not (FRONTEND / "node_modules").is_dir():
        subprocess.run(
            ["npm", "--prefix", str(FRONTEND), "ci", "--no-audit", "--no-fund"], check=True
        )
    subprocess.run(["npm", "--prefix", str(FRONTEND), "run", "build"], check=True)


def _server_env(database_url: str, base_url: str, dist: Path) -> dict[str, str]:
    # tests/conftest.py points RAPPORT_* at the in-process test database: start clean instead.
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(
        {
            "RAPPORT_DATABASE_URL": database_url,
            "RAPPORT_BASE_URL": base_url,
            "RAPPORT_ENVIRONMENT": "development",
            "RAPPORT_FRONTEND_DIST": str(dist),
            # server_hooks/sitecustomize.py counts bound parameters in the server too.
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(SERVER_HOOKS)]),
            "RAPPORT_TEST_PARAMETERS_LOG": str(dist.parent / "too-many-parameters.log"),
        }
    )
    return env


def _rapport(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", *args]


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rapport serve exited early:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"rapport serve did not answer in {START_TIMEOUT}s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app on a free port with the demo event, as `make run` would start it."""
    _ensure_frontend_built()
    workdir = tmp_path_factory.mktemp("live")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    dist = workdir / "dist"
    shutil.copytree(DIST, dist)
    env = _server_env(f"sqlite+aiosqlite:///{workdir / 'rapport.db'}", base_url, dist)
    # The working directory is the temp dir, so a developer's .env cannot leak in.
    for step in (("db", "upgrade"), ("demo",)):
        done = subprocess.run(
            _rapport(*step), env=env, cwd=workdir, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"rapport {' '.join(step)} failed:\n{done.stderr}"
    demo = done
    links = dict(DEMO_LINK.findall(demo.stdout))
    assert {"organizer", "staff", "attendee"} <= links.keys(), demo.stdout
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _rapport("serve", "--port", str(port)),
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, base_url, log)
        yield LiveServer(base_url=base_url, links=links, env=env, log=log, dist=dist)
    finally:
        _stop(process)
    offenders = workdir / "too-many-parameters.log"
    if offenders.exists():
        pytest.fail("The server ran statements over 1,000 parameters:\n" + offenders.read_text())


class _LoopParking:
    """Playwright's sync API marks its own event loop as running in this thread for as long as
    it lives, and pytest-asyncio refuses to run a test or fixture while any loop is marked
    running. So between browser tests the mark is taken off ("parked"), and it is put back
    before a test drives the browser. Nothing runs on Playwright's loop while it is parked:
    it only runs inside sync Playwright calls."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None

    def park(self) -> None:
        self.loop = asyncio._get_running_loop()
        asyncio._set_running_loop(None)

    def unpark(self) -> None:
        if self.loop is not None:
            asyncio._set_running_loop(self.loop)


_parking = _LoopParking()


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole run (never a downloaded browser build)."""
    executable = chromium_path()
    need(executable is not None, "Chromium is not installed (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except BaseException:
        playwright.stop()
        raise
    _parking.park()
    yield launched
    _parking.unpark()
    try:
        launched.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser(_chromium: Browser) -> Iterator[Browser]:
    """The session's Chromium, ready to drive in this (plain, non-async) test."""
    _parking.unpark()
    try:
        yield _chromium
    finally:
        _parking.park()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh phone-shaped browser context: 390 by 844, double density, touch."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def context(phone: BrowserContext) -> Iterator[BrowserContext]:
    """The phone, for tests that take it offline: put back online at the end, whatever
    happened."""
    try:
        yield phone
    finally:
        phone.set_offline(False)


@pytest.fixture(autouse=True)
def _empty_database() -> None:
    """Browser tests use the live server's own database, not the in-process test database,
    so there is nothing to empty (this replaces the async fixture of tests/conftest.py)."""


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/: screenshots kept for a human to look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
