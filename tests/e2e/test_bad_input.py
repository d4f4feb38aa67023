"""Text the server can never store, typed offline: a note holding a NUL character is sent when
the connection returns, refused once with the field's reason, and shown as not synced with what
was typed (each refused field named with its message); it is not retried for ever."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from schemas.common import CONTROL_MESSAGE
from tests.e2e.browsing import sign_in_by_mail, wait_for_service_worker
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

WRITER = "nul-writer@example.org"  # a new account: no other browser test uses it


def test_a_note_with_a_nul_typed_offline_fails_once_with_its_text_kept(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = sign_in_by_mail(context, live_server, WRITER)
    wait_for_service_worker(page)
    cookies = {c["name"]: c["value"] for c in context.cookies(live_server.base_url)}
    with httpx.Client(base_url=live_server.url("/api/v1"), cookies=cookies, timeout=10) as api:
        csrf = api.get("/auth/me").json()["csrf_token"]
        made = api.post("/contacts", json={"name": "Sam Lee"}, headers={"X-CSRF-Token": csrf})
        contact_id = made.json()["contact"]["id"]
        page.goto(live_server.url(f"/contacts/{contact_id}"))
        expect(page.locator("main h1")).to_be_visible()

        context.set_offline(True)
        page.goto(live_server.url(f"/contacts/{contact_id}/note"))
        page.locator("#note-text").fill("Heat\u0000pumps in old houses")
        page.locator("#next-step").fill("Send\u0000the paper")
        expect(page.locator(".save-state")).to_have_text(
            "Saved on this phone — syncs when online", timeout=10_000
        )
        expect(page.locator(".sync-count")).to_have_text("1 change waits to sync")

        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/sync") else None)
        context.set_offline(False)
        failed = page.locator(".sync-failed li")
        expect(failed).to_have_count(1, timeout=20_000)
        expect(failed).to_contain_text("Not synced")
        # Two fields were refused: each is named with its message.
        expect(failed).to_contain_text(f"text: {CONTROL_MESSAGE}")
        expect(failed).to_contain_text(f"next_step: {CONTROL_MESSAGE}")
        expect(failed).to_contain_text("pumps in old houses")  # what was typed is kept
        expect(page.locator(".sync-count")).to_have_text("Everything is synced")
        page.wait_for_timeout(3_000)  # the outbox's first retry would come after 2 s
        assert len(sent) == 1, sent

        notes = api.get(f"/contacts/{contact_id}").json()["notes"]
        assert notes == []
