"""My data is mine: the JSON export of everything I own, and deleting my account."""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.account import AccountExport
from tests import factories
from tests.conftest import ClientFactory
from tests.support import job_file

API = "/api/v1"
SECRET = "okapiwhistle"  # only in Carl's note about Bea
MINE = "batteryrecycling"  # only in Alex's note about Bea


@dataclass
class People:
    alex: Any  # the one whose data is exported or deleted
    bea: Any  # someone both met
    carl: Any  # another user with his own note about Bea
    event: Any  # Alex attends it and co-organizes it with its organizer
    own_event: Any  # only Alex organizes it
    alex_client: Any


async def _note_conflict(db: AsyncSession, *, owner: Any, contact_id: Any) -> None:
    """Two offline edits of one note from the same version: the loser is kept as a copy."""
    from schemas.sync import SyncBatchIn
    from services.db import utcnow
    from services.sync import batch

    parts = await factories.note(db, owner=owner, contact_id=contact_id, text="first words")
    edits = [
        {
            "id": str(uuid.uuid4()),
            "type": "note.update",
            "payload": {
                "note_id": str(parts.note.id),
                "base_version": 1,
                "text": words,
                "edited_at": (utcnow() - timedelta(minutes=minutes)).isoformat(),
            },
        }
        for words, minutes in (("phone words", 2), ("laptop words", 1))
    ]
    await batch.apply_batch(db, user=owner, data=SyncBatchIn.model_validate({"operations": edits}))
    await db.commit()


async def people(db: AsyncSession, make_client: ClientFactory) -> People:
    """Alex with one of each thing a user can own; Carl with a note of his own about Bea."""
    from services.db import utcnow
    from services.door import checkin
    from services.followups import reminders, templates
    from services.models import EventMember, EventRole

    organizer = await factories.user(db, is_organizer=True, name="Olga Organizer")
    event = await factories.event(db, organizer=organizer, name="DevConf")
    alex = await factories.user(db, name="Alex", email="alex@example.org", is_organizer=True)
    bea = await factories.user(db, name="Bea")
    carl = await factories.user(db, name="Carl")
    db.add(EventMember(event_id=event.id, user_id=alex.id, role=EventRole.organizer))
    await db.commit()
    own_event = await factories.event(db, organizer=alex, name="Alex Meetup")
    _, alex_badge = await factories.attendee(db, event=event, person=alex)
    _, bea_badge = await factories.attendee(db, event=event, person=bea)
    await factories.attendee(db, event=event, person=carl)
    await checkin.scan_badge(
        db, event=event, token=alex_badge.token, scanned_at=utcnow(), nonce="account-1"
    )
    await db.commit()
    await factories.card(
        db, person=alex, company="Alexco", phone="+4915123456789", goals="Pilot customers"
    )
    await factories.look_for(db, owner=alex, kind="company", text="Vattenfall", event=event)
    await factories.look_for(db, owner=alex, kind="topic", text="battery recycling")
    await factories.card(db, person=bea, company="Volta", email="bea-private@volta.example")
    alex_client = await make_client(alex)
    await alex_client.put(
        f"{API}/me/card/photo", files={"file": ("me.png", factories.PNG_1PX, "image/png")}
    )
    await alex_client.post(f"{API}/pitches", json={"title": "Investors", "text": "We recycle."})
    scan = await alex_client.post(f"{API}/exchange/scan", json={"badge": bea_badge.token})
    contact_id = scan.json()["contact"]["id"]
    await alex_client.post(
        f"{API}/contacts/{contact_id}/notes",
        json={
            "text": f"Talked about {MINE}",
            "topics": [MINE],
            "personal_details": [{"kind": "hobby", "text": "sailing"}],
            "promises": [{"text": "Send the paper"}],
            "next_step": "Coffee in May",
            "warmth": "hot",
            "preferred_channel": "email",
        },
    )
    await _note_conflict(db, owner=alex, contact_id=uuid.UUID(contact_id))
    bea_client = await make_client(bea)
    await bea_client.post(f"{API}/exchange/scan", json={"badge": alex_badge.token})
    met = await factories.met_contact(db, owner=alex, event=event, name="Zoë Adeyemi")
    follow_up = await factories.follow_up(db, owner=alex, contact=met)
    approved = await alex_client.post(f"{API}/follow-ups/{follow_up.id}/approve")
    assert approved.status_code == 200, approved.text
    await reminders.set_cadence(db, owner=alex, contact_id=met.id, every_days=30)
    other = await factories.met_contact(db, owner=alex, name="Yuki Tanaka")
    await factories.introduction(db, owner=alex, first=met, second=other, reason="Bikes")
    await templates.create_template(
        db, owner=alex, kind="custom", name="Alex's own", subject="Hi", body="Hi {{ name }}"
    )
    await db.commit()
    settings = await alex_client.patch(
        f"{API}/follow-up-settings", json={"timezone": "Europe/Berlin", "daily_digest": True}
    )
    assert settings.status_code == 200, settings.text
    await alex_client.post(f"{API}/reminders/calendar-feed")
    # Carl met Bea too and wrote his own note about her.
    carl_client = await make_client(carl)
    carl_scan = await carl_client.post(f"{API}/exchange/scan", json={"badge": bea_badge.token})
    await carl_client.post(
        f"{API}/contacts/{carl_scan.json()['contact']['id']}/notes",
        json={"text": f"{SECRET} story", "topics": [SECRET]},
    )
    return People(alex, bea, carl, event, own_event, alex_client)


async def test_export_holds_everything_i_own_and_nothing_of_anyone_else(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    world = await people(db, make_client)
    writes: list[str] = app.state.writes_in_reads
    writes.clear()
    response = await job_file(
        app, world.alex_client, await world.alex_client.post(f"{API}/me/export")
    )
    assert writes == []  # the download, a GET, wrote nothing
    assert re.fullmatch(
        r'attachment; filename="rapport-export-\d{4}-\d{2}-\d{2}\.json"',
        response.headers["content-disposition"],
    )
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-type"] == "application/json"
    doc = response.json()
    AccountExport.model_validate(doc)  # the documented shape
    assert doc["format_version"] == 1 and doc["exported_at"]
    assert doc["account"] == {
        "email": "alex@example.org",
        "name": "Alex",
        "timezone": "Europe/Berlin",
        "is_organizer": True,
        "created_at": doc["account"]["created_at"],
    }
    card = doc["card"]
    assert card["company"] == "Alexco" and card["phone"] == "+4915123456789"
    assert "name" in card["shared_fields"]
    assert card["photo"]["type"] == "image/png"
    assert base64.b64decode(card["photo"]["base64"]) == factories.PNG_1PX
    assert [p["title"] for p in doc["pitches"]] == ["Investors"]
    assert card["goals"] == "Pilot customers"
    assert [(e["kind"], e["text"], e["event_id"]) for e in doc["look_for"]] == [
        ("company", "Vattenfall", str(world.event.id)),
        ("topic", "battery recycling", None),
    ]
    bea = next(c for c in doc["contacts"] if c["name"] == "Bea")
    assert bea["company"] == "Volta"
    assert "bea-private@volta.example" not in response.text  # Bea does not share it
    note = next(n for n in bea["notes"] if MINE in n["text"])
    assert note["topics"] == [MINE]
    assert note["personal_details"][0]["text"] == "sailing"
    assert note["promises"][0]["text"] == "Send the paper"
    assert (note["next_step"], note["warmth"], note["preferred_channel"]) == (
        "Coffee in May",
        "hot",
        "email",
    )
    assert len(doc["note_conflicts"]) == 1
    copy_id = doc["note_conflicts"][0]["copy_note_id"]
    assert any(n["id"] == copy_id for n in bea["notes"])
    [follow_up] = doc["follow_ups"]
    assert [h["to_status"] for h in follow_up["history"]][-1] == follow_up["status"]
    assert follow_up["status"] in ("scheduled", "approved")
    assert any(t["name"] == "Alex's own" for t in doc["templates"])
    assert [k["every_days"] for k in doc["keep_in_touch"]] == [30]
    assert doc["reminder_settings"]["daily_digest"] is True
    assert doc["reminder_settings"]["calendar_feed"] is True
    assert "calendar_token_hash" not in response.text
    [registration] = doc["registrations"]
    assert registration["event"]["name"] == "DevConf"
    assert registration["attendee"]["email"] == "alex@example.org"
    assert len(registration["check_ins"]) == 1
    assert sorted((e["name"], e["role"]) for e in doc["events_i_run"]) == [
        ("Alex Meetup", "organizer"),
        ("DevConf", "organizer"),
    ]
    assert any("Bea" in n["text"] for n in doc["notifications"])
    [introduction] = doc["introductions"]
    assert (introduction["reason"], introduction["status"]) == ("Bikes", "waiting")
    assert [p["name"] for p in introduction["people"]] == ["Zoë Adeyemi", "Yuki Tanaka"]
    assert "token_hash" not in response.text and "open_pair" not in response.text
    # Nothing of anyone else: not Carl's note about the same person, not the other attendees.
    assert SECRET not in response.text
    assert "Carl" not in response.text
    assert "Olga" not in response.text


async def test_export_holds_promise_links_and_the_promise_each_follow_up_keeps(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    alex = await factories.user(db, name="Alex")
    draft, parts = await factories.drafted_from_promise(db, owner=alex, name="Li Wei")
    client = await make_client(alex)

    doc = (await job_file(app, client, await client.post(f"{API}/me/export"))).json()

    (contact,) = doc["contacts"]
    (note,) = contact["notes"]
    assert [(p["text"], p["link"]) for p in note["promises"]] == [
        ("Send the slides", "https://example.org/slides"),
        ("Call about the pilot", None),
    ]
    (follow_up,) = doc["follow_ups"]
    assert follow_up["id"] == str(draft.id)
    assert follow_up["promise_id"] == str(parts.promises[0].id) == note["promises"][0]["id"]


async def test_export_needs_sign_in(client: Any) -> None:
    for method, path in (("POST", "/me/export"), ("GET", "/me/delete-preview")):
        assert (await client.request(method, API + path)).status_code == 401
    answer = await client.post(f"{API}/me/delete", json={"confirm_email": "a@example.org"})
    assert answer.status_code == 401


async def owned_rows(db: AsyncSession, user_id: uuid.UUID) -> dict[str, int]:
    """Rows per table that belong to the user, directly or through something of theirs."""
    await db.commit()  # a fresh snapshot
    uid = {"u": user_id.hex if db.get_bind().dialect.name == "sqlite" else user_id}
    by_owner = {
        "users": "id",
        "user_sessions": "user_id",
        "cards": "user_id",
        "pitches": "owner_id",
        "look_for_entries": "owner_id",
        "contacts": "owner_id",
        "notes": "owner_id",
        "note_topics": "owner_id",
        "personal_details": "owner_id",
        "promises": "owner_id",
        "note_conflicts": "owner_id",
        "search_entries": "owner_id",
        "follow_ups": "owner_id",
        "message_templates": "owner_id",
        "keep_in_touch": "owner_id",
        "follow_up_preferences": "user_id",
        "attendees": "user_id",
        "event_members": "user_id",
        "notifications": "user_id",
        "sync_operations": "user_id",
        "card_shares": "from_user_id",
        "introductions": "owner_id",
    }
    counts = {}
    for table, column in by_owner.items():
        sql = f"SELECT count(*) FROM {table} WHERE {column} = :u"
        counts[table] = int((await db.execute(text(sql), uid)).scalar_one())
    through = {
        "follow_up_transitions": "follow_up_id IN (SELECT id FROM follow_ups WHERE owner_id = :u)",
        "badges": "attendee_id IN (SELECT id FROM attendees WHERE user_id = :u)",
        "check_ins": "attendee_id IN (SELECT id FROM attendees WHERE user_id = :u)",
        "introduction_parties": (
            "introduction_id IN (SELECT id FROM introductions WHERE owner_id = :u)"
        ),
        "outbound_emails": "introduction_id IN (SELECT id FROM introductions WHERE owner_id = :u)",
    }
    for table, where in through.items():
        sql = f"SELECT count(*) FROM {table} WHERE {where}"
        counts[table] = int((await db.execute(text(sql), uid)).scalar_one())
    return counts


async def rows_naming(db: AsyncSession, user_id: uuid.UUID) -> dict[str, int]:
    """Any row of any table whose foreign key still points at the user (a catch-all)."""
    from services.models import Base

    uid = {"u": user_id.hex if db.get_bind().dialect.name == "sqlite" else user_id}
    found = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                sql = f"SELECT count(*) FROM {table.name} WHERE {column.name} = :u"
                n = int((await db.execute(text(sql), uid)).scalar_one())
                if n:
                    found[f"{table.name}.{column.name}"] = n
    return found


async def test_deleting_removes_every_owned_row_and_leaves_others_intact(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    from services.models import Contact, Event, FollowUp, LoginLink, User

    world = await people(db, make_client)
    alex_id, bea_id, carl_id = world.alex.id, world.bea.id, world.carl.id
    own_event_id, event_id = world.own_event.id, world.event.id
    before = await owned_rows(db, alex_id)
    assert all(before.values()), {t: n for t, n in before.items() if not n}  # one of each
    carl_before = await owned_rows(db, carl_id)
    bea_before = await owned_rows(db, bea_id)
    preview = await world.alex_client.get(f"{API}/me/delete-preview")
    assert preview.json() == {
        "email": "alex@example.org",
        "contacts": before["contacts"],
        "notes": before["notes"],
        "follow_ups": 1,
        "follow_ups_waiting_to_send": 1,
        "registrations": 1,
        "pitches": 1,
        "look_for_entries": before["look_for_entries"],
        "introductions": before["introductions"],
        "sole_organizer_events": [{"id": str(own_event_id), "name": "Alex Meetup"}],
    }

    answer = await world.alex_client.post(
        f"{API}/me/delete", json={"confirm_email": " ALEX@example.org ", "delete_my_events": True}
    )
    assert answer.status_code == 204, answer.text
    assert 'rapport_session=""' in answer.headers["set-cookie"]
    assert (await world.alex_client.get(f"{API}/auth/me")).status_code == 401

    db.expire_all()
    assert set((await owned_rows(db, alex_id)).values()) == {0}
    assert await rows_naming(db, alex_id) == {}
    assert await db.scalar(select(func.count()).select_from(FollowUp)) == 0  # queued: not sent
    assert await db.scalar(select(func.count()).where(LoginLink.email == "alex@example.org")) == 0
    # The event only Alex organized went with him; the one he co-organized stays.
    assert await db.get(Event, own_event_id) is None
    assert await db.get(Event, event_id) is not None
    # Carl's data is untouched; Bea keeps her contact of Alex, minus the fields he shared.
    assert await owned_rows(db, carl_id) == carl_before
    # Bea loses only her share of her card with Alex, and her notice that Alex added her.
    after = await owned_rows(db, bea_id)
    assert (bea_before["card_shares"], bea_before["notifications"]) == (2, 2)  # Alex, Carl
    assert after == {**bea_before, "card_shares": 1, "notifications": 1}
    copy = await db.scalar(select(Contact).where(Contact.owner_id == bea_id))
    assert copy is not None and copy.name == "Alex" and copy.person_id is None
    assert copy.company == "" and copy.shared_fields == []
    # Signing in with that address again starts from nothing.
    assert await db.scalar(select(User).where(User.email == "alex@example.org")) is None


async def test_deleting_refuses_a_wrong_email(db: AsyncSession, make_client: ClientFactory) -> None:
    alex = await factories.user(db, email="alex@example.org")
    client = await make_client(alex)
    answer = await client.post(f"{API}/me/delete", json={"confirm_email": "alex@example.com"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "email_mismatch"
    assert "Type alex@example.org to confirm" in answer.json()["detail"]
    assert (await client.get(f"{API}/auth/me")).status_code == 200


async def test_sole_organizer_is_refused_until_the_events_may_go_too(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    from services.models import Attendee, Event, User

    olga = await factories.user(db, email="olga@example.org", is_organizer=True)
    event = await factories.event(db, organizer=olga, name="Olga's Summit")
    guest, _ = await factories.attendee(db, event=event)
    event_id, guest_id, guest_user_id = event.id, guest.id, guest.user_id
    client = await make_client(olga)
    answer = await client.post(f"{API}/me/delete", json={"confirm_email": "olga@example.org"})
    assert answer.status_code == 409
    assert answer.json()["error"] == "sole_organizer"
    assert "only organizer of “Olga's Summit”" in answer.json()["detail"]
    assert await db.get(User, olga.id) is not None
    await db.commit()

    answer = await client.post(
        f"{API}/me/delete", json={"confirm_email": "olga@example.org", "delete_my_events": True}
    )
    assert answer.status_code == 204, answer.text
    db.expire_all()
    assert await db.get(Event, event_id) is None
    assert await db.scalar(select(Attendee).where(Attendee.id == guest_id)) is None
    assert await db.get(User, guest_user_id) is not None  # the guest's account stays
