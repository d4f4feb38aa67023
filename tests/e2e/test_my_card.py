"""My card on a phone: typing is never lost to a photo, a removed photo or a headline pitch; a
failed upload leaves no stale error once a good one works; the form's own phone example is a
number the server takes; a name of spaces is refused; a badly formed address says "not found"
in plain words; and signing out then in again lands on a real page."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Response, expect

from tests.e2e.browsing import sign_in_by_mail, sign_in_here
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# The one demo attendee (cli/demo.py) this file uses; no other browser test signs it in.
EMAIL = "attendee18@demo.rapport.example"


def _png() -> bytes:
    """A small real PNG: a 48 by 48 teal square."""
    out = io.BytesIO()
    Image.new("RGB", (48, 48), (0, 128, 128)).save(out, format="PNG")
    return out.getvalue()


def _open_my_card(page: Page) -> None:
    page.get_by_role("link", name="Me", exact=True).click()
    expect(page.get_by_role("heading", name="My card")).to_be_visible()


def _no_error_shown(page: Page) -> None:
    expect(page.locator("main .field-error")).to_have_count(0)
    expect(page.locator("main .error-box")).to_have_count(0)


def _typing_survives_photo_and_headline_changes(page: Page) -> None:
    title, company = (
        page.get_by_label("Title", exact=True),
        page.get_by_label("Company", exact=True),
    )
    title.fill("Head of Battery Research")
    company.fill("Volta Labs")
    photo = page.locator("input[type=file]")

    photo.set_input_files({"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image"})
    expect(page.locator(".photo-field .field-error")).to_have_text(
        "The photo must be a JPEG or PNG image."
    )
    photo.set_input_files({"name": "me.png", "mimeType": "image/png", "buffer": _png()})
    expect(page.get_by_role("status").filter(has_text="Photo saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Your photo")).to_be_visible()
    _no_error_shown(page)
    expect(title).to_have_value("Head of Battery Research")
    expect(company).to_have_value("Volta Labs")

    # The form's example phone number is one the server accepts.
    phone = page.get_by_label("Phone", exact=True)
    phone.fill(phone.get_attribute("placeholder") or "")
    page.get_by_role("button", name="Save my card").click()
    expect(page.get_by_role("status").filter(has_text="Your card is saved.")).to_be_visible()
    _no_error_shown(page)
    expect(phone).to_have_value("+4915123456789")

    company.fill("Volta Labs Rotterdam")
    page.get_by_role("button", name="Remove photo").click()
    expect(page.get_by_text("Add a photo")).to_be_visible()
    page.get_by_label("Or use one of my pitches").select_option(label="Coffee queue")
    expect(
        page.get_by_role("status").filter(has_text="Your headline is now that pitch.")
    ).to_be_visible()
    expect(company).to_have_value("Volta Labs Rotterdam")
    page.get_by_role("button", name="Save my card").click()
    expect(page.get_by_role("status").filter(has_text="Your card is saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Head of Battery Research")
    expect(page.get_by_label("Company", exact=True)).to_have_value("Volta Labs Rotterdam")
    expect(page.get_by_label("Headline", exact=True)).to_have_value("Batteries that last.")


def _make_pitch(page: Page, live_server: LiveServer) -> None:
    """A pitch called "Coffee queue" (a title of spaces is refused on the way)."""
    page.goto(live_server.url("/pitches"))
    page.get_by_role("button", name="New pitch").click()
    editor = page.get_by_role("form", name="Pitch: New pitch")
    editor.get_by_label("Title").fill("   ")
    editor.get_by_label("Pitch", exact=True).fill("Batteries that last.")
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator(".field-error")).to_have_text("Give the pitch a title.")
    editor.get_by_label("Title").fill("Coffee queue")
    editor.get_by_role("button", name="Save").click()
    expect(page.get_by_role("form", name="Pitch: Coffee queue")).to_be_visible()


def test_my_card_keeps_typing_and_errors_go_when_fixed(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    page = sign_in_by_mail(phone, live_server, EMAIL)
    _make_pitch(page, live_server)
    _open_my_card(page)
    _typing_survives_photo_and_headline_changes(page)


def test_a_malformed_address_is_not_found_in_plain_words(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    page = sign_in_by_mail(phone, live_server, EMAIL)
    page.goto(live_server.url("/contacts/not-a-uuid"))
    expect(page.get_by_role("heading", name="No such contact")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("No such contact.")
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    page.goto(live_server.url("/events/nope"))
    expect(page.get_by_role("heading", name="Event not found")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("No such event, or you are not part of it.")
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    page.get_by_role("link", name="Back to my events").click()
    expect(page.get_by_role("heading", name="My events")).to_be_visible()

    # Signing out from a page: no request of that page meets a closed session, and signing
    # in again from where sign-out left me lands on my events, not on the sign-in page.
    _open_my_card(page)
    refused: list[str] = []
    page.on("response", lambda r: _note_refused(r, refused))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url == live_server.url("/signin")
    page.wait_for_timeout(500)  # anything the old page still had in flight
    assert refused == []
    sign_in_here(page, live_server, EMAIL)


def _note_refused(response: Response, refused: list[str]) -> None:
    if response.status == 401:
        refused.append(response.url)
