"""The `rapport` command against a fresh SQLite file, run as operators run it."""

from __future__ import annotations

import gc
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.reuseport import Dealer
from tests.support import need

ROOT = Path(__file__).resolve().parent.parent
RAPPORT = str(Path(sys.executable).parent / "rapport")


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "nested" / "rapport.db"


def rapport(db_path: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(
        {
            "RAPPORT_DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
            "RAPPORT_ENVIRONMENT": "development",
            "RAPPORT_BASE_URL": "http://127.0.0.1:8000",
        }
    )
    result = subprocess.run(
        [RAPPORT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode == 0) == ok, result.stderr
    return result


def counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "events": one("SELECT count(*) FROM events"),
            "attendees": one("SELECT count(*) FROM attendees"),
            "distinct_attendees": one("SELECT count(DISTINCT email) FROM attendees"),
            "badges": one("SELECT count(*) FROM badges WHERE revoked_at IS NULL"),
            "attendees_with_badge": one(
                "SELECT count(DISTINCT attendee_id) FROM badges WHERE revoked_at IS NULL"
            ),
            "staff": one("SELECT count(*) FROM event_members WHERE role = 'staff'"),
            "organizers": one("SELECT count(*) FROM event_members WHERE role = 'organizer'"),
            "users": one("SELECT count(*) FROM users"),
        }


def test_upgrade_demo_twice_and_create_organizer(cli_db: Path) -> None:
    rapport(cli_db, "db", "upgrade")
    assert cli_db.exists()
    with sqlite3.connect(cli_db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "events", "attendees", "badges", "outbound_emails"} <= tables

    first = rapport(cli_db, "demo")
    assert "/signin/verify#token=" in first.stdout
    after_first = counts(cli_db)
    expected = {
        "events": 1,
        "attendees": 30,
        "distinct_attendees": 30,
        "badges": 30,
        "attendees_with_badge": 30,
        "staff": 2,
        "organizers": 1,
        "users": 33,
    }
    assert after_first == expected

    second = rapport(cli_db, "demo")
    assert counts(cli_db) == expected
    assert second.stdout != first.stdout  # fresh sign-in links each time

    made = rapport(cli_db, "create-organizer", "Boss@Example.org")
    assert "boss@example.org can now create events" in made.stdout
    rapport(cli_db, "create-organizer", "boss@example.org")
    with sqlite3.connect(cli_db) as conn:
        rows = conn.execute(
            "SELECT is_organizer FROM users WHERE email = 'boss@example.org'"
        ).fetchall()
    assert rows == [(1,)]


class Served:
    """`rapport serve --workers 2` on a free port, and what `ss` says of its sockets."""

    def __init__(self, db_path: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
        env |= {
            "RAPPORT_DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
            "RAPPORT_RUN_WORKER_IN_PROCESS": "false",
            "RAPPORT_LOG_LEVEL": "WARNING",
        }
        self.server = subprocess.Popen(
            [RAPPORT, "serve", "--workers", "2", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.clients: list[socket.socket] = []
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{self.port}/healthz").status_code == 200
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and self.server.poll() is None, "no start"
                time.sleep(0.3)

    def ss(self, *state: str) -> str:
        """What `ss` lists of this server's TCP sockets in `state`, with their processes."""
        return subprocess.run(
            ["ss", "-tnpH", *state, "sport", f"= :{self.port}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def listening(self) -> list[str]:
        """The processes with a listening socket, once there are two."""
        deadline = time.monotonic() + 30
        while len(set(found := re.findall(r"pid=(\d+)", self.ss("-l")))) != 2 or len(found) != 2:
            assert time.monotonic() < deadline, found
            time.sleep(0.2)
        time.sleep(0.5)  # a process takes its slot (cli/reuseport.py) right after it listens
        return found

    def held(self) -> dict[int, str]:
        """The process holding each accepted connection, by the client's port."""
        out = self.ss("state", "established")
        return {int(port): pid for port, pid in re.findall(r":(\d+)\s+users:.*?pid=(\d+)", out)}

    def connect(self, count: int) -> list[str]:
        """Open `count` more connections, one after the other; the process that holds each,
        once all are accepted (a process still starting queues them on its socket meanwhile)."""
        made = [socket.create_connection(("127.0.0.1", self.port)) for _ in range(count)]
        self.clients += made
        ports = [client.getsockname()[1] for client in made]
        deadline = time.monotonic() + 20
        while not set(ports) <= set(held := self.held()):
            assert time.monotonic() < deadline, held
            time.sleep(0.2)
        return [held[port] for port in ports]

    def stop(self) -> int:
        for client in self.clients:
            client.close()
        self.server.send_signal(signal.SIGTERM)
        return self.server.wait(timeout=40)


@pytest.fixture
def served(cli_db: Path) -> Iterator[Served]:
    need(shutil.which("ss") is not None, "ss (iproute2) is not installed")
    rapport(cli_db, "db", "upgrade")
    server = Served(cli_db)
    try:
        yield server
    finally:
        if server.server.poll() is None:
            server.stop()


def test_serve_with_workers_gives_each_process_its_own_socket(served: Served) -> None:
    """`rapport serve --workers 2`: gunicorn, two processes, each listening with SO_REUSEPORT
    on a socket of its own, so new connections are spread over both; SIGTERM stops them all."""
    listening = served.listening()
    held = served.connect(40)
    assert set(held) == set(listening), held  # both processes hold some of the 40
    assert served.stop() == 0


def test_serve_deals_sixteen_door_phones_eight_to_each_process(served: Served) -> None:
    """Connections go to the processes in turn (cli/reuseport.py), not by a hash of their
    ports; a process that dies is replaced, and its replacement takes its turns."""
    dealer = Dealer.load(2)
    need(dealer is not None, "loading an eBPF program needs root (CAP_BPF, CAP_NET_ADMIN)")
    assert dealer is not None
    dealer.close()
    first, second = served.listening()
    dealt = served.connect(16)  # the first turn is whichever process started first
    assert dealt == [dealt[0], dealt[1]] * 8 and {*dealt} == {first, second}, dealt

    os.kill(int(first), signal.SIGKILL)  # gunicorn starts another in its place
    deadline = time.monotonic() + 30
    while first in (listening := served.listening()):
        assert time.monotonic() < deadline, listening
        time.sleep(0.2)
    (replacement,) = set(listening) - {second}
    dealt = served.connect(16)
    assert dealt == [dealt[0], dealt[1]] * 8 and {*dealt} == {second, replacement}, dealt
    assert Counter(served.held().values()) == {second: 16, replacement: 8}
    assert served.stop() == 0


def test_import_attendees_shows_progress_then_the_report(cli_db: Path, tmp_path: Path) -> None:
    rapport(cli_db, "db", "upgrade")
    rapport(cli_db, "demo")
    before = counts(cli_db)
    people = tmp_path / "people.csv"
    people.write_text(
        "name,email,company\n"
        + "".join(f"Guest {i},guest{i}@cli.example,Firm {i % 5}\n" for i in range(450))
    )
    done = rapport(cli_db, "import-attendees", "Rapport Demo Conference", str(people))
    assert "Imported: 450 new, 0 updated, 0 unchanged, 450 invitations queued." in done.stdout
    assert "450/450" in done.stderr and "Importing" in done.stderr  # the progress bar
    after = counts(cli_db)
    assert after["attendees"] == after["distinct_attendees"] == before["attendees"] + 450
    assert after["attendees_with_badge"] == after["attendees"]

    again = rapport(cli_db, "import-attendees", "Rapport Demo Conference", str(people))
    assert "0 new, 0 updated, 450 unchanged, 0 invitations queued." in again.stdout
    assert counts(cli_db) == after

    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nAda,ada@cli.example\nBo,not-an-address\n")
    refused = rapport(cli_db, "import-attendees", "Rapport Demo Conference", str(bad), ok=False)
    assert "nothing was imported" in refused.stderr and "not-an-address" in refused.stderr
    assert counts(cli_db) == after
    unknown = rapport(cli_db, "import-attendees", "No Such Event", str(people), ok=False)
    assert "No event with the id or name" in unknown.stderr


def test_a_server_worker_freezes_what_it_loaded_before_serving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full collection must not walk the app's ~250,000 long-lived objects under load."""
    from uvicorn_worker import UvicornWorker

    from cli.server import Worker

    frozen_when_serving: list[int] = []
    monkeypatch.setattr(
        UvicornWorker, "run", lambda self: frozen_when_serving.append(gc.get_freeze_count())
    )
    gc.unfreeze()
    try:
        Worker.run(object.__new__(Worker))
        assert frozen_when_serving and frozen_when_serving[0] > 10_000
    finally:
        gc.unfreeze()
