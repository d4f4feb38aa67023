"""The look-for list: whole-word matching that ignores case and accents, suggestions that use
the list (ranked before shared interests, with their reasons) and never a field a person keeps
to themselves, and "found" worked out from my contacts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.look_for import LookForPatch
from services.models import Event, User
from services.network import directory, look_for
from services.network.look_for_match import Profile, key, words
from tests import factories


def test_words_drop_case_and_accents() -> None:
    assert words("Léa MÜLLER-Ångström") == ("lea", "muller", "angstrom")
    assert words("Łódź, Øresund & Straße") == ("lodz", "oresund", "strasse")
    assert key("  Sol   Energía ") == key("sol energia") == "sol energia"
    assert key("!!!") == ""


@pytest.mark.parametrize(
    ("kind", "text", "shown", "found"),
    [
        ("topic", "ai", {"interests": ["Thailand"]}, False),  # not inside a word
        ("topic", "ai", {"interests": ["AI"]}, True),
        ("topic", "AI", {"headline": "Applied ai for power grids"}, True),
        ("topic", "battery recycling", {"goals": "Partners for Battery Recycling in Lyon"}, True),
        ("topic", "battery recycling", {"headline": "Recycling of every battery"}, False),
        ("topic", "recycling", {"company": "Recycling Ltd"}, False),  # topics skip companies
        ("company", "Sol Energia", {"company": "Sol Energía"}, True),
        ("company", "Nordlicht", {"company": "Nordlicht GmbH"}, True),
        ("company", "Nord", {"company": "Nordlicht GmbH"}, False),
        ("company", "Vattenfall", {"headline": "Ex-Vattenfall engineer"}, False),
        ("person", "jonas muller", {"name": "Jonas Müller"}, True),
        ("person", "Mona Berg", {"name": "Mona Bergström"}, False),
    ],
)
def test_an_entry_matches_whole_words_of_its_own_fields(
    kind: str, text: str, shown: dict[str, Any], found: bool
) -> None:
    assert Profile.of(shown).matches(kind, words(text)) is found


async def _listed(
    db: AsyncSession, event: Event, name: str, *, card: dict[str, Any] | None = None
) -> User:
    """A listed attendee of `event`, with a card if given (else their badge shows)."""
    person = await factories.user(db, name=name)
    attendee, _ = await factories.attendee(db, event=event, person=person, company="Badgeco")
    if card is not None:
        await factories.card(db, person=person, **card)
    await directory.set_listed(db, attendee=attendee, listed=True)
    await db.commit()
    return person


async def _me_at(db: AsyncSession) -> tuple[Event, User]:
    """An event and me, registered for it."""
    event = await factories.event(db)
    me = await factories.user(db, name="Me")
    await factories.attendee(db, event=event, person=me)
    return event, me


async def _suggested(db: AsyncSession, event: Event, me: User) -> list[tuple[str, str]]:
    items, _ = await directory.people_to_meet(db, event=event, user=me, limit=50, offset=0)
    return [(s.entry.card["name"], s.reason) for s in items]


async def test_look_for_matches_come_first_with_their_reasons(db: AsyncSession) -> None:
    event, me = await _me_at(db)
    await factories.card(db, person=me, interests=["Batteries", "Hiking", "Jazz"])
    for kind, text in [
        ("company", "Vattenfall"),
        ("topic", "battery recycling"),
        ("person", "Mona Berg"),
    ]:
        await factories.look_for(db, owner=me, kind=kind, text=text, event=event)
    interests_only = ["name", "interests"]
    await _listed(
        db, event, "Bo", card={"interests": ["hiking", "jazz"], "shared_fields": interests_only}
    )
    await _listed(
        db,
        event,
        "Cy",
        card={
            "headline": "We do Battery Recycling",
            "interests": ["batteries"],
            "shared_fields": ["name", "headline", "interests"],
        },
    )
    await _listed(
        db, event, "Ana", card={"company": "Vattenfall AB", "shared_fields": ["name", "company"]}
    )
    await _listed(db, event, "Móna Berg", card={"shared_fields": ["name"]})
    await _listed(db, event, "Dan", card={"interests": ["chess"], "shared_fields": interests_only})

    assert await _suggested(db, event, me) == [
        ("Cy", "You are looking for: battery recycling · You both listed: Batteries"),
        ("Ana", "You are looking for: Vattenfall"),
        ("Móna Berg", "You are looking for: Mona Berg"),
        ("Bo", "You both listed: Hiking, Jazz"),
    ]


async def test_a_company_kept_private_does_not_match(db: AsyncSession) -> None:
    event, me = await _me_at(db)
    await factories.look_for(db, owner=me, kind="company", text="Vattenfall", event=event)
    await factories.look_for(db, owner=me, kind="topic", text="heat pumps", event=event)
    card = {"company": "Vattenfall", "goals": "Pilots for heat pumps", "headline": "Heat pumps"}
    await _listed(db, event, "Kept", card={**card, "shared_fields": ["name"]})
    assert await _suggested(db, event, me) == []
    # Shared, the same fields do match, each only when shared.
    await _listed(db, event, "Open", card={**card, "shared_fields": ["name", "company"]})
    await _listed(db, event, "Told", card={**card, "shared_fields": ["name", "goals"]})
    assert await _suggested(db, event, me) == [
        ("Open", "You are looking for: Vattenfall"),
        ("Told", "You are looking for: heat pumps"),
    ]


async def test_someone_without_a_card_matches_by_what_their_badge_shows(db: AsyncSession) -> None:
    event, me = await _me_at(db)
    await factories.look_for(db, owner=me, kind="company", text="badgeco")
    assert await _suggested(db, event, me) == []
    await _listed(db, event, "Nocard")
    assert await _suggested(db, event, me) == [("Nocard", "You are looking for: badgeco")]


async def test_only_this_events_open_entries_and_those_for_every_event_count(
    db: AsyncSession,
) -> None:
    event, other = await factories.event(db), await factories.event(db, name="Other")
    me = await factories.user(db, name="Me")
    await factories.attendee(db, event=event, person=me)
    await factories.attendee(db, event=other, person=me)
    await factories.look_for(db, owner=me, text="Othercorp", event=other)
    done = await factories.look_for(db, owner=me, text="Donecorp", event=event)
    await factories.look_for(db, owner=me, text="Anycorp")
    for company in ("Othercorp", "Donecorp", "Anycorp"):
        await _listed(
            db, event, company, card={"company": company, "shared_fields": ["name", "company"]}
        )
    await look_for.update_entry(db, user=me, entry_id=done.id, data=LookForPatch(done=True))
    assert await _suggested(db, event, me) == [("Anycorp", "You are looking for: Anycorp")]


async def test_an_entry_is_found_once_a_contact_of_mine_matches(db: AsyncSession) -> None:
    me = await factories.user(db, name="Me")
    entries = [
        await factories.look_for(db, owner=me, kind="person", text="Mona Berg"),
        await factories.look_for(db, owner=me, kind="company", text="Vattenfall"),
        await factories.look_for(db, owner=me, kind="topic", text="batteries"),
    ]
    assert [v.found for v in await look_for.list_entries(db, user=me, event_id=None)] == [
        [],
        [],
        [],
    ]

    mona = await factories.contact(db, owner=me, name="Dr. Mona Berg", company="Vattenfall AB")
    views = await look_for.list_entries(db, user=me, event_id=None)
    assert [[f.name for f in v.found] for v in views] == [["Dr. Mona Berg"], ["Dr. Mona Berg"], []]
    assert [v.entry.id for v in views] == [e.id for e in entries]

    # computed, not stored: the contact gone, the entry is not found any more
    from services.people import contacts

    await contacts.delete_contact(db, user=me, contact_id=mona.id)
    assert all(v.found == [] for v in await look_for.list_entries(db, user=me, event_id=None))


async def test_someone_elses_contacts_never_make_my_entry_found(db: AsyncSession) -> None:
    me, other = await factories.user(db), await factories.user(db)
    await factories.look_for(db, owner=me, kind="person", text="Mona Berg")
    await factories.contact(db, owner=other, name="Mona Berg")
    [view] = await look_for.list_entries(db, user=me, event_id=None)
    assert view.found == []
