from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import vobject
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import ClientFactory
from tests.support import job_error, job_file, job_result

API = "/api/v1"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "contacts" / "csv"


def _header(name: str) -> list[str]:
    return (FIXTURES / name).read_text("utf-8").splitlines()[0].split(",")


async def test_create_is_idempotent_on_the_client_id(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    body = {"id": str(uuid.uuid4()), "name": "Ada Lovelace", "phone": "+44 20 7946 0018"}
    first = await client.post(f"{API}/contacts", json=body)
    again = await client.post(f"{API}/contacts", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["contact"]["phone"] == "+442079460018"
    assert again.json()["created"] is False
    assert (await client.get(f"{API}/contacts")).json()["total"] == 1


async def test_duplicate_is_offered_with_the_existing_id_then_created_anyway(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    first = await client.post(f"{API}/contacts", json={"name": "Ada", "email": "ada@x.org"})
    offered = await client.post(
        f"{API}/contacts/import", json={"payload": "MECARD:N:L,Ada;EMAIL:ADA@x.org;;"}
    )
    assert offered.status_code == 409
    assert offered.json()["error"] == "possible_duplicate"
    assert offered.json()["existing_contact_id"] == first.json()["contact"]["id"]
    anyway = await client.post(
        f"{API}/contacts/import",
        json={"payload": "MECARD:N:L,Ada;EMAIL:ADA@x.org;;", "on_duplicate": "create"},
    )
    assert anyway.status_code == 201


async def test_bad_vcard_is_a_clear_400_and_creates_nothing(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    response = await client.post(
        f"{API}/contacts/import", json={"payload": "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "vcard_truncated"
    assert (await client.get(f"{API}/contacts")).json()["total"] == 0


async def test_detail_shows_where_we_met_notes_and_promises(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    event = await factories.event(db, name="DevConf")
    await factories.attendee(db, event=event, person=me)
    client = await make_client(me)
    elsewhere = await factories.event(db, name="Not mine")
    refused = await client.post(
        f"{API}/contacts", json={"name": "X", "event_id": str(elsewhere.id)}
    )
    assert refused.status_code == 404
    created = await client.post(f"{API}/contacts", json={"name": "Ada", "event_id": str(event.id)})
    contact_id = created.json()["contact"]["id"]
    note = await client.post(
        f"{API}/contacts/{contact_id}/notes",
        json={
            "text": "Battery chat",
            "topics": ["batteries"],
            "promises": [{"text": "Send paper", "due_on": "2026-12-01"}],
            "warmth": "warm",
        },
    )
    assert note.status_code == 201
    detail = (await client.get(f"{API}/contacts/{contact_id}")).json()
    assert detail["event_name"] == "DevConf"
    assert detail["tags"] == ["batteries"] and detail["open_promises"] == 1
    assert detail["notes"][0]["text"] == "Battery chat"
    assert detail["promises"][0]["text"] == "Send paper"
    assert detail["warmth"] == "warm"
    listed = (await client.get(f"{API}/contacts", params={"event_id": str(event.id)})).json()
    assert [c["id"] for c in listed["items"]] == [contact_id]


async def test_note_patch_with_a_stale_version_is_409(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    client = await make_client(me)
    note_id = str(uuid.uuid4())
    await client.post(f"{API}/contacts/{contact.id}/notes", json={"id": note_id, "text": "a"})
    ok = await client.patch(f"{API}/notes/{note_id}", json={"base_version": 1, "text": "ab"})
    assert ok.json()["version"] == 2
    stale = await client.patch(f"{API}/notes/{note_id}", json={"base_version": 1, "text": "x"})
    assert stale.status_code == 409 and stale.json()["error"] == "note_changed"


async def test_vcard_export_reads_back_with_notes_only_when_asked(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(
        db, owner=me, name="Zoë Ødegård", company="Acme, Inc.; Nordic", email="zoe@x.org"
    )
    await factories.note(db, owner=me, contact_id=contact.id, text="Line 1\nLine, two; \\ three")
    client = await make_client(me)
    plain = await job_file(app, client, await client.post(f"{API}/contacts/export.vcf"))
    assert plain.headers["content-type"].startswith("text/vcard")
    card = vobject.readOne(plain.content.decode("utf-8"))
    assert card.fn.value == "Zoë Ødegård"
    assert card.org.value == ["Acme, Inc.; Nordic"]
    assert "note" not in card.contents
    with_notes = await job_file(
        app,
        client,
        await client.post(f"{API}/contacts/export.vcf", params={"include_notes": "true"}),
    )
    note = vobject.readOne(with_notes.content.decode("utf-8")).note.value
    assert note.endswith("Line 1\nLine, two; \\ three")


async def test_csv_exports_use_google_and_hubspot_headers_and_neutralise_formulas(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    await factories.contact(db, owner=me, name="=HYPERLINK(1) Evil", company="@corp")
    client = await make_client(me)
    url = f"{API}/contacts/export.csv"
    google = await job_file(app, client, await client.post(url, params={"format": "google"}))
    assert google.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(google.content.decode("utf-8-sig"))))
    assert rows[0] == _header("google-contacts-export-new-format.csv")
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["First Name"] == "'=HYPERLINK(1)"
    assert first["Organization Name"] == "'@corp"
    hubspot = await job_file(app, client, await client.post(url, params={"format": "hubspot"}))
    rows = list(csv.reader(io.StringIO(hubspot.content.decode("utf-8-sig"))))
    assert rows[0] == _header("hubspot-contacts-import.csv")


VCARDS = FIXTURES.parent / "vcard"


async def test_vcf_file_leaves_out_a_possible_duplicate_then_merges_it_when_asked(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    mine = await client.post(
        f"{API}/contacts", json={"name": "Arnie", "email": "asmithk@gmail.com"}
    )
    data = (VCARDS / "gmail-export-list-3.0.vcf").read_bytes()
    first = await client.post(
        f"{API}/contacts/import-file", files={"file": ("list.vcf", data, "text/vcard")}
    )
    body = await job_result(app, client, first)
    assert [c["name"] for c in body["created"]] == ["Chris Beatle", "Doug White"]
    existing = mine.json()["contact"]["id"]
    assert body["duplicate_cards"] == [
        {"card": 1, "name": "Arnold Smith", "existing_contact_id": existing}
    ]
    merged = await client.post(
        f"{API}/contacts/import-file",
        files={"file": ("list.vcf", data, "text/vcard")},
        data={"on_duplicate": "merge", "cards": ["1"]},
    )
    merged_body = await job_result(app, client, merged)
    assert merged_body["created"] == [] and merged_body["duplicate_cards"] == []
    assert [c["id"] for c in merged_body["merged"]] == [existing]
    assert (await client.get(f"{API}/contacts")).json()["total"] == 3


async def test_a_cut_off_vcf_file_fails_its_job_and_imports_nothing(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    data = (VCARDS.parent / "vcard-edge" / "missing-end-truncated-2.1.vcf").read_bytes()
    response = await client.post(
        f"{API}/contacts/import-file", files={"file": ("cut.vcf", data, "text/vcard")}
    )
    error = await job_error(app, client, response)
    assert error["error"] == "vcard_truncated"
    assert "cut off" in error["detail"]
    assert (await client.get(f"{API}/contacts")).json()["total"] == 0


async def test_an_edit_with_two_bad_fields_names_both_and_changes_nothing(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    made = await client.post(f"{API}/contacts", json={"name": "Jon Smiht"})
    contact_id = made.json()["contact"]["id"]
    refused = await client.patch(
        f"{API}/contacts/{contact_id}",
        json={"name": "Jon Smith", "phone": "12345", "linkedin_url": "linkedin.com/company/x"},
    )
    assert refused.status_code == 400
    assert {f["field"] for f in refused.json()["fields"]} == {"phone", "linkedin_url"}
    assert (await client.get(f"{API}/contacts/{contact_id}")).json()["name"] == "Jon Smiht"
    fixed = await client.patch(
        f"{API}/contacts/{contact_id}",
        json={
            "name": "Jon Smith",
            "phone": "+44 20 7946 0018",
            "linkedin_url": "linkedin.com/in/jon",
        },
    )
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["name"], fixed.json()["phone"], fixed.json()["linkedin_url"]) == (
        "Jon Smith",
        "+442079460018",
        "https://www.linkedin.com/in/jon",
    )
