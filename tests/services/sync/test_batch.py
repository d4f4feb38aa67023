"""The sync batch: in order, each operation once, each on its own; note conflicts keep both."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.notes import PromiseIn
from schemas.sync import MAX_BATCH, SyncBatchIn
from services.db import utcnow
from services.errors import Invalid
from services.events import badges
from services.models import Attendee, Contact, Note, NoteConflict, User
from services.sync import batch
from tests import factories

AFFECTED = (
    "contacts",
    "notes",
    "note_topics",
    "personal_details",
    "promises",
    "card_shares",
    "notifications",
    "search_entries",
    "contact_aliases",
    "note_conflicts",
    "sync_operations",
    "check_ins",
    "check_in_scans",
    "door_offline_scans",
    "door_conflicts",
)


async def row_counts(db: AsyncSession) -> dict[str, int]:
    """How many rows each table a sync batch can touch holds."""
    return {t: (await db.scalar(text(f"SELECT count(*) FROM {t}"))) or 0 for t in AFFECTED}


def op(type_: str, payload: dict[str, Any], op_id: uuid.UUID | None = None) -> dict[str, Any]:
    return {"id": str(op_id or uuid.uuid4()), "type": type_, "payload": payload}


async def apply(db: AsyncSession, user: User, ops: list[dict[str, Any]], device: str = "phone"):
    out = await batch.apply_batch(
        db, user=user, data=SyncBatchIn.model_validate({"device": device, "operations": ops})
    )
    await db.commit()
    return out


async def person_with_badge(db: AsyncSession, **card: object) -> tuple[User, str]:
    """Someone at an event with a card and a badge; returns them and their badge token."""
    event = await factories.event(db)
    person = await factories.user(db, name="Zoë Adeyemi")
    if card:
        await factories.card(db, person=person, **card)
    _, badge = await factories.attendee(db, event=event, person=person)
    return person, badge.token


async def test_same_batch_twice_changes_nothing_and_answers_the_same(db: AsyncSession) -> None:
    me = await factories.user(db)
    _, token = await person_with_badge(db, company="Recyclo", headline="Batteries, again")
    contact_id, scanned_id, note_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = utcnow()
    batch = [
        op("contact.create", {"id": str(contact_id), "name": "Sam Typed", "email": "sam@x.org"}),
        op(
            "note.create",
            {
                "id": str(note_id),
                "contact_id": str(contact_id),
                "text": "battery recycling",
                "topics": ["batteries"],
                "promises": [{"text": "send the paper"}],
            },
        ),
        op(
            "note.update",
            {
                "note_id": str(note_id),
                "base_version": 1,
                "text": "battery recycling, Lyon",
                "edited_at": now.isoformat(),
            },
        ),
        op("exchange.scan", {"contact_id": str(scanned_id), "badge": token}),
        op("note.create", {"id": str(uuid.uuid4()), "contact_id": str(scanned_id), "text": "hi"}),
        op("contact.create", {"id": str(uuid.uuid4()), "qr": "MECARD:N:Owen,Sean;EMAIL:s@o.ie;;"}),
    ]
    first = await apply(db, me, batch)
    assert [r.status for r in first.results] == ["applied"] * 6, first.results
    before = await row_counts(db)

    second = await apply(db, me, batch)

    assert await row_counts(db) == before
    assert [r.model_dump() for r in second.results] == [r.model_dump() for r in first.results]
    assert second.replayed == 6 and first.replayed == 0


async def test_one_bad_operation_does_not_sink_the_others(db: AsyncSession) -> None:
    me = await factories.user(db)
    stranger = await factories.user(db)
    their_contact = await factories.contact(db, owner=stranger)
    mine = uuid.uuid4()
    results = (
        await apply(
            db,
            me,
            [
                op("contact.create", {"id": str(mine), "name": "Ada"}),
                op("contact.teleport", {}),
                op("note.create", {"id": "not-a-uuid", "contact_id": str(mine)}),
                op("note.create", {"id": str(uuid.uuid4()), "contact_id": str(their_contact.id)}),
                op("exchange.scan", {"contact_id": str(uuid.uuid4()), "badge": "no-such-badge"}),
                op("contact.create", {"id": str(uuid.uuid4())}),
                op("note.create", {"id": str(uuid.uuid4()), "contact_id": str(mine), "text": "ok"}),
            ],
        )
    ).results
    assert [(r.status, r.code) for r in results] == [
        ("applied", None),
        ("rejected", "unknown_type"),
        ("rejected", "invalid_payload"),
        ("rejected", "contact_not_found"),
        ("rejected", "badge_unknown"),
        ("rejected", "empty_contact"),
        ("applied", None),
    ]
    assert results[2].fields[0].field == "id"
    assert "contact.create" in (results[1].detail or "")
    notes = (await db.scalars(select(Note.text).where(Note.owner_id == me.id))).all()
    assert notes == ["ok"]


async def test_a_failing_operation_leaves_nothing_behind(db: AsyncSession) -> None:
    """A handler that wrote and then failed is rolled back to its savepoint, and only it."""
    me = await factories.user(db)

    async def write_then_fail(ctx: batch.OpContext, data: Any) -> batch.Outcome:
        ctx.session.add(Contact(owner_id=ctx.user.id, source="manual", name="Ghost"))
        await ctx.session.flush()
        raise Invalid("Halfway there, then no.", code="test_failure")

    batch.operation_types()
    batch.register("test.fail", payload=PromiseIn, description="test")(write_then_fail)
    try:
        out = await apply(
            db,
            me,
            [
                op("contact.create", {"id": str(uuid.uuid4()), "name": "Before"}),
                op("test.fail", {"text": "x"}),
                op("contact.create", {"id": str(uuid.uuid4()), "name": "After"}),
            ],
        )
    finally:
        batch._REGISTRY.pop("test.fail")
    assert [r.status for r in out.results] == ["applied", "rejected", "applied"]
    assert out.results[1].code == "test_failure"
    names = set((await db.scalars(select(Contact.name).where(Contact.owner_id == me.id))).all())
    assert names == {"Before", "After"}


async def test_offline_badge_scan_becomes_the_contact_with_the_shared_card(
    db: AsyncSession,
) -> None:
    me = await factories.user(db)
    person, token = await person_with_badge(
        db,
        company="Recyclo",
        headline="Batteries, again",
        shared_fields=["name", "company", "headline"],
    )
    placeholder = uuid.uuid4()
    scanned_at = utcnow() - timedelta(minutes=40)
    out = await apply(
        db,
        me,
        [
            op(
                "exchange.scan",
                {
                    "contact_id": str(placeholder),
                    "badge": badges.badge_url(token),
                    "scanned_at": scanned_at.isoformat(),
                },
            ),
            op(
                "note.create",
                {"id": str(uuid.uuid4()), "contact_id": str(placeholder), "text": "x"},
            ),
        ],
    )
    assert [r.status for r in out.results] == ["applied", "applied"]
    contact = await db.get(Contact, placeholder)
    assert contact is not None and contact.person_id == person.id
    assert (contact.name, contact.company, contact.headline) == (
        "Zoë Adeyemi",
        "Recyclo",
        "Batteries, again",
    )
    assert contact.met_at == scanned_at
    assert out.results[0].result and out.results[0].result["contact"]["company"] == "Recyclo"


async def test_revoked_badge_scanned_offline_is_rejected_with_the_reason(db: AsyncSession) -> None:
    me = await factories.user(db)
    person, token = await person_with_badge(db)
    attendee = (await db.scalars(select(Attendee).where(Attendee.user_id == person.id))).one()
    await badges.reissue_badge(db, attendee=attendee)
    await db.commit()
    out = await apply(
        db, me, [op("exchange.scan", {"contact_id": str(uuid.uuid4()), "badge": token})]
    )
    result = out.results[0]
    assert (result.status, result.code) == ("rejected", "badge_revoked")
    assert "replaced" in (result.detail or "")
    assert await db.scalar(select(func.count()).select_from(Contact)) == 0


async def test_scan_of_someone_i_already_had_puts_offline_notes_on_that_contact(
    db: AsyncSession,
) -> None:
    me = await factories.user(db)
    _, token = await person_with_badge(db)
    first = await apply(
        db, me, [op("exchange.scan", {"contact_id": str(uuid.uuid4()), "badge": token})]
    )
    existing_id = first.results[0].result["contact"]["id"]  # type: ignore[index]
    placeholder = uuid.uuid4()
    out = await apply(
        db,
        me,
        [
            op("exchange.scan", {"contact_id": str(placeholder), "badge": token}),
            op(
                "note.create",
                {"id": str(uuid.uuid4()), "contact_id": str(placeholder), "text": "again"},
            ),
        ],
    )
    assert [r.status for r in out.results] == ["duplicate", "applied"]
    assert out.results[1].result["note"]["contact_id"] == existing_id  # type: ignore[index]
    assert await db.scalar(select(func.count()).select_from(Contact)) == 1


async def test_same_operation_id_for_another_change_is_rejected(db: AsyncSession) -> None:
    me = await factories.user(db)
    op_id = uuid.uuid4()
    await apply(db, me, [op("contact.create", {"id": str(uuid.uuid4()), "name": "A"}, op_id)])
    out = await apply(db, me, [op("contact.create", {"id": str(uuid.uuid4()), "name": "B"}, op_id)])
    assert (out.results[0].status, out.results[0].code) == ("rejected", "op_id_reused")
    assert await db.scalar(select(func.count()).select_from(Contact)) == 1


async def test_operation_ids_are_per_user(db: AsyncSession) -> None:
    one, two = await factories.user(db), await factories.user(db)
    op_id = uuid.uuid4()
    for person in (one, two):
        out = await apply(
            db, person, [op("contact.create", {"id": str(uuid.uuid4()), "name": "A"}, op_id)]
        )
        assert out.results[0].status == "applied"


async def test_too_big_a_batch_is_refused_whole(db: AsyncSession) -> None:
    me = await factories.user(db)
    ops = [
        op("contact.create", {"id": str(uuid.uuid4()), "name": "A"}) for _ in range(MAX_BATCH + 1)
    ]
    with pytest.raises(Invalid) as raised:
        await apply(db, me, ops)
    assert raised.value.code == "batch_too_large"


async def test_promise_marked_done_offline_twice_is_done_once(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(
        db, owner=me, contact_id=contact.id, promises=[PromiseIn(text="send deck")]
    )
    promise_id = str(parts.promises[0].id)
    out = await apply(
        db,
        me,
        [
            op("promise.set_done", {"promise_id": promise_id}),
            op("promise.set_done", {"promise_id": promise_id}),
        ],
    )
    assert [r.status for r in out.results] == ["applied", "duplicate"]
    assert out.results[1].result["promise"]["done"] is True  # type: ignore[index]


# --- note conflicts ----------------------------------------------------------------------------


async def _note_on_contact(db: AsyncSession, me: User, text: str) -> tuple[uuid.UUID, uuid.UUID]:
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(db, owner=me, contact_id=contact.id, text=text)
    parts.note.updated_at = utcnow() - timedelta(hours=1)
    await db.commit()
    return contact.id, parts.note.id


def _edit(note_id: uuid.UUID, text_: str, minutes_ago: int, **more: object) -> dict[str, Any]:
    edited = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
    return op(
        "note.update",
        {"note_id": str(note_id), "base_version": 1, "text": text_, "edited_at": edited, **more},
    )


async def test_two_devices_editing_one_note_keep_both_texts(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact_id, note_id = await _note_on_contact(db, me, "Met at the coffee bar.")

    a = await apply(db, me, [_edit(note_id, "Phone A: talked batteries.", 30)], device="phone-a")
    b = await apply(db, me, [_edit(note_id, "Phone B: talked Lyon.", 20)], device="phone-b")
    c = await apply(db, me, [_edit(note_id, "Phone C: stale but mine.", 25)], device="phone-c")

    assert a.results[0].status == "applied"
    assert (b.results[0].status, b.results[0].result["winner"]) == ("conflict", "incoming")  # type: ignore[index]
    assert (c.results[0].status, c.results[0].result["winner"]) == ("conflict", "current")  # type: ignore[index]
    note = await db.get(Note, note_id, populate_existing=True)
    assert note is not None and note.text == "Phone B: talked Lyon." and note.version == 3
    texts = (await db.scalars(select(Note.text).where(Note.contact_id == contact_id))).all()
    assert len(texts) == 3
    copies = [t for t in texts if t.startswith("Conflict copy")]
    assert any(t.endswith("Phone A: talked batteries.") for t in copies)
    assert any(t.endswith("Phone C: stale but mine.") and "on phone-c" in t for t in copies)
    conflicts = (await db.scalars(select(NoteConflict))).all()
    assert {c.winner for c in conflicts} == {"incoming", "current"}


async def test_conflict_copy_keeps_promises_the_winner_dropped(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(
        db, owner=me, contact_id=contact.id, text="t", promises=[PromiseIn(text="send deck")]
    )
    parts.note.updated_at = utcnow() - timedelta(hours=1)
    await db.commit()
    note_id = parts.note.id
    await apply(db, me, [_edit(note_id, "online edit", 30)])
    out = await apply(db, me, [_edit(note_id, "newer, without the promise", 10, promises=[])])
    result = out.results[0].result
    assert out.results[0].status == "conflict" and result is not None
    assert result["note"]["promises"] == []
    assert [p["text"] for p in result["conflict_copy"]["promises"]] == ["send deck"]


async def test_stale_edit_that_changes_nothing_makes_no_copy(db: AsyncSession) -> None:
    me = await factories.user(db)
    _, note_id = await _note_on_contact(db, me, "same")
    await apply(db, me, [_edit(note_id, "same words", 30)])
    out = await apply(db, me, [_edit(note_id, "same words", 10)])
    assert out.results[0].status == "applied" and out.results[0].result["merged"] is True  # type: ignore[index]
    assert await db.scalar(select(func.count()).select_from(Note)) == 1


async def test_someone_elses_note_is_not_found(db: AsyncSession) -> None:
    me, other = await factories.user(db), await factories.user(db)
    _, note_id = await _note_on_contact(db, other, "theirs")
    out = await apply(db, me, [_edit(note_id, "mine now?", 1)])
    assert (out.results[0].status, out.results[0].code) == ("rejected", "note_not_found")
    note = await db.get(Note, note_id, populate_existing=True)
    assert note is not None and note.text == "theirs"


async def test_phone_times_without_a_zone_are_refused(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    out = await apply(
        db,
        me,
        [
            op(
                "note.create",
                {
                    "id": str(uuid.uuid4()),
                    "contact_id": str(contact.id),
                    "created_at": "2026-11-22T09:00:00",
                },
            )
        ],
    )
    assert (out.results[0].status, out.results[0].code) == ("rejected", "invalid_payload")
    assert out.results[0].fields[0].field == "created_at"
