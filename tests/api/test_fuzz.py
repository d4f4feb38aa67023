"""Property-based fuzzing of every operation the OpenAPI schema lists (schemathesis), signed in
as an organizer and as an attendee, against the app served by uvicorn: no answer may be a 5xx,
and every answer must match the schema. Bounded in examples and in time (RAPPORT_FUZZ_EXAMPLES
per operation, default 8; past RAPPORT_FUZZ_SECONDS per role, default 35, each remaining
operation gets one example), so `make test` stays within its budget on both databases. The
examples are the same on every run (CI must not flake); RAPPORT_FUZZ_RANDOM=1 draws new ones,
RAPPORT_FUZZ_MODE=negative sends what the schema does not allow."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case
from schemathesis.checks import not_a_server_error, response_schema_conformance
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CSRF_HEADER, SESSION_COOKIE
from services.auth import signin
from tests import factories

EXAMPLES = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "8"))
SECONDS = float(os.environ.get("RAPPORT_FUZZ_SECONDS", "35"))
RANDOM = os.environ.get("RAPPORT_FUZZ_RANDOM") == "1"
# "negative" sends what the schema does not allow (wrong types, missing fields): all 4xx.
MODE = schemathesis.GenerationMode(os.environ.get("RAPPORT_FUZZ_MODE", "positive"))
CHECKS = [not_a_server_error, response_schema_conformance]
# Operations that would end the session being fuzzed: they are fuzzed last, once each way.
ENDS_THE_SESSION = {("POST", "/api/v1/auth/sign-out"), ("DELETE", "/api/v1/me")}


@dataclass(frozen=True)
class Role:
    name: str
    cookie: str
    csrf: str
    ids: dict[str, str]  # path parameters that name this person's own things


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _served() -> Iterator[str]:
    """The app (its own engine, on the test database) served by uvicorn in a thread."""
    from api.app import create_app

    config = uvicorn.Config(
        create_app(with_worker=False), host="127.0.0.1", port=_free_port(), log_level="critical"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


async def _role(db: AsyncSession, name: str) -> Role:
    """An organizer of an event with an attendee, or that attendee; each with a contact."""
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    attendee, _ = await factories.attendee(db, event=event, name="Ada Example")
    person = organizer if name == "organizer" else await db.get(type(organizer), attendee.user_id)
    assert person is not None
    contact = await factories.contact(db, owner=person, name="Sam Lee", email="sam@example.org")
    opened = await signin.open_session(db, user=person)
    await db.commit()
    ids = {"event_id": str(event.id), "contact_id": str(contact.id)}  # type: ignore[attr-defined]
    return Role(name, opened.token, opened.csrf_token, ids)


def _streams(operation: schemathesis.APIOperation) -> bool:
    """An endpoint that answers with an event stream runs until it times out: not fuzzed."""
    responses = operation.definition.raw.get("responses", {})
    return any("text/event-stream" in (r.get("content") or {}) for r in responses.values())


def _fuzz(url: str, role: Role) -> tuple[int, int]:
    """Every operation of the served schema; returns (operations, requests)."""
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    http = requests.Session()
    http.cookies.set(SESSION_COOKIE, role.cookie)
    http.headers[CSRF_HEADER] = role.csrf
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if not _streams(op)]
    operations.sort(key=lambda op: (op.method.upper(), op.path) in ENDS_THE_SESSION)
    assert len(operations) > 100, "the schema lists fewer operations than expected"
    started, sent = time.monotonic(), 0

    for operation in operations:
        over_time = time.monotonic() - started > SECONDS
        final = (operation.method.upper(), operation.path) in ENDS_THE_SESSION

        @settings(
            max_examples=1 if over_time or final else EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not RANDOM,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=MODE))
        def check(case: Case) -> None:
            nonlocal sent
            for key, value in role.ids.items():
                if key in (case.path_parameters or {}):
                    case.path_parameters[key] = value  # reach past "not found" into the handler
            response = case.call(base_url=url, session=http, timeout=30)
            sent += 1
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            if MODE is schemathesis.GenerationMode.POSITIVE:
                raise
            # Negative mode: an operation that takes nothing cannot be sent anything wrong.
    return len(operations), sent


@pytest.mark.parametrize("role_name", ["organizer", "attendee"])
async def test_no_operation_answers_5xx_or_off_schema(db: AsyncSession, role_name: str) -> None:
    import asyncio

    role = await _role(db, role_name)
    with _served() as url:
        began = time.monotonic()
        operations, sent = await asyncio.to_thread(_fuzz, url, role)
    print(
        f"fuzzed {operations} operations as {role_name}: {sent} requests "
        f"in {time.monotonic() - began:.1f}s"
    )
    assert sent >= operations
