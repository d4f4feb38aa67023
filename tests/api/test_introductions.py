"""Introductions over HTTP: asking, the public request page's two endpoints, answering (twice),
declining, cancelling, the pair rule, the daily limit, and names that try to add mail headers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import mail
from services.models import Card, Introduction, OutboundEmail, User
from tests import factories
from tests.conftest import ClientFactory
from tests.services.auth.test_signin import settings_override
from tests.services.test_mail import smtp_server

__all__ = ["settings_override"]

API = "/api/v1"
VIEW = f"{API}/introduction-requests/view"
ANSWER = f"{API}/introduction-requests/answer"
SECRET = "narwhalbanjo"  # only in Alex's own note about Dana
REQUEST_KEYS = {
    "introducer",
    "other",
    "reason",
    "expires_at",
    "state",
    "your_answer",
    "answered_at",
}


async def _alex_with_two(db: AsyncSession, make_client: ClientFactory) -> tuple[Any, Any, Any]:
    """Alex (signed in), and his contacts Dana (with a private note) and Eli."""
    alex = await factories.user(db, name="Alex Introducer", email="alex@example.org")
    dana = await factories.met_contact(
        db, owner=alex, name="Dana Example", email="dana@example.org", title="CTO",
        company="Volta",
    )  # fmt: skip
    eli = await factories.met_contact(db, owner=alex, name="Eli Example", email="eli@example.org")
    await factories.note(db, owner=alex, contact_id=dana.id, text=f"{SECRET} and more")
    return await make_client(alex), dana, eli


def _body(first: Any, second: Any, reason: str = "You both rebuild old bikes.") -> dict[str, str]:
    return {"contact_id": str(first.id), "other_contact_id": str(second.id), "reason": reason}


@dataclass
class Asked:
    """Alex has asked Dana and Eli: his client, the two contacts, the introduction, the tokens."""

    alex: httpx.AsyncClient
    dana: Any
    eli: Any
    introduction: dict[str, Any]
    tokens: dict[str, str]


async def _asked(db: AsyncSession, make_client: ClientFactory) -> Asked:
    alex, dana, eli = await _alex_with_two(db, make_client)
    made = await alex.post(f"{API}/introductions", json=_body(dana, eli))
    assert made.status_code == 201, made.text
    return Asked(alex, dana, eli, made.json(), await _tokens(alex))


async def _tokens(client: httpx.AsyncClient) -> dict[str, str]:
    """Each person's link token, from the newest request mail to them in the dev mailbox."""
    tokens: dict[str, str] = {}
    for sent in (await client.get("/dev/mailbox.json")).json():
        found = re.search(r"/introduction-request#token=(\S+)", sent["body"])
        if sent["kind"] == "introduction_request" and found:
            tokens.setdefault(sent["to"], unquote(found.group(1)))
    return tokens


async def test_both_say_yes_and_each_gets_the_other_by_mail(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    alex, dana, eli = await _alex_with_two(db, make_client)
    made = await alex.post(f"{API}/introductions", json=_body(dana, eli))
    assert made.status_code == 201, made.text
    intro = made.json()
    assert intro["status"] == "waiting" and intro["closed_at"] is None
    assert [(p["name"], p["answer"]) for p in intro["people"]] == [
        ("Dana Example", None),
        ("Eli Example", None),
    ]
    tokens = await _tokens(alex)
    assert set(tokens) == {"dana@example.org", "eli@example.org"}

    # The link's page, not signed in: who asks, whom, why, until when; nothing else.
    anonymous = await make_client()
    seen = await anonymous.post(VIEW, json={"token": tokens["dana@example.org"]})
    assert seen.status_code == 200, seen.text
    assert set(seen.json()) == REQUEST_KEYS
    assert seen.json()["introducer"] == "Alex Introducer"
    assert seen.json()["other"] == {"name": "Eli Example", "title": "", "company": ""}
    assert (seen.json()["state"], seen.json()["your_answer"]) == ("asked", None)
    for private in (SECRET, "alex@example.org", "eli@example.org", "dana@example.org"):
        assert private not in seen.text

    yes = await anonymous.post(ANSWER, json={"token": tokens["dana@example.org"], "answer": "yes"})
    assert yes.json()["state"] == "you_said_yes"
    listed = (await alex.get(f"{API}/introductions")).json()
    assert listed["total"] == 1
    assert [p["answer"] for p in listed["items"][0]["people"]] == ["yes", None]
    both = await anonymous.post(ANSWER, json={"token": tokens["eli@example.org"], "answer": "yes"})
    assert both.json()["state"] == "introduced"

    done = (await alex.get(f"{API}/introductions/{intro['id']}")).json()
    assert done["status"] == "introduced" and done["closed_at"] is not None
    mails = {
        m["to"]: m
        for m in (await alex.get("/dev/mailbox.json")).json()
        if m["kind"] == "introduction"
    }
    assert set(mails) == {"dana@example.org", "eli@example.org"}
    assert "eli@example.org" in mails["dana@example.org"]["body"]
    assert "dana@example.org" in mails["eli@example.org"]["body"]
    assert {m["reply_to"] for m in mails.values()} == {"Alex Introducer <alex@example.org>"}
    assert SECRET not in str(mails)
    notices = (await alex.get(f"{API}/notifications", params={"unread": "true"})).json()
    assert [n["kind"] for n in notices["items"]] == ["introduction_made"]


async def test_a_no_is_declined_for_the_introducer_and_silent_for_the_other(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    asked = await _asked(db, make_client)
    alex, intro, tokens = asked.alex, asked.introduction, asked.tokens
    anonymous = await make_client()
    await anonymous.post(ANSWER, json={"token": tokens["dana@example.org"], "answer": "yes"})
    no = await anonymous.post(ANSWER, json={"token": tokens["eli@example.org"], "answer": "no"})
    assert no.status_code == 200 and no.json()["state"] == "you_said_no"
    mine = (await alex.get(f"{API}/introductions/{intro['id']}")).json()
    assert mine["status"] == "declined"
    assert [(p["name"], p["answer"]) for p in mine["people"]] == [
        ("Dana Example", "yes"),
        ("Eli Example", "no"),
    ]
    kinds = [m["kind"] for m in (await alex.get("/dev/mailbox.json")).json()]
    assert "introduction" not in kinds  # nothing goes to Dana about it
    dana_sees = await anonymous.post(VIEW, json={"token": tokens["dana@example.org"]})
    assert dana_sees.json()["state"] == "no_longer_needed"
    # The pair may be asked again.
    again = await alex.post(f"{API}/introductions", json=_body(asked.eli, asked.dana, "Again."))
    assert again.status_code == 201, again.text


async def test_two_yeses_at_the_same_moment_introduce_them_once(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    asked = await _asked(db, make_client)
    alex, intro, tokens = asked.alex, asked.introduction, asked.tokens
    one, two = await make_client(), await make_client()
    answers = await asyncio.gather(
        one.post(ANSWER, json={"token": tokens["dana@example.org"], "answer": "yes"}),
        two.post(ANSWER, json={"token": tokens["eli@example.org"], "answer": "yes"}),
    )
    assert sorted(a.json()["state"] for a in answers) == ["introduced", "you_said_yes"]
    assert (await alex.get(f"{API}/introductions/{intro['id']}")).json()["status"] == "introduced"
    sent = [m for m in (await alex.get("/dev/mailbox.json")).json() if m["kind"] == "introduction"]
    assert sorted(m["to"] for m in sent) == ["dana@example.org", "eli@example.org"]


async def test_answering_twice_gives_the_first_answer_again(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    token = (await _asked(db, make_client)).tokens["dana@example.org"]
    anonymous = await make_client()
    first = await anonymous.post(ANSWER, json={"token": token, "answer": "no"})
    second = await anonymous.post(ANSWER, json={"token": token, "answer": "yes"})
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second.json()["your_answer"] == "no"


async def test_unknown_tokens_are_not_found_and_say_nothing(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    token = (await _asked(db, make_client)).tokens["dana@example.org"]
    anonymous = await make_client()
    for wrong in ("", "nope", token[:-2], token + "x", "x" * 900):
        for path, extra in ((VIEW, {}), (ANSWER, {"answer": "yes"})):
            answer = await anonymous.post(path, json={"token": wrong, **extra})
            assert answer.status_code == 404, (path, wrong, answer.text)
            assert answer.json()["error"] == "introduction_request_not_found"
            assert "Dana" not in answer.text and "Alex" not in answer.text
    # A GET of the page's link itself is the PWA's HTML: it answers nothing.
    page = await anonymous.get(f"/introduction-request#token={token}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert (await anonymous.post(VIEW, json={"token": token})).json()["state"] == "asked"


async def test_cancel_makes_both_links_no_longer_needed(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    asked = await _asked(db, make_client)
    alex, intro, tokens = asked.alex, asked.introduction, asked.tokens
    cancelled = await alex.post(f"{API}/introductions/{intro['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    anonymous = await make_client()
    seen = await anonymous.post(VIEW, json={"token": tokens["eli@example.org"]})
    assert seen.json()["state"] == "no_longer_needed"
    late = await anonymous.post(ANSWER, json={"token": tokens["eli@example.org"], "answer": "yes"})
    assert late.status_code == 410 and late.json()["error"] == "introduction_closed"
    twice = await alex.post(f"{API}/introductions/{intro['id']}/cancel")
    assert twice.status_code == 409 and twice.json()["error"] == "introduction_not_waiting"


async def test_the_same_pair_cannot_be_asked_twice_while_waiting(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    asked = await _asked(db, make_client)
    again = await asked.alex.post(f"{API}/introductions", json=_body(asked.eli, asked.dana, "Hi"))
    assert again.status_code == 409
    assert again.json()["error"] == "introduction_open"
    assert again.json()["detail"].startswith("You already asked Eli Example and Dana Example on")
    assert await db.scalar(select(func.count()).select_from(Introduction)) == 1


async def test_too_many_introductions_in_a_day_is_429(
    db: AsyncSession, make_client: ClientFactory, settings_override: Callable[..., None]
) -> None:
    settings_override(introductions_per_day=1)
    alex, dana, eli = await _alex_with_two(db, make_client)
    assert (await alex.post(f"{API}/introductions", json=_body(dana, eli))).status_code == 201
    owner = await db.get(User, dana.owner_id)
    fay = await factories.met_contact(db, owner=owner, name="Fay", email="fay@example.org")
    refused = await alex.post(f"{API}/introductions", json=_body(dana, fay))
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_introductions"
    assert refused.json()["detail"].endswith("You can start the next in 24 hours.")
    assert 24 * 3600 - 60 <= int(refused.headers["retry-after"]) <= 24 * 3600


async def test_the_form_is_checked_field_by_field(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    alex, dana, eli = await _alex_with_two(db, make_client)
    blank = await alex.post(f"{API}/introductions", json=_body(dana, eli, "   "))
    assert blank.status_code == 422
    assert blank.json()["fields"] == [
        {
            "field": "reason",
            "message": "Say why they should meet: both of them will read it.",
            "line": None,
        }
    ]
    long = await alex.post(f"{API}/introductions", json=_body(dana, eli, "x" * 1001))
    assert long.json()["fields"][0]["message"] == "Use at most 1000 characters."
    self_intro = await alex.post(f"{API}/introductions", json=_body(dana, dana))
    assert self_intro.status_code == 400 and self_intro.json()["error"] == "same_contact"
    eli.email = ""
    await db.commit()
    no_mail = await alex.post(f"{API}/introductions", json=_body(dana, eli))
    assert no_mail.status_code == 400
    assert no_mail.json()["error"] == "no_email_address"
    assert no_mail.json()["fields"] == [
        {"field": "other_contact_id", "message": "Eli Example has no email address.", "line": None}
    ]


async def test_other_peoples_contacts_and_introductions_are_not_found(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    asked = await _asked(db, make_client)
    alex, dana, intro = asked.alex, asked.dana, asked.introduction
    bob = await factories.user(db, name="Bob")
    bobs = await factories.met_contact(db, owner=bob, email="bobs@example.org")
    mixed = await alex.post(f"{API}/introductions", json=_body(dana, bobs))
    assert mixed.status_code == 404 and mixed.json()["error"] == "contact_not_found"
    bob_client = await make_client(bob)
    for method, path in (
        ("GET", f"{API}/introductions/{intro['id']}"),
        ("POST", f"{API}/introductions/{intro['id']}/cancel"),
    ):
        answer = await bob_client.request(method, path)
        assert answer.status_code == 404 and answer.json()["error"] == "introduction_not_found"
    assert (await bob_client.get(f"{API}/introductions")).json()["total"] == 0
    junk = await alex.get(f"{API}/introductions/not-a-uuid")
    assert junk.status_code == 404 and junk.json()["error"] == "introduction_not_found"


async def test_line_breaks_in_names_add_no_mail_header(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    evil = "\r\nBcc: x@evil.example"
    alex_user = await factories.user(db, name=f"Alex{evil}", email="alex@example.org")
    await factories.card(db, person=alex_user, name="Alex")
    # The API refuses a line break in a card's name now; one stored before must not inject.
    await db.execute(update(Card).where(Card.user_id == alex_user.id).values(name=f"Alex{evil}"))
    await db.commit()
    dana = await factories.met_contact(
        db, owner=alex_user, name=f"Dana{evil}", email="dana@example.org"
    )
    eli = await factories.met_contact(
        db, owner=alex_user, name=f"Eli{evil}", email="eli@example.org"
    )
    alex = await make_client(alex_user)
    assert (
        await alex.post(f"{API}/introductions", json=_body(dana, eli, f"Hi{evil}"))
    ).status_code == 201
    tokens = await _tokens(alex)
    anonymous = await make_client()
    for token in tokens.values():
        await anonymous.post(ANSWER, json={"token": token, "answer": "yes"})
    queued = (await db.scalars(select(OutboundEmail).order_by(OutboundEmail.created_at))).all()
    assert sorted(m.kind for m in queued) == ["introduction"] * 2 + ["introduction_request"] * 2
    with smtp_server() as (inbox, settings):
        for email in queued:
            assert await mail.deliver(settings, email) is None
    assert len(inbox.messages) == 4
    for got in inbox.messages:
        assert len(got.rcpt_tos) == 1 and "evil" not in got.rcpt_tos[0]
        assert "Bcc" not in got.message and "Cc" not in got.message
        assert "\n" not in got.message["Subject"]
        assert "x@evil.example" not in str(got.message.get("To"))
        # In the text too, a name stays on its line (the reason keeps its own, indented).
        assert not re.search(r"^Bcc:", got.message.get_content(), flags=re.MULTILINE)
    replies = {str(got.message.get("Reply-To")) for got in inbox.messages} - {"None"}
    assert len(replies) == 1
    (reply_to,) = replies
    assert reply_to.endswith("<alex@example.org>") and "\n" not in reply_to


async def test_deleting_the_introducers_account_removes_the_introductions(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory
) -> None:
    asked = await _asked(db, make_client)
    gone = await asked.alex.post(f"{API}/me/delete", json={"confirm_email": "alex@example.org"})
    assert gone.status_code == 204, gone.text
    anonymous = await make_client()
    for token in asked.tokens.values():
        assert (await anonymous.post(VIEW, json={"token": token})).status_code == 404
    assert await db.scalar(select(func.count()).select_from(Introduction)) == 0
    assert await db.scalar(select(func.count()).select_from(OutboundEmail)) == 0
