"""An introduction on phones: the user makes two contacts (one still without an email address,
added from the form's own link without losing the reason typed), introduces them from the
contact page, and each of the two opens their link in a browser that is not signed in and says
yes. The introducer's list then says "Introduced", and each got the other's address by mail."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 640}}
INTRODUCER = "attendee3@demo.rapport.example"
LINK = re.compile(r"https?://\S+/introduction-request#token=[A-Za-z0-9_\-%]+")
REASON = "You both rebuild old bikes.\nEli has the parts Dana is looking for."


def _add_contact(page: Page, live_server: LiveServer, name: str, email: str) -> str:
    """Add a contact by name on the contacts screen; returns its id."""
    page.goto(live_server.url("/contacts"))
    page.get_by_text("Add a contact by name").click()
    page.get_by_label("Name", exact=True).fill(name)
    if email:
        page.get_by_label("Email (optional)").fill(email)
    page.get_by_role("button", name="Add contact").click()
    page.wait_for_url(re.compile(r"/contacts/[0-9a-f-]{36}/note$"))
    return page.url.rsplit("/", 2)[-2]


def _mails(live_server: LiveServer, kind: str, to: set[str]) -> dict[str, str]:
    """The newest development mail of this kind to each of these addresses, by address."""
    found: dict[str, str] = {}
    for sent in httpx.get(live_server.url("/dev/mailbox.json"), timeout=10).json():
        if sent["kind"] == kind and sent["to"] in to:
            found.setdefault(sent["to"], sent["body"])
    return found


def _answer_yes(
    browser: Browser,
    link: str,
    other: str,
    *,
    phone: dict[str, Any],
    screenshot: Path | None = None,
) -> None:
    """Open a request link in a fresh browser that was never signed in, and say yes."""
    stranger: BrowserContext = browser.new_context(**phone)
    try:
        page = stranger.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            f"would like to introduce you to {other}"
        )
        assert "#token=" not in page.url  # taken out of the address bar
        expect(page.get_by_text("Eli has the parts Dana is looking for.")).to_be_visible()
        expect(
            page.get_by_text(re.compile(r"This request expires on .+ \(14 days"))
        ).to_be_visible()
        no_sideways_scroll(page)
        if screenshot:
            page.screenshot(path=screenshot, full_page=True)
        page.get_by_role("button", name="Yes, introduce us").click()
        expect(page.locator(".intro-outcome")).to_contain_text(
            re.compile("You said yes|You both said yes")
        )
        expect(page.get_by_role("button", name="Yes, introduce us")).to_have_count(0)
    finally:
        stranger.close()


def test_introduce_two_contacts_and_both_say_yes(
    live_server: LiveServer, phone: BrowserContext, browser: Browser, artifacts: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    dana, eli = f"Dana Intro{tag}", f"Eli Intro{tag}"
    dana_email, eli_email = f"dana-{tag}@intro.example", f"eli-{tag}@intro.example"
    page = sign_in_by_mail(phone, live_server, INTRODUCER)
    dana_id = _add_contact(page, live_server, dana, dana_email)
    eli_id = _add_contact(page, live_server, eli, "")  # no address yet

    # From Dana's page: pick Eli, who has no email address; the form says so and links to it.
    page.goto(live_server.url(f"/contacts/{dana_id}"))
    page.get_by_role("link", name="Introduce to…").click()
    expect(page.get_by_role("heading", level=1, name=f"Introduce {dana} to…")).to_be_visible()
    page.get_by_label("Introduce to").select_option(value=eli_id)
    page.get_by_label("Why should they meet?").fill(REASON)
    expect(page.get_by_text(f"{eli} has no email address")).to_be_visible()
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "introduce.png", full_page=True)
    page.get_by_role("link", name=f"Add an email address for {eli}").click()
    email = page.get_by_label("Email")
    expect(email).to_be_focused()
    email.fill(eli_email)
    page.get_by_role("button", name="Save changes").click()

    # Back on the form, with Eli picked and the reason as typed.
    expect(page.get_by_role("heading", level=1, name=f"Introduce {dana} to…")).to_be_visible()
    expect(page.get_by_label("Introduce to")).to_have_value(eli_id)
    expect(page.get_by_label("Why should they meet?")).to_have_value(REASON)
    expect(page.get_by_text(f"{eli} has no email address")).to_have_count(0)
    page.get_by_role("button", name="Ask both").click()

    expect(page.get_by_role("heading", level=1, name="Introductions")).to_be_visible()
    row = page.locator(".intro-row").filter(has_text=dana)
    expect(row).to_contain_text("Waiting for both")
    no_sideways_scroll(page)

    # Each of the two answers from the link in their own mail, in a browser never signed in.
    requests = _mails(live_server, "introduction_request", {dana_email, eli_email})
    assert set(requests) == {dana_email, eli_email}
    links = {to: LINK.search(body) for to, body in requests.items()}
    assert all(links.values()), requests
    dana_link, eli_link = links[dana_email], links[eli_email]
    assert dana_link and eli_link
    _answer_yes(
        browser,
        dana_link.group(0),
        eli,
        phone=PHONE,
        screenshot=artifacts / "introduction-request.png",
    )
    page.reload()
    expect(row).to_contain_text(f"Waiting for {eli}")
    _answer_yes(browser, eli_link.group(0), dana, phone=SMALL_PHONE)  # the smallest we support

    page.reload()
    expect(row.locator(".state")).to_have_text("Introduced")
    expect(row).to_contain_text(f"{dana} ({dana_email}): said yes")
    page.screenshot(path=artifacts / "introductions.png", full_page=True)
    introduced = _mails(live_server, "introduction", {dana_email, eli_email})
    assert eli_email in introduced[dana_email]
    assert "Eli has the parts Dana is looking for." in introduced[dana_email]
    assert dana_email in introduced[eli_email]

    # The introducer is told in the app (the nav badge), and the notice leads back here.
    expect(page.locator(".app-nav .nav-badge")).to_be_visible()
    page.goto(live_server.url("/contacts"))
    notice = page.locator(".notification").filter(
        has_text=f"{dana} and {eli} both said yes: you introduced them."
    )
    expect(notice).to_be_visible()
    notice.get_by_role("link", name="See your introductions").click()
    expect(page.get_by_role("heading", level=1, name="Introductions")).to_be_visible()
