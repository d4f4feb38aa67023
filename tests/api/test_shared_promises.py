"""What we agreed, on both sides: when two people hold each other's card, the author of a
promise may share it; the other sees it on their contact page in their own words, either side
ticking it done closes it for both, and nothing is shared without the author's choice, after a
card is withdrawn, or after an account is deleted; the account export carries it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.events import badges
from tests import factories, support
from tests.conftest import ClientFactory

API = "/api/v1"
FRIDAY = date(2026, 12, 11)


@dataclass
class Pair:
    ada: httpx.AsyncClient
    bo: httpx.AsyncClient
    ada_id: str
    bo_id: str
    bo_as_ada_holds_him: str  # Ada's contact of Bo
    ada_as_bo_holds_her: str  # Bo's contact of Ada


async def _exchange(db: AsyncSession, make_client: ClientFactory, *, back: bool = True) -> Pair:
    """Ada scans Bo's badge; Bo shares his card back (unless `back` is false)."""
    event = await factories.event(db, name="DevConf")
    ada_user = await factories.user(db, name="Ada Lovelace")
    bo_user = await factories.user(db, name="Bo Chen")
    await factories.attendee(db, event=event, person=ada_user)
    _, badge = await factories.attendee(db, event=event, person=bo_user)
    ada, bo = await make_client(ada_user), await make_client(bo_user)
    await ada.put(f"{API}/me/card", json={"name": "Ada Lovelace"})
    await bo.put(f"{API}/me/card", json={"name": "Bo Chen"})
    scan = await ada.post(f"{API}/exchange/scan", json={"badge": badges.badge_url(badge.token)})
    bo_contact = ""
    if back:
        shared = await bo.post(f"{API}/exchange/share-back", json={"user_id": str(ada_user.id)})
        bo_contact = shared.json()["id"]
    return Pair(
        ada=ada,
        bo=bo,
        ada_id=str(ada_user.id),
        bo_id=str(bo_user.id),
        bo_as_ada_holds_him=scan.json()["contact"]["id"],
        ada_as_bo_holds_her=bo_contact,
    )


async def _promise(client: httpx.AsyncClient, contact_id: str, text: str) -> str:
    note = await client.post(
        f"{API}/contacts/{contact_id}/notes",
        json={"promises": [{"text": text, "due_on": FRIDAY.isoformat()}]},
    )
    assert note.status_code == 201, note.text
    return str(note.json()["promises"][0]["id"])


async def test_a_shared_promise_is_seen_by_the_other_and_ticked_done_by_either(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    pair = await _exchange(db, make_client)
    slides = await _promise(pair.ada, pair.bo_as_ada_holds_him, "Send the slides")
    intro = await _promise(pair.bo, pair.ada_as_bo_holds_her, "Intro to Jonas")
    await _promise(pair.ada, pair.bo_as_ada_holds_him, "Call about the tender")  # not shared

    before = (await pair.bo.get(f"{API}/contacts/{pair.ada_as_bo_holds_her}/agreed")).json()
    shared = await pair.ada.put(f"{API}/promises/{slides}/shared", json={"shared": True})
    await pair.bo.put(f"{API}/promises/{intro}/shared", json={"shared": True})
    bo_sees = (await pair.bo.get(f"{API}/contacts/{pair.ada_as_bo_holds_her}/agreed")).json()

    assert before == {"mutual": True, "items": []}  # nothing until the author chooses
    assert shared.status_code == 200 and shared.json()["shared_at"] is not None
    assert [(i["sentence"], i["mine"]) for i in bo_sees["items"]] == [
        ("Ada will send you the slides by Friday 11 December", False),
        ("You promised Ada: Intro to Jonas by Friday 11 December", True),
    ]

    ticked = await pair.bo.put(f"{API}/promises/{slides}/done", json={"done": True})
    ada_sees = (await pair.ada.get(f"{API}/contacts/{pair.bo_as_ada_holds_him}/agreed")).json()
    ada_promises = (await pair.ada.get(f"{API}/promises", params={"include_done": True})).json()

    assert ticked.status_code == 200 and ticked.json()["done"] is True
    (mine,) = [i for i in ada_sees["items"] if i["mine"]]
    assert mine["text"] == "Send the slides" and mine["done"] and mine["done_by_other"]
    assert mine["sentence"] == "You will send Bo the slides by Friday 11 December"
    (kept,) = [p for p in ada_promises["items"] if p["text"] == "Send the slides"]
    assert kept["done"] is True

    ada_ticks = await pair.ada.put(f"{API}/promises/{intro}/done", json={"done": True})
    bo_again = (await pair.bo.get(f"{API}/contacts/{pair.ada_as_bo_holds_her}/agreed")).json()
    assert ada_ticks.status_code == 200
    assert all(i["done"] for i in bo_again["items"])


async def test_nothing_is_shared_one_way_or_unchosen_and_strangers_cannot_tick(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    pair = await _exchange(db, make_client, back=False)
    slides = await _promise(pair.ada, pair.bo_as_ada_holds_him, "Send the slides")
    stranger = await make_client(await factories.user(db))

    refused = await pair.ada.put(f"{API}/promises/{slides}/shared", json={"shared": True})
    bo_ticks = await pair.bo.put(f"{API}/promises/{slides}/done", json={"done": True})
    stranger_ticks = await stranger.put(f"{API}/promises/{slides}/done", json={"done": True})
    stranger_shares = await stranger.put(f"{API}/promises/{slides}/shared", json={"shared": True})
    ada_sees = (await pair.ada.get(f"{API}/contacts/{pair.bo_as_ada_holds_him}/agreed")).json()

    assert refused.status_code == 409 and refused.json()["error"] == "not_mutual"
    assert bo_ticks.status_code == 404 and stranger_ticks.status_code == 404
    assert stranger_shares.status_code == 404
    assert ada_sees == {"mutual": False, "items": []}


@pytest.mark.parametrize("who_withdraws", ["author", "other"])
async def test_withdrawing_a_card_withdraws_the_shared_promises(
    db: AsyncSession, make_client: ClientFactory, who_withdraws: str
) -> None:
    pair = await _exchange(db, make_client)
    slides = await _promise(pair.ada, pair.bo_as_ada_holds_him, "Send the slides")
    await pair.ada.put(f"{API}/promises/{slides}/shared", json={"shared": True})

    if who_withdraws == "author":
        gone = await pair.ada.post(f"{API}/exchange/withdraw", json={"user_id": pair.bo_id})
    else:
        gone = await pair.bo.post(f"{API}/exchange/withdraw", json={"user_id": pair.ada_id})

    assert gone.status_code == 204
    bo_sees = (await pair.bo.get(f"{API}/contacts/{pair.ada_as_bo_holds_her}/agreed")).json()
    assert bo_sees == {"mutual": False, "items": []}
    ticked = await pair.bo.put(f"{API}/promises/{slides}/done", json={"done": True})
    assert ticked.status_code == 404
    (note,) = (await pair.ada.get(f"{API}/contacts/{pair.bo_as_ada_holds_him}/notes")).json()
    assert note["promises"][0]["shared_at"] is None  # sharing again is the author's choice


async def test_the_export_carries_shared_promises_and_deletion_ends_them(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    pair = await _exchange(db, make_client)
    slides = await _promise(pair.ada, pair.bo_as_ada_holds_him, "Send the slides")
    intro = await _promise(pair.bo, pair.ada_as_bo_holds_her, "Intro to Jonas")
    await pair.ada.put(f"{API}/promises/{slides}/shared", json={"shared": True})
    await pair.bo.put(f"{API}/promises/{intro}/shared", json={"shared": True})
    await pair.bo.put(f"{API}/promises/{slides}/done", json={"done": True})

    bo_export = (
        await support.job_file(app, pair.bo, await pair.bo.post(f"{API}/me/export"))
    ).json()
    ada_export = (
        await support.job_file(app, pair.ada, await pair.ada.post(f"{API}/me/export"))
    ).json()

    (made_to_bo,) = bo_export["promises_made_to_me"]
    assert made_to_bo["text"] == "Send the slides" and made_to_bo["from"] == "Ada Lovelace"
    assert made_to_bo["contact_id"] == pair.ada_as_bo_holds_her and made_to_bo["done"] is True
    assert "owner_id" not in made_to_bo and "done_by_id" not in made_to_bo
    (ada_contact,) = ada_export["contacts"]
    (ada_promise,) = ada_contact["notes"][0]["promises"]
    assert ada_promise["shared_at"] is not None and ada_promise["done_by_them"] is True
    assert pair.bo_id not in str(ada_export)

    deleted = await pair.ada.post(f"{API}/me/delete", json={"confirm_email": "x"})
    assert deleted.status_code == 400  # the wrong address: nothing happens
    ada_email = (await pair.ada.get(f"{API}/auth/me")).json()["email"]
    assert (
        await pair.ada.post(f"{API}/me/delete", json={"confirm_email": ada_email})
    ).status_code == 204

    bo_sees = (await pair.bo.get(f"{API}/contacts/{pair.ada_as_bo_holds_her}/agreed")).json()
    assert bo_sees == {"mutual": False, "items": []}
    bo_export = (
        await support.job_file(app, pair.bo, await pair.bo.post(f"{API}/me/export"))
    ).json()
    assert bo_export["promises_made_to_me"] == []
    (bo_note,) = (await pair.bo.get(f"{API}/contacts/{pair.ada_as_bo_holds_her}/notes")).json()
    assert bo_note["promises"][0]["shared_at"] is None
