from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from schemas.notes import NotePatch
from services.people import notes, search
from tests import factories


async def test_who_talked_about_battery_recycling(db: AsyncSession) -> None:
    me = await factories.user(db)
    ada = await factories.contact(db, owner=me, name="Ada Lovelace", company="Engines")
    bob = await factories.contact(db, owner=me, name="Bob Stone")
    await factories.note(
        db, owner=me, contact_id=ada.id, text="Long chat about battery recycling in Europe"
    )
    await factories.note(db, owner=me, contact_id=bob.id, text="Football and the weather")
    hits = await search.search_contacts(db, user=me, query="who talked about battery recycling?")
    assert [h.contact.id for h in hits] == [ada.id]
    assert hits[0].matched_in == "note" and "battery recycling" in hits[0].snippet


async def test_a_name_match_ranks_above_a_note_mentioning_the_word(db: AsyncSession) -> None:
    me = await factories.user(db)
    mentioned = await factories.contact(db, owner=me, name="Carla Diaz")
    await factories.note(
        db,
        owner=me,
        contact_id=mentioned.id,
        text="She said Miller from the other team builds inverters and chargers for fleets",
    )
    named = await factories.contact(db, owner=me, name="Tom Miller")
    hits = await search.search_contacts(db, user=me, query="miller")
    assert [h.contact.id for h in hits] == [named.id, mentioned.id]
    assert hits[0].matched_in == "name"


async def test_company_topics_prefixes_and_accents_match(db: AsyncSession) -> None:
    me = await factories.user(db)
    zoe = await factories.contact(db, owner=me, name="Zoë Ødegård", company="Nordlys Energi")
    await factories.note(db, owner=me, contact_id=zoe.id, text="x", topics=["Hydrogen"])
    assert [h.contact.id for h in await search.search_contacts(db, user=me, query="nordlys")] == [
        zoe.id
    ]
    assert await search.search_contacts(db, user=me, query="hydro")  # prefix, as you type
    assert await search.search_contacts(db, user=me, query="Zoë")


async def test_only_my_own_contacts_and_notes_are_searched(db: AsyncSession) -> None:
    me, other = await factories.user(db), await factories.user(db)
    theirs = await factories.contact(db, owner=other, name="Secret Person")
    await factories.note(db, owner=other, contact_id=theirs.id, text="confidential merger")
    assert await search.search_contacts(db, user=me, query="secret") == []
    assert await search.search_contacts(db, user=me, query="merger") == []


async def test_edits_and_deletes_keep_the_index_in_step(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me, name="Eve")
    parts = await factories.note(db, owner=me, contact_id=contact.id, text="solar panels")
    await notes.update_note(
        db, user=me, note_id=parts.note.id, data=NotePatch(base_version=1, text="wind turbines")
    )
    assert await search.search_contacts(db, user=me, query="solar") == []
    assert await search.search_contacts(db, user=me, query="turbines")
    await notes.delete_note(db, user=me, note_id=parts.note.id)
    assert await search.search_contacts(db, user=me, query="turbines") == []


async def test_odd_input_is_searched_as_plain_words(db: AsyncSession) -> None:
    me = await factories.user(db)
    await factories.contact(db, owner=me, name="Quote O'Brien")
    for query in ['"', "AND OR NOT", "a:b*", "(((", "O'Brien", "'; drop table contacts; --"]:
        await search.search_contacts(db, user=me, query=query)  # never raises
    assert await search.search_contacts(db, user=me, query="?!") == []
