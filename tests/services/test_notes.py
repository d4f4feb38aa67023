from __future__ import annotations

import uuid
from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.notes import NoteIn, NotePatch, PersonalDetailIn, PromiseIn, PromisePatch
from services import notes
from services.errors import NotFound
from services.models import Contact, Note
from tests import factories


async def test_same_client_id_returns_the_existing_note(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    data = NoteIn(id=uuid.uuid4(), text="Met at the coffee bar")
    first, created = await notes.create_note(db, user=me, contact_id=contact.id, data=data)
    again, created_again = await notes.create_note(db, user=me, contact_id=contact.id, data=data)
    assert created and not created_again and again.note.id == first.note.id
    assert await db.scalar(select(func.count()).select_from(Note)) == 1


async def test_save_as_you_type_bumps_the_version_and_refuses_stale_edits(
    db: AsyncSession,
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(db, owner=me, contact_id=contact.id, text="Bat")
    for version, text in enumerate(["Batt", "Battery", "Battery recycling"], start=1):
        parts = await notes.update_note(
            db, user=me, note_id=parts.note.id, data=NotePatch(base_version=version, text=text)
        )
    assert (parts.note.text, parts.note.version) == ("Battery recycling", 4)
    with pytest.raises(notes.NoteChanged) as stale:
        await notes.update_note(
            db, user=me, note_id=parts.note.id, data=NotePatch(base_version=2, text="old device")
        )
    assert stale.value.code == "note_changed" and stale.value.note.version == 4


async def test_structured_parts_are_kept_and_warmth_reaches_the_contact(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(
        db,
        owner=me,
        contact_id=contact.id,
        text="Talked sodium cells",
        topics=["Batteries", "batteries", "Recycling"],
        personal_details=[
            PersonalDetailIn(kind="birthday", on_date=date(1990, 3, 14)),
            PersonalDetailIn(kind="trip", text="Hiking in Norway in June"),
        ],
        promises=[PromiseIn(text="Send the whitepaper", due_on=date(2026, 12, 1))],
        next_step="Call in January",
        warmth="hot",
        preferred_channel="linkedin",
    )
    assert parts.topics == ["Batteries", "Recycling"]
    assert {d.kind for d in parts.details} == {"birthday", "trip"}
    assert parts.promises[0].text == "Send the whitepaper" and not parts.promises[0].done
    await db.refresh(contact)
    assert (contact.warmth, contact.preferred_channel) == ("hot", "linkedin")


def test_a_birthday_needs_a_date() -> None:
    with pytest.raises(ValidationError):
        PersonalDetailIn(kind="birthday", text="some day")


async def test_promise_kept_by_id_keeps_its_done_state(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(
        db, owner=me, contact_id=contact.id, promises=[PromiseIn(text="Send deck")]
    )
    promise = parts.promises[0]
    await notes.update_promise(db, user=me, promise_id=promise.id, data=PromisePatch(done=True))
    parts = await notes.update_note(
        db,
        user=me,
        note_id=parts.note.id,
        data=NotePatch(
            base_version=2,
            promises=[
                PromiseIn(id=promise.id, text="Send deck v2", done=True),
                PromiseIn(text="Intro"),
            ],
        ),
    )
    kept = {p.text: p for p in parts.promises}
    assert kept["Send deck v2"].id == promise.id and kept["Send deck v2"].done
    assert not kept["Intro"].done


async def test_promises_list_open_first_by_due_date_across_contacts(db: AsyncSession) -> None:
    me = await factories.user(db)
    ada = await factories.contact(db, owner=me, name="Ada")
    bob = await factories.contact(db, owner=me, name="Bob")
    await factories.note(
        db,
        owner=me,
        contact_id=ada.id,
        promises=[
            PromiseIn(text="late", due_on=date(2026, 12, 20)),
            PromiseIn(text="done", due_on=date(2026, 11, 1), done=True),
            PromiseIn(text="undated"),
        ],
    )
    await factories.note(
        db, owner=me, contact_id=bob.id, promises=[PromiseIn(text="soon", due_on=date(2026, 12, 1))]
    )
    open_only, total = await notes.list_promises(
        db, user=me, include_done=False, limit=10, offset=0
    )
    assert [(p.text, name) for p, name in open_only] == [
        ("soon", "Bob"),
        ("late", "Ada"),
        ("undated", "Ada"),
    ]
    assert total == 3
    everything, _ = await notes.list_promises(db, user=me, include_done=True, limit=10, offset=0)
    assert [p.text for p, _ in everything][-1] == "done"


async def test_notes_are_private_to_their_author(db: AsyncSession) -> None:
    me, other = await factories.user(db), await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(db, owner=me, contact_id=contact.id, text="secret")
    with pytest.raises(NotFound):
        await notes.get_note(db, user=other, note_id=parts.note.id)
    with pytest.raises(NotFound):
        await notes.notes_of(db, user=other, contact_id=contact.id)
    with pytest.raises(NotFound):
        await notes.update_note(
            db, user=other, note_id=parts.note.id, data=NotePatch(base_version=1, text="x")
        )
    with pytest.raises(NotFound):
        await notes.create_note(db, user=other, contact_id=contact.id, data=NoteIn(text="x"))
    assert (await db.get(Contact, contact.id)) is not None
