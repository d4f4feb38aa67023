"""My look-for list over HTTP: add, edit, tick off and delete; limits and duplicates refused in
plain words; nobody else's entries (404); "people to meet" says who matches it and why; and an
entry shows as found once I add that person."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import LookForEntry
from services.network import look_for
from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"


async def _add(client: httpx.AsyncClient, expect: int = 201, **body: Any) -> Any:
    response = await client.post(f"{API}/look-for", json=body)
    assert response.status_code == expect, response.text
    return response.json()


async def _list(client: httpx.AsyncClient, event_id: Any = None) -> list[dict[str, Any]]:
    params = {"event_id": str(event_id)} if event_id else None
    response = await client.get(f"{API}/look-for", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


async def test_add_edit_tick_off_and_delete(db: AsyncSession, make_client: ClientFactory) -> None:
    event = await factories.event(db, name="DevConf")
    me = await factories.user(db)
    await factories.attendee(db, event=event, person=me)
    client = await make_client(me)
    mona = await _add(client, kind="person", text="  Mona   Berg ", event_id=str(event.id))
    assert (mona["kind"], mona["text"], mona["event_name"]) == ("person", "Mona Berg", "DevConf")
    assert mona["done"] is False and mona["found"] == []
    anywhere = await _add(client, kind="topic", text="battery recycling")
    assert anywhere["event_id"] is None and anywhere["event_name"] is None

    url = f"{API}/look-for/{mona['id']}"
    edited = await client.patch(url, json={"text": "Mona Berg-Larsen"})
    assert edited.status_code == 200 and edited.json()["text"] == "Mona Berg-Larsen"
    ticked = (await client.patch(url, json={"done": True})).json()
    assert ticked["done"] is True and ticked["done_at"]
    assert (await client.patch(url, json={"done": False})).json()["done_at"] is None

    assert [e["text"] for e in await _list(client, event.id)] == [
        "Mona Berg-Larsen",
        "battery recycling",
    ]
    assert (await client.delete(url)).status_code == 204
    assert [e["text"] for e in await _list(client)] == ["battery recycling"]
    assert (await client.delete(url)).status_code == 404


async def test_a_client_id_sent_twice_makes_one_entry(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    entry_id = str(uuid.uuid4())
    first = await _add(client, id=entry_id, kind="company", text="Vattenfall")
    again = await _add(client, 200, id=entry_id, kind="company", text="Vattenfall")
    assert first["id"] == again["id"] == entry_id
    other = await make_client(await factories.user(db))
    taken = await _add(other, 409, id=entry_id, kind="company", text="Volta")
    assert taken["error"] == "id_taken"


async def test_duplicates_are_refused_with_a_clear_message(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, other_event = await factories.event(db), await factories.event(db, name="Other")
    me = await factories.user(db)
    for e in (event, other_event):
        await factories.attendee(db, event=e, person=me)
    client = await make_client(me)
    await _add(client, kind="company", text="Sol Energía")
    same = await _add(client, 409, kind="company", text=" sol  ENERGIA ")
    assert same["error"] == "look_for_duplicate"
    assert same["detail"] == "“Sol Energía” is already on your list as a company for every event."
    assert same["fields"] == [{"field": "text", "message": "Already on your list.", "line": None}]
    # already looked for at every event, so at this one too
    for_event = await _add(client, 409, kind="company", text="Sol Energia", event_id=str(event.id))
    assert for_event["error"] == "look_for_duplicate"
    # the same words as another kind are another entry
    await _add(client, kind="topic", text="Sol Energía")
    # per event: once for this one, once for another
    await _add(client, kind="person", text="Mona Berg", event_id=str(event.id))
    again = await _add(client, 409, kind="person", text="mona berg", event_id=str(event.id))
    assert again["detail"].endswith("as a person for this event.")
    await _add(client, kind="person", text="Mona Berg", event_id=str(other_event.id))
    # an edit into a duplicate is refused as well
    topic = await _add(client, kind="topic", text="heat pumps")
    edit = await client.patch(f"{API}/look-for/{topic['id']}", json={"text": "SOL energía"})
    assert edit.status_code == 409 and edit.json()["error"] == "look_for_duplicate"


async def test_limits_on_length_words_and_entries(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    me = await factories.user(db)
    client = await make_client(me)
    long = await _add(client, 422, kind="topic", text="x" * 201)
    assert long["fields"][0]["field"] == "text"
    blank = await _add(client, 422, kind="topic", text="   ")
    assert blank["fields"][0]["message"].startswith("Type who or what you are looking for")
    no_words = await _add(client, 400, kind="topic", text="!!! ---")
    assert no_words["error"] == "look_for_no_words" and no_words["fields"][0]["field"] == "text"
    assert (await _add(client, 422, kind="place", text="Lyon"))["fields"][0]["field"] == "kind"

    db.add_all(
        LookForEntry(owner_id=me.id, kind="topic", text=f"topic {n}")
        for n in range(look_for.MAX_ENTRIES)
    )
    await db.commit()
    full = await _add(client, 400, kind="topic", text="one more")
    assert full["error"] == "look_for_full" and "100 entries" in full["detail"]


async def test_my_list_is_mine_alone(db: AsyncSession, make_client: ClientFactory) -> None:
    event = await factories.event(db)
    alex, bea = await factories.user(db), await factories.user(db)
    for person in (alex, bea):
        await factories.attendee(db, event=event, person=person)
    alex_client, bea_client = await make_client(alex), await make_client(bea)
    entry = await _add(alex_client, kind="person", text="Mona Berg", event_id=str(event.id))
    assert await _list(bea_client) == [] and await _list(bea_client, event.id) == []
    url = f"{API}/look-for/{entry['id']}"
    for response in (
        await bea_client.patch(url, json={"done": True}),
        await bea_client.delete(url),
    ):
        assert response.status_code == 404
        assert response.json()["error"] == "look_for_not_found"
    not_an_id = await bea_client.delete(f"{API}/look-for/not-a-uuid")
    assert not_an_id.status_code == 404
    assert [e["done"] for e in await _list(alex_client)] == [False]


async def test_an_event_i_am_not_part_of_is_not_found(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db)
    client = await make_client(await factories.user(db))
    listed = await client.get(f"{API}/look-for", params={"event_id": str(event.id)})
    assert listed.status_code == 404 and listed.json()["error"] == "event_not_found"
    added = await _add(client, 404, kind="topic", text="batteries", event_id=str(event.id))
    assert added["error"] == "event_not_found"


async def test_people_to_meet_names_what_i_look_for_and_the_entry_is_found_once_added(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db, name="DevConf")
    me, kenji, kept = [await factories.user(db, name=n) for n in ("Me", "Kenji", "Kept")]
    for person in (me, kenji, kept):
        await factories.attendee(db, event=event, person=person)
    await factories.card(db, person=me, interests=["heat pumps"])
    await factories.card(
        db,
        person=kenji,
        company="Nordlicht GmbH",
        goals="Pilots for heat pumps",
        interests=["Heat Pumps"],
        shared_fields=["name", "company", "goals", "interests"],
    )
    await factories.card(db, person=kept, company="Nordlicht GmbH", shared_fields=["name"])
    mine, theirs = await make_client(me), await make_client(kenji)
    for client in (await make_client(kept), theirs):
        listed = await client.put(f"{API}/events/{event.id}/directory/me", json={"listed": True})
        assert listed.status_code == 200
    entry = await _add(mine, kind="company", text="nordlicht", event_id=str(event.id))

    page = (await mine.get(f"{API}/events/{event.id}/people-to-meet")).json()
    [suggestion] = page["items"]  # Kept keeps the company to herself: not suggested
    assert suggestion["person"]["name"] == "Kenji"
    assert suggestion["person"]["goals"] == "Pilots for heat pumps"
    assert suggestion["looking_for"] == ["nordlicht"]
    assert suggestion["reasons"] == [
        "You are looking for: nordlicht",
        "You both listed: heat pumps",
    ]
    assert suggestion["reason"] == "You are looking for: nordlicht · You both listed: heat pumps"

    added = await mine.post(
        f"{API}/events/{event.id}/directory/{suggestion['person']['attendee_id']}/add"
    )
    assert added.status_code == 201
    [found] = await _list(mine, event.id)
    assert found["id"] == entry["id"] and found["done"] is False
    assert found["found"] == [{"contact_id": added.json()["contact"]["id"], "name": "Kenji"}]
    # Kenji is now a contact: no longer suggested
    assert (await mine.get(f"{API}/events/{event.id}/people-to-meet")).json()["items"] == []
