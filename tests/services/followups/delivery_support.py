"""For follow-up delivery tests and benchmarks: a real SMTP server on 127.0.0.1 (aiosmtpd)
that keeps what it receives, counts Message-IDs, and can answer with a chosen error code; and
due messages inserted in bulk."""

from __future__ import annotations

import email
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.followups.drafts import message_id_for
from services.models import Contact, FollowUp, User
from services.settings import Settings, SmtpSecurity, get_settings


@dataclass
class Inbox:
    """Stores accepted messages, or answers DATA with `reply` (e.g. "451 ...", "550 ...")."""

    reply: str = "250 OK"
    keep: bool = True  # False: count Message-IDs only (fast, for 1,000s of messages)
    messages: list[EmailMessage] = field(default_factory=list)
    ids: Counter[str] = field(default_factory=Counter)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self.lock:
            self.attempts += 1
            if not self.reply.startswith("250"):
                return self.reply
            if self.keep:
                parsed = email.message_from_bytes(envelope.content, policy=default_policy)
                assert isinstance(parsed, EmailMessage)
                self.messages.append(parsed)
                self.ids[str(parsed["Message-ID"])] += 1
            else:
                self.ids[_message_id(envelope.content)] += 1
        return "250 Message accepted for delivery"

    @property
    def duplicates(self) -> int:
        """Messages received more than once (counting each extra copy)."""
        return sum(n - 1 for n in self.ids.values() if n > 1)


def _message_id(content: bytes) -> str:
    head = content.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_for(port: int, base: Settings | None = None) -> Settings:
    """Settings that send to the loopback server without TLS."""
    return (base or get_settings()).model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": SmtpSecurity.none,
            "smtp_timeout_seconds": 5.0,
            "mail_from": "Rapport <noreply@rapport.example>",
        }
    )


@contextmanager
def smtp_server(reply: str = "250 OK", *, keep: bool = True) -> Iterator[tuple[Inbox, Settings]]:
    """Run the server for the block; yield its inbox and settings pointing at it."""
    inbox = Inbox(reply=reply, keep=keep)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, settings_for(controller.port)
    finally:
        controller.stop()


async def seed_due_messages(session: AsyncSession, *, count: int) -> list[uuid.UUID]:
    """`count` approved email follow-ups, due now, for one user (bulk inserted)."""
    owner = User(email=f"sender-{uuid.uuid4().hex[:8]}@example.org", name="Ada Lovelace")
    session.add(owner)
    await session.flush()
    now = utcnow()
    contacts = [
        {
            "id": uuid.uuid4(),
            "owner_id": owner.id,
            "source": "manual",
            "met_at": now,
            "name": f"Person {n}",
            "email": f"person{n}@example.org",
        }
        for n in range(count)
    ]
    await session.execute(insert(Contact), contacts)
    ids = [uuid.uuid4() for _ in range(count)]
    await session.execute(
        insert(FollowUp),
        [
            {
                "id": follow_up_id,
                "owner_id": owner.id,
                "contact_id": contact["id"],
                "channel": "email",
                "subject": f"Great to meet you, {contact['name']}",
                "body": "Hi,\n\nthank you for the conversation.\n\nAda\n",
                "status": "scheduled",
                "message_id": message_id_for(follow_up_id),
                "to_address": contact["email"],
                "from_name": owner.name,
                "reply_to": owner.email,
                "send_at": now,
                "next_attempt_at": now,
                "status_changed_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for follow_up_id, contact in zip(ids, contacts, strict=True)
        ],
    )
    await session.commit()
    return ids


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many follow-ups are in each state."""
    query = select(FollowUp.status, func.count()).group_by(FollowUp.status)
    rows = (await session.execute(query)).all()
    # End the transaction at once: on SQLite an open one holds the write lock (BEGIN IMMEDIATE)
    # and would keep the worker processes waiting.
    await session.rollback()
    return {status: n for status, n in rows}
