"""The door pass over HTTP: issued to staff, used by scans without a session, refused when
expired, forged, for another event or for a role that does not scan, and ended by sign-out or
removal from the staff within its lifetime."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.door import passes
from services.models import CheckIn, CheckInScan, EventMember, User
from tests import factories
from tests.api.test_checkin import API, person, scan_body
from tests.conftest import ClientFactory


async def staff_door(db: AsyncSession, make_client: ClientFactory) -> tuple[Any, User, Any]:
    event_row = await factories.event(db)
    staff = await factories.staff(db, event=event_row)
    return event_row, staff, await make_client(staff)


async def get_pass(client: httpx.AsyncClient, event_id: uuid.UUID) -> str:
    response = await client.post(f"{API}/events/{event_id}/check-in/pass")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return str(response.json()["token"])


async def scan_with(
    client: httpx.AsyncClient, event_id: uuid.UUID, door_pass: str, token: str
) -> httpx.Response:
    return await client.post(
        f"{API}/events/{event_id}/check-in/scans",
        json=scan_body(token),
        headers={"X-Door-Pass": door_pass},
    )


async def statements_of(
    app: FastAPI, client: httpx.AsyncClient, event_id: uuid.UUID, door_pass: str, token: str
) -> tuple[httpx.Response, list[str]]:
    """A scan with a pass, and the SQL statements it sent."""
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = await scan_with(client, event_id, door_pass, token)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return answer, statements


def later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move the pass clock forward."""
    start = passes.now()
    monkeypatch.setattr(passes, "now", lambda: start + seconds)


async def test_scan_with_a_door_pass_needs_no_session_cookie(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event_row, staff, staff_client = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row, name="Ada Lovelace")
    door_pass = await get_pass(staff_client, event_row.id)
    phone = await make_client()  # no cookie, no CSRF header
    first = await scan_with(phone, event_row.id, door_pass, badge.token)
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "ok"
    assert first.json()["attendee"]["name"] == "Ada Lovelace"
    again = await scan_with(phone, event_row.id, door_pass, badge.token)
    assert again.json()["outcome"] == "already_checked_in"
    by = (await db.scalars(select(CheckInScan.by_user_id))).all()
    assert by == [staff.id, staff.id]
    # without a pass or a session, a scan is refused
    anonymous = await phone.post(
        f"{API}/events/{event_row.id}/check-in/scans", json=scan_body(badge.token)
    )
    assert anonymous.status_code == 401


async def test_a_scan_with_a_pass_looks_up_no_session_and_no_role(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    event_row, _, staff_client = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row)
    door_pass = await get_pass(staff_client, event_row.id)
    answer, statements = await statements_of(
        app, staff_client, event_row.id, door_pass, badge.token
    )
    assert answer.json()["outcome"] == "ok"
    assert statements, "the scan ran no SQL at all?"
    assert not [s for s in statements if "user_sessions" in s or "event_members" in s]


async def test_a_scan_with_a_pass_is_two_statements_and_no_transaction_on_postgresql(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-up, then the check-in with its record in one statement, each committing by
    itself (api.deps.door_session): no BEGIN and no COMMIT round trips. SQLite keeps one
    transaction around its two INSERTs."""
    event_row, _, staff_client = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row)
    door_pass = await get_pass(staff_client, event_row.id)
    transactions: list[object] = []
    postgres = app.state.engine.dialect.name == "postgresql"
    if postgres:
        import asyncpg.transaction

        start = asyncpg.transaction.Transaction.start

        async def counted(self: Any) -> None:
            transactions.append(self)
            await start(self)

        monkeypatch.setattr(asyncpg.transaction.Transaction, "start", counted)
    answer, statements = await statements_of(
        app, staff_client, event_row.id, door_pass, badge.token
    )
    assert answer.json()["outcome"] == "ok"
    if postgres:
        assert len(statements) == 2, statements
        assert transactions == []
    else:
        assert [s.split()[0] for s in statements if not s.startswith("BEGIN")] == [
            "SELECT",
            "INSERT",
            "INSERT",
        ]
    made = await db.scalar(select(func.count()).select_from(CheckIn))
    assert made == 1


async def test_expired_pass_is_refused(
    db: AsyncSession, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_row, _, staff_client = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row)
    door_pass = await get_pass(staff_client, event_row.id)
    later(monkeypatch, passes.LIFETIME_SECONDS + 1)
    refused = await scan_with(await make_client(), event_row.id, door_pass, badge.token)
    assert refused.status_code == 401
    assert refused.json()["error"] == "door_pass_expired"
    assert "expired" in refused.json()["detail"]
    assert await db.scalar(select(CheckInScan.id)) is None


async def test_forged_pass_is_refused(db: AsyncSession, make_client: ClientFactory) -> None:
    event_row, _, staff_client = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row)
    genuine = await get_pass(staff_client, event_row.id)
    version, payload, signature = genuine.split(".")
    # another person's id in the payload, the genuine signature kept
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["u"] = uuid.uuid4().hex
    other = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = [
        f"{version}.{payload}.{signature[:-2]}AA",
        f"{version}.{other}.{signature}",
        f"{version}.{payload}",
        "not a pass",
        "",
    ]
    phone = await make_client()
    for text in forged:
        refused = await scan_with(phone, event_row.id, text, badge.token)
        assert refused.status_code == 401, text
        assert refused.json()["error"] == "door_pass_invalid"
        assert "not valid" in refused.json()["detail"]
    assert await db.scalar(select(CheckInScan.id)) is None


async def test_pass_signed_with_another_key_is_refused(
    db: AsyncSession, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_row, staff, _ = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row)
    settings = passes.get_settings()
    monkeypatch.setattr(
        settings, "secret_key", type(settings.secret_key)("another-server-secret-0123456789")
    )
    forged, _ = passes.sign(
        event_id=event_row.id, user_id=staff.id, role="staff", session_id=uuid.uuid4()
    )
    monkeypatch.undo()
    refused = await scan_with(await make_client(), event_row.id, forged, badge.token)
    assert refused.status_code == 401
    assert refused.json()["error"] == "door_pass_invalid"


async def test_pass_of_another_event_is_refused(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event_a, _, client_a = await staff_door(db, make_client)
    event_b = await factories.event(db)
    _, badge_b = await factories.attendee(db, event=event_b)
    pass_a = await get_pass(client_a, event_a.id)
    refused = await scan_with(await make_client(), event_b.id, pass_a, badge_b.token)
    assert refused.status_code == 403
    assert refused.json()["error"] == "door_pass_other_event"
    assert "another event" in refused.json()["detail"]


async def test_pass_for_a_role_that_does_not_scan_is_refused(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event_row = await factories.event(db)
    me, badge = await factories.attendee(db, event=event_row)
    attendee_user = await person(db, me)
    # attendees are not given a pass...
    attendee_client = await make_client(attendee_user)
    asked = await attendee_client.post(f"{API}/events/{event_row.id}/check-in/pass")
    assert asked.status_code == 403
    assert asked.json()["error"] == "staff_only"
    # ...and one naming a role that does not scan is refused even when genuinely signed
    wrong_role, _ = passes.sign(
        event_id=event_row.id, user_id=attendee_user.id, role="attendee", session_id=uuid.uuid4()
    )
    refused = await scan_with(await make_client(), event_row.id, wrong_role, badge.token)
    assert refused.status_code == 403
    assert refused.json()["error"] == "door_pass_wrong_role"


async def test_after_sign_out_the_pass_stops_working_within_its_lifetime(
    db: AsyncSession, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_row, _, staff_client = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row)
    door_pass = await get_pass(staff_client, event_row.id)
    signed_out = await staff_client.post(f"{API}/auth/sign-out")
    assert signed_out.status_code == 204
    # the pass cannot be renewed any more...
    renewal = await staff_client.post(f"{API}/events/{event_row.id}/check-in/pass")
    assert renewal.status_code == 401
    # ...and once its lifetime is over, it is refused
    later(monkeypatch, passes.LIFETIME_SECONDS)
    refused = await scan_with(await make_client(), event_row.id, door_pass, badge.token)
    assert refused.status_code == 401
    assert refused.json()["error"] == "door_pass_expired"


async def test_removed_staff_cannot_renew_their_pass(
    db: AsyncSession, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_row, staff, staff_client = await staff_door(db, make_client)
    _, badge = await factories.attendee(db, event=event_row)
    door_pass = await get_pass(staff_client, event_row.id)
    await db.execute(delete(EventMember).where(EventMember.user_id == staff.id))
    await db.commit()
    renewal = await staff_client.post(f"{API}/events/{event_row.id}/check-in/pass")
    assert renewal.status_code == 404
    later(monkeypatch, passes.LIFETIME_SECONDS)
    refused = await scan_with(await make_client(), event_row.id, door_pass, badge.token)
    assert refused.json()["error"] == "door_pass_expired"


async def test_a_pass_is_renewed_with_a_later_expiry(
    db: AsyncSession, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_row, _, staff_client = await staff_door(db, make_client)
    first = await staff_client.post(f"{API}/events/{event_row.id}/check-in/pass")
    later(monkeypatch, 60)
    second = await staff_client.post(f"{API}/events/{event_row.id}/check-in/pass")
    assert first.json()["role"] == second.json()["role"] == "staff"
    assert second.json()["expires_at"] > first.json()["expires_at"]
    lifetime = passes.LIFETIME_SECONDS
    assert passes.check(second.json()["token"], event_id=event_row.id).expires_at.timestamp() <= (
        passes.now() + lifetime
    )


async def test_a_pass_is_good_for_nothing_but_scanning(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event_row, _, staff_client = await staff_door(db, make_client)
    door_pass = await get_pass(staff_client, event_row.id)
    phone = await make_client()
    stats = await phone.get(
        f"{API}/events/{event_row.id}/check-in/stats", headers={"X-Door-Pass": door_pass}
    )
    assert stats.status_code == 401
