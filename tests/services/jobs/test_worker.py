"""The worker's mail job against a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services import mail
from services.db import utcnow
from services.jobs import worker
from services.models import EmailStatus, OutboundEmail
from services.settings import get_settings
from tests.services.test_mail import smtp_server


async def queue_one(
    app: FastAPI, *, subject: str = "Hello Zoë", to: str = "zoe@example.org"
) -> None:
    async with app.state.sessionmaker() as session:
        await mail.enqueue_email(
            session, kind="test", to_address=to, subject=subject, body="Grüße\nline two\n"
        )
        await session.commit()


async def the_email(app: FastAPI) -> OutboundEmail:
    async with app.state.sessionmaker() as session:
        found = await session.scalar(select(OutboundEmail))
    assert found is not None
    return found


async def test_sent_mail_is_marked_sent(app: FastAPI) -> None:
    await queue_one(app)
    with smtp_server() as (inbox, settings):
        assert await worker.deliver_system_mail(settings, app.state.sessionmaker) == 1
        assert await worker.deliver_system_mail(settings, app.state.sessionmaker) == 0
    sent = await the_email(app)
    assert sent.status == EmailStatus.sent and sent.sent_at is not None
    assert sent.attempts == 1 and sent.last_error is None
    assert len(inbox.messages) == 1
    got = inbox.messages[0].message
    assert got["Subject"] == "Hello Zoë" and got["Message-ID"] == f"<{sent.id}@rapport>"
    assert got.get_content().replace("\r\n", "\n") == "Grüße\nline two\n"


async def test_451_queues_the_mail_again_later(app: FastAPI) -> None:
    await queue_one(app)
    before = utcnow()
    with smtp_server("451 4.7.1 Greylisted, come back later") as (_inbox, settings):
        assert await worker.deliver_system_mail(settings, app.state.sessionmaker) == 1
        # Not due yet: a second run does not touch it.
        assert await worker.deliver_system_mail(settings, app.state.sessionmaker) == 0
    retry = await the_email(app)
    assert retry.status == EmailStatus.queued
    assert retry.attempts == 1
    assert retry.next_attempt_at >= before + timedelta(seconds=14)
    assert retry.last_error is not None and "451" in retry.last_error
    assert retry.lease_expires_at is None


async def test_550_fails_the_mail_with_the_reason(app: FastAPI) -> None:
    await queue_one(app)
    with smtp_server("550 5.1.1 Mailbox does not exist") as (_inbox, settings):
        await worker.deliver_system_mail(settings, app.state.sessionmaker)
    failed = await the_email(app)
    assert failed.status == EmailStatus.failed
    assert failed.last_error == "550 5.1.1 Mailbox does not exist"
    assert failed.sent_at is None


async def test_temporary_failures_give_up_after_the_last_attempt(app: FastAPI) -> None:
    await queue_one(app)
    with smtp_server("451 busy") as (_inbox, settings):
        for attempt in range(1, mail.MAX_ATTEMPTS + 1):
            async with app.state.sessionmaker() as session:
                email = await session.scalar(select(OutboundEmail))
                assert email is not None
                email.next_attempt_at = utcnow() - timedelta(seconds=1)
                await session.commit()
            await worker.deliver_system_mail(settings, app.state.sessionmaker)
            assert (await the_email(app)).attempts == attempt
    assert (await the_email(app)).status == EmailStatus.failed


async def test_a_mail_left_sending_by_a_dead_worker_is_taken_again(app: FastAPI) -> None:
    await queue_one(app)
    async with app.state.sessionmaker() as session:
        claimed = await mail.claim_due_emails(session)
        assert len(claimed) == 1
        await session.commit()
    with smtp_server() as (inbox, settings):
        # The lease is still running: nobody else takes it.
        assert await worker.deliver_system_mail(settings, app.state.sessionmaker) == 0
        async with app.state.sessionmaker() as session:
            email = await session.scalar(select(OutboundEmail))
            assert email is not None and email.status == EmailStatus.sending
            email.lease_expires_at = utcnow() - timedelta(seconds=1)
            await session.commit()
        assert await worker.deliver_system_mail(settings, app.state.sessionmaker) == 1
    assert len(inbox.messages) == 1
    assert (await the_email(app)).status == EmailStatus.sent


async def test_without_smtp_mail_goes_to_the_console_not_the_network(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    settings = get_settings()
    assert settings.dev_mailbox_enabled
    await queue_one(app, subject="Console mail")
    with caplog.at_level(logging.INFO, logger="rapport.mail"):
        await worker.deliver_system_mail(settings, app.state.sessionmaker)
    assert "Console mail" in caplog.text and "Grüße" in caplog.text
    assert (await the_email(app)).status == EmailStatus.sent


async def test_run_worker_delivers_then_stops_when_asked(app: FastAPI) -> None:
    await queue_one(app)
    with smtp_server() as (inbox, settings):
        settings = settings.model_copy(update={"worker_poll_seconds": 0.05})
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run_worker(settings, app.state.sessionmaker, stop=stop))
        for _ in range(100):
            if inbox.messages:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert len(inbox.messages) == 1


async def test_line_break_in_a_queued_subject_adds_no_header(app: FastAPI) -> None:
    await queue_one(app, subject="Badge for Evil Conf\r\nBcc: victim@example.org")
    with smtp_server() as (inbox, settings):
        await worker.deliver_system_mail(settings, app.state.sessionmaker)
    got = inbox.messages[0]
    assert got.rcpt_tos == ["zoe@example.org"]
    assert "Bcc" not in got.message
    assert got.message["Subject"] == "Badge for Evil Conf Bcc: victim@example.org"
