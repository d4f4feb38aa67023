"""Names, titles and subject lines: spaces around them are dropped, and one of spaces only is
refused with a message for that field, on create and on edit, for every thing whose name is
its heading (and a template's subject, which becomes a message's)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"
EVENT = {
    "venue": "Hall A",
    "timezone": "Europe/Berlin",
    "starts_at": "2030-06-01T09:00:00",
    "ends_at": "2030-06-01T18:00:00",
}
TEMPLATE = {"subject": "Hello", "body": "Good to meet you."}

# (what, how to make one with a given name -> response, the field, the message)
Create = Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]]
CREATES: dict[str, tuple[Create, str, str]] = {
    "event": (
        lambda c, name: c.post(f"{API}/events", json={**EVENT, "name": name}),
        "name",
        "Give the event a name.",
    ),
    "pitch": (
        lambda c, name: c.post(f"{API}/pitches", json={"id": str(uuid.uuid4()), "title": name}),
        "title",
        "Give the pitch a title.",
    ),
    "template": (
        lambda c, name: c.post(f"{API}/follow-up-templates", json={**TEMPLATE, "name": name}),
        "name",
        "Give the template a name.",
    ),
    "template subject": (
        lambda c, subject: c.post(
            f"{API}/follow-up-templates", json={**TEMPLATE, "name": "Hi", "subject": subject}
        ),
        "subject",
        "Give the message a subject.",
    ),
    "card": (
        lambda c, name: c.put(f"{API}/me/card", json={"name": name, "company": "Volta"}),
        "name",
        "Put your name on your card: it is what people see first.",
    ),
}


async def _organizer_client(db: AsyncSession, make_client: ClientFactory) -> httpx.AsyncClient:
    return await make_client(await factories.user(db, is_organizer=True))


@pytest.mark.parametrize("what", sorted(CREATES))
async def test_a_name_of_only_spaces_is_refused_with_what_to_do(
    db: AsyncSession, make_client: ClientFactory, what: str
) -> None:
    create, field, message = CREATES[what]
    client = await _organizer_client(db, make_client)
    for blank in ("   ", "", "\t \n"):
        refused = await create(client, blank)
        assert refused.status_code == 422, (what, blank, refused.text)
        assert refused.json() == {
            "error": "malformed_request",
            "detail": message,
            "fields": [{"field": field, "message": message, "line": None}],
        }


@pytest.mark.parametrize("what", sorted(CREATES))
async def test_spaces_around_a_name_are_dropped(
    db: AsyncSession, make_client: ClientFactory, what: str
) -> None:
    create, field, _ = CREATES[what]
    client = await _organizer_client(db, make_client)
    made = await create(client, "  Spring Summit  ")
    assert made.status_code in (200, 201), made.text
    assert made.json()[field] == "Spring Summit"


async def test_renaming_to_spaces_is_refused_and_keeps_the_old_name(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer, name="DevConf")
    contact = await factories.contact(db, owner=organizer, name="Dana Example")
    client = await make_client(organizer)
    pitch = (await CREATES["pitch"][0](client, "Investors")).json()
    template = (await CREATES["template"][0](client, "Thanks")).json()
    edits = [
        (f"{API}/events/{event.id}", "name", "Give the event a name.", "DevConf"),
        (f"{API}/pitches/{pitch['id']}", "title", "Give the pitch a title.", "Investors"),
        (f"{API}/follow-up-templates/{template['id']}", "name", "Give the template a name.", None),
        (f"{API}/contacts/{contact.id}", "name", "A contact needs a name.", "Dana Example"),
    ]
    for url, field, message, before in edits:
        refused = await client.patch(url, json={field: "   "})
        assert refused.status_code == 422, (url, refused.text)
        assert refused.json()["fields"] == [{"field": field, "message": message, "line": None}]
        if before is not None:
            assert (await client.get(url)).json()[field] == before
