"""The opt-in attendee directory and "people to meet": off by default, only shared fields,
gone at once when turned off, 404 to outsiders, and "Add" is a badge scan."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import CardShare, Contact, Notification
from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"
PRIVATE_EMAIL = "ada-private@volta.example"
PRIVATE_PHONE = "+4915112345678"


async def _listed(client: httpx.AsyncClient, event_id: str, listed: bool = True) -> Any:
    response = await client.put(f"{API}/events/{event_id}/directory/me", json={"listed": listed})
    assert response.status_code == 200, response.text
    return response.json()


async def _directory(client: httpx.AsyncClient, event_id: str, **params: Any) -> Any:
    response = await client.get(f"{API}/events/{event_id}/directory", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _people(db: AsyncSession, make_client: ClientFactory, *names: str) -> Any:
    event = await factories.event(db, name="DevConf")
    users = [await factories.user(db, name=name) for name in names]
    for person in users:
        await factories.attendee(db, event=event, person=person)
    clients = [await make_client(person) for person in users]
    return event, users, clients


async def test_nobody_is_listed_until_they_choose_it(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, _, (ada, bob) = await _people(db, make_client, "Ada", "Bob")
    mine = await ada.get(f"{API}/events/{event.id}/directory/me")
    assert mine.json() == {"listed": False, "listed_since": None}
    assert (await _directory(bob, str(event.id)))["items"] == []


async def test_a_listed_person_shows_only_what_their_card_shares(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, (ada_user, _), (ada, bob) = await _people(db, make_client, "Ada", "Bob")
    await factories.card(
        db,
        person=ada_user,
        name="Ada Volta",
        company="Volta",
        title="Chemist",
        email=PRIVATE_EMAIL,
        phone=PRIVATE_PHONE,
        website="https://ada.example",
        interests=["Batteries", "Hiking"],
        shared_fields=["name", "company", "interests"],
    )
    listed = await _listed(ada, str(event.id))
    assert listed["listed"] and listed["listed_since"]

    page = await _directory(bob, str(event.id))
    assert page["total"] == 1
    entry = page["items"][0]
    assert entry["name"] == "Ada Volta" and entry["company"] == "Volta"
    assert entry["interests"] == ["Batteries", "Hiking"]
    assert entry["title"] == entry["email"] == entry["phone"] == entry["website"] == ""
    assert not entry["is_me"] and entry["contact_id"] is None
    for private in (PRIVATE_EMAIL, PRIVATE_PHONE, "Chemist", "ada.example"):
        assert private not in (await bob.get(f"{API}/events/{event.id}/directory")).text
    # a search never finds a person by what they keep to themselves
    assert (await _directory(bob, str(event.id), q="chemist"))["total"] == 0
    assert (await _directory(bob, str(event.id), q="ada-private"))["total"] == 0
    assert (await _directory(bob, str(event.id), q="hiking"))["total"] == 1
    assert (await _directory(bob, str(event.id), q="volta ada"))["total"] == 1


async def test_sharing_email_on_the_card_shows_it_in_the_directory(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, (ada_user, _), (ada, bob) = await _people(db, make_client, "Ada", "Bob")
    await factories.card(db, person=ada_user, email=PRIVATE_EMAIL, shared_fields=["name", "email"])
    await _listed(ada, str(event.id))
    assert (await _directory(bob, str(event.id)))["items"][0]["email"] == PRIVATE_EMAIL


async def test_turning_it_off_removes_me_at_once(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, _, (ada, bob) = await _people(db, make_client, "Ada", "Bob")
    await _listed(ada, str(event.id))
    entry = (await _directory(bob, str(event.id)))["items"][0]
    assert (await _listed(ada, str(event.id), listed=False))["listed"] is False
    assert (await _directory(bob, str(event.id)))["items"] == []
    add = await bob.post(f"{API}/events/{event.id}/directory/{entry['attendee_id']}/add")
    assert add.status_code == 404 and add.json()["error"] == "attendee_not_found"


async def test_listing_is_per_event(db: AsyncSession, make_client: ClientFactory) -> None:
    event, (ada_user, bob_user), (ada, bob) = await _people(db, make_client, "Ada", "Bob")
    other = await factories.event(db, name="OtherConf")
    await factories.attendee(db, event=other, person=ada_user)
    await factories.attendee(db, event=other, person=bob_user)
    await _listed(ada, str(event.id))
    assert (await _directory(bob, str(event.id)))["total"] == 1
    assert (await _directory(bob, str(other.id)))["total"] == 0


async def test_people_outside_the_event_get_404_and_staff_see_the_directory(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, _, (ada,) = await _people(db, make_client, "Ada")
    await _listed(ada, str(event.id))
    outsider = await make_client(await factories.user(db, name="Out"))
    for method, path in [
        ("GET", "directory"),
        ("GET", "directory/me"),
        ("GET", "people-to-meet"),
    ]:
        response = await outsider.request(method, f"{API}/events/{event.id}/{path}")
        assert response.status_code == 404, path
        assert response.json()["error"] == "event_not_found"
    put = await outsider.put(f"{API}/events/{event.id}/directory/me", json={"listed": True})
    assert put.status_code == 404
    staff = await make_client(await factories.staff(db, event=event))
    assert (await _directory(staff, str(event.id)))["total"] == 1


async def test_people_to_meet_ranks_by_shared_interests_with_the_reason(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, users, clients = await _people(db, make_client, "Me", "Cara", "Dan", "Eve", "Finn")
    me, cara, dan, eve, finn = users
    interests = {
        me: ["Batteries", "hiking", "Jazz"],
        cara: ["batteries"],  # one in common
        dan: ["HIKING", "batteries", "chess"],  # two in common
        eve: ["chess"],  # none
        finn: ["jazz", "hiking", "batteries"],  # three, but already my contact
    }
    for person, theirs in interests.items():
        await factories.card(
            db, person=person, interests=theirs, shared_fields=["name", "interests"]
        )
    for client in clients:
        await _listed(client, str(event.id))
    _, finn_badge = await factories.attendee(db, event=await factories.event(db), person=finn)
    assert (
        await clients[0].post(f"{API}/exchange/scan", json={"badge": finn_badge.token})
    ).is_success

    response = await clients[0].get(f"{API}/events/{event.id}/people-to-meet")
    assert response.status_code == 200
    page = response.json()
    assert [s["person"]["name"] for s in page["items"]] == ["Dan", "Cara"]
    assert page["total"] == 2
    assert page["items"][0]["reason"] == "You both listed: Batteries, hiking"
    assert page["items"][1]["shared_interests"] == ["Batteries"]


async def test_interests_kept_private_give_no_suggestion(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, (me, ada_user), (mine, ada) = await _people(db, make_client, "Me", "Ada")
    await factories.card(db, person=me, interests=["batteries"])
    await factories.card(db, person=ada_user, interests=["batteries"], shared_fields=["name"])
    await _listed(ada, str(event.id))
    page = (await mine.get(f"{API}/events/{event.id}/people-to-meet")).json()
    assert page["items"] == []


async def test_adding_from_the_directory_is_a_badge_scan(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event, (ada_user, bob_user, _), (ada, bob, cara) = await _people(
        db, make_client, "Ada", "Bob", "Cara"
    )
    await factories.card(
        db, person=ada_user, company="Volta", email=PRIVATE_EMAIL, interests=["batteries"]
    )
    await factories.card(db, person=bob_user, name="Bob")
    event_id, ada_id = str(event.id), ada_user.id
    await _listed(ada, event_id)
    entry = (await _directory(bob, event_id))["items"][0]

    added = await bob.post(f"{API}/events/{event_id}/directory/{entry['attendee_id']}/add")
    assert added.status_code == 201, added.text
    assert added.json()["created"] and added.json()["event_name"] == "DevConf"
    again = await bob.post(f"{API}/events/{event_id}/directory/{entry['attendee_id']}/add")
    assert again.status_code == 200 and again.json()["created"] is False
    entry = (await _directory(bob, event_id))["items"][0]
    assert entry["contact_id"] == added.json()["contact"]["id"]

    # Cara scans Ada's badge: both contacts are made the same way
    from services.events import badges
    from services.models import Attendee

    attendee = await db.scalar(
        select(Attendee).where(Attendee.user_id == ada_id, Attendee.event_id == event.id)
    )
    assert attendee is not None
    badge = await badges.current_badge(db, attendee=attendee)
    assert badge is not None
    await db.commit()
    scanned = await cara.post(f"{API}/exchange/scan", json={"badge": badge.token})
    assert scanned.status_code == 201
    fields = ("source", "name", "company", "email", "interests", "shared_fields", "event_id")
    by_list, by_scan = added.json()["contact"], scanned.json()["contact"]
    assert {f: by_list[f] for f in fields} == {f: by_scan[f] for f in fields}
    assert by_list["company"] == "Volta" and by_list["email"] == ""

    told = (await ada.get(f"{API}/notifications")).json()["items"]
    assert sorted(n["text"] for n in told) == [
        "Bob added you at DevConf",
        "Cara added you at DevConf",
    ]
    assert all(n["can_share_back"] and n["kind"] == "contact_added" for n in told)
    db.expire_all()
    assert await db.scalar(select(func.count()).select_from(Notification)) == 2
    assert (
        await db.scalar(
            select(func.count()).select_from(CardShare).where(CardShare.from_user_id == ada_id)
        )
        == 2
    )
    assert await db.scalar(select(func.count()).select_from(Contact)) == 2

    # and my own entry has no "Add"
    mine = (await _directory(ada, event_id))["items"][0]
    assert mine["is_me"]
    own = await ada.post(f"{API}/events/{event_id}/directory/{mine['attendee_id']}/add")
    assert own.status_code == 400 and own.json()["error"] == "own_entry"
