"""Offline first, in Chromium with the network cut (`context.set_offline`): notes and badge
scans made offline wait in the IndexedDB outbox (a reload keeps them, the count is shown) and
reach the server exactly once when the connection returns; two offline door phones judge
badges from the offline pack and, once synced, make one check-in per person and report the
badge both let in as a conflict to the organizer (live view "Conflicts"); a change the server
refuses is listed with its reason and the text the user typed; a note changed offline and
elsewhere at once keeps both versions, and the phone says so until the user marks it seen."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browsing import sign_in_by_mail, wait_for_service_worker
from tests.e2e.conftest import LiveServer
from tests.e2e.door_support import (
    PHONE,
    Member,
    demo_event,
    fresh_demo_links,
    open_the_door_early,
    share_session,
    sign_in,
)

pytestmark = pytest.mark.browser

# Demo attendees no other browser test uses (test_door: 1, 21-24, 27, 29; test_people: 25, 26).
WRITER = "attendee2@demo.rapport.example"
MET_ONLINE = 3
SCANNED_OFFLINE = (4, 5, 6)
AT_THE_DOOR = (*range(2, 21), 28)  # 20 badges
SECOND_STAFF = "door2@demo.rapport.example"
# The note-conflict test's writer and the person they meet (no other browser test uses them).
CONFLICT_WRITER, CONFLICT_MET = "attendee15@demo.rapport.example", 16


def _email(n: int) -> str:
    return f"attendee{n}@demo.rapport.example"


def _badge_urls(live_server: LiveServer, emails: list[str]) -> dict[str, str]:
    """The current badge URL of each attendee, read from the live server's database."""
    path = live_server.env["RAPPORT_DATABASE_URL"].split(":///", 1)[1]
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT a.email, b.token FROM badges b JOIN attendees a ON a.id = b.attendee_id "
            "WHERE b.revoked_at IS NULL"
        ).fetchall()
    tokens = dict(rows)
    return {email: live_server.url(f"/b/{tokens[email]}") for email in emails}


@pytest.fixture
def browser_contexts(browser: Browser) -> Iterator[tuple[BrowserContext, BrowserContext]]:
    """Two staff phones."""
    made = (browser.new_context(**PHONE), browser.new_context(**PHONE))  # type: ignore[arg-type]
    try:
        yield made
    finally:
        for made_context in made:
            made_context.close()


def _name_of(organizer: Member, event_id: str, email: str) -> str:
    (found,) = organizer.get(f"/events/{event_id}/check-in/attendees", q=email).json()
    return str(found["attendee"]["name"])


def _api_as(context: BrowserContext, live_server: LiveServer) -> httpx.Client:
    """An API client with the browser's session cookie (GETs need no CSRF token)."""
    cookies = {c["name"]: c["value"] for c in context.cookies(live_server.base_url)}
    return httpx.Client(base_url=live_server.url("/api/v1"), cookies=cookies, timeout=10)


def test_notes_and_badge_scans_made_offline_reach_the_server_once(
    live_server: LiveServer, context: BrowserContext
) -> None:
    badges = _badge_urls(live_server, [_email(n) for n in (MET_ONLINE, *SCANNED_OFFLINE)])
    page = sign_in_by_mail(context, live_server, WRITER)
    wait_for_service_worker(page)

    # Met one person online; open their page so it is on the phone for later.
    page.goto(badges[_email(MET_ONLINE)])
    expect(page.locator(".exchange-status")).to_be_visible()
    href = page.get_by_role("link", name="Open contact").get_attribute("href")
    assert href
    contact_id = href.rsplit("/", 1)[1]
    page.goto(live_server.url(href))
    expect(page.locator("main h1")).to_be_visible()
    api = _api_as(context, live_server)
    contacts_before = api.get("/contacts", params={"limit": 1}).json()["total"]

    context.set_offline(True)
    texts = [f"Offline note {i}: talked about pilot plant number {i}" for i in range(1, 6)]
    for text in texts:
        page.goto(live_server.url(f"/contacts/{contact_id}/note"))
        page.locator("#note-text").fill(text)
        expect(page.locator(".save-state")).to_have_text(
            "Saved on this phone — syncs when online", timeout=10_000
        )
    # Badge scans while offline: each is a placeholder until it syncs.
    for n in SCANNED_OFFLINE:
        page.goto(badges[_email(n)])
        expect(page.get_by_role("heading", name="Scanned — details when online")).to_be_visible()

    expect(page.locator(".sync-offline")).to_be_visible()
    expect(page.locator(".sync-count")).to_have_text("8 changes wait to sync")
    page.reload()  # still offline: the outbox is on the phone, not in the page
    expect(page.locator(".sync-count")).to_have_text("8 changes wait to sync")

    context.set_offline(False)
    expect(page.locator(".sync-status")).to_have_count(0, timeout=20_000)

    detail = api.get(f"/contacts/{contact_id}").json()
    assert sorted(n["text"] for n in detail["notes"]) == sorted(texts)
    contacts_after = api.get("/contacts", params={"limit": 1}).json()["total"]
    assert contacts_after == contacts_before + len(SCANNED_OFFLINE)
    # The placeholder page became the contact when the scan synced.
    expect(page.locator(".exchange-status")).to_be_visible()
    api.close()


def _open_door(page: Page, live_server: LiveServer, event_id: str, gate: str) -> None:
    page.goto(live_server.url(f"/events/{event_id}/door"))
    page.get_by_label("Gate").fill(gate)
    page.get_by_role("button", name="Start scanning").click()
    expect(page.locator(".door-pack")).to_contain_text("Ready for offline")
    wait_for_service_worker(page)


def _scan(page: Page, url: str, color: str) -> None:
    page.get_by_label("Badge link or code").fill(url)
    page.get_by_role("button", name="Go").click()
    shown = page.locator(f".scan-result-{color}")
    expect(shown).to_contain_text("offline")
    shown.click()
    expect(shown).to_have_count(0)


def test_two_offline_door_phones_check_in_twenty_and_report_one_double_admission(
    live_server: LiveServer, browser_contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    links = fresh_demo_links(live_server)
    organizer = sign_in(live_server, links["organizer"])
    staff = sign_in(live_server, links["staff"])
    event = demo_event(organizer)
    event_id = event["id"]
    open_the_door_early(organizer, event_id)
    emails = [_email(n) for n in AT_THE_DOOR]
    badges = _badge_urls(live_server, emails)
    before = organizer.get(f"/events/{event_id}/check-in/stats").json()["checked_in"]

    first, second = browser_contexts
    share_session(first, staff, live_server)
    phone_a = first.new_page()
    _open_door(phone_a, live_server, event_id, "A")
    phone_b = sign_in_by_mail(second, live_server, SECOND_STAFF)
    _open_door(phone_b, live_server, event_id, "B")

    first.set_offline(True)
    second.set_offline(True)
    expect(phone_a.locator(".door-offline")).to_be_visible()
    expect(phone_b.locator(".door-offline")).to_be_visible()
    # Ten badges each; the last one of A's is shown at B as well (a copied badge).
    for email in emails[:10]:
        _scan(phone_a, badges[email], "green")
    for email in emails[10:]:
        _scan(phone_b, badges[email], "green")
    _scan(phone_b, badges[emails[9]], "green")
    # The same badge again on the same phone: this phone knows it let them in.
    _scan(phone_a, badges[emails[0]], "amber")
    # Found by name offline, from the pack: this phone knows it let them in.
    phone_a.get_by_label("Name, email or company").fill(_name_of(organizer, event_id, emails[1]))
    expect(phone_a.locator(".door-people")).to_contain_text("Checked in at")
    # A token that is in no pack: red, judged by the phone alone (and still queued).
    _scan(phone_a, "NotARealBadgeToken1234567890", "red")
    expect(phone_a.locator(".sync-count")).to_have_text("12 changes wait to sync")

    first.set_offline(False)
    second.set_offline(False)
    expect(phone_a.locator(".sync-status")).to_have_count(0, timeout=20_000)
    expect(phone_b.locator(".sync-status")).to_have_count(0, timeout=20_000)

    stats = organizer.get(f"/events/{event_id}/check-in/stats").json()
    assert stats["checked_in"] == before + 20
    conflicts = organizer.get(f"/events/{event_id}/door/conflicts").json()["conflicts"]
    # Exactly one of these twenty was let in twice: the shared badge, by both phones.
    ours = {_name_of(organizer, event_id, email) for email in emails}
    doubled = [c for c in conflicts if c["attendee"]["name"] in ours]
    assert [c["attendee"]["name"] for c in doubled] == [_name_of(organizer, event_id, emails[9])]
    assert len({scan["device"] for scan in doubled[0]["scans"]}) == 2

    # The organizer's live view shows it.
    live = phone_a.context.new_page()
    share_session(phone_a.context, organizer, live_server)
    live.goto(live_server.url(f"/events/{event_id}/live"))
    section = live.locator("section").filter(has=live.get_by_role("heading", name="Conflicts"))
    expect(section).to_contain_text(re.compile(r"let in by 2 phones"))
    for member in (organizer, staff):
        member.client.close()


def test_a_change_the_server_refuses_is_shown_with_the_reason_and_what_was_typed(
    live_server: LiveServer, context: BrowserContext
) -> None:
    organizer = sign_in(live_server, fresh_demo_links(live_server)["organizer"])
    share_session(context, organizer, live_server)
    page = context.new_page()
    page.goto(live_server.url("/"))
    expect(page.get_by_role("heading", name="My events")).to_be_visible()
    wait_for_service_worker(page)

    context.set_offline(True)
    page.goto(live_server.url("/b/NotARealBadgeToken1234567890"))
    expect(page.get_by_role("heading", name="Scanned — details when online")).to_be_visible()
    page.get_by_role("link", name="Write a note").click()
    page.locator("#note-text").fill("Met at the coffee stand")
    expect(page.locator(".save-state")).to_have_text("Saved on this phone — syncs when online")
    expect(page.locator(".sync-count")).to_have_text("2 changes wait to sync")

    context.set_offline(False)
    failed = page.locator(".sync-failed li")
    expect(failed).to_have_count(2, timeout=20_000)
    expect(failed.nth(0)).to_contain_text("Not synced: A badge scanned offline")
    # The note on a person who never became a contact keeps its text, with the reason.
    expect(failed.nth(1)).to_contain_text("Met at the coffee stand")
    expect(page.locator(".sync-count")).to_have_text("Everything is synced")
    failed.nth(1).get_by_role("button", name="Dismiss").click()
    expect(failed).to_have_count(1)
    organizer.client.close()


def test_a_note_changed_offline_and_on_another_device_keeps_both_and_says_so(
    live_server: LiveServer, context: BrowserContext, artifacts: Path
) -> None:
    badge = _badge_urls(live_server, [_email(CONFLICT_MET)])[_email(CONFLICT_MET)]
    page = sign_in_by_mail(context, live_server, CONFLICT_WRITER)
    wait_for_service_worker(page)
    page.goto(badge)
    expect(page.locator(".exchange-status")).to_be_visible()
    href = page.get_by_role("link", name="Open contact").get_attribute("href")
    assert href
    contact_id = href.rsplit("/", 1)[1]
    page.goto(live_server.url(f"/contacts/{contact_id}/note"))
    page.locator("#note-text").fill("Met at the battery panel.")
    expect(page.locator(".save-state")).to_have_text("Saved", timeout=10_000)
    api = _api_as(context, live_server)
    (note,) = api.get(f"/contacts/{contact_id}").json()["notes"]

    # The phone goes offline with the note open and adds a line...
    page.goto(live_server.url(f"/contacts/{contact_id}/note?note={note['id']}"))
    expect(page.locator("#note-text")).to_have_value("Met at the battery panel.")
    context.set_offline(True)
    page.locator("#note-text").fill("Met at the battery panel. Phone: wants the pilot report.")
    expect(page.locator(".save-state")).to_have_text(
        "Saved on this phone — syncs when online", timeout=10_000
    )
    # ...while the laptop changes the same note online, a little later.
    csrf = api.get("/auth/me").json()["csrf_token"]
    laptop = api.patch(
        f"/notes/{note['id']}",
        json={"base_version": note["version"], "text": "Met at the battery panel. Laptop: intro."},
        headers={"X-CSRF-Token": csrf},
    )
    assert laptop.status_code == 200, laptop.text

    context.set_offline(False)
    told = page.locator(".sync-conflicts li")
    expect(told).to_contain_text("was changed on two devices at once", timeout=20_000)
    told.get_by_role("link").click()
    expect(page.locator(".note-conflicts")).to_contain_text("Both versions are kept")
    texts = page.locator(".note-text")
    expect(texts.filter(has_text="Laptop: intro.")).to_have_count(1)
    expect(texts.filter(has_text="Conflict copy")).to_contain_text("Phone: wants the pilot report.")
    page.screenshot(path=artifacts / "note-conflict.png", full_page=True)
    page.locator(".note-conflicts").get_by_role("button", name="Got it").click()
    expect(page.locator(".note-conflicts")).to_have_count(0)
    expect(page.locator(".sync-conflicts")).to_have_count(0)
    assert api.get("/sync/conflicts").json() == []
    api.close()
