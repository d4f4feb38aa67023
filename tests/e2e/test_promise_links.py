"""A promise that carries its link, on a phone (390 by 844): the note editor takes the link to
send with the promise (a mistyped one is named at its field), the drafts prepared for all my
contacts use it, and the review queue shows it in the message before I approve. A draft that
still says "[link]" is refused next to its message until the link is pasted in. A follow-up
marked sent keeps its promise ("sent with your follow-up on …"), and a promise left open gets
its link from the promises list."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer
from tests.e2e.test_followups import _call, _screenshot

pytestmark = pytest.mark.browser

# Demo attendees 8 and 9 are kept for this file.
USER_EMAIL = "attendee8@demo.rapport.example"
SLIDES = "https://example.org/heat-pump-slides"
REPORT = "https://example.org/q3-report"
RECORDING = "https://example.org/panel-recording"
REFUSED = "This message still says [link]: paste the link or remove it."


def _contact(page: Page, name: str, **fields: Any) -> str:
    body = {"name": name, "company": "Demo GmbH", "on_duplicate": "create", **fields}
    return str(_call(page, "POST", "/contacts", body)["contact"]["id"])


def _promises_of(page: Page, contact_id: str) -> list[dict[str, Any]]:
    return list(_call(page, "GET", f"/contacts/{contact_id}")["promises"])


def test_a_promise_link_reaches_the_draft_and_a_draft_saying_link_waits_for_one(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(phone, live_server, USER_EMAIL)
    mira = _contact(page, "Mira Okonkwo", email="mira@example.com")
    jonas = _contact(page, "Jonas Weber", email="jonas@example.com")
    sol = _contact(
        page,
        "Sol Reyes",
        linkedin_url="https://www.linkedin.com/in/sol-reyes-demo",
        preferred_channel="linkedin",
    )
    _call(page, "POST", f"/contacts/{jonas}/notes", {"promises": [{"text": "Send the report"}]})
    soon, later = (date.today() + timedelta(days=d) for d in (1, 400))
    _call(
        page,
        "POST",
        f"/contacts/{sol}/notes",
        {
            "promises": [
                {"text": "Share the recording", "link": RECORDING, "due_on": soon.isoformat()},
                {"text": "Send the pricing sheet", "due_on": later.isoformat()},
            ]
        },
    )

    # The note: a promise with its link; a mistyped link is named at its field, then fixed.
    page.goto(live_server.url(f"/contacts/{mira}/note"))
    page.get_by_label("What did you talk about?").fill("Heat pumps for schools.")
    page.get_by_role("button", name="Add a promise").click()
    page.get_by_label("I promised to…").fill("Send the slides")
    link = page.get_by_label("Link to send")
    link.fill("the slides link")
    link.blur()
    expect(page.locator("#promise-link-0-error")).to_have_text(re.compile("no spaces"))
    link.fill(SLIDES)
    expect(page.locator("#promise-link-0-error")).to_have_count(0)
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert [(p["text"], p["link"]) for p in _promises_of(page, mira)] == [
        ("Send the slides", SLIDES)
    ]
    no_sideways_scroll(page)
    page.get_by_role("button", name="Done").click()
    shown = page.get_by_role("link", name=SLIDES)
    expect(shown).to_have_attribute("href", SLIDES)
    expect(shown).to_have_attribute("rel", "noopener noreferrer")

    # Drafts for all my contacts, then the review queue, one at a time.
    page.goto(live_server.url("/follow-ups"))
    page.get_by_role("button", name="Prepare drafts").click()
    expect(page.locator(".fu-result")).to_contain_text("3 new drafts ready to review.")
    page.get_by_role("link", name="Review drafts").click()
    expect(page.get_by_role("heading", level=2, name="Mira Okonkwo")).to_be_visible()
    message = page.get_by_label("Message", exact=True)
    expect(message).to_have_value(re.compile(r"the slides\b.*: " + re.escape(SLIDES)))
    expect(page.locator("#review-body-hint")).to_have_count(0)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".review-done-line")).to_have_text(re.compile(r"^Approved: Mira Okonkwo"))

    # Jonas's promise has no link: the draft says [link], and approving it is refused there.
    expect(page.get_by_role("heading", level=2, name="Jonas Weber")).to_be_visible()
    expect(message).to_have_value(re.compile(r"the report\b.*: \[link\]"))
    expect(page.locator("#review-body-hint")).to_contain_text("Paste the link")
    page.get_by_role("button", name="Approve", exact=True).click()
    refusal = page.locator("#review-body-error")
    expect(refusal).to_have_text(REFUSED)
    expect(message).to_have_attribute("aria-describedby", "review-body-error")
    expect(message).to_be_focused()
    expect(page.get_by_role("heading", level=2, name="Jonas Weber")).to_be_visible()
    drafts = {f["contact"]["name"]: f for f in _call(page, "GET", "/follow-ups")["items"]}
    assert drafts["Jonas Weber"]["status"] == "draft"
    no_sideways_scroll(page)
    _screenshot(page, artifacts / "promise-link-refused.png")

    message.fill(message.input_value().replace("[link]", REPORT))
    expect(refusal).to_have_count(0)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".review-done-line")).to_have_text(re.compile(r"^Approved: Jonas Weber"))
    jonas_sent = _call(page, "GET", f"/follow-ups/{drafts['Jonas Weber']['id']}")
    assert jonas_sent["status"] in {"scheduled", "sending", "sent"}
    assert re.search(r"the report\b.*: " + re.escape(REPORT), jonas_sent["body"])
    assert "[link]" not in jonas_sent["body"]

    # Sol's LinkedIn message carries the recording; marking it sent keeps that promise.
    expect(page.get_by_role("heading", level=2, name="Sol Reyes")).to_be_visible()
    expect(message).to_have_value(re.compile(re.escape(RECORDING)))
    page.get_by_role("button", name="Mark sent").click()
    expect(page.get_by_role("heading", level=2, name="All done")).to_be_visible()

    page.goto(live_server.url("/promises"))
    page.get_by_label("Show kept promises too").check()
    kept = page.locator(".promise").filter(has_text="Share the recording")
    expect(kept).to_contain_text("sent with your follow-up on")
    expect(kept.get_by_role("link", name=RECORDING)).to_have_attribute("rel", "noopener noreferrer")

    # The promise left open gets its link from the list: checked before it is saved.
    pricing = page.locator(".promise").filter(has_text="Send the pricing sheet")
    pricing.get_by_role("button", name="Add a link to “Send the pricing sheet”").click()
    field = pricing.get_by_label("Link to send")
    field.fill("javascript:alert(document.cookie)")
    pricing.get_by_role("button", name="Save link").click()
    expect(pricing.locator(".field-error")).to_have_text(
        "Only web addresses starting with http:// or https:// work."
    )
    field.fill("example.org/pricing")
    pricing.get_by_role("button", name="Save link").click()
    expect(pricing.get_by_role("link", name="https://example.org/pricing")).to_have_attribute(
        "rel", "noopener noreferrer"
    )
    links = {p["text"]: p["link"] for p in _promises_of(page, sol)}
    assert links == {
        "Share the recording": RECORDING,
        "Send the pricing sheet": "https://example.org/pricing",
    }
    no_sideways_scroll(page)
    _screenshot(page, artifacts / "promise-links-list.png")
