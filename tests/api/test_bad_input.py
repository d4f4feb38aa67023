"""Bad input is refused with a field message, never a 500: control characters (NUL first: the
PostgreSQL run of this file is what once failed), line breaks in one-line fields, ids of other
people's things, offsets no list reaches, events that are not mine to draft for."""

from __future__ import annotations

import typing
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.common import CONTROL_MESSAGE, LINE_BREAK_MESSAGE, Input
from services.models import DraftRun, PersonalDetail, Promise
from services.sync import batch
from tests import factories, support
from tests.conftest import ClientFactory

API = "/api/v1"
CONTROLS = ["\u0000", "\u0001", "\u001b", "\u007f", "\ud800"]


def _field_message(response: object, field: str) -> str:
    body = response.json()  # type: ignore[attr-defined]
    return next(f["message"] for f in body["fields"] if f["field"] == field)


@pytest.mark.parametrize("char", CONTROLS, ids=["nul", "soh", "esc", "del", "surrogate"])
async def test_control_characters_are_refused_in_every_kind_of_text(
    db: AsyncSession, make_client: ClientFactory, char: str
) -> None:
    me = await factories.user(db, is_organizer=True)
    contact = await factories.contact(db, owner=me, name="Ada")
    client = await make_client(me)
    sent = {
        "/pitches": ("POST", {"title": f"My{char}pitch", "text": "Hello"}, "title"),
        "/contacts": ("POST", {"name": f"Ada{char}", "company": "Acme"}, "name"),
        f"/contacts/{contact.id}/notes": ("POST", {"text": f"a{char}b"}, "text"),  # type: ignore[attr-defined]
        "/me/card": ("PUT", {"name": "Zoë", "interests": [f"x{char}"]}, "interests"),
        "/events": (
            "POST",
            {
                "name": "Conf",
                "venue": f"Hall{char}",
                "timezone": "Europe/Berlin",
                "starts_at": "2026-05-04T09:00:00",
                "ends_at": "2026-05-04T18:00:00",
            },
            "venue",
        ),
    }
    for path, (method, body, field) in sent.items():
        # json= cannot carry a lone surrogate: send the JSON escape, as a hostile client would.
        import json

        raw = json.dumps(body)
        response = await client.request(
            method, API + path, content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, (path, response.text)
        assert _field_message(response, field) == CONTROL_MESSAGE
    if char == "\ud800":
        return  # a URL cannot carry a lone surrogate
    search = await client.get(f"{API}/search", params={"q": f"heat{char}"})
    assert search.status_code == 422 and _field_message(search, "q") == CONTROL_MESSAGE


async def test_tabs_and_line_breaks_are_text_in_a_note(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me, name="Ada")
    client = await make_client(me)
    text = "Heat pumps:\n\t- retrofits\r\n\t- grants"
    created = await client.post(f"{API}/contacts/{contact.id}/notes", json={"text": text})  # type: ignore[attr-defined]
    assert created.status_code == 201, created.text
    assert created.json()["text"] == text


async def test_line_breaks_are_refused_in_one_line_fields(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    contact = await factories.contact(db, owner=organizer, name="Sam", email="sam@example.org")
    follow_up = await factories.follow_up(db, owner=organizer, contact=contact)
    client = await make_client(organizer)
    answers = {
        "subject": await client.patch(
            f"{API}/follow-ups/{follow_up.id}", json={"subject": "Hello\nBcc: x@example.org"}
        ),
        "name": await client.put(f"{API}/me/card", json={"name": "Zoë\r\nX-Evil: 1"}),
        "name ": await client.post(
            f"{API}/events/{event.id}/staff",
            json={"email": "door@example.org", "name": "Door\nperson"},
        ),
        "company": await client.post(f"{API}/contacts", json={"name": "A", "company": "B\nC"}),
    }
    for field, response in answers.items():
        assert response.status_code == 422, (field, response.text)
        assert _field_message(response, field.strip()) == LINE_BREAK_MESSAGE


async def test_a_promise_or_detail_id_of_someone_else_is_refused_and_theirs_stays(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    other = await factories.user(db)
    theirs_contact = await factories.contact(db, owner=other, name="Kim")
    theirs = await factories.note(
        db,
        owner=other,
        contact_id=theirs_contact.id,  # type: ignore[attr-defined]
        text="x",
        promises=[{"text": "Their promise"}],
        personal_details=[{"kind": "hobby", "text": "Their detail"}],
    )
    promise_id = theirs.promises[0].id  # type: ignore[attr-defined]
    detail_id = theirs.details[0].id  # type: ignore[attr-defined]
    other_id = other.id
    me = await factories.user(db)
    mine = await factories.contact(db, owner=me, name="Ada")
    client = await make_client(me)
    notes = f"{API}/contacts/{mine.id}/notes"  # type: ignore[attr-defined]
    taken = await client.post(notes, json={"promises": [{"id": str(promise_id), "text": "Mine"}]})
    assert taken.status_code == 400, taken.text
    assert taken.json()["error"] == "id_taken"
    assert taken.json()["fields"][0]["field"] == "promises.0.id"
    detail = await client.post(
        notes,
        json={"personal_details": [{"id": str(detail_id), "kind": "hobby", "text": "Mine"}]},
    )
    assert detail.status_code == 400 and detail.json()["fields"][0]["field"] == (
        "personal_details.0.id"
    )
    twice = str(uuid.uuid4())
    doubled = await client.post(
        notes, json={"promises": [{"id": twice, "text": "a"}, {"id": twice, "text": "b"}]}
    )
    assert doubled.status_code == 400 and doubled.json()["fields"][0]["field"] == "promises.1.id"
    created = await client.post(notes, json={"text": "ok"})
    patched = await client.patch(
        f"{API}/notes/{created.json()['id']}",
        json={"base_version": 1, "promises": [{"id": str(promise_id), "text": "Mine"}]},
    )
    assert patched.status_code == 400 and patched.json()["error"] == "id_taken"
    db.expire_all()
    kept = await db.get(Promise, promise_id)
    assert kept is not None and kept.owner_id == other_id and kept.text == "Their promise"
    kept_detail = await db.get(PersonalDetail, detail_id)
    assert kept_detail is not None and kept_detail.owner_id == other_id


@pytest.mark.parametrize(
    "path",
    ["/events", "/contacts", "/follow-ups", "/notifications", "/promises", "/introductions"],
)
async def test_an_offset_past_any_list_is_refused(
    db: AsyncSession, make_client: ClientFactory, path: str
) -> None:
    client = await make_client(await factories.user(db))
    for offset in (2**63, 2**64 + 5):
        response = await client.get(API + path, params={"offset": offset})
        assert response.status_code == 422, response.text
        assert response.json()["fields"][0]["field"] == "offset"
    assert (await client.get(API + path, params={"offset": 1_000_000})).status_code == 200


async def test_drafts_for_an_unknown_or_foreign_event_are_not_found(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    foreign = await factories.event(db)
    me = await factories.user(db)
    client = await make_client(me)
    for event_id in (uuid.uuid4(), foreign.id):
        response = await client.post(f"{API}/follow-ups/drafts", json={"event_id": str(event_id)})
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "event_not_found"
    assert await db.scalar(select(func.count()).select_from(DraftRun)) == 0
    mine = await factories.event(db, organizer=me)
    ok = await client.post(f"{API}/follow-ups/drafts", json={"event_id": str(mine.id)})
    assert ok.status_code == 200, ok.text


async def test_a_vcard_file_with_control_characters_is_stored_cleaned(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    vcf = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\x00 Love\x01lace\r\nORG:Analytical\x00 Engines\r\n"
        b"EMAIL:ada@example.org\r\nEND:VCARD\r\n"
    )
    imported = await client.post(
        f"{API}/contacts/import-file", files={"file": ("ada.vcf", vcf, "text/vcard")}
    )
    await support.job_result(app, client, imported)
    (contact,) = (await client.get(f"{API}/contacts")).json()["items"]
    assert (contact["name"], contact["company"]) == ("Ada Lovelace", "Analytical Engines")


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router (FastAPI)
            yield from _routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            yield from _routes(route.routes)


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def test_every_request_body_and_sync_payload_checks_its_text(app: FastAPI) -> None:
    """The one check (schemas.common.Input) holds for endpoints and operations added later."""
    bodies = [
        model
        for route in _routes(app.router.routes)
        for param in route.dependant.body_params
        for model in _models(param.field_info.annotation)
    ]
    bodies += [model for kind in batch.operation_types() for model in _models(kind.payload)]
    assert len(bodies) > 40
    unchecked = sorted({m.__name__ for m in bodies if not issubclass(m, Input)})
    assert unchecked == []
