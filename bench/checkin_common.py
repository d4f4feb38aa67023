"""Shared parts of the check-in benchmarks: seed a database, start servers, run wrk.

Traffic goes to 127.0.0.1 only, each load run is bounded by wrk's -d, and every server this
starts is stopped by its own process id.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from alembic.config import Config
from sqlalchemy import insert

from alembic import command
from services.auth import signin
from services.auth.tokens import new_token
from services.db import create_engine, create_sessionmaker, utcnow
from services.events.badges import BADGE_TOKEN_BYTES
from services.models import Attendee, Badge, Event, EventMember, EventRole, User

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "checkin_scan.lua"


@dataclass
class Seeded:
    event_id: uuid.UUID
    cookie: str
    csrf: str
    tokens: list[str]


def migrate(url: str) -> None:
    """Build the schema with Alembic."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


async def seed(url: str, *, badges_count: int) -> Seeded:
    """An event starting an hour ago, a staff member with a session, and many badges."""
    engine = create_engine(url)
    make = create_sessionmaker(engine)
    now = utcnow()
    async with make() as session:
        staff = User(email="door@bench.example", name="Door")
        session.add(staff)
        event = Event(
            name="Bench Conf",
            venue="Hall",
            timezone="Europe/Berlin",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
        )
        session.add(event)
        await session.flush()
        session.add(EventMember(event_id=event.id, user_id=staff.id, role=EventRole.staff))
        opened = await signin.open_session(session, user=staff)
        await session.commit()
        tokens = []
        for start in range(0, badges_count, 2000):
            users, attendees, rows = [], [], []
            for i in range(start, min(start + 2000, badges_count)):
                user_id, attendee_id = uuid.uuid4(), uuid.uuid4()
                email = f"person{i}@bench.example"
                users.append(
                    {
                        "id": user_id,
                        "email": email,
                        "name": f"Person {i}",
                        "is_organizer": False,
                        "created_at": now,
                    }
                )
                attendees.append(
                    {
                        "id": attendee_id,
                        "event_id": event.id,
                        "user_id": user_id,
                        "email": email,
                        "name": f"Person {i}",
                        "company": "Acme",
                        "title": "Engineer",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                token = new_token(BADGE_TOKEN_BYTES)
                tokens.append(token)
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "attendee_id": attendee_id,
                        "token": token,
                        "issued_at": now,
                        "revoked_at": None,
                    }
                )
            await session.execute(insert(User), users)
            await session.execute(insert(Attendee), attendees)
            await session.execute(insert(Badge), rows)
            await session.commit()
    await engine.dispose()
    return Seeded(event_id=event.id, cookie=opened.token, csrf=opened.csrf_token, tokens=tokens)


def start_server(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Start a server process (own process group) and wait until it answers."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is taken by another program; pick another")
    with open(f"/tmp/bench-server-{port}.log", "wb") as log:
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **env},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"server on port {port} did not start; see /tmp/bench-server-{port}.log")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by start_server (its process group, by its own id)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


WRK_MISSING = (
    "This benchmark needs wrk, the HTTP load generator (Debian package `wrk`): run `make bench`, "
    "which installs it, or `apt-get install -y wrk`."
)


def require_wrk() -> None:
    """Stop with a clear message if wrk is not installed."""
    if shutil.which("wrk") is None:
        raise SystemExit(WRK_MISSING)


def get_door_pass(port: int, seeded: Seeded) -> str:
    """A door pass for the seeded staff member, asked for as the scanner does (signed in)."""
    response = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/events/{seeded.event_id}/check-in/pass",
        cookies={"rapport_session": seeded.cookie},
        headers={"X-CSRF-Token": seeded.csrf},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["token"])


def run_wrk(
    *,
    port: int,
    path: str,
    tokens_file: Path,
    seeded: Seeded,
    connections: int,
    seconds: int,
    door_pass: str = "",
) -> dict[str, float]:
    """One bounded wrk run (2 threads); its figures as a dict. With `door_pass`, scans carry
    it instead of the session cookie."""
    env = {
        **os.environ,
        "DOOR_PASS": door_pass,
        "TOKENS_FILE": str(tokens_file),
        "SCAN_PATH": path,
        "COOKIE": f"rapport_session={seeded.cookie}",
        "CSRF": seeded.csrf,
        "SCANNED_AT": utcnow().isoformat(),
        "RUN_ID": uuid.uuid4().hex[:8],
    }
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    line = next(li for li in out.splitlines() if li.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def cpu_seconds(*, group: int | None = None, command: str | None = None) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group (a
    server started by start_server) or with a command name (`postgres`: its backends)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()  # from field 3 (state) on
        if (group is not None and int(fields[2]) == group) or name == command:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def write_tokens(path: Path, tokens: list[str]) -> Path:
    path.write_text("\n".join(tokens) + "\n")
    return path
