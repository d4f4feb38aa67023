"""Introductions with double opt-in, service by service: asking, the pair rule, the limit, each
answer and what it sends, cancelling and expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Conflict, Gone, Invalid, NotFound, TooManyRequests
from services.models import (
    Answer,
    Introduction,
    IntroductionParty,
    IntroductionStatus,
    Notification,
    OutboundEmail,
    User,
)
from services.network import introduction_answers, introductions
from services.network.introduction_answers import RequestState
from tests import factories
from tests.conftest import BASE_URL
from tests.services.auth.test_signin import settings_override

__all__ = ["settings_override"]

NOTE_SECRET = "quokkafeather"  # only in the introducer's own note about Dana


async def _people(db: AsyncSession) -> tuple[User, Any, Any]:
    alex = await factories.user(db, name="Alex Introducer", email="alex@example.org")
    dana = await factories.met_contact(
        db, owner=alex, name="Dana Example", email="dana@example.org", title="CTO",
        company="Volta",
    )  # fmt: skip
    eli = await factories.met_contact(
        db, owner=alex, name="Eli Example", email="eli@example.org", company="Brightside"
    )
    return alex, dana, eli


async def _mails(db: AsyncSession, kind: str) -> dict[str, OutboundEmail]:
    await db.commit()
    rows = await db.scalars(select(OutboundEmail).where(OutboundEmail.kind == kind))
    return {m.to_address: m for m in rows}


async def _status(db: AsyncSession, introduction_id: Any) -> str:
    await db.commit()
    found = await db.scalar(select(Introduction.status).where(Introduction.id == introduction_id))
    return str(found)


async def test_asking_mails_each_a_request_with_the_other_and_the_reason_only(
    db: AsyncSession,
) -> None:
    alex, dana, eli = await _people(db)
    await factories.note(db, owner=alex, contact_id=dana.id, text=f"{NOTE_SECRET} story")
    view, tokens = await factories.introduction(
        db, owner=alex, first=dana, second=eli, reason="You both rebuild old bikes."
    )
    assert view.status is IntroductionStatus.waiting
    assert [p.name for p in view.parties] == ["Dana Example", "Eli Example"]
    assert view.introduction.expires_at - view.introduction.created_at == timedelta(days=14)
    requests = await _mails(db, "introduction_request")
    assert set(requests) == {"dana@example.org", "eli@example.org"}
    to_dana, to_eli = requests["dana@example.org"], requests["eli@example.org"]
    assert to_dana.subject == "Alex Introducer would like to introduce you to Eli Example"
    assert "would like to introduce you to Eli Example at Brightside.\n" in to_dana.body
    assert "Dana Example, CTO at Volta" in to_eli.body
    assert "You both rebuild old bikes." in to_dana.body
    assert f"{BASE_URL}/introduction-request#token=" in to_dana.body
    for mail in requests.values():
        assert NOTE_SECRET not in mail.body
        assert "alex@example.org" not in mail.body  # who asks is named, not addressed
        assert mail.reply_to is None
    # Neither learns the other's address before both said yes.
    assert "eli@example.org" not in to_dana.body and "dana@example.org" not in to_eli.body
    # The tokens are random, one per person, and only their hashes are stored.
    assert len(set(tokens.values())) == 2 and all(len(t) >= 43 for t in tokens.values())
    hashes = (await db.scalars(select(IntroductionParty.token_hash))).all()
    assert not set(tokens.values()) & set(hashes)


@pytest.mark.parametrize(
    ("dana_email", "eli_email", "fields"),
    [
        ("", "eli@example.org", ["contact_id"]),
        ("dana@example.org", "not an address", ["other_contact_id"]),
        ("", "", ["contact_id", "other_contact_id"]),
    ],
)
async def test_both_need_an_email_address(
    db: AsyncSession, dana_email: str, eli_email: str, fields: list[str]
) -> None:
    alex, dana, eli = await _people(db)
    dana.email, eli.email = dana_email, eli_email
    await db.commit()
    with pytest.raises(Invalid) as refused:
        await introductions.introduce(
            db, owner=alex, contact_id=dana.id, other_contact_id=eli.id, reason="Meet."
        )
    assert refused.value.code == "no_email_address"
    assert [f.field for f in refused.value.fields] == fields
    assert "no email address" in refused.value.detail
    assert await db.scalar(select(func.count()).select_from(Introduction)) == 0


async def test_nobody_is_introduced_to_themselves(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    with pytest.raises(Invalid) as same:
        await introductions.introduce(
            db, owner=alex, contact_id=dana.id, other_contact_id=dana.id, reason="Meet."
        )
    assert same.value.code == "same_contact"
    eli.email = "DANA@example.org"  # two contacts of one person
    await db.commit()
    with pytest.raises(Invalid) as twins:
        await introductions.introduce(
            db, owner=alex, contact_id=dana.id, other_contact_id=eli.id, reason="Meet."
        )
    assert twins.value.code == "same_email_address"


async def test_only_my_own_contacts(db: AsyncSession) -> None:
    alex, dana, _ = await _people(db)
    bob = await factories.user(db)
    bobs = await factories.met_contact(db, owner=bob, email="bobs@example.org")
    with pytest.raises(NotFound):
        await introductions.introduce(
            db, owner=alex, contact_id=dana.id, other_contact_id=bobs.id, reason="Meet."
        )


async def test_one_open_introduction_per_pair_in_either_order(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    await factories.introduction(db, owner=alex, first=dana, second=eli)
    with pytest.raises(Conflict) as again:
        await introductions.introduce(
            db, owner=alex, contact_id=eli.id, other_contact_id=dana.id, reason="Again."
        )
    assert again.value.code == "introduction_open"
    assert "You already asked Eli Example and Dana Example on " in again.value.detail
    # Another introducer may ask the same two people: the rule is per introducer.
    bea = await factories.user(db)
    d2 = await factories.met_contact(db, owner=bea, name="Dana", email="dana@example.org")
    e2 = await factories.met_contact(db, owner=bea, name="Eli", email="eli@example.org")
    await factories.introduction(db, owner=bea, first=d2, second=e2)


async def test_the_pair_may_be_asked_again_once_declined_cancelled_or_expired(
    db: AsyncSession,
) -> None:
    alex, dana, eli = await _people(db)
    first, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    await introduction_answers.answer_request(db, token=tokens["eli@example.org"], answer=Answer.no)
    await db.commit()
    second, _ = await factories.introduction(db, owner=alex, first=dana, second=eli)
    await introductions.cancel(db, owner=alex, introduction_id=second.introduction.id)
    await db.commit()
    third, _ = await factories.introduction(db, owner=alex, first=dana, second=eli)
    await db.execute(
        update(Introduction)
        .where(Introduction.id == third.introduction.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    await db.commit()
    fourth, _ = await factories.introduction(db, owner=alex, first=dana, second=eli)
    assert await _status(db, third.introduction.id) == "expired"  # recorded on the way
    assert [await _status(db, v.introduction.id) for v in (first, second, fourth)] == [
        "declined",
        "cancelled",
        "waiting",
    ]


async def test_a_day_has_a_limit(db: AsyncSession, settings_override: Callable[..., None]) -> None:
    settings_override(introductions_per_day=2)
    alex, dana, eli = await _people(db)
    fay = await factories.met_contact(db, owner=alex, name="Fay", email="fay@example.org")
    first, _ = await factories.introduction(db, owner=alex, first=dana, second=eli)
    await factories.introduction(db, owner=alex, first=dana, second=fay)
    # The older of the two was started 23 and a half hours ago: a place frees up in 30 minutes.
    await db.execute(
        update(Introduction)
        .where(Introduction.id == first.introduction.id)
        .values(created_at=utcnow() - timedelta(hours=23, minutes=30))
    )
    await db.commit()
    with pytest.raises(TooManyRequests) as refused:
        await introductions.introduce(
            db, owner=alex, contact_id=eli.id, other_contact_id=fay.id, reason="Meet."
        )
    assert refused.value.code == "too_many_introductions"
    assert 1790 <= int(refused.value.headers["Retry-After"]) <= 1800
    assert refused.value.detail.endswith("You can start the next in 30 minutes.")
    # Those started more than a day ago no longer count.
    await db.execute(
        update(Introduction).values(created_at=utcnow() - timedelta(days=1, seconds=1))
    )
    await db.commit()
    await factories.introduction(db, owner=alex, first=eli, second=fay)


async def test_viewing_a_request_answers_nothing_and_unknown_tokens_are_not_found(
    db: AsyncSession,
) -> None:
    alex, dana, eli = await _people(db)
    _, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    seen = await introduction_answers.view_request(db, token=tokens["dana@example.org"])
    assert (seen.introducer, seen.other.name, seen.state) == (
        "Alex Introducer",
        "Eli Example",
        RequestState.asked,
    )
    assert seen.your_answer is None
    await db.commit()
    answers = (await db.scalars(select(IntroductionParty.answer))).all()
    assert answers == [None, None]
    for token in ("", "x" * 300, "not-a-token", tokens["dana@example.org"][:-1]):
        with pytest.raises(NotFound) as unknown:
            await introduction_answers.view_request(db, token=token)
        assert unknown.value.code == "introduction_request_not_found"


async def test_both_yes_introduces_them_by_mail_and_tells_the_introducer(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    view, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    first = await introduction_answers.answer_request(
        db, token=tokens["eli@example.org"], answer=Answer.yes
    )
    assert first.state is RequestState.you_said_yes
    assert await _status(db, view.introduction.id) == "waiting"
    assert await _mails(db, "introduction") == {}
    both = await introduction_answers.answer_request(
        db, token=tokens["dana@example.org"], answer=Answer.yes
    )
    assert both.state is RequestState.introduced
    assert await _status(db, view.introduction.id) == "introduced"
    sent = await _mails(db, "introduction")
    assert set(sent) == {"dana@example.org", "eli@example.org"}
    to_dana = sent["dana@example.org"]
    assert to_dana.subject == "Introduction: meet Eli Example"
    assert "eli@example.org" in to_dana.body and "You both rebuild old bikes." in to_dana.body
    assert "dana@example.org" in sent["eli@example.org"].body
    assert {m.reply_to for m in sent.values()} == {"Alex Introducer <alex@example.org>"}
    notices = (await db.scalars(select(Notification).where(Notification.user_id == alex.id))).all()
    assert [(n.kind, n.text) for n in notices] == [
        ("introduction_made", "Eli Example and Dana Example both said yes: you introduced them.")
    ]
    later = await introduction_answers.view_request(db, token=tokens["eli@example.org"])
    assert later.state is RequestState.introduced


async def test_a_no_declines_and_the_other_is_told_nothing(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    view, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    await introduction_answers.answer_request(
        db, token=tokens["dana@example.org"], answer=Answer.yes
    )
    said_no = await introduction_answers.answer_request(
        db, token=tokens["eli@example.org"], answer=Answer.no
    )
    assert said_no.state is RequestState.you_said_no
    assert await _status(db, view.introduction.id) == "declined"
    assert await _mails(db, "introduction") == {}
    # Dana, who said yes, learns only that it is no longer needed (not who or why).
    dana_sees = await introduction_answers.view_request(db, token=tokens["dana@example.org"])
    assert dana_sees.state is RequestState.no_longer_needed
    notice = await db.scalar(select(Notification.text).where(Notification.user_id == alex.id))
    assert notice == "Eli Example said no to meeting Dana Example. Dana Example was not told."


async def test_after_a_no_the_other_cannot_answer_any_more(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    _, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    await introduction_answers.answer_request(
        db, token=tokens["dana@example.org"], answer=Answer.no
    )
    with pytest.raises(Gone) as closed:
        await introduction_answers.answer_request(
            db, token=tokens["eli@example.org"], answer=Answer.yes
        )
    assert closed.value.code == "introduction_closed"


async def test_answering_twice_gives_the_first_answer(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    view, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    first = await introduction_answers.answer_request(
        db, token=tokens["dana@example.org"], answer=Answer.yes
    )
    await db.commit()
    again = await introduction_answers.answer_request(
        db, token=tokens["dana@example.org"], answer=Answer.no
    )
    assert again.your_answer is Answer.yes and again.state is RequestState.you_said_yes
    assert again.answered_at == first.answered_at
    assert await _status(db, view.introduction.id) == "waiting"


async def test_requests_expire_after_fourteen_days(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    view, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    await db.execute(update(Introduction).values(expires_at=utcnow() - timedelta(minutes=1)))
    await db.commit()
    seen = await introduction_answers.view_request(db, token=tokens["dana@example.org"])
    assert seen.state is RequestState.expired
    with pytest.raises(Gone) as late:
        await introduction_answers.answer_request(
            db, token=tokens["dana@example.org"], answer=Answer.yes
        )
    assert late.value.code == "introduction_expired"
    [listed], _ = await introductions.list_introductions(db, owner=alex, limit=10, offset=0)
    assert listed.status is IntroductionStatus.expired
    with pytest.raises(Conflict):
        await introductions.cancel(db, owner=alex, introduction_id=view.introduction.id)


async def test_cancel_withdraws_the_waiting_requests(db: AsyncSession) -> None:
    alex, dana, eli = await _people(db)
    view, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    intro_id = view.introduction.id
    await introduction_answers.answer_request(
        db, token=tokens["dana@example.org"], answer=Answer.yes
    )
    # Dana's request went out already; Eli's is still queued and need not go at all.
    await db.execute(
        update(OutboundEmail)
        .where(OutboundEmail.to_address == "dana@example.org")
        .values(status="sent")
    )
    await db.commit()
    cancelled = await introductions.cancel(db, owner=alex, introduction_id=intro_id)
    assert cancelled.status is IntroductionStatus.cancelled
    assert cancelled.introduction.closed_at is not None
    assert set(await _mails(db, "introduction_request")) == {"dana@example.org"}
    for token in tokens.values():
        seen = await introduction_answers.view_request(db, token=token)
        assert seen.state is RequestState.no_longer_needed
    with pytest.raises(Gone):
        await introduction_answers.answer_request(
            db, token=tokens["eli@example.org"], answer=Answer.yes
        )
    with pytest.raises(Conflict) as twice:
        await introductions.cancel(db, owner=alex, introduction_id=intro_id)
    assert twice.value.code == "introduction_not_waiting"
    other = await factories.user(db)
    with pytest.raises(NotFound):
        await introductions.get_introduction(db, owner=other, introduction_id=intro_id)


async def test_what_was_asked_stays_when_a_contact_changes_or_goes(db: AsyncSession) -> None:
    from services.people import contacts

    alex, dana, eli = await _people(db)
    _, tokens = await factories.introduction(db, owner=alex, first=dana, second=eli)
    eli_id = eli.id
    eli.company = "Elsewhere"
    await contacts.delete_contact(db, user=alex, contact_id=dana.id)
    await db.commit()
    db.expire_all()
    await db.refresh(alex)
    [listed], _ = await introductions.list_introductions(db, owner=alex, limit=10, offset=0)
    assert [(p.contact_id, p.name) for p in listed.parties] == [
        (None, "Dana Example"),
        (eli_id, "Eli Example"),
    ]
    seen = await introduction_answers.view_request(db, token=tokens["dana@example.org"])
    assert seen.other.company == "Brightside"
