"""The follow-up API as the phone's review screen will use it: draft after an event, review one
at a time ("2 of 3"), edit in place, approve / skip / snooze / change channel, hand over manual
channels, "all my contacts" drafting those met at no event too, and templates refused at save
time."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.models import MessageTemplate
from services.settings import get_settings
from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"


async def test_review_queue_round_trip(db: AsyncSession, make_client: ClientFactory) -> None:
    start = utcnow() - timedelta(days=1)
    event = await factories.event(
        db, name="DevConf", starts_at=start, ends_at=start + timedelta(hours=8)
    )
    owner = await factories.user(db, name="Ada Lovelace")
    for name in ("Zoë Adeyemi", "Li Wei", "Ana Souza"):
        await factories.met_contact(
            db, owner=owner, event=event, name=name, linkedin_url="https://linkedin.com/in/x"
        )
    client = await make_client(owner)

    drafted = await client.post(f"{API}/follow-ups/drafts", json={"event_id": str(event.id)})
    assert drafted.json() == {
        "created": 3,
        "already_had_follow_up": 0,
        "skipped": 0,
        "skipped_why": [],
    }
    again = await client.post(f"{API}/follow-ups/drafts", json={"event_id": str(event.id)})
    assert (again.json()["created"], again.json()["already_had_follow_up"]) == (0, 3)

    review = (
        await client.get(f"{API}/follow-ups/review", params={"event_id": str(event.id)})
    ).json()
    assert (review["position"], review["total"]) == (1, 3)
    first = review["item"]
    assert first["status"] == "draft" and first["contact"]["name"] == "Zoë Adeyemi"
    assert first["subject"] == "Great talking to you at DevConf"

    edited = await client.patch(
        f"{API}/follow-ups/{first['id']}", json={"subject": "Lovely to meet you", "body": "Hi!\n"}
    )
    assert edited.status_code == 200 and edited.json()["subject"] == "Lovely to meet you"
    soon = (utcnow() + timedelta(hours=2)).isoformat()
    approved = await client.post(f"{API}/follow-ups/{first['id']}/approve", json={"send_at": soon})
    assert approved.json()["status"] == "scheduled"
    assert approved.json()["send_at"].startswith(soon[:16])

    review = (
        await client.get(f"{API}/follow-ups/review", params={"event_id": str(event.id)})
    ).json()
    assert (review["position"], review["total"]) == (2, 3)
    second = review["item"]
    as_linkedin = await client.patch(
        f"{API}/follow-ups/{second['id']}", json={"channel": "linkedin"}
    )
    assert as_linkedin.json()["handover_url"] == "https://linkedin.com/in/x"
    handed = await client.post(f"{API}/follow-ups/{second['id']}/approve")
    assert handed.json()["status"] == "approved"
    sent = await client.post(f"{API}/follow-ups/{second['id']}/mark-sent")
    assert sent.json()["status"] == "sent"

    third = (await client.get(f"{API}/follow-ups/review")).json()["item"]
    snoozed = await client.post(f"{API}/follow-ups/{third['id']}/snooze", json={})
    assert snoozed.json()["snoozed_until"] is not None
    review = (
        await client.get(f"{API}/follow-ups/review", params={"event_id": str(event.id)})
    ).json()
    assert review["item"] is None and review["snoozed"] == 1 and review["remaining"] == 0

    cancelled = await client.post(f"{API}/follow-ups/{first['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    history = (await client.get(f"{API}/follow-ups/{first['id']}/history")).json()
    assert [h["to_status"] for h in history] == ["draft", "approved", "scheduled", "cancelled"]
    listed = (await client.get(f"{API}/follow-ups", params={"status": "sent"})).json()
    assert [i["id"] for i in listed["items"]] == [second["id"]] and listed["total"] == 1


async def test_a_sent_message_cannot_be_edited(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner)
    made = await factories.follow_up(db, owner=owner, contact=contact, status="sent")
    client = await make_client(owner)
    response = await client.patch(f"{API}/follow-ups/{made.id}", json={"body": "Changed"})
    assert response.status_code == 409
    assert response.json()["error"] == "follow_up_state"
    assert "already been sent" in response.json()["detail"]


async def test_a_draft_from_a_promise_without_a_link_is_not_approved_while_it_says_link(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, name="Li Wei")
    await factories.note(
        db, owner=owner, contact_id=contact.id, promises=[{"text": "Send the slides"}]
    )
    client = await make_client(owner)
    await client.post(f"{API}/follow-ups/drafts", json={"contact_ids": [str(contact.id)]})
    (draft,) = (await client.get(f"{API}/follow-ups")).json()["items"]
    assert "the slides" in draft["body"] and ": [link]\n" in draft["body"]

    refused = await client.post(f"{API}/follow-ups/{draft['id']}/approve")

    assert refused.status_code == 400
    message = "This message still says [link]: paste the link or remove it."
    assert refused.json() == {
        "error": "link_missing",
        "detail": message,
        "fields": [{"field": "body", "message": message, "line": None}],
    }
    assert (await client.get(f"{API}/follow-ups/{draft['id']}")).json()["status"] == "draft"
    body = draft["body"].replace("[link]", "https://example.org/slides")
    await client.patch(f"{API}/follow-ups/{draft['id']}", json={"body": body})
    approved = await client.post(f"{API}/follow-ups/{draft['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "scheduled"


async def test_template_with_unknown_or_unsafe_placeholders_is_refused(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    for body, problem in (
        ("Hi {{ frist_name }}", "frist_name"),
        ("{{ ''.__class__.__mro__ }}", "getattr"),
    ):
        response = await client.post(
            f"{API}/follow-up-templates", json={"name": "Bad", "subject": "Hi", "body": body}
        )
        assert response.status_code == 400
        body_json = response.json()
        assert body_json["error"] == "template_invalid"
        assert (
            body_json["fields"][0]["field"] == "body"
            and problem in body_json["fields"][0]["message"]
        )


async def test_template_with_single_brace_placeholders_is_refused_with_what_to_write(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    response = await client.post(
        f"{API}/follow-up-templates",
        json={"name": "Quick", "subject": "Hi", "body": "Hi {first_name},\n\ngreat to meet you."},
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["error"] == "template_invalid"
    assert problem["fields"][0]["field"] == "body"
    assert "Use {{ first_name }} with two braces" in problem["fields"][0]["message"]
    assert "Use {{ first_name }}" in problem["detail"]


async def test_prepare_drafts_for_all_my_contacts_includes_those_met_at_no_event(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    start = utcnow() - timedelta(days=1)
    event = await factories.event(db, starts_at=start, ends_at=start + timedelta(hours=8))
    owner = await factories.user(db)
    met = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.follow_up(db, owner=owner, contact=met)
    marta = await factories.met_contact(db, owner=owner, name="Marta Ruiz", email="m@example.org")
    await factories.note(
        db,
        owner=owner,
        contact_id=marta.id,
        personal_details=[{"kind": "family", "text": "Daughter graduates in June"}],
    )
    nobody = await factories.met_contact(db, owner=owner, name="No Address")
    nobody.email = ""
    await db.commit()
    client = await make_client(owner)

    drafted = await client.post(f"{API}/follow-ups/drafts", json={"scope": "all"})
    again = await client.post(f"{API}/follow-ups/drafts", json={"scope": "all"})

    assert drafted.status_code == 200
    result = drafted.json()
    assert (result["created"], result["already_had_follow_up"], result["skipped"]) == (1, 1, 1)
    (why,) = result["skipped_why"]
    assert why["reason"] == "no_way_to_reach" and why["names"] == ["No Address"]
    assert "No email address, LinkedIn profile or phone number" in why["detail"]
    assert (again.json()["created"], again.json()["already_had_follow_up"]) == (0, 2)
    listed = (await client.get(f"{API}/follow-ups", params={"status": "draft"})).json()
    (to_marta,) = [f for f in listed["items"] if f["contact"]["name"] == "Marta Ruiz"]
    assert to_marta["event_id"] is None and to_marta["to_address"] == "m@example.org"
    assert "your daughter's graduation in June" in to_marta["body"]
    assert "aughter graduates" not in to_marta["body"]


async def test_prepare_drafts_asks_for_one_scope(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    event = await factories.event(db)
    both = await client.post(
        f"{API}/follow-ups/drafts", json={"scope": "all", "event_id": str(event.id)}
    )
    assert both.status_code == 422
    nothing = await client.post(f"{API}/follow-ups/drafts", json={})
    assert nothing.status_code == 400 and nothing.json()["error"] == "nothing_to_draft"


async def test_listing_templates_shows_the_defaults_without_writing(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    client = await make_client(owner)
    listed = (await client.get(f"{API}/follow-up-templates")).json()
    assert {t["kind"] for t in listed} == {"resource", "conversation", "meet_again", "introduction"}
    saved = await db.scalar(select(func.count()).select_from(MessageTemplate))
    assert saved == 0
    # Editing a listed default saves the defaults, keeping the id it was listed with.
    default = listed[0]
    edited = await client.patch(f"{API}/follow-up-templates/{default['id']}", json={"name": "Mine"})
    assert edited.status_code == 200 and edited.json()["id"] == default["id"]
    await db.rollback()  # a fresh snapshot
    assert await db.scalar(select(func.count()).select_from(MessageTemplate)) == 4


async def test_preview_against_my_contact(db: AsyncSession, make_client: ClientFactory) -> None:
    owner = await factories.user(db, name="Ada Lovelace")
    contact = await factories.met_contact(db, owner=owner, name="Zoë Adeyemi")
    client = await make_client(owner)
    response = await client.post(
        f"{API}/follow-up-templates/preview",
        json={
            "contact_id": str(contact.id),
            "subject": "Hi {{ first_name }}",
            "body": "{% if topic %}About {{ topic }}. {% endif %}Best, {{ my_name }}",
        },
    )
    assert response.json() == {"subject": "Hi Zoë", "body": "Best, Ada Lovelace\n"}


async def test_queue_health_is_for_operators_only(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    ops = await factories.user(db, email="ops@example.org")
    someone = await factories.user(db)
    settings = get_settings().model_copy(update={"operator_emails": "OPS@example.org, x@y.org"})
    app.dependency_overrides[get_settings] = lambda: settings
    try:
        assert (
            await (await make_client(someone)).get(f"{API}/follow-ups/queue-health")
        ).status_code == 403
        response = await (await make_client(ops)).get(f"{API}/follow-ups/queue-health")
    finally:
        app.dependency_overrides.clear()
    assert response.status_code == 200
    assert response.json()["due"] == 0 and response.json()["oldest_due_seconds"] is None


async def test_the_sentence_a_note_will_make_is_shown_as_it_is_typed(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    url = f"{API}/follow-up-templates/sentence"

    detail = await client.post(
        url, json={"part": "detail", "kind": "family", "text": "Daughter graduates in June"}
    )
    health = await client.post(url, json={"part": "detail", "kind": "health", "text": "Knee"})
    promise = await client.post(
        url, json={"part": "promise", "text": "Send the slides", "link": "https://example.org/s"}
    )
    anonymous = await (await make_client()).post(url, json={"part": "topic", "text": "x"})

    assert detail.json() == {
        "sentence": "P.S. I hope your daughter's graduation in June goes well.",
        "note": "",
    }
    assert health.json()["sentence"] == "" and "out of drafts" in health.json()["note"]
    assert promise.json()["sentence"] == (
        "As promised, here is the link to the slides: https://example.org/s"
    )
    assert anonymous.status_code in (401, 403)


async def test_a_generic_draft_is_marked_filtered_and_made_specific_from_the_queue(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    plain = await factories.met_contact(db, owner=owner, name="Nadia Brooks", email="n@x.org")
    noted = await factories.met_contact(db, owner=owner, name="Li Wei", email="l@x.org")
    await factories.note(db, owner=owner, contact_id=noted.id, topics=["grid batteries"])
    await db.commit()
    client = await make_client(owner)
    await client.post(f"{API}/follow-ups/drafts", json={"scope": "all"})

    generic = (await client.get(f"{API}/follow-ups", params={"generic": "true"})).json()
    review = (await client.get(f"{API}/follow-ups/review", params={"generic": "true"})).json()

    (item,) = generic["items"]
    assert item["contact"]["name"] == "Nadia Brooks" and item["generic"] is True
    assert [m["part"] for m in item["missing"]] == ["topic", "detail", "promise", "next_step"]
    assert review["item"]["id"] == item["id"] and review["total"] == 1
    everything = (await client.get(f"{API}/follow-ups")).json()["items"]
    (specific,) = [f for f in everything if f["contact"]["name"] == "Li Wei"]
    assert specific["generic"] is False and specific["missing"] == []

    added = await client.post(
        f"{API}/follow-ups/{item['id']}/add",
        json={"part": "detail", "kind": "trip", "text": "Going to Lagos in May"},
    )

    assert added.status_code == 200, added.text
    assert added.json()["generic"] is False
    assert "your trip to Lagos in May" in added.json()["body"]
    notes = (await client.get(f"{API}/contacts/{plain.id}/notes")).json()
    assert notes[0]["personal_details"][0]["text"] == "Going to Lagos in May"
    left = (await client.get(f"{API}/follow-ups", params={"generic": "true"})).json()
    assert left["total"] == 0


async def test_a_draft_rewritten_by_hand_is_not_called_generic_nor_written_again(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, name="Nadia Brooks", email="n@x.org")
    await db.commit()
    client = await make_client(owner)
    await client.post(f"{API}/follow-ups/drafts", json={"contact_ids": [str(contact.id)]})
    (draft,) = (await client.get(f"{API}/follow-ups")).json()["items"]
    assert draft["generic"] is True

    edited = await client.patch(
        f"{API}/follow-ups/{draft['id']}", json={"body": "Hi Nadia, about the tender: …"}
    )
    again = await client.post(
        f"{API}/follow-ups/{draft['id']}/add", json={"part": "topic", "text": "tenders"}
    )

    assert edited.json()["generic"] is False
    assert again.status_code == 409 and again.json()["error"] == "follow_up_written_by_hand"


async def test_the_live_sentence_for_a_contact_is_the_one_their_draft_says(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    client = await make_client(owner)
    for n in range(6):  # several contacts: their phrasings differ, each matches its own draft
        contact = await factories.met_contact(db, owner=owner, name=f"Sam {n}", email="s@x.org")
        await factories.note(
            db,
            owner=owner,
            contact_id=contact.id,
            personal_details=[{"kind": "trip", "text": "Going to Lagos in May"}],
        )
        await db.commit()
        said = await client.post(
            f"{API}/follow-up-templates/sentence",
            json={
                "part": "detail",
                "kind": "trip",
                "text": "Going to Lagos in May",
                "contact_id": str(contact.id),
            },
        )
        await client.post(f"{API}/follow-ups/drafts", json={"contact_ids": [str(contact.id)]})
        drafted = (await client.get(f"{API}/follow-ups", params={"limit": 50})).json()["items"]
        (draft,) = [d for d in drafted if d["contact"]["id"] == str(contact.id)]
        assert said.json()["sentence"] in draft["body"]
