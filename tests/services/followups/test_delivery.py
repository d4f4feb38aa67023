"""Sending follow-ups to a real SMTP server on loopback: headers, encoding, retries on 4xx,
failure on 5xx, the same Message-ID on every attempt, a graceful stop, and the promise a
follow-up was drafted from kept once it is sent (not before)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.followups import delivery, queue, views
from services.followups.delivery import DeliveryPolicy
from services.jobs import worker
from services.models import FollowUp, Note, OutboundEmail, Promise, User
from services.settings import get_settings
from tests import factories
from tests.services.followups.delivery_support import smtp_server


async def approved(
    db: AsyncSession, *, n: int = 1, owner: User | None = None, **contact: object
) -> list[FollowUp]:
    owner = owner or await factories.user(db, name="Ada Lovelace", email="ada@example.org")
    event = await factories.event(db)
    made = []
    for i in range(n):
        person = await factories.met_contact(db, owner=owner, event=event, **contact)
        draft = await factories.follow_up(
            db,
            owner=owner,
            contact=person,
            subject=f"Schön, dich getroffen zu haben ({i})",
            body="Grüße aus Köln, Zoë! 🎉\nThe report: https://example.org/report\n",
        )
        made.append(await queue.approve(db, owner=owner, follow_up_id=draft.id, send_at=utcnow()))
    await db.commit()
    return made


async def reload(db: AsyncSession, follow_up: FollowUp) -> FollowUp:
    found = await db.scalar(
        select(FollowUp)
        .where(FollowUp.id == follow_up.id)
        .execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def test_approved_follow_up_arrives_from_the_sender_replying_to_the_user(
    app: FastAPI, db: AsyncSession
) -> None:
    (message,) = await approved(db, name="Zoë Adeyemi", email="zoe@example.org")
    with smtp_server() as (inbox, settings):
        handled = await delivery.deliver_follow_ups(settings, app.state.sessionmaker)

    assert handled == 1
    (received,) = inbox.messages
    sender = received["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Ada Lovelace", "noreply@rapport.example")
    assert received["Reply-To"].addresses[0].addr_spec == "ada@example.org"
    assert received["To"].addresses[0].addr_spec == "zoe@example.org"
    assert received["Message-ID"] == message.message_id
    assert received["Subject"] == "Schön, dich getroffen zu haben (0)"
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    text = received.get_content().replace("\r\n", "\n")
    assert text == "Grüße aus Köln, Zoë! 🎉\nThe report: https://example.org/report\n"
    sent = await reload(db, message)
    assert sent.status == "sent" and sent.sent_at is not None and sent.lease_expires_at is None
    steps = [t.to_status for t in await views.history(db, follow_up=sent)]
    assert steps == ["draft", "approved", "scheduled", "sending", "sent"]


async def test_a_name_or_subject_with_line_breaks_adds_no_header(
    app: FastAPI, db: AsyncSession
) -> None:
    owner = await factories.user(
        db, name="Mallory\r\nBcc: victim@example.org", email="mallory@example.org"
    )
    (message,) = await approved(db, owner=owner)
    await queue.edit(db, owner=owner, follow_up_id=message.id, subject="Hi\r\nX-Injected: yes")
    await queue.approve(db, owner=owner, follow_up_id=message.id, send_at=utcnow())
    await db.commit()
    with smtp_server() as (inbox, settings):
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)

    (received,) = inbox.messages
    assert received["Bcc"] is None and received["X-Injected"] is None
    assert received["Subject"] == "Hi X-Injected: yes"
    assert received["From"].addresses[0].display_name == "Mallory Bcc: victim@example.org"
    assert received["From"].addresses[0].addr_spec == "noreply@rapport.example"
    assert len(received["From"].addresses) == 1


async def test_451_is_retried_later_with_the_same_message_id(
    app: FastAPI, db: AsyncSession
) -> None:
    (message,) = await approved(db)
    with smtp_server("451 4.3.0 Try again later") as (inbox, settings):
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)
        later = await reload(db, message)
        assert later.status == "scheduled" and later.attempts == 1
        assert "451" in (later.last_error or "")
        assert later.next_attempt_at is not None
        wait = later.next_attempt_at - utcnow()
        assert timedelta(seconds=25) < wait <= timedelta(seconds=60)  # 60 s base, jittered

        inbox.reply = "250 OK"
        await db.execute(
            update(FollowUp).where(FollowUp.id == message.id).values(next_attempt_at=utcnow())
        )
        await db.commit()
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)

    assert inbox.attempts == 2
    assert [m["Message-ID"] for m in inbox.messages] == [message.message_id]
    assert (await reload(db, message)).status == "sent"


async def test_550_fails_for_good_with_the_reason_shown(app: FastAPI, db: AsyncSession) -> None:
    (message,) = await approved(db)
    with smtp_server("550 5.1.1 No such mailbox") as (inbox, settings):
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)
    failed = await reload(db, message)
    assert failed.status == "failed" and inbox.attempts == 1
    assert failed.last_error == "The mail server refused this message: 550 5.1.1 No such mailbox"


async def test_temporary_failures_stop_after_the_last_attempt(
    app: FastAPI, db: AsyncSession
) -> None:
    (message,) = await approved(db)
    policy = DeliveryPolicy(max_attempts=3, backoff_base=timedelta(0))
    with smtp_server("421 4.7.0 Too busy") as (inbox, settings):
        for _ in range(4):
            await delivery.deliver_follow_ups(settings, app.state.sessionmaker, policy=policy)
    failed = await reload(db, message)
    assert inbox.attempts == 3
    assert failed.status == "failed" and failed.attempts == 3
    assert (failed.last_error or "").startswith("Gave up after 3 attempts")


async def test_no_server_listening_is_a_temporary_failure(app: FastAPI, db: AsyncSession) -> None:
    (message,) = await approved(db)
    with smtp_server() as (_inbox, settings):
        port = settings.smtp_port
    closed = settings.model_copy(update={"smtp_port": port})  # the server has stopped
    await delivery.deliver_follow_ups(closed, app.state.sessionmaker)
    later = await reload(db, message)
    assert later.status == "scheduled" and later.attempts == 1 and later.last_error


async def test_a_message_whose_worker_died_is_sent_again_with_the_same_id(
    app: FastAPI, db: AsyncSession
) -> None:
    (message,) = await approved(db)
    # A worker claimed it and died: still "sending", its lease ran out a moment ago.
    await db.execute(
        update(FollowUp)
        .where(FollowUp.id == message.id)
        .values(status="sending", attempts=1, lease_expires_at=utcnow() - timedelta(seconds=1))
    )
    await db.commit()
    with smtp_server() as (inbox, settings):
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)
    assert [m["Message-ID"] for m in inbox.messages] == [message.message_id]
    sent = await reload(db, message)
    assert sent.status == "sent" and sent.attempts == 2
    details = [t.detail for t in await views.history(db, follow_up=sent)]
    assert "the worker stopped; trying again" in details


async def test_a_live_lease_keeps_other_workers_away(app: FastAPI, db: AsyncSession) -> None:
    (message,) = await approved(db)
    await db.execute(
        update(FollowUp)
        .where(FollowUp.id == message.id)
        .values(status="sending", lease_expires_at=utcnow() + timedelta(minutes=1))
    )
    await db.commit()
    assert await delivery.claim_due(db) == []


async def test_a_lease_too_short_to_send_hands_the_batch_back_unsent(
    app: FastAPI, db: AsyncSession
) -> None:
    messages = await approved(db, n=2)
    policy = DeliveryPolicy(lease=timedelta(seconds=1))  # shorter than the SMTP timeout
    with smtp_server() as (inbox, settings):
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker, policy=policy)
    assert inbox.attempts == 0
    for message in messages:
        back = await reload(db, message)
        assert (back.status, back.attempts, back.lease_expires_at) == ("scheduled", 0, None)


async def test_without_smtp_in_development_mail_lands_in_the_dev_mailbox(
    app: FastAPI, db: AsyncSession
) -> None:
    (message,) = await approved(db)
    assert get_settings().dev_mailbox_enabled
    await delivery.deliver_follow_ups(get_settings(), app.state.sessionmaker)
    assert (await reload(db, message)).status == "sent"
    copy = await db.scalar(select(OutboundEmail).where(OutboundEmail.kind == "follow_up"))
    assert copy is not None and copy.subject == message.subject


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = DeliveryPolicy(backoff_base=timedelta(minutes=1), backoff_cap=timedelta(hours=1))
    for attempts, full in ((1, 60), (2, 120), (3, 240), (10, 3600)):
        for _ in range(20):
            delay = delivery.retry_delay(attempts, policy).total_seconds()
            assert full / 2 <= delay <= full


async def test_queue_health_shows_depth_and_the_oldest_due_age(db: AsyncSession) -> None:
    first, _second = await approved(db, n=2)
    await db.execute(
        update(FollowUp)
        .where(FollowUp.id == first.id)
        .values(next_attempt_at=utcnow() - timedelta(minutes=10))
    )
    await db.commit()
    health = await delivery.queue_health(db)
    assert health.due == 2 and health.sending == 0
    assert health.oldest_due_seconds is not None and 590 < health.oldest_due_seconds < 700


async def test_worker_runs_the_follow_up_job_and_stops_with_nothing_in_hand(
    app: FastAPI, db: AsyncSession
) -> None:
    assert delivery.deliver_follow_ups in worker.JOBS
    await approved(db, n=5)
    stop = asyncio.Event()
    with smtp_server() as (inbox, settings):
        running = asyncio.create_task(
            worker.run_worker(settings, app.state.sessionmaker, stop=stop)
        )
        for _ in range(200):
            if inbox.messages:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    statuses = set(
        await db.scalars(select(FollowUp.status).execution_options(populate_existing=True))
    )
    assert "sending" not in statuses
    assert len(inbox.ids) == 5 and inbox.duplicates == 0


async def test_a_sent_follow_up_keeps_the_promise_it_was_drafted_from_and_only_then(
    app: FastAPI, db: AsyncSession
) -> None:
    owner = await factories.user(db, name="Ada Lovelace", email="ada@example.org")
    draft, parts = await factories.drafted_from_promise(db, owner=owner, name="Li Wei")
    refused, refused_parts = await factories.drafted_from_promise(db, owner=owner, name="Bo")
    kept, later = parts.promises
    assert "https://example.org/slides" in draft.body and draft.promise_id == kept.id
    for message in (draft, refused):
        await queue.approve(db, owner=owner, follow_up_id=message.id, send_at=utcnow())
    await db.commit()

    async def promise(promise_id: object) -> Promise:
        await db.commit()  # a fresh snapshot: the worker wrote in transactions of its own
        found = await db.get(Promise, promise_id, populate_existing=True)
        assert found is not None
        return found

    assert not (await promise(kept.id)).done  # approved and scheduled: not kept yet
    with smtp_server("550 5.1.1 No such mailbox") as (inbox, settings):
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)
    assert inbox.attempts == 2
    assert not (await promise(kept.id)).done  # refused by the server: not kept
    await db.commit()
    await db.execute(
        update(FollowUp)
        .where(FollowUp.id == draft.id)
        .values(status="scheduled", next_attempt_at=utcnow(), last_error=None)
    )
    await db.commit()

    with smtp_server() as (inbox, settings):
        await delivery.deliver_follow_ups(settings, app.state.sessionmaker)

    assert [m["To"].addresses[0].addr_spec for m in inbox.messages] == [draft.to_address]
    sent = await reload(db, draft)
    assert sent.status == "sent"
    done = await promise(kept.id)
    assert done.done and done.done_at == sent.sent_at
    assert not (await promise(later.id)).done  # only the promise the draft was written for
    assert not (await promise(refused_parts.promises[0].id)).done  # failed for good: open
    await db.commit()
    note = await db.get(Note, parts.note.id, populate_existing=True)
    assert note is not None and note.version == 2  # offline edits made on version 1 see it
