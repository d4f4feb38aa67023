"""System mail against a real SMTP server on loopback (aiosmtpd), parsed with `email`."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller

from services import mail
from services.mail import PermanentMailError, TemporaryMailError
from services.settings import Settings, SmtpSecurity, get_settings


@dataclass
class Received:
    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]


@dataclass
class Inbox:
    """An aiosmtpd handler: stores what it gets, or answers every DATA with `reply`."""

    reply: str = "250 Message accepted for delivery"
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.reply.startswith("250"):
            parsed = email.message_from_bytes(envelope.content, policy=default_policy)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(Received(parsed, envelope.mail_from, list(envelope.rcpt_tos)))
        return self.reply


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(reply: str = "250 OK") -> Iterator[tuple[Inbox, Settings]]:
    """A real SMTP server on 127.0.0.1 and settings that send to it without TLS."""
    inbox = Inbox(reply=reply)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = get_settings().model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": controller.port,
                "smtp_security": SmtpSecurity.none,
                "smtp_timeout_seconds": 5.0,
                "mail_from": "Rapport Test <noreply@rapport.example>",
            }
        )
        yield inbox, settings
    finally:
        controller.stop()


def message(**overrides: str) -> EmailMessage:
    values = {
        "from_addr": "Rapport <noreply@rapport.example>",
        "to_addr": "zoe@example.org",
        "subject": "Your badge for Ζωή's conference",
        "body": "Grüße, Zoë! Ẹ kú àbọ̀.\nhttps://rapport.example/signin/verify#token=abc\n",
    }
    values.update(overrides)
    return mail.build_message(**values)


async def test_message_arrives_with_headers_and_utf8_body() -> None:
    with smtp_server() as (inbox, settings):
        await mail.send_smtp(settings, message(message_id="<m1@rapport>"))
    assert len(inbox.messages) == 1
    got = inbox.messages[0]
    assert got.rcpt_tos == ["zoe@example.org"]
    assert got.mail_from == "noreply@rapport.example"
    assert got.message["From"] == "Rapport <noreply@rapport.example>"
    assert got.message["To"] == "zoe@example.org"
    assert got.message["Subject"] == "Your badge for Ζωή's conference"
    assert got.message["Message-ID"] == "<m1@rapport>"
    assert got.message.get_content_type() == "text/plain"
    assert got.message.get_content_charset() == "utf-8"
    body = got.message.get_content()
    assert "Grüße, Zoë! Ẹ kú àbọ̀." in body and "#token=abc" in body


async def test_generated_message_id_uses_the_sender_domain() -> None:
    built = message()
    assert built["Message-ID"].endswith("@rapport.example>")


@pytest.mark.parametrize("breaker", ["\r\n", "\n", "\r"])
async def test_line_breaks_in_subject_or_name_add_no_header(breaker: str) -> None:
    injected = message(
        subject=f"Hello{breaker}Bcc: victim@example.org",
        from_addr=f"Evil{breaker}X-Injected: 1 <noreply@rapport.example>",
        reply_to=f"reply@example.org{breaker}Cc: other@example.org",
    )
    with smtp_server() as (inbox, settings):
        await mail.send_smtp(settings, injected)
    got = inbox.messages[0]
    assert got.rcpt_tos == ["zoe@example.org"]
    for header in ("Bcc", "Cc", "X-Injected"):
        assert header not in got.message
    assert got.message["Subject"] == "Hello Bcc: victim@example.org"
    assert sorted(set(got.message.keys())) == sorted(
        {
            "Date",
            "From",
            "To",
            "Reply-To",
            "Subject",
            "Message-ID",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
        }
    )


async def test_451_is_a_temporary_failure() -> None:
    with (
        smtp_server("451 4.3.0 Try again later") as (inbox, settings),
        pytest.raises(TemporaryMailError, match="451"),
    ):
        await mail.send_smtp(settings, message())
    assert inbox.messages == []


async def test_550_is_a_permanent_failure() -> None:
    with (
        smtp_server("550 5.1.1 No such user") as (_inbox, settings),
        pytest.raises(PermanentMailError, match=r"550 5\.1\.1 No such user"),
    ):
        await mail.send_smtp(settings, message())


async def test_no_server_listening_is_a_temporary_failure() -> None:
    settings = get_settings().model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_security": "none"}
    )
    with pytest.raises(TemporaryMailError):
        await mail.send_smtp(settings, message())


@pytest.mark.parametrize(
    ("security", "use_tls", "start_tls"),
    [("none", False, False), ("starttls", False, True), ("tls", True, False)],
)
async def test_tls_mode_comes_from_the_setting(
    monkeypatch: pytest.MonkeyPatch, security: str, use_tls: bool, start_tls: bool
) -> None:
    seen: dict[str, Any] = {}

    async def fake_send(_message: EmailMessage, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(aiosmtplib, "send", fake_send)
    settings = Settings(
        smtp_host="mail.example.org",
        smtp_port=2525,
        smtp_security=SmtpSecurity(security),
        smtp_username="user",
        smtp_password="pw",  # type: ignore[arg-type]
    )
    await mail.send_smtp(settings, message())
    assert (seen["use_tls"], seen["start_tls"]) == (use_tls, start_tls)
    assert (seen["hostname"], seen["port"], seen["username"], seen["password"]) == (
        "mail.example.org",
        2525,
        "user",
        "pw",
    )


def test_clean_header_removes_line_breaks() -> None:
    assert mail.clean_header("a\r\nb\nc\rd  e") == "a b c d e"


async def test_every_kind_of_mail_arrives_dated() -> None:
    """RFC 5322 requires a Date: sign-in links and invitations (system mail) and follow-ups."""
    import uuid
    from datetime import UTC, datetime, timedelta
    from email.utils import parsedate_to_datetime

    from services.followups import mail as followup_mail
    from services.models import OutboundEmail

    before = datetime.now(UTC).replace(microsecond=0)
    with smtp_server() as (inbox, settings):
        for kind in ("signin", "staff_invitation"):
            system = OutboundEmail(
                id=uuid.uuid4(), kind=kind, to_address="zoe@example.org", subject=kind, body="x"
            )
            assert await mail.deliver(settings, system) is None
        outgoing = followup_mail.Outgoing(
            id=uuid.uuid4(),
            to_address="sam@example.org",
            from_name="Zoë",
            reply_to="zoe@example.org",
            subject="Great to meet you",
            body="Hello Sam",
            message_id="<f1@rapport>",
            lease_expires_at=datetime.now(UTC) + timedelta(minutes=2),
        )
        await mail.send_smtp(settings, followup_mail.build_follow_up(settings, outgoing))
    assert len(inbox.messages) == 3
    for got in inbox.messages:
        dated = parsedate_to_datetime(got.message["Date"])
        assert dated.tzinfo is not None
        assert before <= dated <= datetime.now(UTC) + timedelta(seconds=1)
