from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Event
from tests import factories
from tests.conftest import ClientFactory

EVENTS = "/api/v1/events"
BODY = {
    "name": "DevConf",
    "venue": "Hall A",
    "timezone": "Europe/Berlin",
    "starts_at": "2030-06-01T09:00:00",
    "ends_at": "2030-06-01T18:00:00",
}


async def test_organizer_creates_an_event_in_its_time_zone(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db, is_organizer=True))
    response = await client.post(EVENTS, json=BODY)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["starts_at"] == "2030-06-01T07:00:00Z"
    assert data["roles"] == ["organizer"]
    got = await client.get(f"{EVENTS}/{data['id']}")
    assert got.json()["ends_at"] == "2030-06-01T16:00:00Z"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ends_at": "2020-06-01T08:00:00"}, "ends_before_start"),
        ({"timezone": "Europe/Atlantis"}, "unknown_timezone"),
    ],
)
async def test_bad_event_is_a_clear_400_on_create_and_patch(
    db: AsyncSession, make_client: ClientFactory, changes: dict[str, str], code: str
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer, name="Before")
    client = await make_client(organizer)
    created = await client.post(EVENTS, json={**BODY, **changes})
    assert created.status_code == 400
    body = created.json()
    assert body["error"] == code and body["detail"] and body["fields"]
    patched = await client.patch(f"{EVENTS}/{event.id}", json={"name": "After", **changes})
    assert patched.status_code == 400 and patched.json()["error"] == code
    again = await client.get(f"{EVENTS}/{event.id}")
    assert again.json()["name"] == "Before"
    assert await db.scalar(select(func.count()).select_from(Event)) == 1


@pytest.mark.parametrize(
    "body",
    [
        {k: v for k, v in BODY.items() if k != "name"},
        {**BODY, "starts_at": "tomorrow"},
        {**BODY, "name": ""},
        [],
    ],
)
async def test_malformed_event_payload_is_422(
    db: AsyncSession, make_client: ClientFactory, body: object
) -> None:
    client = await make_client(await factories.user(db, is_organizer=True))
    response = await client.post(EVENTS, json=body)
    assert response.status_code == 422
    assert set(response.json()) == {"error", "detail", "fields"}
    assert response.json()["error"] == "malformed_request"


async def test_attendee_account_cannot_create(db: AsyncSession, make_client: ClientFactory) -> None:
    client = await make_client(await factories.user(db))
    response = await client.post(EVENTS, json=BODY)
    assert response.status_code == 403 and response.json()["error"] == "not_an_organizer"


async def test_patch_edits_only_what_is_given(db: AsyncSession, make_client: ClientFactory) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer, name="Old")
    client = await make_client(organizer)
    response = await client.patch(f"{EVENTS}/{event.id}", json={"name": "New", "venue": ""})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["venue"]) == ("New", "")
    assert response.json()["timezone"] == "Europe/Berlin"


async def test_my_events_are_paged(db: AsyncSession, make_client: ClientFactory) -> None:
    organizer = await factories.user(db, is_organizer=True)
    for n in range(3):
        await factories.event(db, organizer=organizer, name=f"E{n}")
    client = await make_client(organizer)
    page = (await client.get(EVENTS, params={"limit": 2, "offset": 1})).json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 1, 2)
    for params in ({"limit": 201}, {"limit": 0}, {"offset": -1}, {"limit": "x"}):
        response = await client.get(EVENTS, params=params)
        assert response.status_code == 422, params
        assert response.json()["error"] == "malformed_request"


async def test_staff_invitation_is_idempotent_and_its_link_signs_in(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    from tests.api.test_auth import last_link_to
    from tests.services.auth.test_signin import token_of

    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    client = await make_client(organizer)
    url = f"{EVENTS}/{event.id}/staff"
    for _ in range(2):
        response = await client.post(url, json={"email": "Door@Example.org", "name": "Door"})
        assert response.status_code == 201 and response.json()["role"] == "staff"
    staff = (await client.get(url)).json()
    assert [s["email"] for s in staff if s["role"] == "staff"] == ["door@example.org"]
    mails = (await client.get("/dev/mailbox.json")).json()
    assert len(mails) == 1
    door = await make_client()
    verified = await door.post(
        "/api/v1/auth/verify",
        json={"token": token_of(await last_link_to(client, "door@example.org"))},
    )
    assert verified.status_code == 200 and verified.json()["next"] == f"/events/{event.id}"
    mine = await door.get(f"{EVENTS}/{event.id}")
    assert mine.status_code == 200 and mine.json()["roles"] == ["staff"]


async def test_an_end_before_the_start_is_told_in_plain_words(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db, is_organizer=True))
    response = await client.post(EVENTS, json={**BODY, "ends_at": "2030-06-01T08:00:00"})
    assert response.status_code == 400
    assert response.json()["fields"] == [
        {"field": "ends_at", "message": "The end must be after the start.", "line": None}
    ]


async def test_inviting_staff_at_a_half_address_says_what_a_full_one_looks_like(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    client = await make_client(organizer)
    response = await client.post(f"{EVENTS}/{event.id}/staff", json={"email": "x@y"})
    assert response.status_code == 422
    message = "Enter a full email address, like name@example.com."
    assert response.json() == {
        "error": "malformed_request",
        "detail": message,
        "fields": [{"field": "email", "message": message, "line": None}],
    }
