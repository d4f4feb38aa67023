"""How my notes read in a drafted message: a note's capital letter is dropped mid-sentence
unless the first word looks like a name or an acronym; a promise is worded as a link only when
it is a thing to send, with its own link when I noted one; and the promise that matters now is
the one used (and the one the draft keeps once sent)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.followups import drafts
from services.followups.draft_facts import as_resource, mid_sentence
from services.models import Contact, Event, FollowUp, User
from tests import factories


async def ended_event(db: AsyncSession, name: str = "DevConf") -> Event:
    start = utcnow() - timedelta(days=1, hours=8)
    return await factories.event(db, name=name, starts_at=start, ends_at=start + timedelta(hours=8))


async def drafted_for(db: AsyncSession, *, owner: User, contact: Contact) -> FollowUp:
    await drafts.draft_follow_ups(db, owner=owner, contact_ids=[contact.id])
    made = await db.scalar(
        select(FollowUp)
        .where(FollowUp.owner_id == owner.id, FollowUp.contact_id == contact.id)
        .execution_options(populate_existing=True)
    )
    assert made is not None
    return made


@pytest.mark.parametrize(
    ("note", "names", "inside_a_sentence"),
    [
        ("Daughter graduates in June", set(), "daughter graduates in June"),
        ("Battery recycling", set(), "battery recycling"),
        ("EU funding for heat pumps", set(), "EU funding for heat pumps"),  # acronym
        ("McKinsey alumni dinner", set(), "McKinsey alumni dinner"),  # capital inside
        ("Marta's wedding", {"Marta", "Ruiz"}, "Marta's wedding"),  # a name we know
        ("June trip to Lagos", set(), "June trip to Lagos"),  # a month
        ("I owe her a coffee", set(), "I owe her a coffee"),
        ("already lower-case", set(), "already lower-case"),
        ("“Quoted” text", set(), "“Quoted” text"),  # not a word first: left alone
    ],
)
def test_a_note_loses_its_capital_mid_sentence_unless_it_looks_like_a_name(
    note: str, names: set[str], inside_a_sentence: str
) -> None:
    assert mid_sentence(note, names) == inside_a_sentence


@pytest.mark.parametrize(
    ("promise", "resource"),
    [
        ("Send the slides", "the slides"),
        ("the life-cycle report", "the life-cycle report"),
        ("Share the recording of the call", "the recording of the call"),
        ("intro to Jonas", ""),
        ("Send an intro to Jonas", ""),
        ("call next week about pricing", ""),
        ("check with legal", ""),  # cannot tell: not worded as a link
    ],
)
def test_only_a_thing_to_send_is_a_resource(promise: str, resource: str) -> None:
    assert as_resource(promise) == resource


async def test_a_personal_detail_reads_mid_sentence_and_names_keep_their_capital(
    db: AsyncSession,
) -> None:
    event = await ended_event(db)
    owner = await factories.user(db, name="Ada Lovelace")
    zoe = await factories.met_contact(db, owner=owner, event=event, name="Zoë Adeyemi")
    await factories.note(
        db,
        owner=owner,
        contact_id=zoe.id,
        topics=["Battery recycling"],
        personal_details=[{"kind": "family", "text": "Daughter graduates in June"}],
    )
    marta = await factories.met_contact(db, owner=owner, event=event, name="Marta Ruiz")
    await factories.note(
        db,
        owner=owner,
        contact_id=marta.id,
        personal_details=[{"kind": "milestone", "text": "Marta's team won the EU tender"}],
    )

    to_zoe = await drafted_for(db, owner=owner, contact=zoe)
    to_marta = await drafted_for(db, owner=owner, contact=marta)

    assert "P.S. " in to_zoe.body and "your daughter's graduation in June" in to_zoe.body
    assert "aughter graduates" not in to_zoe.body
    assert "about battery recycling" in to_zoe.body
    assert "that Marta's team won the EU tender" in to_marta.body


async def test_a_promise_to_introduce_is_not_worded_as_a_link(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        topics=["grid batteries"],
        promises=[{"text": "Intro to Jonas", "due_on": date.today().isoformat()}],
    )

    draft = await drafted_for(db, owner=owner, contact=contact)

    assert draft.subject == "From DevConf: intro to Jonas"
    assert "promised" in draft.body and "intro to Jonas" in draft.body
    assert "[link]" not in draft.body and "Here it is" not in draft.body
    assert "grid batteries" in draft.body


async def test_a_thing_to_send_is_worded_as_a_link(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.note(
        db, owner=owner, contact_id=contact.id, promises=[{"text": "Send the slides"}]
    )

    draft = await drafted_for(db, owner=owner, contact=contact)

    assert draft.subject == "From DevConf: what I promised to send you"
    assert "the slides" in draft.body and ": [link]\n" in draft.body


async def test_a_thing_to_send_with_its_link_is_drafted_with_the_link_and_knows_its_promise(
    db: AsyncSession,
) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    parts = await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        promises=[{"text": "Send the slides", "link": "https://example.org/slides.pdf"}],
    )

    draft = await drafted_for(db, owner=owner, contact=contact)

    assert "the slides" in draft.body and "https://example.org/slides.pdf\n" in draft.body
    assert "[link]" not in draft.body
    assert draft.promise_id == parts.promises[0].id


async def test_the_link_drafted_is_the_one_of_the_promise_drafted_about(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    soon = (date.today() + timedelta(days=2)).isoformat()
    parts = await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        promises=[
            {"text": "Send the deck", "due_on": "2020-01-01", "link": "https://example.org/deck"},
            {"text": "Share the report", "due_on": soon, "link": "https://example.org/report"},
            {"text": "Send the paper", "done": True, "link": "https://example.org/paper"},
        ],
    )

    draft = await drafted_for(db, owner=owner, contact=contact)

    assert "the report" in draft.body and "https://example.org/report\n" in draft.body
    assert "example.org/deck" not in draft.body and "example.org/paper" not in draft.body
    assert draft.promise_id == parts.promises[1].id


async def test_a_draft_without_a_promise_keeps_none(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.note(db, owner=owner, contact_id=contact.id, next_step="Coffee in May")

    draft = await drafted_for(db, owner=owner, contact=contact)

    assert draft.promise_id is None


async def test_the_promise_nearest_today_wins_over_one_long_overdue(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        promises=[
            {"text": "the 2030 roadmap", "due_on": (date.today() + timedelta(days=3)).isoformat()},
            {"text": "the old price list", "due_on": "2020-03-01"},
            {"text": "the done report", "done": True},
        ],
    )
    await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        promises=[{"text": "the far-off whitepaper", "due_on": "2031-01-01"}],
    )

    draft = await drafted_for(db, owner=owner, contact=contact)

    assert "the 2030 roadmap" in draft.body
    for other in ("old price list", "done report", "whitepaper"):
        assert other not in draft.body


async def test_a_promise_without_a_due_date_made_now_beats_one_due_long_ago(
    db: AsyncSession,
) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        promises=[
            {"text": "the old price list", "due_on": "2020-03-01"},
            {"text": "the deck from my talk"},
        ],
    )

    draft = await drafted_for(db, owner=owner, contact=contact)

    assert "the deck from my talk" in draft.body and ": [link]\n" in draft.body
