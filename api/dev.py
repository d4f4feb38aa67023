"""The development mailbox: where sign-in mail goes when no SMTP server is configured.

Mounted only outside production and only without SMTP (see Settings.dev_mailbox_enabled).
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from api.deps import DbSession
from services import mail

router = APIRouter(prefix="/dev", tags=["development"])
URL = re.compile(r"https?://[^\s<>&\"']+(?:#[^\s<>&\"']*)?")


class MailOut(BaseModel):
    to: str
    reply_to: str | None
    subject: str
    body: str
    kind: str
    status: str
    created_at: datetime


@router.get("/mailbox.json", response_model=list[MailOut], summary="Development mailbox (JSON)")
async def mailbox_json(db: DbSession) -> list[MailOut]:
    return [
        MailOut(
            to=m.to_address,
            reply_to=m.reply_to,
            subject=m.subject,
            body=m.body,
            kind=m.kind,
            status=m.status,
            created_at=m.created_at,
        )
        for m in await mail.dev_mailbox(db)
    ]


def _linkify(escaped: str) -> str:
    return URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


@router.get("/mailbox", response_class=HTMLResponse, summary="Development mailbox")
async def mailbox(db: DbSession) -> HTMLResponse:
    items = []
    for m in await mail.dev_mailbox(db):
        items.append(
            "<article><h2>{subject}</h2><p class=meta>To {to}{reply_to} · {when} · {kind}</p>"
            "<pre>{body}</pre></article>".format(
                subject=html.escape(m.subject),
                to=html.escape(m.to_address),
                reply_to=html.escape(f" · Reply-To {m.reply_to}") if m.reply_to else "",
                when=m.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                kind=html.escape(m.kind),
                body=_linkify(html.escape(m.body)),
            )
        )
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        "<title>Development mailbox · Rapport</title>"
        "<style>body{font:16px system-ui,sans-serif;margin:1rem;max-width:48rem}"
        "article{border:1px solid #ccc;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}"
        "pre{white-space:pre-wrap;word-break:break-all}.meta{color:#444}</style>"
        "<h1>Development mailbox</h1><p>No SMTP server is configured, so Rapport shows its mail "
        "here instead of sending it. Newest first.</p>" + ("".join(items) or "<p>No mail yet.</p>")
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})
