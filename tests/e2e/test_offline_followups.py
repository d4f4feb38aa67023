"""Reviewing follow-ups with the network cut: a text edit, an approval and a skip made offline
wait in the outbox ("Approved — will sync"; a reload keeps them) and, once online, reach the
server through /sync exactly once each. The review queue opened offline says so, and shows the
drafts by itself once the connection is back."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.browsing import sign_in_by_mail, wait_for_service_worker
from tests.e2e.conftest import LiveServer
from tests.e2e.test_followups import (
    _arrange_contacts_and_drafts,
    _call,
    _follow_ups,
    _review_shows,
)

pytestmark = pytest.mark.browser

# Demo attendees 13-14 are kept for these tests (see test_followups.py).
USER_EMAIL = "attendee13@demo.rapport.example"
OPENS_OFFLINE_EMAIL = "attendee14@demo.rapport.example"


def _to_statuses(history: list[dict[str, Any]]) -> list[str]:
    return [t["to_status"] for t in history]


def test_review_actions_made_offline_sync_once_when_back_online(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = sign_in_by_mail(context, live_server, USER_EMAIL)
    wait_for_service_worker(page)
    _arrange_contacts_and_drafts(page)
    page.goto(live_server.url("/follow-ups/review"))
    _review_shows(page, 1, "Ada Fielding")

    context.set_offline(True)
    edited = "Hi Ada,\n\nGreat to meet you. Written on the train, offline."
    page.locator("#review-body").fill(edited)
    expect(page.locator(".save-state")).to_have_text(
        "Saved on this phone — syncs when online", timeout=10_000
    )
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".review-done-line")).to_have_text("Approved — will sync: Ada Fielding.")
    _review_shows(page, 2, "Bram Okafor")
    page.get_by_role("button", name="Skip", exact=True).click()
    expect(page.locator(".review-done-line")).to_have_text("Skipped — will sync: Bram Okafor.")
    _review_shows(page, 3, "Chiara Lund")
    expect(page.locator(".sync-count")).to_have_text("3 changes wait to sync")
    page.reload()  # still offline: the outbox is on the phone, not in the page
    expect(page.locator(".sync-count")).to_have_text("3 changes wait to sync")

    context.set_offline(False)
    expect(page.locator(".sync-status")).to_have_count(0, timeout=20_000)

    after = _follow_ups(page)
    # The in-process worker may already have sent it: approval is what let it go.
    assert after["Ada Fielding"]["status"] in {"scheduled", "sending", "sent"}
    assert after["Ada Fielding"]["send_at"]
    assert after["Ada Fielding"]["body"] == edited
    assert after["Bram Okafor"]["status"] == "skipped"
    assert {after[name]["status"] for name in ("Chiara Lund", "Dev Marsh", "Eun Park")} == {"draft"}
    ada = _call(page, "GET", f"/follow-ups/{after['Ada Fielding']['id']}/history")
    bram = _call(page, "GET", f"/follow-ups/{after['Bram Okafor']['id']}/history")
    assert _to_statuses(ada).count("approved") == 1
    assert _to_statuses(ada).count("scheduled") == 1
    assert _to_statuses(bram).count("skipped") == 1


# Runs in the page: whether the app has kept "who I am" for reading offline.
KEPT_ME = """async () => {
  if (!(await indexedDB.databases()).some((d) => d.name === 'rapport-offline')) return false;
  return await new Promise((resolve) => {
    const opened = indexedDB.open('rapport-offline');
    opened.onerror = () => resolve(false);
    opened.onsuccess = () => {
      const db = opened.result;
      const got = db.transaction('cache').objectStore('cache').get('/api/v1/auth/me');
      got.onsuccess = () => { db.close(); resolve(got.result !== undefined); };
      got.onerror = () => { db.close(); resolve(false); };
    };
  });
}"""


def test_review_queue_opened_offline_loads_by_itself_when_back_online(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = sign_in_by_mail(context, live_server, OPENS_OFFLINE_EMAIL)
    wait_for_service_worker(page)
    _arrange_contacts_and_drafts(page)
    # The app has been used online (the follow-ups list, not the queue), as on a real phone.
    page.goto(live_server.url("/follow-ups"))
    expect(page.get_by_role("heading", level=1, name="Follow-ups")).to_be_visible()
    page.wait_for_function(KEPT_ME)

    context.set_offline(True)
    page.goto(live_server.url("/follow-ups/review"))  # the shell comes from the service worker
    offline = page.locator(".review-offline")
    expect(offline).to_contain_text("You are offline", timeout=10_000)
    expect(page.get_by_text("Could not reach Rapport")).to_have_count(0)

    context.set_offline(False)  # and no tap on "Try again"
    _review_shows(page, 1, "Ada Fielding")
    expect(offline).to_have_count(0)

    # A list never read before, opened offline: the error, then the list once back online,
    # again with no tap (every screen that loads through useApi does this).
    context.set_offline(True)
    page.goto(live_server.url("/follow-ups?status=cancelled"))
    expect(page.get_by_role("alert")).to_contain_text("Could not reach Rapport", timeout=10_000)
    context.set_offline(False)
    expect(page.get_by_role("heading", level=2, name="Cancelled (0)")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
