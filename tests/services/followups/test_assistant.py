"""The writing assistant against a real chat-completions server on 127.0.0.1: plain and streamed
answers, timeouts, 429, 500 and malformed answers leave the draft as it was with a reason; the
answer is checked (links and promise kept, nothing added); and what is sent holds the draft, its
facts and my own earlier messages only: never a private detail, never another person's name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Conflict, NotFound
from services.followups import assistant, drafts
from services.models import FollowUp, User
from services.settings import Settings, get_settings
from tests import factories
from tests.chat_server import ChatServer, chat_server

LINK = "https://example.org/slides"
GOOD = f"Hi Zoë,\n\nSo good to meet you! Here are the slides, as promised: {LINK}\n\nAda"


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with chat_server() as running:
        running.reply = GOOD
        yield running


def settings_for(server: ChatServer, **more: object) -> Settings:
    return get_settings().model_copy(
        update={"assistant_url": server.url, "assistant_model": "tiny", **more}
    )


async def _draft(db: AsyncSession) -> tuple[User, FollowUp]:
    """Zoë's draft (a topic, a promise with its link, a hobby and a private health detail), and
    two messages I sent earlier: one to Marta, one to Tom that mentions the private detail."""
    owner = await factories.user(db, name="Ada Lovelace")
    marta = await factories.met_contact(db, owner=owner, name="Marta Ruiz", email="m@x.org")
    tom = await factories.met_contact(db, owner=owner, name="Tom Berg", email="t@x.org")
    earlier = utcnow() - timedelta(days=3)
    await factories.follow_up(
        db, owner=owner, contact=marta, status="sent", sent_at=earlier,
        body="Hi Marta,\n\nLovely to meet you, Marta. Ping me any time!\n\nAda\n",
    )  # fmt: skip
    await factories.follow_up(
        db, owner=owner, contact=tom, status="sent", sent_at=earlier,
        body="Hi Tom,\n\nI hope the knee surgery went well.\n\nAda\n",
    )  # fmt: skip
    zoe = await factories.met_contact(db, owner=owner, name="Zoë Adeyemi", email="z@x.org")
    await factories.note(
        db,
        owner=owner,
        contact_id=zoe.id,
        topics=["battery recycling"],
        promises=[{"text": "Send the slides", "link": LINK}],
        personal_details=[
            {"kind": "health", "text": "knee surgery"},
            {"kind": "hobby", "text": "sailing"},
        ],
    )
    await drafts.draft_follow_ups(db, owner=owner, contact_ids=[zoe.id])
    draft = await db.scalar(select(FollowUp).where(FollowUp.contact_id == zoe.id))
    assert draft is not None
    return owner, draft


async def test_a_plain_answer_is_checked_and_offered(db: AsyncSession, server: ChatServer) -> None:
    owner, draft = await _draft(db)
    settings = settings_for(server, assistant_key=SecretStr("sk-test"))

    result = await assistant.rewrite(db, owner=owner, follow_up_id=draft.id, settings=settings)

    assert (result.body, result.problem) == (GOOD + "\n", "")
    assert server.paths == ["/v1/chat/completions"]
    assert server.headers[0]["Authorization"] == "Bearer sk-test"
    assert server.received[0]["model"] == "tiny" and "stream" not in server.received[0]
    await db.refresh(draft)
    assert draft.body != GOOD + "\n"  # a suggestion: the draft changes only when the user takes it


async def test_a_streamed_answer_is_read_whole(db: AsyncSession, server: ChatServer) -> None:
    owner, draft = await _draft(db)
    server.mode = "stream"

    result = await assistant.rewrite(
        db, owner=owner, follow_up_id=draft.id, settings=settings_for(server, assistant_stream=True)
    )

    assert server.received[0]["stream"] is True
    assert (result.body, result.problem) == (GOOD + "\n", "")


async def test_what_is_sent_is_what_was_shown_and_holds_nothing_private(
    db: AsyncSession, server: ChatServer
) -> None:
    owner, draft = await _draft(db)
    settings = settings_for(server)
    shown = await assistant.request_for(db, owner=owner, follow_up_id=draft.id, settings=settings)

    await assistant.rewrite(db, owner=owner, follow_up_id=draft.id, settings=settings)

    (sent,) = server.received
    assert sent == shown.body and shown.host == server.url.split("/")[2]
    text = json.dumps(sent, ensure_ascii=False)
    assert "knee" not in text.lower()  # the private detail, and the message that mentions it
    assert "Marta" not in text and "Tom" not in text and "m@x.org" not in text
    assert "[their name]" in text  # my own earlier message, its recipient's name taken out
    assert draft.body in sent["messages"][-1]["content"]
    assert f"Its link: {LINK}" in sent["messages"][-1]["content"]
    assert [m["role"] for m in sent["messages"]] == ["system", "user", "user"]


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("slow", "did not answer in time"),
        ("429", "busy"),
        ("500", "had a problem (500)"),
        ("not_json", "could not be read"),
        ("no_choices", "could not be read"),
    ],
)
async def test_a_failing_assistant_leaves_the_draft_and_says_why(
    db: AsyncSession, server: ChatServer, mode: str, says: str
) -> None:
    owner, draft = await _draft(db)
    before = draft.body
    server.mode = mode

    result = await assistant.rewrite(
        db,
        owner=owner,
        follow_up_id=draft.id,
        settings=settings_for(server, assistant_timeout_seconds=0.5),
    )

    assert result.body == "" and says in result.problem and "unchanged" in result.problem
    await db.refresh(draft)
    assert draft.body == before


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("Hi Zoë, the slides are attached.", "dropped a link"),
        (GOOD + "\nAlso see https://evil.example/x", "added a link"),
        (GOOD + "\nMail me at ada@elsewhere.example", "email address"),
        (GOOD + "\nCall me on +44 20 7946 0958", "phone number"),
        (GOOD + "\nVisit us at 10 Downing Street", "postal address"),
        (GOOD + "\nBest, [Your Name]", "placeholder"),
        (f"Hi Zoë, here you go: {LINK}", "dropped what you promised"),
        ("", "answered with nothing"),
    ],
)
async def test_an_answer_that_changes_the_facts_is_refused(
    db: AsyncSession, server: ChatServer, answer: str, says: str
) -> None:
    owner, draft = await _draft(db)
    server.reply = answer

    result = await assistant.rewrite(
        db, owner=owner, follow_up_id=draft.id, settings=settings_for(server)
    )

    assert result.body == "" and says in result.problem


async def test_a_draft_with_a_private_detail_put_in_by_hand_is_not_sent(
    db: AsyncSession, server: ChatServer
) -> None:
    owner, draft = await _draft(db)
    draft.body += "\nP.S. Get well soon after the knee surgery.\n"
    await db.flush()

    with pytest.raises(Conflict) as refused:
        await assistant.rewrite(
            db, owner=owner, follow_up_id=draft.id, settings=settings_for(server)
        )

    assert refused.value.code == "draft_has_private_detail" and server.received == []


async def test_nothing_is_offered_or_sent_when_no_assistant_is_set_up(db: AsyncSession) -> None:
    owner, draft = await _draft(db)
    settings = get_settings().model_copy(update={"assistant_url": None})

    assert not assistant.configured(settings)
    with pytest.raises(NotFound):
        await assistant.request_for(db, owner=owner, follow_up_id=draft.id, settings=settings)
