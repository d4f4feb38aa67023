"""Follow-up email on the wire: the message as the recipient sees it (from the configured
sender under the user's name, replies to the user, a Message-ID fixed per follow-up), and an
SMTP connection kept open across a worker's batch."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr

import aiosmtplib

from services.mail import (
    SMTP_FAILURES,
    PermanentMailError,
    TemporaryMailError,
    address_with_name,
    build_message,
    classify_smtp_failure,
    smtp_options,
)
from services.settings import Settings

log = logging.getLogger("rapport.delivery")


@dataclass(frozen=True)
class Outgoing:
    """What a worker needs to send one claimed message, read while claiming."""

    id: uuid.UUID
    to_address: str
    from_name: str
    reply_to: str
    subject: str
    body: str
    message_id: str
    lease_expires_at: datetime


def build_follow_up(settings: Settings, outgoing: Outgoing) -> EmailMessage:
    """The email: from the configured sender under the user's name, replies to the user."""
    sender_address = parseaddr(settings.mail_from)[1]
    return build_message(
        from_addr=address_with_name(outgoing.from_name, sender_address),
        to_addr=outgoing.to_address,
        subject=outgoing.subject,
        body=outgoing.body,
        reply_to=address_with_name(outgoing.from_name, outgoing.reply_to)
        if outgoing.reply_to
        else None,
        message_id=outgoing.message_id,
    )


class SmtpSession:
    """One SMTP connection kept open across a batch (connecting per message costs more than
    sending it). Failures are classified by services.mail.classify_smtp_failure; after any failure
    the connection is dropped and the next message opens a new one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            return self.client
        self.client = aiosmtplib.SMTP(**smtp_options(self.settings))
        await self.client.connect()
        return self.client

    async def send(self, message: EmailMessage) -> None:
        """Send one message, raising PermanentMailError or TemporaryMailError."""
        try:
            client = await self._connected()
            await client.send_message(message)
        except SMTP_FAILURES as exc:
            await self.close()
            raise classify_smtp_failure(exc) from exc

    async def close(self) -> None:
        """Say goodbye if we can; just drop the connection if we cannot."""
        client, self.client = self.client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except SMTP_FAILURES:
            client.close()


async def send_one(settings: Settings, outgoing: Outgoing, smtp: SmtpSession) -> Exception | None:
    """Hand one message to the SMTP server; return the error, or None when it was accepted."""
    if settings.dev_mailbox_enabled:
        return None  # recorded into the development mailbox by record_outcome
    try:
        await smtp.send(build_follow_up(settings, outgoing))
    except (PermanentMailError, TemporaryMailError) as exc:
        log.warning("follow-up %s to %s failed: %s", outgoing.id, outgoing.to_address, exc)
        return exc
    return None
