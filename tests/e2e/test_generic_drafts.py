"""The review queue on a phone marks a draft that mentions nothing of the conversation as
generic, filters to those, and a personal detail added there in a tap rewrites the draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.browsing import call_api, no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# An attendee of `rapport demo` that no other browser test uses.
USER_EMAIL = "attendee9@demo.rapport.example"


def test_the_review_queue_marks_a_generic_draft_and_a_detail_is_added_from_there(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(phone, live_server, USER_EMAIL)
    plain = call_api(
        page, "POST", "/contacts", {"name": "Omar Haddad", "email": "omar@example.com"}
    )["contact"]
    noted = call_api(
        page, "POST", "/contacts", {"name": "Ines Duarte", "email": "ines@example.com"}
    )["contact"]
    call_api(page, "POST", f"/contacts/{noted['id']}/notes", {"topics": ["heat pumps"]})
    call_api(page, "POST", "/follow-ups/drafts", {"contact_ids": [plain["id"], noted["id"]]})

    page.goto(live_server.url("/follow-ups/review"))
    expect(page.get_by_role("heading", name="Review follow-ups")).to_be_visible()
    page.get_by_role("link", name="Only generic drafts").click()

    expect(page.get_by_role("heading", name="Review generic drafts")).to_be_visible()
    expect(page.get_by_role("heading", name="Omar Haddad")).to_be_visible()
    expect(page.get_by_text("1 of 1")).to_be_visible()  # Ines's draft says something: not here
    notice = page.get_by_role("note")
    expect(notice).to_contain_text("This draft mentions nothing from your conversation")
    no_sideways_scroll(page)

    notice.get_by_role("button", name="+ A personal detail").click()
    page.get_by_label("Kind").select_option("trip")
    page.get_by_role("textbox", name="A personal detail").fill("Going to Lagos in May")
    expect(notice.locator(".live-sentence")).to_contain_text("your trip to Lagos in May")
    page.screenshot(path=artifacts / "review-generic-draft.png", full_page=True)
    page.get_by_role("button", name="Add to the draft").click()

    expect(page.get_by_label("Message", exact=True)).to_have_value(
        re.compile(r"P\.S\. .*your trip to Lagos in May\.")
    )
    expect(page.get_by_role("note")).to_have_count(0)
    notes = call_api(page, "GET", f"/contacts/{plain['id']}/notes")
    assert notes[0]["personal_details"][0]["text"] == "Going to Lagos in May"
