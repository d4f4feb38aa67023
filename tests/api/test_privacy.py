"""Notes, look-for lists and introductions are their author's alone, and a card gives only what
its owner shares: checked across every GET route of the API, for another attendee, door staff
and the organizer."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import ClientFactory
from tests.support import job_file

API = "/api/v1"
SECRET = "zebracorn"  # appears only in A's note, topics, promise, detail and look-for list
PRIVATE_EMAIL = "bea-private@volta.example"  # on B's card, not shared
PRIVATE_GOALS = "quietly hiring a CFO"  # on B's card, not shared


def get_routes(app: FastAPI) -> list[str]:
    """Every GET route under /api/v1 (included routers flattened)."""
    return sorted(
        route.path
        for route in iter_route_contexts(app.routes)
        if (route.path or "").startswith(API + "/") and "GET" in (route.methods or set())
    )


async def test_nobody_else_sees_my_notes_and_i_see_only_what_others_share(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer, name="DevConf")
    staff = await factories.staff(db, event=event)
    alex = await factories.user(db, name="Alex")
    bea = await factories.user(db, name="Bea")
    carl = await factories.user(db, name="Carl")
    for person in (alex, bea, carl):
        await factories.attendee(db, event=event, person=person)
    _, bea_badge = await factories.attendee(
        db, event=await factories.event(db, organizer=organizer), person=bea
    )
    await factories.card(db, person=bea, company="Volta", email=PRIVATE_EMAIL, goals=PRIVATE_GOALS)
    await factories.look_for(db, owner=alex, kind="person", text=f"Dr {SECRET}", event=event)
    await factories.look_for(db, owner=alex, kind="topic", text=f"{SECRET} batteries")
    alex_client = await make_client(alex)
    scan = await alex_client.post(f"{API}/exchange/scan", json={"badge": bea_badge.token})
    contact_id = scan.json()["contact"]["id"]
    note = await alex_client.post(
        f"{API}/contacts/{contact_id}/notes",
        json={
            "text": f"Talked about {SECRET} batteries",
            "topics": [SECRET],
            "personal_details": [{"kind": "hobby", "text": f"{SECRET} riding"}],
            "promises": [
                {"text": f"Send the {SECRET} paper", "link": f"https://example.org/{SECRET}"}
            ],
            "next_step": f"{SECRET} call",
        },
    )
    note_id = note.json()["id"]
    promise_id = note.json()["promises"][0]["id"]
    # Alex introduces two people he met, with a reason meant for them alone.
    first = await factories.met_contact(db, owner=alex, name="Dana", email="dana@example.org")
    second = await factories.met_contact(db, owner=alex, name="Eli", email="eli@example.org")
    introduction, _ = await factories.introduction(
        db, owner=alex, first=first, second=second, reason=f"You both love {SECRET} maps"
    )
    # Alex's own export, with his notes: a file only he may fetch.
    alex_export = await alex_client.post(
        f"{API}/contacts/export.csv", params={"include_notes": "true"}
    )
    assert SECRET in (await job_file(app, alex_client, alex_export)).text
    ids = {
        "job_id": alex_export.json()["id"],
        "event_id": str(event.id),
        "contact_id": contact_id,
        "note_id": note_id,
        "promise_id": promise_id,
        "introduction_id": str(introduction.introduction.id),
    }
    routes = get_routes(app)
    checked = 0
    for viewer in (bea, carl, staff, organizer):
        client = await make_client(viewer)
        for template in routes:
            names = re.findall(r"{(\w+)}", template)
            if any(n not in ids for n in names) or template.endswith("/stream"):
                continue  # about something else (e.g. a follow-up id), or a never-ending stream
            params = {"q": SECRET} if template.endswith("/search") else None
            response = await client.get(template.format(**ids), params=params)
            if params:  # the search answer repeats the query: what matters is it finds nothing
                assert response.json()["items"] == [], (viewer.name, template)
            else:
                text = response.content.decode("utf-8", errors="replace").lower()
                assert SECRET not in text, (viewer.name, template, response.status_code)
            if any(f"{{{name}}}" in template for name in ids if name != "event_id"):
                assert response.status_code == 404, (viewer.name, template)
            checked += 1
        mine = await client.post(f"{API}/contacts/export.csv", params={"include_notes": "true"})
        assert SECRET not in (await job_file(app, client, mine)).text
    assert checked > 40

    # Alex sees his own note, but of Bea's card only what Bea shares (not her email).
    for path, params in [
        (f"{API}/contacts", None),
        (f"{API}/contacts/{contact_id}", None),
        (f"{API}/search", {"q": "bea"}),
        (f"{API}/contacts/export.vcf", {"include_notes": "true"}),
        (f"{API}/contacts/export.csv", {"include_notes": "true"}),
    ]:
        if "/export." in path:
            started = await alex_client.post(path, params=params)
            response = await job_file(app, alex_client, started)
        else:
            response = await alex_client.get(path, params=params)
        assert response.status_code == 200, path
        assert PRIVATE_EMAIL not in response.text, path
        assert PRIVATE_GOALS not in response.text, path
        assert "Volta" in response.text, path
    assert SECRET in (await alex_client.get(f"{API}/contacts/{contact_id}")).text
    assert SECRET in (await alex_client.get(f"{API}/look-for")).text
    assert SECRET in (await alex_client.get(f"{API}/introductions")).text
