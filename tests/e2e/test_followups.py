"""Following up after an event on a phone: five contacts with notes, drafts prepared on
request, then the review queue one draft at a time ("1 of 5"): edit in place and approve, skip,
snooze, approve with the keyboard, hand a LinkedIn message over and mark it sent, "All done";
nothing goes out that was not approved. Then the list, templates (an unknown placeholder is
refused next to its field, a preview for a real contact) and staying in touch."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# Attendees of `rapport demo` that no other browser test uses (11-18 are kept for follow-ups).
USER_EMAIL = "attendee11@demo.rapport.example"
SMALL = {"width": 360, "height": 640}
NEW_BODY = "Hi Ada,\n\nGreat to talk about heat pumps. The slides are attached.\n\nBest"

# name, email, LinkedIn, note: topic, promise. Ada's promise carries its link, so her draft
# says where the slides are (a draft still saying "[link]" cannot be approved).
CONTACTS: list[tuple[str, str, str, str, str]] = [
    ("Ada Fielding", "ada@example.com", "", "heat pumps", "Send the slides"),
    ("Bram Okafor", "bram@example.com", "", "district heating", ""),
    ("Chiara Lund", "chiara@example.com", "", "solar leasing", "Intro to Mona"),
    ("Dev Marsh", "dev@example.com", "", "grid batteries", ""),
    ("Eun Park", "", "https://www.linkedin.com/in/eun-park-demo", "wind permits", ""),
]

PROMISE_LINKS = {"Send the slides": "https://example.org/heat-pump-slides"}

# Runs in the page: a JSON call to the API as the signed-in user, with the CSRF token.
CALL = """async ([method, path, body]) => {
  const me = await (await fetch('/api/v1/auth/me')).json();
  const response = await fetch('/api/v1' + path, {
    method,
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token},
    body: body === null ? undefined : JSON.stringify(body),
  });
  return {status: response.status, body: response.status === 204 ? null : await response.json()};
}"""


def _call(page: Page, method: str, path: str, body: Any = None) -> Any:
    answer = page.evaluate(CALL, [method, path, body])
    assert answer["status"] < 400, f"{method} {path}: {answer}"
    return answer["body"]


def _arrange_contacts_and_drafts(page: Page) -> str:
    """Five contacts met at the demo event, each with a note; drafts prepared. The event id."""
    event_id = _call(page, "GET", "/events")["items"][0]["id"]
    for name, email, linkedin, topic, promise in CONTACTS:
        contact = _call(
            page,
            "POST",
            "/contacts",
            {
                "name": name,
                "email": email,
                "linkedin_url": linkedin,
                "company": "Demo GmbH",
                "event_id": event_id,
                "on_duplicate": "create",
            },
        )["contact"]
        note = {"text": f"Talked about {topic}.", "topics": [topic]}
        if promise:
            note["promises"] = [{"text": promise, "link": PROMISE_LINKS.get(promise)}]
        if linkedin:
            note["preferred_channel"] = "linkedin"
        _call(page, "POST", f"/contacts/{contact['id']}/notes", note)
    _call(page, "POST", "/follow-ups/drafts", {"event_id": event_id})
    return event_id


def _follow_ups(page: Page) -> dict[str, dict[str, Any]]:
    """Every follow-up of mine, by contact name."""
    items = _call(page, "GET", "/follow-ups?limit=100")["items"]
    return {f["contact"]["name"]: f for f in items}


def _screenshot(page: Page, path: Path) -> None:
    """The whole page, the navigation at its end, without the passing toasts."""
    page.screenshot(
        path=path, full_page=True, style=".app-nav { position: static; } .toasts { display: none; }"
    )


def _review_shows(page: Page, position: int, name: str) -> None:
    expect(page.locator(".review-count")).to_have_text(f"{position} of {len(CONTACTS)}")
    expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()


def test_review_queue_edit_approve_skip_snooze_and_nothing_unapproved_is_sent(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.base_url)
    page = sign_in_by_mail(phone, live_server, USER_EMAIL)
    _arrange_contacts_and_drafts(page)
    drafts = _follow_ups(page)
    assert {f["status"] for f in drafts.values()} == {"draft"}
    assert drafts["Eun Park"]["channel"] == "linkedin"

    page.get_by_role("link", name="Follow up", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Review follow-ups")).to_be_visible()
    _review_shows(page, 1, "Ada Fielding")
    expect(page.get_by_text("met at Rapport Demo Conference")).to_be_visible()
    expect(page.get_by_label("Channel", exact=True)).to_have_value("email")
    no_sideways_scroll(page)
    _screenshot(page, artifacts / "followups-review.png")

    # 1: edit the body in place (saved on blur), then approve.
    page.get_by_label("Message", exact=True).fill(NEW_BODY)
    page.get_by_label("Subject", exact=True).focus()  # the body loses focus: saved at once
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert _follow_ups(page)["Ada Fielding"]["body"] == NEW_BODY
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".review-done-line")).to_contain_text("Approved: Ada Fielding")
    _review_shows(page, 2, "Bram Okafor")
    ada = _follow_ups(page)["Ada Fielding"]
    # The in-process worker may already have sent it: approval is what let it go.
    assert ada["status"] in {"scheduled", "sending", "sent"} and ada["send_at"]
    assert ada["body"] == NEW_BODY

    # 2: skip.
    page.get_by_role("button", name="Skip", exact=True).click()
    _review_shows(page, 3, "Chiara Lund")
    assert _follow_ups(page)["Bram Okafor"]["status"] == "skipped"

    # 3: snooze: it stays a draft but leaves the queue for now.
    page.get_by_role("button", name="Snooze", exact=True).click()
    _review_shows(page, 4, "Dev Marsh")
    chiara = _follow_ups(page)["Chiara Lund"]
    assert chiara["status"] == "draft" and chiara["snoozed_until"]
    review = _call(page, "GET", "/follow-ups/review")
    assert review["item"]["contact"]["name"] == "Dev Marsh" and review["snoozed"] == 1

    # 4: approve with the keyboard shortcut (the help line says which key).
    expect(page.locator(".review-help")).to_contain_text("approve")
    page.get_by_role("heading", level=1).focus()
    page.keyboard.press("a")
    expect(page.locator(".review-done-line")).to_contain_text("Approved: Dev Marsh")
    _review_shows(page, 5, "Eun Park")
    assert _follow_ups(page)["Dev Marsh"]["status"] in {"scheduled", "sending", "sent"}

    # 5: LinkedIn: copy the text, open the profile, mark sent (no Approve for a manual channel).
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Copy text").click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == _follow_ups(page)["Eun Park"]["body"]
    profile = page.get_by_role("link", name="Open profile")
    expect(profile).to_have_attribute("href", CONTACTS[4][2])
    expect(profile).to_have_attribute("rel", "noopener noreferrer")
    page.get_by_role("button", name="Mark sent").click()

    expect(page.get_by_role("heading", level=2, name="All done")).to_be_visible()
    expect(page.get_by_text("1 snoozed draft comes back later.")).to_be_visible()
    _screenshot(page, artifacts / "followups-all-done.png")

    # Nothing left without approval: every follow-up that is on its way or out went through
    # "approved"; the skipped and snoozed ones never did.
    final = _follow_ups(page)
    assert final["Eun Park"]["status"] == "sent"
    assert final["Bram Okafor"]["status"] == "skipped" and final["Bram Okafor"]["sent_at"] is None
    assert final["Chiara Lund"]["status"] == "draft" and final["Chiara Lund"]["sent_at"] is None
    for name, item in final.items():
        states = [t["to_status"] for t in _call(page, "GET", f"/follow-ups/{item['id']}/history")]
        went_out = {"scheduled", "sending", "sent"} & set(states)
        if name in {"Bram Okafor", "Chiara Lund"}:
            assert not went_out and "approved" not in states, (name, states)
        else:
            assert "approved" in states, (name, states)
            assert states.index("approved") < min(states.index(s) for s in went_out), states

    # The list: by state, with times; the skipped one shows under Skipped.
    page.get_by_role("link", name="See all follow-ups").click()
    expect(page.get_by_role("heading", level=1, name="Follow-ups")).to_be_visible()
    expect(page.locator(".fu-row").filter(has_text="Chiara Lund")).to_contain_text("Snoozed until")
    page.get_by_role("button", name="Skipped", exact=True).click()
    expect(page.locator(".fu-row").filter(has_text="Bram Okafor")).to_contain_text("Skipped")
    page.get_by_role("button", name="Sent", exact=True).click()
    expect(page.locator(".fu-row").filter(has_text="Eun Park")).to_contain_text("Sent")
    page.get_by_role("button", name="Prepare drafts").click()
    expect(page.locator(".fu-result")).to_contain_text("No new drafts", timeout=15_000)
    page.set_viewport_size(SMALL)
    no_sideways_scroll(page)
    _screenshot(page, artifacts / "followups-list.png")

    # Templates: an unknown placeholder is refused next to its field; chips insert known ones;
    # the preview uses a real contact.
    page.get_by_role("link", name="Templates").click()
    expect(page.get_by_role("heading", level=1, name="Templates")).to_be_visible()
    page.locator(".tpl-row").first.get_by_role("button", name=re.compile("^Edit")).click()
    body = page.locator("#tpl-body")
    body.fill("Hi {{ nickname }},\n\nGood to meet you at ")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator(".field-invalid .field-error")).to_contain_text("nickname")
    body.fill("Hi {{ first_name }},\n\nGood to meet you at ")
    body.press("End")
    page.get_by_role("button", name=re.compile(r"^Insert event\b")).click()
    expect(body).to_have_value("Hi {{ first_name }},\n\nGood to meet you at {{ event }}")
    page.get_by_label("For", exact=True).select_option(label="Ada Fielding")
    page.get_by_role("button", name="Show preview").click()
    expect(page.locator(".rendered-body")).to_contain_text("Hi Ada,")
    expect(page.locator(".rendered-body")).to_contain_text(
        "Good to meet you at Rapport Demo Conference"
    )
    no_sideways_scroll(page)
    _screenshot(page, artifacts / "followups-templates.png")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status").filter(has_text="Template saved.")).to_be_visible()

    # Staying in touch: a cadence, "we talked", the calendar link, the digest.
    page.goto(live_server.url("/reminders"))
    expect(page.get_by_role("heading", level=1, name="Staying in touch")).to_be_visible()
    page.get_by_label("With", exact=True).select_option(label="Bram Okafor")
    page.get_by_label("Keep in touch every").select_option(label="Custom…")
    page.get_by_label("Days", exact=True).fill("1")
    page.get_by_role("button", name="Set", exact=True).click()
    expect(page.locator(".cadence-list")).to_contain_text("Bram Okafor: every 1 days")
    page.get_by_role("button", name="Make a calendar link").click()
    expect(page.get_by_label("Your calendar link")).to_have_value(re.compile(r"\.ics$"))
    page.get_by_label("Email me a daily digest when something is due").check()
    expect(page.get_by_role("status").filter(has_text="daily digest")).to_be_visible()
    assert _call(page, "GET", "/follow-up-settings")["daily_digest"] is True
    no_sideways_scroll(page)
    _screenshot(page, artifacts / "followups-reminders.png")


def _swipe(page: Page, selector: str, dx: int) -> None:
    """A finger drag across the element (real touch events through the DevTools protocol)."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2 - dx / 2, box["y"] + 30
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        point = {"x": x + dx * step / 10, "y": y}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_swipes_and_keys_move_through_the_queue_and_the_contact_page_sets_a_cadence(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(phone, live_server, "attendee12@demo.rapport.example")
    _arrange_contacts_and_drafts(page)
    page.goto(live_server.url("/follow-ups/review"))
    _review_shows(page, 1, "Ada Fielding")
    page.set_viewport_size(SMALL)
    no_sideways_scroll(page)
    _screenshot(page, artifacts / "followups-review-small.png")

    # J and K browse without acting; the count follows.
    page.get_by_role("heading", level=1).focus()
    page.keyboard.press("j")
    _review_shows(page, 2, "Bram Okafor")
    page.keyboard.press("k")
    _review_shows(page, 1, "Ada Fielding")
    # Letters typed into the message stay text, not shortcuts.
    page.get_by_label("Message", exact=True).press("End")
    page.keyboard.type(" sa")
    expect(page.get_by_label("Message", exact=True)).to_have_value(re.compile(r" sa$"))
    assert _follow_ups(page)["Ada Fielding"]["status"] == "draft"

    # Swipe right approves, swipe left skips (starting on the card's header, not a field).
    _swipe(page, ".review-who", 220)
    expect(page.locator(".review-done-line")).to_contain_text("Approved: Ada Fielding")
    _review_shows(page, 2, "Bram Okafor")
    _swipe(page, ".review-who", -220)
    _review_shows(page, 3, "Chiara Lund")
    now = _follow_ups(page)
    assert now["Ada Fielding"]["status"] in {"scheduled", "sending", "sent"}
    assert now["Ada Fielding"]["body"].endswith(" sa"), "the edit is saved before approving"
    assert now["Bram Okafor"]["status"] == "skipped"

    # The contact page: keep in touch every month.
    page.goto(live_server.url(f"/contacts/{now['Chiara Lund']['contact']['id']}"))
    section = page.get_by_role("region", name="Keep in touch")
    section.get_by_label("Keep in touch every").select_option(label="1 month")
    section.get_by_role("button", name="Set", exact=True).click()
    expect(section.get_by_text("Next check-in due")).to_be_visible()
    assert not re.search(r"\d{4}-\d{2}-\d{2}", section.inner_text()), "dates read as words"
    cadences = _call(page, "GET", "/keep-in-touch")
    assert [(c["contact_name"], c["every_days"]) for c in cadences] == [("Chiara Lund", 30)]

    # Email chosen for someone with no address: the error leads to where it is fixed.
    page.goto(live_server.url("/follow-ups/review"))
    heading = page.get_by_role("heading", level=2)
    for _ in range(len(CONTACTS)):
        if heading.inner_text() == "Eun Park":
            break
        page.get_by_role("heading", level=1).focus()
        page.keyboard.press("j")
        page.wait_for_timeout(100)
    expect(heading).to_have_text("Eun Park")
    page.get_by_label("Channel").select_option(label="Email")
    expect(page.get_by_text("no address: change the channel")).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("There is no valid email address for Eun Park")
    alert.get_by_role("link", name="Add an email address for Eun Park").click()
    email = page.get_by_label("Email")
    expect(email).to_be_focused()
    email.fill("eun@example.com")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)  # saved, closed
    eun = _follow_ups(page)["Eun Park"]["contact"]
    assert _call(page, "GET", f"/contacts/{eun['id']}")["email"] == "eun@example.com"


def _hold_timers(page: Page) -> None:
    """From now on the page's timers (and so its effects) wait for clock.run_for."""
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)


def test_a_pick_or_typing_made_before_the_page_catches_up_is_kept(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    """A slow phone: the page's timers are held while the user acts, so anything the page would
    do "after the next paint" comes only after the user's pick or typing, and must not undo it."""
    page = sign_in_by_mail(phone, live_server, "attendee16@demo.rapport.example")
    _arrange_contacts_and_drafts(page)

    page.goto(live_server.url("/reminders"))
    expect(page.get_by_label("With", exact=True)).to_have_value(re.compile("."))
    page.clock.install()
    _hold_timers(page)
    page.get_by_label("With", exact=True).select_option(label="Bram Okafor")
    page.get_by_label("Keep in touch every").select_option(label="Custom…")
    page.clock.run_for(1000)
    page.get_by_label("Days", exact=True).fill("5")
    page.clock.resume()
    page.get_by_role("button", name="Set", exact=True).click()
    expect(page.locator(".cadence-list")).to_contain_text("Bram Okafor: every 5 days")

    page.goto(live_server.url("/follow-ups/review"))
    _review_shows(page, 1, "Ada Fielding")
    _hold_timers(page)
    page.get_by_role("heading", level=1).focus()
    page.keyboard.press("j")
    _review_shows(page, 2, "Bram Okafor")
    message = page.get_by_label("Message", exact=True)
    message.fill("Hi Bram, typed at once.")
    page.clock.run_for(1000)
    expect(message).to_have_value("Hi Bram, typed at once.")
    page.clock.resume()
    message.blur()
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert _follow_ups(page)["Bram Okafor"]["body"] == "Hi Bram, typed at once."
