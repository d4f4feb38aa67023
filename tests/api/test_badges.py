"""Organizer badge endpoints: reissue, QR images, printable PDFs."""

from __future__ import annotations

import io
import uuid

import pikepdf
import zxingcpp
from fastapi import FastAPI
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.events import badges
from services.models import User
from tests import factories
from tests.conftest import ClientFactory
from tests.support import job_error, job_file

API = "/api/v1"


async def test_reissued_badge_gets_a_new_token_and_the_old_one_scans_revoked(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    attendee, old = await factories.attendee(db, event=event, name="Дмитрий Шостакович")
    client = await make_client(organizer)
    base = f"{API}/events/{event.id}"
    response = await client.post(f"{base}/attendees/{attendee.id}/badge/reissue")
    assert response.status_code == 200, response.text
    issued = response.json()
    assert issued["revoked_tokens"] == 1 and issued["url"] != badges.badge_url(old.token)
    scan = {"token": old.token, "scanned_at": utcnow().isoformat(), "nonce": uuid.uuid4().hex}
    answer = (await client.post(f"{base}/check-in/scans", json=scan)).json()
    assert answer["outcome"] == "revoked" and answer["attendee"]["name"] == "Дмитрий Шостакович"
    new = {**scan, "token": issued["url"], "nonce": uuid.uuid4().hex}
    assert (await client.post(f"{base}/check-in/scans", json=new)).json()["outcome"] == "ok"


async def test_organizer_gets_any_attendees_qr_as_png_and_svg(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    attendee, badge = await factories.attendee(db, event=event)
    client = await make_client(organizer)
    base = f"{API}/events/{event.id}/attendees/{attendee.id}"
    png = await client.get(f"{base}/badge.png")
    assert png.headers["content-type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [d.text for d in decoded] == [badges.badge_url(badge.token)]
    assert decoded[0].ec_level == "Q"
    svg = await client.get(f"{base}/badge.svg")
    assert svg.headers["content-type"] == "image/svg+xml" and svg.text.startswith("<svg")


async def test_attendee_of_another_event_is_not_found_through_my_event(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    other = await factories.event(db)
    stranger, _ = await factories.attendee(db, event=other)
    client = await make_client(organizer)
    base = f"{API}/events/{event.id}/attendees/{stranger.id}"
    assert (await client.post(f"{base}/badge/reissue")).status_code == 404
    assert (await client.get(f"{base}/badge.png")).status_code == 404
    pdf = await client.post(
        f"{API}/events/{event.id}/badges.pdf", json={"attendee_ids": [str(stranger.id)]}
    )
    assert (await job_error(app, client, pdf))["error"] == "attendee_not_found"


async def test_badge_pdf_for_all_or_selected_attendees_in_each_layout(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    chosen, _ = await factories.attendee(db, event=event, name="Zoë Ångström")
    await factories.attendee(db, event=event, name="Σοφία Παπαδοπούλου")
    client = await make_client(organizer)
    url = f"{API}/events/{event.id}/badges.pdf"
    for layout, pages in (("a6", 2), ("a4x4", 1), ("a4x8", 1)):
        response = await job_file(app, client, await client.post(url, json={"layout": layout}))
        assert response.content.startswith(b"%PDF"), layout
        assert response.headers["content-type"] == "application/pdf"
        assert len(pikepdf.open(io.BytesIO(response.content)).pages) == pages, layout
    picked = await job_file(
        app, client, await client.post(url, json={"layout": "a6", "attendee_ids": [str(chosen.id)]})
    )
    assert len(pikepdf.open(io.BytesIO(picked.content)).pages) == 1
    bad = await client.post(url, json={"layout": "a3"})
    assert bad.status_code == 422


async def test_attendee_and_staff_cannot_print_badges(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db)
    staff = await factories.staff(db, event=event)
    attendee, _ = await factories.attendee(db, event=event)
    person = await db.get(User, attendee.user_id)
    await db.commit()
    for user in (staff, person):
        client = await make_client(user)
        assert (
            await client.post(f"{API}/events/{event.id}/badges.pdf", json={})
        ).status_code == 403
        reissue = await client.post(
            f"{API}/events/{event.id}/attendees/{attendee.id}/badge/reissue"
        )
        assert reissue.status_code == 403


async def test_badge_pdf_with_a_name_no_font_has_is_refused_with_the_name(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer)
    await factories.attendee(db, event=event, name="山田太郎")
    client = await make_client(organizer)
    started = await client.post(f"{API}/events/{event.id}/badges.pdf", json={})
    error = await job_error(app, client, started)
    assert error["error"] == "missing_glyphs" and "山田太郎" in error["detail"]
