"""Meeting people on two phones: A scans B's badge with the in-app scanner (Chromium's fake
camera plays a video of B's badge QR), writes a note that saves as it is typed, B sees "A
added you" and shares back, each sees the other's shared card (and nothing private), and A
finds B again by a word from the note."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import CHROMIUM_ARGS, LiveServer
from tests.e2e.fake_camera import qr_camera_file
from tests.support import chromium_path

pytestmark = pytest.mark.browser

# Attendees of `rapport demo` (cli/demo.py) that no other browser test uses.
# (test_door.py uses 1, 21-24, 27 and 29.)
A_EMAIL, A_NAME = "attendee25@demo.rapport.example", "Jonas Rossi"
B_EMAIL, B_NAME = "attendee26@demo.rapport.example", "Léa Kowalski"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SMALL = {"width": 360, "height": 640}
NOTE = "Talked about battery recycling in Rotterdam; she runs a pilot plant."


@pytest.fixture
def camera_browser(browser: Browser, tmp_path: Path) -> Iterator[tuple[Browser, Path]]:
    """A second Chromium whose camera shows whatever video the test writes to the file."""
    video = tmp_path / "camera.mjpeg"
    qr_camera_file(video, "placeholder")  # replaced before the scanner opens the camera
    launched = browser.browser_type.launch(
        executable_path=chromium_path(),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        yield launched, video
    finally:
        launched.close()


def _fill_card(page: Page, *, headline: str, phone: str, share_email: bool) -> None:
    """On /me: a headline (shared by default), a private phone number, email shared or not."""
    page.get_by_role("link", name="Me", exact=True).click()
    expect(page.get_by_role("heading", name="My card")).to_be_visible()
    page.get_by_label("Headline", exact=True).fill(headline)
    page.get_by_label("Phone", exact=True).fill(phone)
    email_switch = page.get_by_role("switch", name="Share my email")
    if email_switch.is_checked() != share_email:
        email_switch.click()
    expect(page.get_by_role("switch", name="Share my phone")).not_to_be_checked()
    page.get_by_role("button", name="Save my card").click()
    expect(page.get_by_text("Your card is saved.")).to_be_visible()


def _screenshot(page: Page, path: Path) -> None:
    """The whole page, with the bottom navigation where it ends up after scrolling down."""
    page.screenshot(path=path, full_page=True, style=".app-nav { position: static; }")


def test_two_phones_exchange_cards_take_a_note_and_find_it_again(
    live_server: LiveServer, camera_browser: tuple[Browser, Path], artifacts: Path
) -> None:
    chromium, video = camera_browser
    phone_a = chromium.new_context(**PHONE, permissions=["camera"])
    phone_b = chromium.new_context(**PHONE)
    try:
        a = sign_in_by_mail(phone_a, live_server, A_EMAIL)
        b = sign_in_by_mail(phone_b, live_server, B_EMAIL)

        # Each fills in a card; a bad website is refused next to its field.
        _fill_card(
            a, headline="Battery chemist at Acme", phone="+49 151 23456789", share_email=False
        )
        b.get_by_role("link", name="Me", exact=True).click()
        b.get_by_label("Website", exact=True).fill("ftp://files.example.com")
        b.get_by_role("button", name="Save my card").click()
        expect(b.locator(".card-field.field-invalid .field-error")).to_contain_text("http")
        b.get_by_label("Website", exact=True).fill("")
        _fill_card(
            b, headline="Grid storage at Nordlicht", phone="+49 151 76543210", share_email=True
        )
        _screenshot(b, artifacts / "people-my-card.png")

        # B's badge URL goes into A's fake camera; A scans it in the app.
        event_id = b.evaluate(
            "async () => (await (await fetch('/api/v1/events')).json()).items[0].id"
        )
        badge = b.evaluate(
            "async (id) => (await fetch(`/api/v1/events/${id}/badge`)).json()", event_id
        )
        qr_camera_file(video, badge["url"])
        a.get_by_role("link", name="Scan", exact=True).click()
        expect(a.get_by_role("heading", name="Scan")).to_be_visible()
        a.wait_for_url(re.compile(r"/b/[A-Za-z0-9_-]+$"), timeout=20_000)
        assert a.url == badge["url"]
        expect(a.get_by_role("heading", level=1, name=B_NAME)).to_be_visible()
        expect(a.get_by_role("status").filter(has_text="Added to your contacts")).to_be_visible()
        expect(a.get_by_text("Grid storage at Nordlicht")).to_be_visible()
        expect(a.get_by_role("link", name=B_EMAIL)).to_be_visible()
        expect(a.get_by_text("+4915176543210")).to_have_count(0)
        a.screenshot(path=artifacts / "people-exchange.png")

        # Quick capture: the text box has focus at once; the note saves as it is typed.
        a.get_by_role("link", name="Write a note").click()
        a.wait_for_url(re.compile(r"/contacts/[0-9a-f-]{36}/note$"))
        contact_id = a.url.rsplit("/", 2)[-2]
        expect(a.get_by_role("heading", name=f"Note on {B_NAME}")).to_be_visible()
        expect(a.get_by_label("What did you talk about?")).to_be_focused()
        a.keyboard.type(NOTE)
        expect(a.locator(".save-state")).to_have_text("Saved", timeout=10_000)
        a.get_by_placeholder("Add a topic").fill("recycling")
        a.get_by_role("button", name="Add", exact=True).click()
        expect(a.get_by_role("button", name="recycling", pressed=True)).to_be_visible()
        a.get_by_role("button", name="Hot").click()
        a.get_by_role("button", name="Add a promise").click()
        a.get_by_label("I promised to…").fill("Send the pilot plant report")
        a.get_by_label("By").fill("2030-01-15")
        expect(a.locator(".save-state")).to_have_text("Saved", timeout=10_000)
        a.set_viewport_size(SMALL)
        no_sideways_scroll(a)
        _screenshot(a, artifacts / "people-quick-capture.png")
        a.set_viewport_size(PHONE["viewport"])
        saved = a.evaluate(
            "async (id) => (await fetch(`/api/v1/contacts/${id}/notes`)).json()", contact_id
        )
        assert len(saved) == 1, "typing must update one note, not create several"
        assert saved[0]["text"] == NOTE
        assert saved[0]["topics"] == ["recycling"] and saved[0]["warmth"] == "hot"
        assert [p["text"] for p in saved[0]["promises"]] == ["Send the pilot plant report"]

        # B is told, and shares back: B now holds A's shared card, without A's private fields.
        b.reload()
        b.get_by_role("link", name=re.compile(r"^Contacts\s*1 new$")).click()
        notice = b.locator(".notification").filter(has_text=f"{A_NAME} added you at")
        expect(notice).to_be_visible()
        notice.get_by_role("button", name="Share back").click()
        expect(b.get_by_text(f"{A_NAME} is in your contacts now.")).to_be_visible()
        expect(notice).to_have_count(0)
        b.locator(".contact-row").filter(has_text=A_NAME).click()
        expect(b.get_by_role("heading", level=1, name=A_NAME)).to_be_visible()
        expect(b.get_by_text("Battery chemist at Acme")).to_be_visible()
        expect(b.get_by_text("+4915123456789")).to_have_count(0)
        expect(b.get_by_text(A_EMAIL)).to_have_count(0)
        expect(b.get_by_text("Your note")).to_have_count(0)

        # A finds B by a word from the note, and sees why B matched.
        a.get_by_role("link", name="Contacts", exact=True).click()
        expect(a.locator(".contact-row").filter(has_text=B_NAME)).to_be_visible()
        a.get_by_role("searchbox").fill("who talked about battery recycling?")
        a.get_by_role("button", name="Search").click()
        hit = a.locator(".search-hit").filter(has_text=B_NAME)
        expect(hit).to_be_visible()
        expect(hit).to_contain_text("Your note:")
        expect(hit.locator("mark").first).to_have_text(re.compile("battery", re.I))
        a.set_viewport_size(SMALL)
        no_sideways_scroll(a)
        _screenshot(a, artifacts / "people-contacts.png")

        hit.get_by_role("link", name=B_NAME).click()
        expect(a.get_by_role("heading", level=1, name=B_NAME)).to_be_visible()
        expect(a.get_by_text(NOTE)).to_be_visible()
        expect(a.get_by_text("Send the pilot plant report")).to_be_visible()
        expect(a.get_by_text("Met at Rapport Demo Conference", exact=False)).to_be_visible()
        no_sideways_scroll(a)
        _screenshot(a, artifacts / "people-contact.png")

        # Editing the note later changes that note (PATCH on its version), no second note.
        a.get_by_role("link", name="Edit note").click()
        expect(a.get_by_label("What did you talk about?")).to_have_value(NOTE)
        a.get_by_label("What did you talk about?").press("End")
        a.keyboard.type(" Call in May.")
        expect(a.locator(".save-state")).to_have_text("Saved", timeout=10_000)
        a.get_by_role("button", name="Done").click()
        expect(a.get_by_text(NOTE + " Call in May.")).to_be_visible()
        saved = a.evaluate(
            "async (id) => (await fetch(`/api/v1/contacts/${id}/notes`)).json()", contact_id
        )
        assert [n["text"] for n in saved] == [NOTE + " Call in May."]
        assert saved[0]["version"] > 1

        # Promises across contacts: tick it done.
        a.get_by_role("link", name="Promises", exact=True).click()
        promise = a.get_by_role("checkbox", name=re.compile("Send the pilot plant report"))
        promise.check()
        expect(a.get_by_text("Marked done.")).to_be_visible()
        expect(a.get_by_text("Nothing open.", exact=False)).to_be_visible()
    finally:
        phone_a.close()
        phone_b.close()


def test_badge_link_without_a_session_signs_in_and_comes_back(
    live_server: LiveServer, browser: Browser
) -> None:
    owner = browser.new_context(**PHONE)
    visitor = browser.new_context(**PHONE)
    try:
        page = sign_in_by_mail(owner, live_server, "attendee19@demo.rapport.example")
        event_id = page.evaluate(
            "async () => (await (await fetch('/api/v1/events')).json()).items[0].id"
        )
        badge = page.evaluate(
            "async (id) => (await fetch(`/api/v1/events/${id}/badge`)).json()", event_id
        )

        # The phone's own camera app opens the badge URL in a browser that is not signed in.
        scanned = visitor.new_page()
        scanned.goto(badge["url"])
        scanned.get_by_role("link", name="Sign in to connect").click()
        token = badge["url"].rsplit("/", 1)[-1]
        assert scanned.url == live_server.url(f"/signin?next=%2Fb%2F{token}")
        email = "attendee20@demo.rapport.example"
        scanned.get_by_label("Email").fill(email)
        scanned.get_by_role("button", name="Email me a sign-in link").click()
        expect(scanned.get_by_role("heading", name="Check your mail")).to_be_visible()
        scanned.goto(live_server.url("/dev/mailbox"))
        mail = scanned.locator("article").filter(has_text=f"To {email}").first
        mail.locator("a[href*='/signin/verify#token=']").first.click()

        scanned.wait_for_url(badge["url"])
        expect(scanned.get_by_role("heading", level=1, name=badge["name"])).to_be_visible()
        expect(scanned.get_by_text("Added to your contacts")).to_be_visible()
        scanned.reload()  # the same badge again: no second contact
        expect(scanned.get_by_text(f"You already have {badge['name']}")).to_be_visible()
    finally:
        owner.close()
        visitor.close()


def test_pitch_shows_speaking_time_live_practises_and_becomes_the_headline(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(phone, live_server, "attendee28@demo.rapport.example")
    page.goto(live_server.url("/pitches"))
    page.get_by_role("button", name="New pitch").click()
    pitch = page.locator("form.pitch").first
    expect(pitch).to_have_accessible_name("Pitch: New pitch")
    pitch.get_by_label("Title").fill("Coffee queue")
    pitch.get_by_role("button", name="30 s").click()
    # 130 words per minute by default: 65 words take 30 s, 20 words are 21 s short.
    pitch.get_by_label("Pitch", exact=True).fill(" ".join(["word"] * 20))
    expect(pitch.locator(".timing")).to_contain_text("20 words")
    expect(pitch.locator(".timing")).to_contain_text("21 s short")
    pitch.get_by_label("Pitch", exact=True).fill(" ".join(["word"] * 65))
    expect(pitch.locator(".timing")).to_contain_text("On target")
    pitch.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Pitch saved.")).to_be_visible()
    _screenshot(page, artifacts / "people-pitches.png")

    page.get_by_role("button", name="Use as my card headline").click()
    expect(pitch.get_by_text("Your card's headline", exact=True)).to_be_visible()
    page.get_by_role("link", name="Practice").click()
    expect(page.get_by_role("heading", name="Coffee queue")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("timer")).to_contain_text("0:01", timeout=5_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_role("timer")).to_contain_text("0:00")

    page.get_by_role("link", name="Me", exact=True).click()
    expect(page.get_by_label("Headline", exact=True)).to_have_value(" ".join(["word"] * 65))


def _open_scanner(page: Page) -> None:
    """Open Scan and wait until the scanner has settled: this Chromium has no camera, and the
    message saying so moves the code field down, so a tap on Go made as it appears can miss."""
    page.get_by_role("link", name="Scan", exact=True).click()
    expect(page.locator(".scanner-problem")).to_contain_text("camera")


def test_typed_and_scanned_contacts_offer_a_merge_and_odd_codes_are_named(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    page = sign_in_by_mail(phone, live_server, "attendee30@demo.rapport.example")
    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_text("Add a contact by name").click()
    page.get_by_label("Name", exact=True).fill("Jane Doe")
    page.get_by_label("Email (optional)").fill("jane@example.com")
    page.get_by_role("button", name="Add contact").click()
    page.wait_for_url(re.compile(r"/contacts/[0-9a-f-]{36}/note$"))
    jane = page.url.rsplit("/", 2)[-2]

    # A MECARD with the same email, typed into the scanner's code field: preview, then merge.
    _open_scanner(page)
    page.get_by_label("Badge link, contact card text or LinkedIn link").fill(
        "MECARD:N:Doe,Jane;ORG:Acme;EMAIL:jane@example.com;;"
    )
    page.get_by_role("button", name="Go").click()
    preview = page.locator(".import-preview")
    expect(preview).to_contain_text("Jane Doe")
    expect(preview).to_contain_text("Acme")
    preview.get_by_role("button", name="Save contact").click()
    expect(preview.get_by_text("You may already have this person.")).to_be_visible()
    _screenshot(page, artifacts / "people-scan-merge.png")
    preview.get_by_role("button", name="Merge into existing").click()
    page.wait_for_url(live_server.url(f"/contacts/{jane}/note"))

    # Something that is no contact at all is named plainly; a LinkedIn profile is a new contact.
    _open_scanner(page)
    page.get_by_label("Badge link, contact card text or LinkedIn link").fill(
        "WIFI:S:hall-b;T:WPA;P:secret;;"
    )
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Not a person's code")).to_be_visible()
    expect(page.get_by_text("WIFI:S:hall-b", exact=False)).to_be_visible()
    _screenshot(page, artifacts / "people-scan-unknown.png")
    page.get_by_role("button", name="Scan again").click()
    page.get_by_label("Badge link, contact card text or LinkedIn link").fill(
        "https://www.linkedin.com/in/jane-roe-42/"
    )
    page.get_by_role("button", name="Go").click()
    page.locator(".import-preview").get_by_role("button", name="Save contact").click()
    page.wait_for_url(re.compile(r"/contacts/[0-9a-f-]{36}/note$"))
    assert page.url.rsplit("/", 2)[-2] != jane

    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.locator(".contact-row")).to_have_count(2)
    page.get_by_label("Include my notes (vCard and Google CSV)").check()
    page.get_by_role("button", name="vCard (.vcf)").click()
    download = page.get_by_role("link", name=re.compile(r"Download contacts\.vcf"))
    expect(download).to_be_visible(timeout=30_000)
    exported = page.evaluate(
        "async (url) => (await fetch(url)).text()", download.get_attribute("href")
    )
    assert exported.count("BEGIN:VCARD") == 2 and "jane@example.com" in exported
