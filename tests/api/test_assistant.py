"""The writing assistant over HTTP: absent unless set up; once set up, the request shown for a
draft is exactly the one the assistant server receives, and only the draft's owner may see or
send it."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.settings import get_settings
from tests import factories
from tests.chat_server import chat_server
from tests.conftest import ClientFactory

API = "/api/v1"


async def test_the_assistant_is_absent_unless_set_up(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    owner = await factories.user(db)
    contact = await factories.met_contact(db, owner=owner, email="z@x.org")
    draft = await factories.follow_up(db, owner=owner, contact=contact)
    await db.commit()
    client = await make_client(owner)

    status = await client.get(f"{API}/follow-ups/assistant")
    shown = await client.get(f"{API}/follow-ups/{draft.id}/assistant-request")

    assert status.json() == {"available": False, "host": ""}
    assert shown.status_code == 404 and shown.json()["error"] == "no_assistant"


async def test_what_is_shown_is_what_is_sent_and_only_to_the_owner(
    db: AsyncSession, make_client: ClientFactory, app: FastAPI
) -> None:
    owner = await factories.user(db, name="Ada")
    contact = await factories.met_contact(db, owner=owner, name="Zoë Adeyemi", email="z@x.org")
    draft = await factories.follow_up(
        db, owner=owner, contact=contact, body="Hi Zoë,\n\nGood to meet you.\n\nAda\n"
    )
    await db.commit()
    client, other = await make_client(owner), await make_client(await factories.user(db))
    with chat_server() as server:
        server.reply = "Hi Zoë,\n\nIt was great to meet you!\n\nAda"
        settings = get_settings().model_copy(update={"assistant_url": server.url})
        app.dependency_overrides[get_settings] = lambda: settings
        try:
            status = (await client.get(f"{API}/follow-ups/assistant")).json()
            shown = (await client.get(f"{API}/follow-ups/{draft.id}/assistant-request")).json()
            rewrite = await client.post(f"{API}/follow-ups/{draft.id}/rewrite")
            not_theirs = await other.get(f"{API}/follow-ups/{draft.id}/assistant-request")
            not_theirs_either = await other.post(f"{API}/follow-ups/{draft.id}/rewrite")
        finally:
            app.dependency_overrides.pop(get_settings, None)

    assert status == {"available": True, "host": server.url.split("/")[2]}
    assert shown["url"] == server.url + "/chat/completions"
    assert server.received == [shown["body"]]
    assert rewrite.json() == {"body": server.reply + "\n", "problem": ""}
    assert not_theirs.status_code == 404 and not_theirs_either.status_code == 404
    assert len(server.received) == 1
