"""Quick capture on a phone shows, as a personal detail is typed, the sentence the default
follow-up will make of it; a health detail says it stays out of drafts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.browsing import call_api, no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# An attendee of `rapport demo` that no other browser test uses.
USER_EMAIL = "attendee4@demo.rapport.example"


def test_quick_capture_shows_the_sentence_a_detail_will_make(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(phone, live_server, USER_EMAIL)
    contact = call_api(
        page, "POST", "/contacts", {"name": "Nadia Brooks", "email": "nadia@example.com"}
    )["contact"]
    page.goto(live_server.url(f"/contacts/{contact['id']}/note"))
    expect(page.get_by_role("heading", name="Note on Nadia Brooks")).to_be_visible()

    page.get_by_role("button", name="Add a personal detail").click()
    page.get_by_label("Kind").select_option("family")
    page.get_by_label("Detail", exact=True).fill("Daughter graduates in June")

    sentence = page.locator("#detail-sentence-0")
    # One of the detail's phrasings: the one this contact's draft uses.
    expect(sentence).to_have_text(
        re.compile(
            r"^In the draft: P\.S\. (I hope your daughter's graduation in June goes well"
            r"|Best wishes for your daughter's graduation in June"
            r"|All the best for your daughter's graduation in June)\.$"
        )
    )
    assert page.viewport_size == {"width": 390, "height": 844}
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "capture-live-sentence.png", full_page=True)

    page.get_by_label("Kind").select_option("health")
    expect(sentence).to_contain_text("Health details stay out of drafts")
    expect(page.get_by_text("graduation in June goes well")).to_have_count(0)


def test_a_field_chosen_at_once_keeps_the_focus(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    """The note box takes the focus a moment after the screen opens, but not from a field the
    person went to first: what they type there must not land in the note."""
    page = sign_in_by_mail(phone, live_server, USER_EMAIL)
    contact = call_api(page, "POST", "/contacts", {"name": "Omar Quick"})["contact"]
    page.clock.install()  # the screen's delayed focus waits until the test moves the clock
    page.goto(live_server.url(f"/contacts/{contact['id']}/note"))
    expect(page.get_by_role("heading", name="Note on Omar Quick")).to_be_visible()
    page.locator("#next-step").focus()
    page.clock.run_for(500)
    page.keyboard.type("Send the paper")
    expect(page.locator("#next-step")).to_have_value("Send the paper")
    expect(page.locator("#note-text")).to_have_value("")
