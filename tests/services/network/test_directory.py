"""The directory's rows (services.events.listing) stay what each person's card shows, and the
database pages and ranks exactly as the reasons shown say."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from schemas.cards import CardSettingsIn
from schemas.look_for import LookForIn
from schemas.pitches import PitchIn, PitchPatch
from services.events import attendees
from services.models import Attendee, Event, User
from services.network import directory, look_for
from services.people import cards, exchange, pitches
from tests import factories


async def _listed(db: AsyncSession, event: Event, name: str, **card: object) -> User:
    person = await factories.user(db, name=name)
    attendee, _ = await factories.attendee(db, event=event, person=person)
    if card:
        await factories.card(db, person=person, name=name, **card)
    await directory.set_listed(db, attendee=attendee, listed=True)
    await db.commit()
    return person


async def _names(
    db: AsyncSession, event: Event, viewer: User, query: str | None = None
) -> tuple[list[str], int]:
    entries, total = await directory.list_directory(
        db, event=event, viewer=viewer, query=query, limit=50, offset=0
    )
    return [e.card.get("name", "") for e in entries], total


async def test_pages_follow_names_and_searches_see_only_shared_fields(db: AsyncSession) -> None:
    event = await factories.event(db)
    viewer = await factories.user(db, name="Viewer")
    names = [f"Person {i:02}" for i in range(7)]
    for name in reversed(names):
        await _listed(db, event, name)
    await _listed(
        db,
        event,
        "Émile Zola",
        company="Volta",
        interests=["Batteries"],
        shared_fields=["name", "company", "interests"],
    )
    await _listed(db, event, "emma stone", company="Secret", shared_fields=["name"])
    pages = [
        await directory.list_directory(
            db, event=event, viewer=viewer, query=None, limit=4, offset=offset
        )
        for offset in (0, 4, 8)
    ]
    assert [e.card["name"] for page, _ in pages for e in page] == [
        "emma stone",  # case folded
        *names,
        "Émile Zola",  # folded names sort by code point: "é" after every plain letter
    ]
    assert {total for _, total in pages} == {9}
    assert await _names(db, event, viewer, "volta batteries") == (["Émile Zola"], 1)
    assert await _names(db, event, viewer, "secret") == ([], 0)  # not shared
    assert await _names(db, event, viewer, "100%") == ([], 0)


async def test_card_and_headline_pitch_edits_reach_the_directory_at_once(
    db: AsyncSession,
) -> None:
    event = await factories.event(db)
    viewer = await factories.user(db, name="Viewer")
    ada = await _listed(db, event, "Ada", company="Volta", email="ada@volta.example")
    assert await _names(db, event, viewer, "volta") == (["Ada"], 1)
    await factories.card(db, person=ada, name="Ada L.", company="Volta", shared_fields=["name"])
    assert await _names(db, event, viewer, "volta") == ([], 0)

    await factories.card(db, person=ada, name="Ada L.", shared_fields=["name", "headline"])
    pitch, _ = await pitches.create_pitch(db, user=ada, data=PitchIn(title="Short", text="Na"))
    await cards.update_card_settings(db, user=ada, data=CardSettingsIn(headline_pitch_id=pitch.id))
    await pitches.update_pitch(
        db, user=ada, pitch_id=pitch.id, data=PitchPatch(text="Sodium cells for all")
    )
    await db.commit()
    entries, _ = await directory.list_directory(
        db, event=event, viewer=viewer, query=None, limit=5, offset=0
    )
    assert entries[0].card == {"name": "Ada L.", "headline": "Sodium cells for all"}
    await pitches.delete_pitch(db, user=ada, pitch_id=pitch.id)
    entries, _ = await directory.list_directory(
        db, event=event, viewer=viewer, query=None, limit=5, offset=0
    )
    assert entries[0].card == {"name": "Ada L.", "headline": ""}


async def test_an_import_renames_a_listed_attendee_without_a_card(db: AsyncSession) -> None:
    event = await factories.event(db)
    viewer = await factories.user(db, name="Viewer")
    bo = await _listed(db, event, "Bo")
    csv = f"name,email,company\nBo Berg,{bo.email},Vattenfall\n".encode()
    await attendees.import_attendees(db, event=event, data=csv)
    assert await _names(db, event, viewer, "vattenfall") == (["Bo Berg"], 1)
    await directory.set_listed(db, attendee=await _attendee_of(db, event, bo), listed=False)
    assert await _names(db, event, viewer) == ([], 0)


async def test_people_to_meet_pages_by_look_for_then_shared_interests(db: AsyncSession) -> None:
    event = await factories.event(db)
    me = await factories.user(db, name="Me")
    await factories.attendee(db, event=event, person=me)
    await factories.card(db, person=me, interests=["Batteries", "Solar", "Wind_power"])
    for kind, text in (("company", "Volta"), ("topic", "battery recycling"), ("person", "Zoë")):
        await look_for.add_entry(db, user=me, data=LookForIn(kind=kind, text=text))
    shared = ["name", "company", "interests", "headline"]
    await _listed(db, event, "A one", interests=["solar"], shared_fields=shared)
    await _listed(db, event, "B two", interests=["Batteries", "Solar"], shared_fields=shared)
    await _listed(db, event, "C three", company="VOLTA", shared_fields=shared)
    await _listed(db, event, "Zoe Volta", headline="Battery Recycling now", shared_fields=shared)
    await _listed(db, event, "D four", interests=["Wind%power"], shared_fields=shared)
    await _listed(db, event, "E five", interests=["Battery"], company="Voltage")  # no match
    known = await _listed(db, event, "F six", company="Volta", shared_fields=shared)
    await exchange.add_attendee(
        db, user=me, attendee=await _attendee_of(db, event, known)
    )  # already my contact
    await db.commit()

    pages = [
        await directory.people_to_meet(db, event=event, user=me, limit=2, offset=offset)
        for offset in (0, 2, 4)
    ]
    seen = [(s.entry.card["name"], s.looking_for, s.shared_interests) for p, _ in pages for s in p]
    assert seen == [
        ("Zoe Volta", ["battery recycling", "Zoë"], []),
        ("C three", ["Volta"], []),
        ("B two", [], ["Batteries", "Solar"]),
        ("A one", [], ["Solar"]),
    ]
    assert {total for _, total in pages} == {4}


async def _attendee_of(db: AsyncSession, event: Event, person: User) -> Attendee:
    from sqlalchemy import select

    found = await db.scalar(
        select(Attendee).where(Attendee.event_id == event.id, Attendee.user_id == person.id)
    )
    assert found is not None
    return found
