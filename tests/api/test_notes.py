"""Promises carry the link to send: written with the note, shown wherever the promise is,
changed from the promises list, refused when it is not a web address; and a promise kept by the
follow-up drafted from it says so on the list."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"
SLIDES = "https://example.org/slides.pdf"
DUE = (utcnow() + timedelta(days=2)).date().isoformat()


async def _note_with_slides(client: Any, contact_id: uuid.UUID) -> dict[str, Any]:
    created = await client.post(
        f"{API}/contacts/{contact_id}/notes",
        json={
            "text": "Heat pumps",
            "promises": [{"text": "Send the slides", "link": SLIDES, "due_on": DUE}],
        },
    )
    assert created.status_code == 201, created.text
    note: dict[str, Any] = created.json()
    return note


async def test_a_promise_link_is_shown_wherever_the_promise_is_and_edited_from_the_list(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me, name="Ada")
    client = await make_client(me)
    note = await _note_with_slides(client, contact.id)
    (promise,) = note["promises"]
    assert promise["link"] == SLIDES

    detail = (await client.get(f"{API}/contacts/{contact.id}")).json()
    assert [p["link"] for p in detail["promises"]] == [SLIDES]
    listed = (await client.get(f"{API}/promises")).json()["items"]
    assert [(p["text"], p["link"], p["contact_name"]) for p in listed] == [
        ("Send the slides", SLIDES, "Ada")
    ]
    reminders = (await client.get(f"{API}/reminders", params={"within_days": 7})).json()
    assert [r["link"] for r in reminders if r["kind"] == "promise"] == [SLIDES]

    changed = await client.patch(
        f"{API}/promises/{promise['id']}", json={"link": "www.example.org/deck"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["link"] == "https://www.example.org/deck"
    again = (await client.get(f"{API}/notes/{note['id']}")).json()
    assert again["promises"][0]["link"] == "https://www.example.org/deck"
    assert again["version"] == note["version"] + 1  # offline edits of the note see the change

    removed = await client.patch(f"{API}/promises/{promise['id']}", json={"link": None})
    assert removed.json()["link"] is None


async def test_a_link_that_is_not_a_web_address_is_refused_at_its_field(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    client = await make_client(me)

    refused = await client.post(
        f"{API}/contacts/{contact.id}/notes",
        json={
            "text": "x",
            "promises": [{"text": "Send it", "link": "javascript:alert(document.cookie)"}],
        },
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["error"] == "bad_url"
    assert body["fields"] == [
        {
            "field": "promises.0.link",
            "message": "Only web addresses starting with http:// or https:// work.",
            "line": None,
        }
    ]
    assert (await client.get(f"{API}/contacts/{contact.id}/notes")).json() == []

    note = await _note_with_slides(client, contact.id)
    promise_id = note["promises"][0]["id"]
    patch = await client.patch(f"{API}/promises/{promise_id}", json={"link": "ftp://example.org"})
    assert patch.status_code == 400
    assert [f["field"] for f in patch.json()["fields"]] == ["link"]
    assert (await client.get(f"{API}/notes/{note['id']}")).json()["promises"][0]["link"] == SLIDES


async def test_a_promise_kept_by_its_follow_up_says_when_it_was_sent(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(
        db, owner=me, name="Li Wei", linkedin_url="https://www.linkedin.com/in/li-wei"
    )
    client = await make_client(me)
    note = await _note_with_slides(client, contact.id)
    promise_id = note["promises"][0]["id"]
    drafted = await client.post(f"{API}/follow-ups/drafts", json={"contact_ids": [str(contact.id)]})
    assert drafted.json()["created"] == 1
    (draft,) = (await client.get(f"{API}/follow-ups")).json()["items"]
    assert draft["promise_id"] == promise_id and SLIDES in draft["body"]

    approved = await client.post(f"{API}/follow-ups/{draft['id']}/approve")
    assert approved.json()["status"] == "approved"  # LinkedIn: waits to be sent by hand
    still_open = (await client.get(f"{API}/promises")).json()["items"]
    assert [(p["done"], p["sent_with_follow_up_at"]) for p in still_open] == [(False, None)]

    sent = (await client.post(f"{API}/follow-ups/{draft['id']}/mark-sent")).json()

    assert (await client.get(f"{API}/promises")).json()["items"] == []  # open ones only
    (kept,) = (await client.get(f"{API}/promises", params={"include_done": True})).json()["items"]
    assert kept["done"] is True
    assert kept["done_at"] == kept["sent_with_follow_up_at"] == sent["sent_at"]
