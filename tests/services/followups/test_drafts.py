"""Drafting: when an event ends the worker drafts one follow-up per contact met there, from the
template that fits, in the contact's channel, using the notes; running again adds nothing. On
request, "all my contacts" also covers those met at no event (typed in, from a vCard, imported),
once each; contacts nothing can reach are skipped and named."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow, write_intent
from services.errors import Invalid, NotFound
from services.followups import drafts, templates
from services.models import Event, FollowUp, MessageTemplate, User
from services.settings import get_settings
from tests import factories


async def ended_event(db: AsyncSession, **kwargs: object) -> Event:
    start = utcnow() - timedelta(days=1, hours=8)
    return await factories.event(db, starts_at=start, ends_at=start + timedelta(hours=8), **kwargs)


async def follow_ups_of(db: AsyncSession, owner: User) -> list[FollowUp]:
    query = select(FollowUp).where(FollowUp.owner_id == owner.id)
    return list(await db.scalars(query.execution_options(populate_existing=True)))


async def template_kind(db: AsyncSession, follow_up: FollowUp) -> str:
    return (
        await db.scalar(
            select(MessageTemplate.kind).where(MessageTemplate.id == follow_up.template_id)
        )
        or ""
    )


async def test_worker_drafts_once_for_every_contact_met_at_an_ended_event(
    app: FastAPI, db: AsyncSession
) -> None:
    event = await ended_event(db)
    elsewhere = await ended_event(db, name="OtherConf")
    owner = await factories.user(db)
    for name in ("Zoë Adeyemi", "Li Wei", "Ana Souza"):
        await factories.met_contact(db, owner=owner, event=event, name=name)
    await factories.met_contact(db, owner=owner, event=elsewhere, name="Elsewhere")

    handled = await drafts.draft_after_events(get_settings(), app.state.sessionmaker)
    again = await drafts.draft_after_events(get_settings(), app.state.sessionmaker)

    made = await follow_ups_of(db, owner)
    assert handled == 2 and again == 0
    assert len(made) == 4
    assert {f.status for f in made} == {"draft"}
    asked = await drafts.draft_for_event(db, owner=owner, event_id=event.id)
    assert asked.created == 0 and asked.already_had_follow_up == 3
    assert len({f.message_id for f in made}) == 4


async def test_worker_waits_until_the_event_has_ended(app: FastAPI, db: AsyncSession) -> None:
    running = await factories.event(db)  # started an hour ago, ends tomorrow
    owner = await factories.user(db)
    await factories.met_contact(db, owner=owner, event=running)
    assert await drafts.draft_after_events(get_settings(), app.state.sessionmaker) == 0
    assert await follow_ups_of(db, owner) == []


async def test_contact_added_after_drafting_gets_a_draft_on_the_next_round(
    app: FastAPI, db: AsyncSession
) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    await factories.met_contact(db, owner=owner, event=event)
    await drafts.draft_after_events(get_settings(), app.state.sessionmaker)
    await asyncio.sleep(0.01)
    await factories.met_contact(db, owner=owner, event=event, name="Late Addition")
    await drafts.draft_after_events(get_settings(), app.state.sessionmaker)
    assert len(await follow_ups_of(db, owner)) == 2


async def test_drafting_twice_at_once_never_duplicates(app: FastAPI, db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    for n in range(5):
        await factories.met_contact(db, owner=owner, event=event, name=f"Person {n}")

    async def run() -> int:
        # On SQLite the two queue for the write lock; on PostgreSQL they race for real.
        async with write_intent(app.state.engine), app.state.sessionmaker() as session:
            me = await session.get(User, owner.id)
            assert me is not None
            result = await drafts.draft_for_event(session, owner=me, event_id=event.id)
            await session.commit()
            return result.created

    created = await asyncio.gather(run(), run())
    assert sorted(created) == [0, 5]
    assert len(await follow_ups_of(db, owner)) == 5


async def test_a_promise_picks_the_resource_template_and_the_notes_fill_it(
    db: AsyncSession,
) -> None:
    event = await ended_event(db, name="Battery Summit")
    owner = await factories.user(db, name="Ada Lovelace")
    contact = await factories.met_contact(db, owner=owner, event=event, name="Zoë Adeyemi")
    await factories.note(
        db,
        owner=owner,
        contact_id=contact.id,
        text="Long chat at the coffee stand",
        topics=["battery recycling"],
        personal_details=[{"kind": "trip", "text": "your trip to Lagos"}],
        promises=[{"text": "the life-cycle report", "due_on": date.today().isoformat()}],
    )

    await drafts.draft_for_event(db, owner=owner, event_id=event.id)

    (draft,) = await follow_ups_of(db, owner)
    assert await template_kind(db, draft) == "resource"
    assert draft.subject == "From Battery Summit: what I promised to send you"
    assert draft.body.startswith("Hi Zoë,\n\n")
    for fact in ("the life-cycle report", "battery recycling", "your trip to Lagos", "Ada"):
        assert fact in draft.body


async def test_next_step_picks_meet_again_and_nothing_noted_picks_conversation(
    db: AsyncSession,
) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    stepping = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.note(db, owner=owner, contact_id=stepping.id, next_step="coffee in Berlin")
    plain = await factories.met_contact(db, owner=owner, event=event, name="Ana Souza")

    await drafts.draft_for_event(db, owner=owner, event_id=event.id)

    made = {f.contact_id: f for f in await follow_ups_of(db, owner)}
    assert await template_kind(db, made[stepping.id]) == "meet_again"
    assert "coffee in Berlin" in made[stepping.id].body
    assert await template_kind(db, made[plain.id]) == "conversation"
    assert "None" not in made[plain.id].body


async def test_draft_goes_in_the_contacts_preferred_channel(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    on_linkedin = await factories.met_contact(
        db, owner=owner, event=event, preferred_channel="linkedin"
    )
    by_note = await factories.met_contact(db, owner=owner, event=event)
    await factories.note(db, owner=owner, contact_id=by_note.id, preferred_channel="phone")
    no_email = await factories.met_contact(
        db, owner=owner, event=event, linkedin_url="https://www.linkedin.com/in/someone"
    )
    no_email.email = ""
    await db.commit()

    await drafts.draft_for_event(db, owner=owner, event_id=event.id)

    channels = {f.contact_id: f.channel for f in await follow_ups_of(db, owner)}
    assert channels[on_linkedin.id] == "linkedin"
    assert channels[by_note.id] == "phone"
    assert channels[no_email.id] == "linkedin"


async def test_a_contact_who_already_has_a_follow_up_gets_no_new_draft(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event)
    existing = await factories.follow_up(db, owner=owner, contact=contact, event_id=None)
    result = await drafts.draft_for_event(db, owner=owner, event_id=event.id)
    assert result.created == 0
    assert [f.id for f in await follow_ups_of(db, owner)] == [existing.id]


async def test_my_edited_template_is_the_one_drafting_uses(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    await factories.met_contact(db, owner=owner, event=event, name="Zoë Adeyemi")
    await templates.create_template(
        db,
        owner=owner,
        kind="conversation",
        name="Mine",
        subject="Hello from {{ event }}",
        body="Dear {{ first_name }}, thank you!",
    )
    await drafts.draft_for_event(db, owner=owner, event_id=event.id)
    (draft,) = await follow_ups_of(db, owner)
    assert draft.subject == "Hello from DevConf"
    assert draft.body == "Dear Zoë, thank you!\n"


async def test_preview_renders_against_a_real_contact_and_only_mine(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    stranger = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, event=event, name="Zoë Adeyemi")
    rendered = await drafts.preview(
        db, owner=owner, contact_id=contact.id, subject="Hi {{ first_name }}", body="{{ event }}"
    )
    assert (rendered.subject, rendered.body) == ("Hi Zoë", "DevConf\n")
    with pytest.raises(NotFound):
        await drafts.preview(db, owner=stranger, contact_id=contact.id, subject="s", body="b")


async def test_all_my_contacts_includes_those_met_at_no_event_once(db: AsyncSession) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    met = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.follow_up(db, owner=owner, contact=met)
    marta = await factories.met_contact(db, owner=owner, name="Marta Ruiz")  # typed in
    await factories.note(
        db, owner=owner, contact_id=marta.id, text="Met on the train", topics=["rail freight"]
    )

    first = await drafts.draft_follow_ups(db, owner=owner, all_contacts=True)
    again = await drafts.draft_follow_ups(db, owner=owner, all_contacts=True)

    assert (first.created, first.already_had_follow_up, first.skipped) == (1, 1, [])
    assert (again.created, again.already_had_follow_up) == (0, 2)
    (drafted,) = [f for f in await follow_ups_of(db, owner) if f.contact_id == marta.id]
    assert drafted.event_id is None and drafted.status == "draft"
    assert drafted.body.startswith("Hi Marta,") and "rail freight" in drafted.body
    assert " at ." not in drafted.body and "None" not in drafted.body


async def test_asking_for_nothing_says_what_to_ask_for(db: AsyncSession) -> None:
    owner = await factories.user(db)
    with pytest.raises(Invalid) as refused:
        await drafts.draft_follow_ups(db, owner=owner)
    assert refused.value.code == "nothing_to_draft"


async def test_the_worker_drafts_per_event_and_leaves_contacts_met_at_no_event_alone(
    app: FastAPI, db: AsyncSession
) -> None:
    event = await ended_event(db)
    owner = await factories.user(db)
    at_event = await factories.met_contact(db, owner=owner, event=event, name="Li Wei")
    await factories.met_contact(db, owner=owner, name="Marta Ruiz")

    assert await drafts.draft_after_events(get_settings(), app.state.sessionmaker) == 1

    assert [f.contact_id for f in await follow_ups_of(db, owner)] == [at_event.id]


async def test_a_contact_nothing_can_reach_is_skipped_by_name_until_it_has_an_address(
    db: AsyncSession,
) -> None:
    owner = await factories.user(db)
    await factories.met_contact(db, owner=owner, name="Reachable Person")
    nobody = await factories.met_contact(db, owner=owner, name="Marta Ruiz")
    nobody.email = ""
    await db.commit()

    result = await drafts.draft_follow_ups(db, owner=owner, all_contacts=True)

    assert (result.created, result.already_had_follow_up) == (1, 0)
    (skipped,) = result.skipped
    assert (skipped.reason, skipped.count, skipped.names) == ("no_way_to_reach", 1, ["Marta Ruiz"])
    assert "add one" in skipped.detail
    nobody.phone = "+49 30 1234567"
    await db.commit()
    later = await drafts.draft_follow_ups(db, owner=owner, all_contacts=True)
    assert (later.created, later.already_had_follow_up, later.skipped) == (1, 1, [])
    (phoned,) = [f for f in await follow_ups_of(db, owner) if f.contact_id == nobody.id]
    assert phoned.channel == "phone"


async def test_drafting_all_twice_at_once_never_duplicates_contacts_met_at_no_event(
    app: FastAPI, db: AsyncSession
) -> None:
    owner = await factories.user(db)
    for n in range(4):
        await factories.met_contact(db, owner=owner, name=f"Typed In {n}")

    async def run() -> int:
        # No unique constraint covers event_id NULL: the row locks (PostgreSQL) or the write
        # lock (SQLite) keep the second run from drafting again.
        async with write_intent(app.state.engine), app.state.sessionmaker() as session:
            me = await session.get(User, owner.id)
            assert me is not None
            result = await drafts.draft_follow_ups(session, owner=me, all_contacts=True)
            await session.commit()
            return result.created

    created = await asyncio.gather(run(), run())
    assert sorted(created) == [0, 4]
    assert len(await follow_ups_of(db, owner)) == 4
