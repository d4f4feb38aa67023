from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Attendee, Event
from tests import factories
from tests.api.test_auth import last_link_to
from tests.conftest import ClientFactory
from tests.services.auth.test_signin import token_of
from tests.services.events.test_attendee_csv import fixture
from tests.support import job_error, job_result


def upload(name: str, data: bytes | None = None) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, fixture(name) if data is None else data, "text/csv")}


async def organizer_and_event(
    db: AsyncSession, make_client: ClientFactory
) -> tuple[httpx.AsyncClient, Event]:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    return await make_client(organizer), event


async def test_import_then_reimport_other_dialect(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    client, event = await organizer_and_event(db, make_client)
    url = f"/api/v1/events/{event.id}/attendees/import"
    first = await client.post(url, files=upload("valid-200-bom-comma.csv"))
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "queued"
    report = await job_result(app, client, first)
    assert report == {"created": 200, "updated": 0, "unchanged": 0, "invited": 200}
    second = await client.post(url, files=upload("valid-200-semicolon.csv"))
    assert (await job_result(app, client, second))["created"] == 0
    listed = await client.get(f"/api/v1/events/{event.id}/attendees", params={"limit": 200})
    page = listed.json()
    assert page["total"] == 200 and len(page["items"]) == 200
    assert "Σοφία Okonkwo" in {a["name"] for a in page["items"]}
    assert await db.scalar(select(func.count()).select_from(Attendee)) == 200


async def test_rejected_file_fails_the_job_listing_every_bad_row(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    client, event = await organizer_and_event(db, make_client)
    response = await client.post(
        f"/api/v1/events/{event.id}/attendees/import", files=upload("with-errors.csv")
    )
    body = await job_error(app, client, response)
    assert body["error"] == "import_rejected"
    assert [(f["line"], f["field"]) for f in body["fields"]] == [
        (4, "email"),
        (6, "name"),
        (8, "email"),
        (11, "name"),
    ]
    listed = await client.get(f"/api/v1/events/{event.id}/attendees")
    assert listed.json()["total"] == 0
    assert (await client.get("/dev/mailbox.json")).json() == []


async def test_latin1_and_empty_files_get_clear_errors(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    client, event = await organizer_and_event(db, make_client)
    url = f"/api/v1/events/{event.id}/attendees/import"
    latin1 = await job_error(
        app, client, await client.post(url, files=upload("latin1-not-utf8.csv"))
    )
    assert latin1["error"] == "not_utf8"
    assert "not UTF-8" in latin1["detail"]
    empty = await job_error(app, client, await client.post(url, files=upload("empty.csv", b"")))
    assert empty["error"] == "empty_file"
    no_file = await client.post(url)
    assert no_file.status_code == 422 and no_file.json()["error"] == "malformed_request"


async def test_invited_attendee_signs_in_and_sees_the_badge(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    client, event = await organizer_and_event(db, make_client)
    data = 'name,email,company\nZoë Ångström,zoe@example.org,"Acme, Inc."\n'.encode()
    started = await client.post(
        f"/api/v1/events/{event.id}/attendees/import", files=upload("one.csv", data)
    )
    await job_result(app, client, started)
    phone = await make_client()
    link = await last_link_to(client, "zoe@example.org")
    verified = await phone.post("/api/v1/auth/verify", json={"token": token_of(link)})
    assert verified.status_code == 200
    assert verified.json()["next"] == f"/events/{event.id}/badge"
    badge = await phone.get(f"/api/v1/events/{event.id}/badge")
    assert badge.status_code == 200
    body = badge.json()
    assert (body["name"], body["company"]) == ("Zoë Ångström", "Acme, Inc.")
    assert body["url"].startswith("http://127.0.0.1:8000/b/")
    svg = await phone.get(body["qr_svg_url"])
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")


async def test_attendee_list_searches_and_refuses_huge_pages(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client, event = await organizer_and_event(db, make_client)
    await factories.attendee(db, event=event, name="Ada Lovelace", company="Analytical")
    await factories.attendee(db, event=event, name="Bo Diddley", company="Records")
    url = f"/api/v1/events/{event.id}/attendees"
    found = (await client.get(url, params={"q": "analyt"})).json()
    assert [a["name"] for a in found["items"]] == ["Ada Lovelace"] and found["total"] == 1
    too_many = await client.get(url, params={"limit": 201})
    assert too_many.status_code == 422 and too_many.json()["fields"][0]["field"] == "limit"
