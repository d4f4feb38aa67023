"""Networking with purpose on two phones (390 by 844): Jonas (attendee5) puts "company: Nordlicht
GmbH" on his look-for list for the demo event; Kenji (attendee7, of Nordlicht GmbH) writes
what he is looking for on his card, shares it, and lists himself in the directory; Jonas sees
Kenji in People to meet "You are looking for: Nordlicht GmbH", adds him, and the entry shows
as found. And Léa (attendee6) loses nothing she typed when saving fails.

These demo attendees are used by no other browser test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
JONAS = "attendee5@demo.rapport.example"  # Jonas Müller, Kite & Key Ltd
LEA = "attendee6@demo.rapport.example"  # Léa Nakamura, Acme, Inc.
KENJI = "attendee7@demo.rapport.example"  # Kenji Rossi, Nordlicht GmbH
EVENT = "Rapport Demo Conference"
GOALS = "Pilot customers for heat-pump retrofits in Lyon"


def _open_event(page: Page) -> None:
    """From My events to the demo event's page, as an attendee gets there."""
    card = page.locator(".card").filter(has_text=EVENT)
    card.get_by_role("link", name="Event page").click()
    expect(page.get_by_role("heading", level=1, name=EVENT)).to_be_visible()


def _open_look_for(page: Page) -> None:
    _open_event(page)
    page.get_by_role("link", name="Who I'm looking for").click()
    expect(page.get_by_role("heading", level=1, name="Who I'm looking for")).to_be_visible()


def _entry(page: Page, text: str) -> Locator:
    return page.locator(".look-for").filter(has=page.locator(".look-for-text", has_text=text))


def test_look_for_a_company_meet_them_and_find_them(
    live_server: LiveServer, browser: Browser, artifacts: Path
) -> None:
    phone_jonas, phone_kenji = browser.new_context(**PHONE), browser.new_context(**PHONE)
    try:
        jonas = sign_in_by_mail(phone_jonas, live_server, JONAS)
        kenji = sign_in_by_mail(phone_kenji, live_server, KENJI)

        # Jonas: company "Nordlicht GmbH", for this event only.
        _open_look_for(jonas)
        expect(jonas.get_by_text("Nothing on your list yet")).to_be_visible()
        jonas.get_by_role("button", name="Company", exact=True).click()
        jonas.get_by_label("Who or what").fill("Nordlicht GmbH")
        expect(jonas.get_by_role("checkbox", name=f"Only for {EVENT}")).to_be_checked()
        jonas.get_by_role("button", name="Add to my list").click()
        entry = _entry(jonas, "Nordlicht GmbH")
        expect(entry).to_contain_text("Company")
        expect(jonas.get_by_label("Who or what")).to_have_value("")
        expect(entry.locator(".look-for-found")).to_have_count(0)

        # Kenji: what he is looking for, shared, and his card in the directory.
        kenji.get_by_role("link", name="Me", exact=True).click()
        expect(kenji.get_by_role("heading", name="My card")).to_be_visible()
        kenji.get_by_label("What I'm looking for").fill(GOALS)
        share = kenji.get_by_role("switch", name="Share my goals")
        expect(share).not_to_be_checked()  # private unless chosen
        share.click()
        kenji.get_by_role("button", name="Save my card").click()
        expect(kenji.get_by_text("Your card is saved.")).to_be_visible()
        kenji.goto(live_server.url("/"))
        _open_event(kenji)
        kenji.get_by_role("link", name="Directory", exact=True).click()
        listed = kenji.get_by_role("switch", name="Show my card to people at this event")
        listed.click()
        expect(kenji.get_by_text("Your card is now in this event's directory.")).to_be_visible()

        # Jonas: Kenji in People to meet, with the reason and his goals; he adds him.
        jonas.get_by_role("link", name="See who is here").click()
        expect(jonas.get_by_role("heading", level=1, name="Directory")).to_be_visible()
        meet = jonas.locator("section", has=jonas.get_by_role("heading", name="People to meet"))
        kenji_there = meet.locator(".directory-person").filter(has_text="Kenji Rossi")
        expect(kenji_there).to_contain_text("You are looking for: Nordlicht GmbH")
        expect(kenji_there).to_contain_text(f"Looking for: {GOALS}")
        no_sideways_scroll(jonas)
        jonas.screenshot(path=artifacts / "look-for-people-to-meet.png", full_page=True)
        kenji_there.get_by_role("button", name="Add to my contacts").click()
        here = jonas.locator("section", has=jonas.get_by_role("heading", name="Who is here"))
        kenji_here = here.locator(".directory-person").filter(has_text="Kenji Rossi")
        expect(kenji_here.get_by_role("link", name="In your contacts")).to_be_visible()
        expect(meet.locator(".directory-person")).to_have_count(0)  # a contact now

        # The entry is found; the contact made from Kenji's card holds his goals.
        meet.get_by_role("link", name="your look-for list").click()
        expect(jonas.get_by_role("heading", level=1, name="Who I'm looking for")).to_be_visible()
        expect(entry.locator(".look-for-found")).to_have_text("Found: Kenji Rossi")
        no_sideways_scroll(jonas)
        jonas.screenshot(path=artifacts / "look-for-found.png", full_page=True)
        entry.get_by_role("link", name="Kenji Rossi").click()
        jonas.wait_for_url(re.compile(r"/contacts/[0-9a-f-]+$"))
        expect(jonas.get_by_role("heading", level=1, name="Kenji Rossi")).to_be_visible()
        expect(jonas.locator(".person-goals")).to_have_text(f"Looking for: {GOALS}")
    finally:
        phone_jonas.close()
        phone_kenji.close()


def test_what_was_typed_stays_when_saving_fails(
    live_server: LiveServer, context: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(context, live_server, LEA)
    page.set_viewport_size({"width": 360, "height": 640})
    _open_look_for(page)
    page.get_by_role("button", name="Topic", exact=True).click()
    page.get_by_label("Who or what").fill("Battery recycling")

    context.set_offline(True)
    page.get_by_role("button", name="Add to my list").click()
    expect(page.locator("form .error-box")).to_contain_text("Could not reach Rapport")
    expect(page.get_by_label("Who or what")).to_have_value("Battery recycling")
    expect(page.get_by_role("button", name="Topic", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    context.set_offline(False)
    page.get_by_role("button", name="Add to my list").click()
    expect(_entry(page, "Battery recycling")).to_contain_text("Topic")
    expect(page.get_by_label("Who or what")).to_have_value("")

    # The same again, in other letters, is refused next to the field and kept for a fix.
    page.get_by_role("button", name="Topic", exact=True).click()
    page.get_by_label("Who or what").fill("battery RECYCLING")
    page.get_by_role("button", name="Add to my list").click()
    expect(page.locator(".field-error")).to_have_text("Already on your list.")
    expect(page.get_by_label("Who or what")).to_have_value("battery RECYCLING")
    expect(page.locator(".look-for")).to_have_count(1)
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "look-for-360.png", full_page=True)

    # Ticked off by hand, and taken off the list.
    entry = _entry(page, "Battery recycling")
    entry.get_by_role("checkbox", name="Done: Battery recycling").check()
    expect(entry).to_have_class(re.compile(r"look-for-done"))
    page.once("dialog", lambda dialog: dialog.accept())
    entry.get_by_role("button", name="Delete Battery recycling").click()
    expect(page.get_by_text("Nothing on your list yet")).to_be_visible()
