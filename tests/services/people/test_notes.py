from __future__ import annotations

import uuid
from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.notes import NoteIn, NotePatch, PersonalDetailIn, PromiseIn, PromisePatch
from services.errors import Invalid, NotFound
from services.models import Contact, Note, Promise
from services.people import notes
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
    assert [(row.promise.text, row.contact_name) for row in open_only] == [
        ("soon", "Bob"),
        ("late", "Ada"),
        ("undated", "Ada"),
    ]
    assert total == 3
    everything, _ = await notes.list_promises(db, user=me, include_done=True, limit=10, offset=0)
    assert [row.promise.text for row in everything][-1] == "done"


async def test_a_promise_carries_its_link_and_a_bare_address_gets_https(
    db: AsyncSession,
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(
        db,
        owner=me,
        contact_id=contact.id,
        promises=[
            PromiseIn(text="Send the slides", link=" https://example.org/slides?v=2#p3 "),
            PromiseIn(text="Share the deck", link="www.example.org/deck"),
            PromiseIn(text="Intro to Jonas", link=""),
        ],
    )
    assert [p.link for p in parts.promises] == [
        "https://example.org/slides?v=2#p3",
        "https://www.example.org/deck",
        None,
    ]


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("javascript:alert(document.cookie)", "http:// or https://"),
        ("JavaScript://example.org/%0Aalert(1)", "http:// or https://"),
        ("data:text/html,<script>alert(1)</script>", "http:// or https://"),
        ("ftp://example.org/slides.pdf", "http:// or https://"),
        ("https://", "http:// or https://"),
        ("https://example.org/the slides", "no spaces"),
        ("https://example.org/\nBcc: x@example.org", "no spaces"),
        ("www.example.org/" + "a" * 1984, "under 2000 characters"),  # 2,008 with https://
    ],
)
async def test_a_promise_link_must_be_a_web_address(db: AsyncSession, link: str, says: str) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    data = NoteIn(promises=[PromiseIn(text="ok"), PromiseIn(text="Send it", link=link)])
    with pytest.raises(Invalid) as refused:
        await notes.create_note(db, user=me, contact_id=contact.id, data=data)
    assert refused.value.code == "bad_url"
    assert [f.field for f in refused.value.fields] == ["promises.1.link"]
    assert says in refused.value.detail


async def test_an_edit_without_the_link_keeps_it_and_an_empty_link_removes_it(
    db: AsyncSession,
) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(
        db,
        owner=me,
        contact_id=contact.id,
        promises=[PromiseIn(text="Send the slides", link="https://example.org/slides")],
    )
    promise_id = parts.promises[0].id
    # An app that does not know links yet sends the promise without one: the link stays.
    kept = await notes.update_note(
        db,
        user=me,
        note_id=parts.note.id,
        data=NotePatch(base_version=1, promises=[PromiseIn(id=promise_id, text="Send slides")]),
    )
    assert [(p.text, p.link) for p in kept.promises] == [
        ("Send slides", "https://example.org/slides")
    ]
    removed = await notes.update_note(
        db,
        user=me,
        note_id=parts.note.id,
        data=NotePatch(
            base_version=2, promises=[PromiseIn(id=promise_id, text="Send slides", link="")]
        ),
    )
    assert removed.promises[0].link is None


async def test_a_promise_link_is_changed_on_its_own_and_checked(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    parts = await factories.note(db, owner=me, contact_id=contact.id, promises=[{"text": "Deck"}])
    promise_id = parts.promises[0].id

    changed = await notes.update_promise(
        db, user=me, promise_id=promise_id, data=PromisePatch(link="example.org/deck.pdf")
    )
    assert changed.link == "https://example.org/deck.pdf"
    await db.commit()
    with pytest.raises(Invalid) as refused:
        await notes.update_promise(
            db, user=me, promise_id=promise_id, data=PromisePatch(link="javascript:alert(1)")
        )
    assert [f.field for f in refused.value.fields] == ["link"]
    await db.rollback()
    again = await db.get(Promise, promise_id, populate_existing=True)
    assert again is not None and again.link == "https://example.org/deck.pdf"
    cleared = await notes.update_promise(
        db, user=me, promise_id=promise_id, data=PromisePatch(link=None)
    )
    assert cleared.link is None


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
