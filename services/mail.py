"""System mail: queue a message in the database; the worker delivers it over SMTP or, in
development without SMTP, to the console and the development mailbox (/dev/mailbox)."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Sequence
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

import aiosmtplib
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.models import EmailStatus, OutboundEmail
from services.settings import Settings, SmtpSecurity

log = logging.getLogger("rapport.mail")

MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=2)


class PermanentMailError(Exception):
    """The server refused the message for good (5xx): retrying will not help."""


class TemporaryMailError(Exception):
    """The server or the network failed for now (4xx, connection, timeout): try again later."""


def clean_header(value: str) -> str:
    """Header values never carry line breaks, so no header can be injected through user text."""
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def address_with_name(name: str, address: str) -> str:
    """ "Alex Example <alex@example.org>", quoted as headers need, with no line breaks."""
    return formataddr((clean_header(name), clean_header(address)))


def build_message(
    *,
    from_addr: str,
    to_addr: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    message_id: str | None = None,
    calendar: str | None = None,
) -> EmailMessage:
    """A plain-text UTF-8 message with safe headers (and an invite.ics, if given), dated now
    (RFC 5322 requires a Date)."""
    msg = EmailMessage()
    msg["Date"] = format_datetime(utcnow())
    from_name, from_email = parseaddr(clean_header(from_addr))
    msg["From"] = formataddr((from_name, from_email))
    msg["To"] = clean_header(to_addr)
    if reply_to:
        msg["Reply-To"] = clean_header(reply_to)
    msg["Subject"] = clean_header(subject)
    domain = from_email.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = message_id or make_msgid(domain=domain)
    msg.set_content(body, charset="utf-8")
    if calendar:
        msg.add_attachment(
            calendar, subtype="calendar", filename="invite.ics", params={"method": "REQUEST"}
        )
    return msg


# What talking to an SMTP server can raise: the server's answers, the network, the clock.
SMTP_FAILURES = (aiosmtplib.SMTPException, OSError, TimeoutError)


def smtp_options(settings: Settings) -> dict[str, Any]:
    """How to reach the configured SMTP server (STARTTLS or TLS by setting), for aiosmtplib."""
    assert settings.smtp_host
    return {
        "hostname": settings.smtp_host,
        "port": settings.smtp_port,
        "username": settings.smtp_username,
        "password": settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        "use_tls": settings.smtp_security is SmtpSecurity.tls,
        "start_tls": settings.smtp_security is SmtpSecurity.starttls,
        "timeout": settings.smtp_timeout_seconds,
    }


def classify_smtp_failure(exc: BaseException) -> PermanentMailError | TemporaryMailError:
    """5xx answers are permanent; 4xx answers, connection errors and timeouts are temporary."""
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        if 500 <= exc.code < 600:
            return PermanentMailError(f"{exc.code} {exc.message}")
        return TemporaryMailError(f"{exc.code} {exc.message}")
    return TemporaryMailError(str(exc) or type(exc).__name__)


async def send_smtp(settings: Settings, message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server, classifying failures."""
    try:
        await aiosmtplib.send(message, **smtp_options(settings))
    except SMTP_FAILURES as exc:
        raise classify_smtp_failure(exc) from exc


async def enqueue_email(
    session: AsyncSession,
    *,
    kind: str,
    to_address: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    introduction_id: uuid.UUID | None = None,
    calendar: str | None = None,
) -> OutboundEmail:
    """Queue a system mail; it goes out once the surrounding transaction commits."""
    email = OutboundEmail(
        **new_email(
            kind=kind,
            to_address=to_address,
            subject=subject,
            body=body,
            reply_to=reply_to,
            introduction_id=introduction_id,
            calendar=calendar,
        )
    )
    session.add(email)
    await session.flush()
    return email


def new_email(
    *,
    kind: str,
    to_address: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
    introduction_id: uuid.UUID | None = None,
    calendar: str | None = None,
) -> dict[str, Any]:
    """A queued system mail as a row of `outbound_emails`: for queueing many in one INSERT."""
    return {
        "kind": kind,
        "to_address": to_address,
        "subject": clean_header(subject),
        "body": body,
        "reply_to": clean_header(reply_to) if reply_to else None,
        "introduction_id": introduction_id,
        "calendar": calendar,
        "status": EmailStatus.queued,
        "next_attempt_at": utcnow(),
    }


async def claim_due_emails(session: AsyncSession, *, limit: int = 20) -> Sequence[OutboundEmail]:
    """Take up to `limit` due messages under a lease; workers never take the same one."""
    now = utcnow()
    query = (
        select(OutboundEmail)
        .where(
            or_(
                (OutboundEmail.status == EmailStatus.queued)
                & (OutboundEmail.next_attempt_at <= now),
                (OutboundEmail.status == EmailStatus.sending)
                & (OutboundEmail.lease_expires_at < now),
            )
        )
        .order_by(OutboundEmail.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    emails = (await session.scalars(query)).all()
    for email in emails:
        email.status = EmailStatus.sending
        email.lease_expires_at = now + LEASE
        email.attempts += 1
    await session.flush()
    return emails


def _retry_delay(attempts: int) -> timedelta:
    base = min(30 * 2 ** (attempts - 1), 3600)
    return timedelta(seconds=base * (0.5 + random.random()))  # noqa: S311 (jitter, not secrets)


async def record_delivery(
    session: AsyncSession, *, email_id: object, error: Exception | None
) -> None:
    """Save how one delivery attempt went: sent, retry later, or failed for good."""
    email = await session.get(OutboundEmail, email_id)
    if email is None:
        return
    email.lease_expires_at = None
    if error is None:
        email.status = EmailStatus.sent
        email.sent_at = utcnow()
        email.last_error = None
    elif isinstance(error, PermanentMailError) or email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.failed
        email.last_error = str(error)
    else:
        email.status = EmailStatus.queued
        email.last_error = str(error)
        email.next_attempt_at = utcnow() + _retry_delay(email.attempts)
    await session.flush()


async def deliver(settings: Settings, email: OutboundEmail) -> Exception | None:
    """Deliver one claimed message; return the error, or None when it went out."""
    if settings.dev_mailbox_enabled:
        log.info(
            "development mail (no SMTP configured) to=%s subject=%s\n%s",
            email.to_address,
            email.subject,
            email.body,
        )
        return None
    message = build_message(
        from_addr=settings.mail_from,
        to_addr=email.to_address,
        subject=email.subject,
        body=email.body,
        reply_to=email.reply_to,
        message_id=f"<{email.id}@rapport>",
        calendar=email.calendar,
    )
    try:
        await send_smtp(settings, message)
    except (PermanentMailError, TemporaryMailError) as exc:
        log.warning("mail to %s failed: %s", email.to_address, exc)
        return exc
    return None


async def dev_mailbox(session: AsyncSession, *, limit: int = 50) -> Sequence[OutboundEmail]:
    """The most recent system mails, newest first, for the development mailbox."""
    return (
        await session.scalars(
            select(OutboundEmail).order_by(OutboundEmail.created_at.desc()).limit(limit)
        )
    ).all()
