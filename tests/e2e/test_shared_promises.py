"""What we agreed, on two phones: A and B hold each other's card (A scanned B's badge, B shared
back); A shares a promise from B's contact page, B sees it in their words on A's page and ticks
it done, and A sees it done."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browsing import call_api, no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# Attendees of `rapport demo` that no other browser test uses for exchanges.
A_EMAIL = "attendee10@demo.rapport.example"
B_EMAIL = "attendee4@demo.rapport.example"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_shares_a_promise_b_sees_it_and_ticks_it_done_a_sees_it_done(
    live_server: LiveServer, browser: Browser, artifacts: Path
) -> None:
    phone_a, phone_b = browser.new_context(**PHONE), browser.new_context(**PHONE)
    try:
        a = sign_in_by_mail(phone_a, live_server, A_EMAIL)
        b = sign_in_by_mail(phone_b, live_server, B_EMAIL)
        # The exchange, arranged through the API (the scanner has its own browser test).
        event_id = call_api(b, "GET", "/events")["items"][0]["id"]
        badge = call_api(b, "GET", f"/events/{event_id}/badge")["url"]
        a_name = call_api(a, "GET", "/auth/me")["name"]
        b_as_a_holds = call_api(a, "POST", "/exchange/scan", {"badge": badge})["contact"]
        a_id = call_api(a, "GET", "/auth/me")["id"]
        a_as_b_holds = call_api(b, "POST", "/exchange/share-back", {"user_id": a_id})
        call_api(
            a,
            "POST",
            f"/contacts/{b_as_a_holds['id']}/notes",
            {"promises": [{"text": "Send the slides", "due_on": "2026-12-11"}]},
        )

        # A shares the promise from B's contact page.
        a.goto(live_server.url(f"/contacts/{b_as_a_holds['id']}"))
        b_first = b_as_a_holds["name"].split()[0]
        promises_a = a.get_by_role("region", name="Promises")
        promises_a.get_by_role("button", name=f"Share with {b_first}").click()
        agreed_a = a.get_by_role("region", name="What we agreed")
        expect(agreed_a.get_by_text("You will send")).to_contain_text("the slides")

        # B sees it on A's page, in B's words, and ticks it done.
        a_first = (a_as_b_holds["name"] or a_name).split()[0]
        b.goto(live_server.url(f"/contacts/{a_as_b_holds['id']}"))
        agreed_b = b.get_by_role("region", name="What we agreed")
        line = agreed_b.get_by_text(f"{a_first} will send you the slides by Friday 11 December")
        expect(line).to_be_visible()
        no_sideways_scroll(b)
        b.screenshot(path=artifacts / "shared-promise-b.png", full_page=True)
        agreed_b.get_by_role("checkbox").check()
        expect(agreed_b.get_by_role("checkbox")).to_be_checked()

        # A sees it done.
        a.reload()
        agreed_a = a.get_by_role("region", name="What we agreed")
        expect(agreed_a.get_by_role("checkbox")).to_be_checked()
        expect(agreed_a.get_by_text(f"Ticked done by {b_first}")).to_be_visible()
    finally:
        phone_a.close()
        phone_b.close()
