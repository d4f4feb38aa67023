from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Card
from tests import factories
from tests.conftest import ClientFactory
from tests.support import job_file

API = "/api/v1"


async def test_defaults_share_name_title_company_headline_linkedin_only(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    card = await client.put(
        f"{API}/me/card",
        json={
            "name": "Bea",
            "title": "CTO",
            "company": "Volta",
            "email": "bea@volta.example",
            "phone": "+49 151 12345678",
            "linkedin_url": "linkedin.com/in/bea/",
            "website": "volta.example",
            "headline": "Batteries that last",
            "interests": ["Batteries", "batteries", "Hiking"],
        },
    )
    assert card.status_code == 200
    body = card.json()
    assert body["phone"] == "+4915112345678"
    assert body["website"] == "https://volta.example"
    assert body["interests"] == ["Batteries", "Hiking"]
    assert body["shared_fields"] == ["name", "title", "company", "linkedin_url", "headline"]
    shared = (await client.get(f"{API}/me/card/shared")).json()
    assert shared["email"] == "" and shared["phone"] == "" and shared["company"] == "Volta"


async def test_bad_phone_and_url_are_400_with_the_field(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    phone = await client.put(f"{API}/me/card", json={"name": "Dana", "phone": "12"})
    assert phone.status_code == 400 and phone.json()["fields"][0]["field"] == "phone"
    url = await client.put(
        f"{API}/me/card", json={"name": "Dana", "website": "javascript:alert(1)"}
    )
    assert url.status_code == 400 and url.json()["error"] == "bad_url"


async def test_photo_must_be_a_small_jpeg_or_png(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    fake = await client.put(
        f"{API}/me/card/photo", files={"file": ("x.png", b"<svg onload=1>", "image/png")}
    )
    assert fake.status_code == 400 and fake.json()["error"] == "photo_type"
    big = b"\x89PNG\r\n\x1a\n" + b"0" * 300_000
    too_big = await client.put(f"{API}/me/card/photo", files={"file": ("x.png", big, "image/png")})
    assert too_big.status_code == 400 and too_big.json()["error"] == "photo_too_large"
    ok = await client.put(
        f"{API}/me/card/photo", files={"file": ("x.png", factories.PNG_1PX, "image/png")}
    )
    assert ok.status_code == 200 and ok.json()["has_photo"]
    photo = await client.get(f"{API}/me/card/photo")
    assert photo.headers["content-type"] == "image/png" and photo.content == factories.PNG_1PX


async def test_reading_a_card_never_made_shows_the_defaults_and_writes_nothing(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    # GET requests are read-only transactions: on SQLite, a read that turned into a write
    # failed with "database is locked" when another request had written in between.
    user = await factories.user(db, name="Dana Okoye")
    client = await make_client(user)
    card = await client.get(f"{API}/me/card")
    assert card.status_code == 200
    body = card.json()
    assert body["name"] == "Dana Okoye" and body["email"] == user.email
    assert body["words_per_minute"] == 130 and body["has_photo"] is False
    assert body["shared_fields"] == ["name", "title", "company", "linkedin_url", "headline"]
    assert (await client.get(f"{API}/me/card/shared")).json()["name"] == "Dana Okoye"
    assert (await client.get(f"{API}/pitches")).status_code == 200
    assert (await client.get(f"{API}/me/card/photo")).status_code == 404
    assert await db.scalar(select(func.count()).select_from(Card)) == 0
    saved = await client.put(f"{API}/me/card", json={"name": "Dana", "headline": "Hi"})
    assert saved.status_code == 200
    await db.rollback()  # end this session's read snapshot
    assert await db.scalar(select(func.count()).select_from(Card)) == 1


async def test_a_new_card_starts_with_the_title_and_company_of_the_latest_registration(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    user = await factories.user(db, name="Zoë Ångström")
    older, newer = await factories.event(db), await factories.event(db)
    await factories.attendee(db, event=older, person=user, company="Old Co", title="Intern")
    await factories.attendee(db, event=newer, person=user, company="Acme, Inc.", title="CTO")
    await factories.attendee(db, event=await factories.event(db), person=user, company="", title="")
    client = await make_client(user)
    card = (await client.get(f"{API}/me/card")).json()
    assert (card["title"], card["company"]) == ("CTO", "Acme, Inc.")
    shared = (await client.get(f"{API}/me/card/shared")).json()
    assert (shared["title"], shared["company"]) == ("CTO", "Acme, Inc.")
    # Saved on first change, from the same start: what the user did not touch stays.
    saved = await client.patch(f"{API}/me/card/settings", json={"words_per_minute": 150})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["title"], saved.json()["company"]) == ("CTO", "Acme, Inc.")


GOALS = "Pilot customers for heat-pump retrofits in Lyon"


async def _goals_seen_by(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory, *, share: bool
) -> dict[str, str]:
    """Bea writes goals on her card (shared or not) and lists herself at DevConf; Alex finds
    her in the directory, scans her badge, exports his contacts. What each showed Alex."""
    event = await factories.event(db, name="DevConf")
    alex, bea = await factories.user(db, name="Alex"), await factories.user(db, name="Bea")
    await factories.attendee(db, event=event, person=alex)
    _, bea_badge = await factories.attendee(db, event=event, person=bea)
    bea_client, alex_client = await make_client(bea), await make_client(alex)
    shared = ["name", "company", *(["goals"] if share else [])]
    card = await bea_client.put(
        f"{API}/me/card",
        json={"name": "Bea", "company": "Volta", "goals": GOALS, "shared_fields": shared},
    )
    assert card.status_code == 200 and card.json()["goals"] == GOALS  # she always sees her own
    listed = await bea_client.put(f"{API}/events/{event.id}/directory/me", json={"listed": True})
    assert listed.status_code == 200
    directory = await alex_client.get(f"{API}/events/{event.id}/directory")
    scan = await alex_client.post(f"{API}/exchange/scan", json={"badge": bea_badge.token})
    assert scan.status_code == 201, scan.text
    contact_id = scan.json()["contact"]["id"]
    return {
        "preview": (await bea_client.get(f"{API}/me/card/shared")).json()["goals"],
        "directory": directory.json()["items"][0]["goals"],
        "scan": scan.json()["contact"]["goals"],
        "contact": (await alex_client.get(f"{API}/contacts/{contact_id}")).json()["goals"],
        "vcf": (
            await job_file(app, alex_client, await alex_client.post(f"{API}/contacts/export.vcf"))
        ).text,
        "search": str(
            (await alex_client.get(f"{API}/search", params={"q": "retrofits"})).json()["items"]
        ),
    }


async def test_goals_are_private_until_shared(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    seen = await _goals_seen_by(app, db, make_client, share=False)
    assert seen["preview"] == seen["directory"] == seen["scan"] == seen["contact"] == ""
    assert "retrofits" not in seen["vcf"] and seen["search"] == "[]"


async def test_shared_goals_show_wherever_the_card_does(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    seen = await _goals_seen_by(app, db, make_client, share=True)
    assert seen["preview"] == seen["directory"] == seen["scan"] == seen["contact"] == GOALS
    assert f"NOTE:Looking for: {GOALS}\r\n" in seen["vcf"]
    assert "Bea" in seen["search"]


async def test_a_new_card_keeps_goals_private(db: AsyncSession, make_client: ClientFactory) -> None:
    client = await make_client(await factories.user(db))
    card = await client.put(f"{API}/me/card", json={"name": "Dana", "goals": "  Investors  "})
    assert card.json()["goals"] == "Investors" and "goals" not in card.json()["shared_fields"]
    too_long = await client.put(f"{API}/me/card", json={"name": "Dana", "goals": "x" * 301})
    assert too_long.status_code == 422


async def test_stopping_sharing_goals_takes_them_from_copies_people_hold(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db)
    alex, bea = await factories.user(db, name="Alex"), await factories.user(db, name="Bea")
    _, bea_badge = await factories.attendee(db, event=event, person=bea)
    await factories.card(db, person=bea, goals=GOALS, shared_fields=["name", "goals"])
    alex_client, bea_client = await make_client(alex), await make_client(bea)
    scan = await alex_client.post(f"{API}/exchange/scan", json={"badge": bea_badge.token})
    contact_url = f"{API}/contacts/{scan.json()['contact']['id']}"
    assert (await alex_client.get(contact_url)).json()["goals"] == GOALS
    await bea_client.put(
        f"{API}/me/card", json={"name": "Bea", "goals": GOALS, "shared_fields": ["name"]}
    )
    assert (await alex_client.get(contact_url)).json()["goals"] == ""
