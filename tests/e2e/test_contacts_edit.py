"""Contacts on a phone, beyond scanning: a .vcf file with several cards imported through the
file picker (a cut-off file imports nothing and says why; a card I already have is offered as
a merge); a contact edited (name fixed, phone and LinkedIn added) that stays so after a
reload; a value the server refuses shown on its field with everything typed still there; and,
offline, a contact known only from the contact list opened and given a note that syncs when
the phone is back online."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browsing import sign_in_by_mail, wait_for_service_worker
from tests.e2e.conftest import LiveServer
from tests.support import ROOT

pytestmark = pytest.mark.browser

# The one demo attendee these tests use (other browser tests use other attendees).
EMAIL = "attendee17@demo.rapport.example"
VCARDS = Path(ROOT) / "tests" / "fixtures" / "contacts"
# Arnold Smith, Chris Beatle and Doug White:
GMAIL_LIST = VCARDS / "vcard" / "gmail-export-list-3.0.vcf"
IPHONE = VCARDS / "vcard" / "apple-ios-6.1.3-crcrlf-photo.vcf"  # Bob Smith, with a photo
CUT_OFF = VCARDS / "vcard-edge" / "missing-end-truncated-2.1.vcf"


def _open_contacts(page: Page) -> None:
    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()


def _pick_file(page: Page, file: Path) -> None:
    """Choose a file the way a person does: tap the button, pick it in the file chooser."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Import a contact file (.vcf)").click()
    chooser.value.set_files(file)


def _add_by_api(page: Page, body: dict[str, Any]) -> str:
    """Make a contact through the API from the signed-in page (as another device would)."""
    made = page.evaluate(
        """async (body) => {
            const me = await (await fetch('/api/v1/auth/me')).json();
            const answer = await fetch('/api/v1/contacts', {
                method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token},
                body: JSON.stringify(body),
            });
            return await answer.json();
        }""",
        body,
    )
    return str(made["contact"]["id"])


def _contact(page: Page, contact_id: str) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        "async (id) => (await fetch(`/api/v1/contacts/${id}`)).json()", contact_id
    )
    return found


def test_a_vcf_file_with_several_cards_is_imported_through_the_file_picker(
    live_server: LiveServer, context: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(context, live_server, EMAIL)
    _open_contacts(page)
    result = page.locator(".import-file")

    # A cut-off file: nothing is imported, and the reason is said plainly.
    _pick_file(page, CUT_OFF)
    expect(result).to_contain_text("Nothing was imported from “missing-end-truncated-2.1.vcf”")
    expect(result.get_by_role("alert")).to_contain_text("cut off")

    # A Gmail export with three cards: all three are in, each a link, and in the list.
    _pick_file(page, GMAIL_LIST)
    expect(result).to_contain_text("Imported 3 contacts from “gmail-export-list-3.0.vcf”")
    imported = result.get_by_role("list", name="Imported contacts")
    for name in ("Arnold Smith", "Chris Beatle", "Doug White"):
        expect(imported.get_by_role("link", name=name)).to_be_visible()
        expect(page.locator(".contact-list").get_by_text(name)).to_be_visible()
    page.screenshot(path=artifacts / "contacts-import-file.png", full_page=True)

    # An iPhone card with a photo (and a phone number without a country code).
    _pick_file(page, IPHONE)
    expect(result).to_contain_text("Imported 1 contact from “apple-ios-6.1.3-crcrlf-photo.vcf”")
    expect(result).to_contain_text("(650) 555-1212")  # left out, and told why
    expect(page.locator(".contact-list").get_by_text("Bob Smith")).to_be_visible()

    # The same Gmail file again: every card is someone I have; one is merged, one left out.
    _pick_file(page, GMAIL_LIST)
    expect(result).to_contain_text("No new contacts from “gmail-export-list-3.0.vcf”")
    offers = result.locator(".duplicate-offer")
    expect(offers).to_have_count(3)
    offers.first.get_by_role("button", name="Merge into existing").click()
    expect(result.get_by_role("list", name="Contacts filled in")).to_contain_text("Arnold Smith")
    expect(offers).to_have_count(2)
    offers.first.get_by_role("button", name="Cancel").click()
    expect(offers).to_have_count(1)
    expect(page.locator(".contact-list").get_by_text("Arnold Smith")).to_have_count(1)

    # A contact from the file opens like any other.
    page.locator(".contact-list a", has_text="Doug White").click()
    expect(page.get_by_role("heading", level=1, name="Doug White")).to_be_visible()
    expect(page.get_by_role("link", name="dwhite@gmail.com")).to_be_visible()


def test_a_contact_is_edited_and_stays_edited_after_a_reload(
    live_server: LiveServer, context: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(context, live_server, EMAIL)
    contact_id = _add_by_api(page, {"name": "Jon Smiht", "company": "Recyclo"})
    page.goto(live_server.url(f"/contacts/{contact_id}"))
    expect(page.get_by_role("heading", level=1, name="Jon Smiht")).to_be_visible()

    page.get_by_role("link", name="Edit contact").click()
    expect(page.get_by_role("heading", level=1, name="Edit Jon Smiht")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    expect(page.get_by_label("Company", exact=True)).to_have_value("Recyclo")
    page.get_by_label("Name", exact=True).fill("Jon Smith")
    page.get_by_label("Phone", exact=True).fill("+44 20 7946 0018")
    page.get_by_label("LinkedIn", exact=True).fill("linkedin.com/in/jon-smith")
    page.screenshot(path=artifacts / "contacts-edit.png", full_page=True)
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", level=1, name="Jon Smith")).to_be_visible()
    assert page.url == live_server.url(f"/contacts/{contact_id}")
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Jon Smith")).to_be_visible()
    expect(page.get_by_role("link", name="+442079460018")).to_be_visible()
    expect(page.get_by_role("link", name="linkedin.com/in/jon-smith")).to_be_visible()
    expect(page.get_by_text("Recyclo")).to_be_visible()
    saved = _contact(page, contact_id)
    assert (saved["name"], saved["phone"], saved["linkedin_url"], saved["company"]) == (
        "Jon Smith",
        "+442079460018",
        "https://www.linkedin.com/in/jon-smith",
        "Recyclo",
    )

    # The review queue's "add an email" link lands in the email field.
    page.goto(live_server.url(f"/contacts/{contact_id}?edit=1&field=email"))
    expect(page.get_by_label("Email", exact=True)).to_be_focused()


def test_a_refused_value_is_shown_on_its_field_and_nothing_typed_is_lost(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = sign_in_by_mail(context, live_server, EMAIL)
    contact_id = _add_by_api(page, {"name": "Ana Lima"})
    page.goto(live_server.url(f"/contacts/{contact_id}?edit=1"))
    typed = {
        "Name": "Ana Lima-Souza",
        "Title": "Head of Recycling",
        "Phone": "12345",
        "LinkedIn": "linkedin.com/company/recyclo",
        "Website": "https://ana.example.org",
    }
    for label, value in typed.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save changes").click()

    # Both refused fields say why, next to themselves; the first one has the focus.
    phone = page.locator(".field-invalid").filter(has=page.get_by_label("Phone", exact=True))
    expect(phone.locator(".field-error")).to_contain_text("“12345” is not")
    linkedin = page.locator(".field-invalid").filter(has=page.get_by_label("LinkedIn", exact=True))
    expect(linkedin.locator(".field-error")).to_contain_text("linkedin.com/in/your-name")
    expect(page.get_by_label("Phone", exact=True)).to_be_focused()
    for label, value in typed.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    assert _contact(page, contact_id)["name"] == "Ana Lima"  # nothing saved

    page.get_by_label("Phone", exact=True).fill("+351 21 123 4567")
    page.get_by_label("LinkedIn", exact=True).fill("https://www.linkedin.com/in/ana-lima/")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1, name="Ana Lima-Souza")).to_be_visible()
    expect(page.get_by_text("Head of Recycling")).to_be_visible()
    saved = _contact(page, contact_id)
    assert (saved["phone"], saved["website"]) == ("+351211234567", "https://ana.example.org")


def test_offline_a_contact_known_only_from_the_list_opens_and_takes_a_note(
    live_server: LiveServer, context: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(context, live_server, EMAIL)
    wait_for_service_worker(page)
    contact_id = _add_by_api(page, {"name": "Olga Offline", "company": "Nordlicht"})
    _open_contacts(page)  # the list (with Olga) is kept on the phone; her page never opened
    row = page.locator(".contact-list a", has_text="Olga Offline")
    expect(row).to_be_visible()

    context.set_offline(True)
    row.click()
    expect(page.get_by_role("heading", level=1, name="Olga Offline")).to_be_visible()
    expect(page.get_by_text("Nordlicht")).to_be_visible()
    expect(page.locator(".offline-note")).to_contain_text("will load when you are online")
    page.screenshot(path=artifacts / "contacts-offline-from-list.png", full_page=True)
    page.get_by_role("link", name="Add note").click()
    page.wait_for_url(re.compile(rf"/contacts/{contact_id}/note$"))
    text = "Offline at the Nordlicht stand: wants the grid storage report."
    page.locator("#note-text").fill(text)
    expect(page.locator(".save-state")).to_have_text(
        "Saved on this phone — syncs when online", timeout=10_000
    )

    context.set_offline(False)
    expect(page.locator(".sync-status")).to_have_count(0, timeout=20_000)
    assert [n["text"] for n in _contact(page, contact_id)["notes"]] == [text]
    page.goto(live_server.url(f"/contacts/{contact_id}"))
    expect(page.locator(".note-text")).to_have_text(text)
    expect(page.locator(".offline-note")).to_have_count(0)
