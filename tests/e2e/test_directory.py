"""The opt-in directory on two phones: A adds interests to her card, shares them and turns on
"Show my card to people at this event"; B finds A in the directory and in "People to meet"
with the reason, adds her, and A is told.

The demo's attendees belong to other browser tests, so this test makes its own: a brand-new
organizer (`rapport create-organizer`) creates an event of its own and imports two new
attendees with random addresses."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer
from tests.e2e.door_support import Member, sign_in, wait_for_job

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
EVENT = {
    "name": "Directory Test Conf",
    "venue": "Hall D",
    "timezone": "Europe/Berlin",
    "starts_at": "2030-05-01T09:00:00",
    "ends_at": "2030-05-01T18:00:00",
}
LINK = re.compile(r"https?://[^\s<\"']+/signin/verify#token=[A-Za-z0-9_\-]+")


def _new_organizer(live_server: LiveServer) -> Member:
    """A new account allowed to create events, signed in through the API."""
    email = f"org-{uuid.uuid4().hex[:10]}@directory.example"
    subprocess.run(
        [sys.executable, "-m", "cli.main", "create-organizer", email],
        env=live_server.env,
        cwd=live_server.log.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    member = sign_in(live_server, _link_for(live_server, email))
    return member


def _link_for(live_server: LiveServer, email: str) -> str:
    """Ask for a sign-in link and read it from the development mailbox."""
    import httpx

    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:
        asked = client.post("/api/v1/auth/sign-in", json={"email": email})
        assert asked.status_code == 202, asked.text
        mailbox = client.get("/dev/mailbox").text
    article = next(a for a in mailbox.split("<article>") if f"To {email}" in a)
    found = LINK.search(article)
    assert found, article
    return found.group(0)


def _new_event_with(organizer: Member, people: list[tuple[str, str]]) -> str:
    made = organizer.client.post(
        "/api/v1/events", json=EVENT, headers={"X-CSRF-Token": organizer.csrf}
    )
    assert made.status_code == 201, made.text
    event_id: str = made.json()["id"]
    csv = "name,email,company\n" + "".join(f"{n},{e},Acme\n" for n, e in people)
    imported = organizer.client.post(
        f"/api/v1/events/{event_id}/attendees/import",
        files={"file": ("people.csv", csv.encode(), "text/csv")},
        headers={"X-CSRF-Token": organizer.csrf},
    )
    assert imported.status_code == 202, imported.text
    wait_for_job(organizer.client, imported.json()["id"])
    return event_id


def _interests_on_card(page: Page, interests: list[str], *, share: bool) -> None:
    page.get_by_role("link", name="Me", exact=True).click()
    expect(page.get_by_role("heading", name="My card")).to_be_visible()
    for interest in interests:
        page.get_by_label("New interest").fill(interest)
        page.locator(".inline-add").get_by_role("button", name="Add").click()
    switch = page.get_by_role("switch", name="Share my interests")
    if switch.is_checked() != share:
        switch.click()
    page.get_by_role("button", name="Save my card").click()
    expect(page.get_by_text("Your card is saved.")).to_be_visible()


def test_opt_in_directory_people_to_meet_and_add(
    live_server: LiveServer, browser: Browser, artifacts: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    a_email, a_name = f"ada-{tag}@directory.example", f"Ada Dir{tag}"
    b_email, b_name = f"ben-{tag}@directory.example", f"Ben Dir{tag}"
    organizer = _new_organizer(live_server)
    try:
        event_id = _new_event_with(organizer, [(a_name, a_email), (b_name, b_email)])
    finally:
        organizer.client.close()

    phone_a, phone_b = browser.new_context(**PHONE), browser.new_context(**PHONE)
    try:
        a = sign_in_by_mail(phone_a, live_server, a_email)
        b = sign_in_by_mail(phone_b, live_server, b_email)

        # B looks before anyone is listed: an empty directory that says what to do.
        b.goto(live_server.url(f"/events/{event_id}"))
        b.get_by_role("link", name="Directory", exact=True).click()
        expect(b.get_by_role("heading", level=1, name="Directory")).to_be_visible()
        expect(b.get_by_text("Nobody has chosen to be listed yet.")).to_be_visible()
        expect(
            b.get_by_role("link", name="Add interests to your card to get suggestions")
        ).to_be_visible()

        # A adds interests, shares them, and opts in for this event.
        _interests_on_card(a, ["Batteries", "Hiking", "Jazz"], share=True)
        a.goto(live_server.url(f"/events/{event_id}/directory"))
        switch = a.get_by_role("switch", name="Show my card to people at this event")
        expect(switch).not_to_be_checked()
        switch.click()
        expect(a.get_by_text("Your card is now in this event's directory.")).to_be_visible()
        expect(switch).to_be_checked()
        expect(a.locator(".directory-person").filter(has_text=a_name)).to_contain_text("(you)")

        # B has interests too; B finds A in the directory, by search, and in People to meet.
        _interests_on_card(b, ["hiking", "batteries", "chess"], share=False)
        b.goto(live_server.url(f"/events/{event_id}/directory"))
        suggestion = b.locator("section", has=b.get_by_role("heading", name="People to meet"))
        person = suggestion.locator(".directory-person").filter(has_text=a_name)
        expect(person).to_contain_text("You both listed: hiking, batteries")  # in my words
        listed = b.locator("section", has=b.get_by_role("heading", name="Who is here"))
        b.get_by_role("searchbox").fill("jazz")
        b.get_by_role("button", name="Search").click()
        expect(listed.locator(".directory-person").filter(has_text=a_name)).to_be_visible()
        expect(listed).not_to_contain_text(a_email)  # email is not shared on A's card
        no_sideways_scroll(b)
        b.screenshot(path=artifacts / "directory.png", full_page=True)

        # B adds A from the suggestion: like a badge scan, and A is told.
        person.get_by_role("button", name="Add to my contacts").click()
        expect(listed.get_by_role("link", name="In your contacts")).to_be_visible()
        expect(suggestion.get_by_text("Nobody listed yet shares your interests")).to_be_visible()
        a.goto(live_server.url("/contacts"))
        notice = a.locator(".notification").filter(
            has_text=f"{b_name} added you at Directory Test Conf"
        )
        expect(notice).to_be_visible()

        # A turns it off: B no longer finds A.
        a.goto(live_server.url(f"/events/{event_id}/directory"))
        a.get_by_role("switch", name="Show my card to people at this event").click()
        expect(a.get_by_text("Your card is no longer in this event's directory.")).to_be_visible()
        b.reload()
        expect(b.get_by_text("Nobody has chosen to be listed yet.")).to_be_visible()
    finally:
        phone_a.close()
        phone_b.close()
