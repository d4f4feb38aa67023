"""My data and account on a phone: a new person downloads everything they own as JSON, deletes
the account from the screen (a wrong email is refused in words), lands on the sign-in page with
a message, and signing in again with that address finds nothing of the old account."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browsing import file_of_job, sign_in_by_mail
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def _add_contact(page: Page, live_server: LiveServer, name: str) -> None:
    """A typed-in contact, through the API with this browser's session (as the app does)."""
    me = page.request.get(live_server.url("/api/v1/auth/me")).json()
    added = page.request.post(
        live_server.url("/api/v1/contacts"),
        data={"name": name, "company": "Volta Labs"},
        headers={"X-CSRF-Token": me["csrf_token"]},
    )
    assert added.status == 201, added.text()


def _contacts_total(page: Page, live_server: LiveServer) -> int:
    return int(page.request.get(live_server.url("/api/v1/contacts")).json()["total"])


def test_download_my_data_then_delete_my_account(
    phone: BrowserContext, live_server: LiveServer, artifacts: Path
) -> None:
    email = f"account-e2e-{uuid.uuid4().hex[:8]}@example.com"  # new: sign-in creates it
    page = sign_in_by_mail(phone, live_server, email)
    _add_contact(page, live_server, "Kofi Mensah")

    page.get_by_role("link", name="Me", exact=True).click()
    expect(page.get_by_role("heading", name="My card")).to_be_visible()
    page.get_by_role("link", name="My data and account").click()
    expect(page.get_by_role("heading", name="My data and account", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Contacts as vCard")).to_be_visible()

    page.get_by_role("button", name="All my data (JSON)").click()
    ready = page.get_by_role("link", name=re.compile(r"Download rapport-export-.*\.json"))
    expect(ready).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        ready.click()
    assert download.value.suggested_filename.startswith("rapport-export-")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["account"]["email"] == email
    assert [c["name"] for c in exported["contacts"]] == ["Kofi Mensah"]

    page.get_by_role("button", name="Delete my account…").click()
    expect(page.get_by_text("1 contact, with 0 notes")).to_be_visible()
    confirm = page.get_by_label(f"Type your email ({email}) to confirm")
    confirm.fill("someone-else@example.com")
    page.get_by_role("button", name="Delete my account", exact=True).click()
    expect(page.locator("main .field-error")).to_contain_text("not this account's email")
    page.screenshot(path=str(artifacts / "account-delete-390.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the account screen is {width}px wide on a 390px phone"

    confirm.fill(email.upper())
    page.get_by_role("button", name="Delete my account", exact=True).click()
    page.wait_for_url("**/signin?deleted=1")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your account and everything in it were deleted.")).to_be_visible()
    assert page.request.get(live_server.url("/api/v1/auth/me")).status == 401
    page.close()

    again = sign_in_by_mail(phone, live_server, email)
    assert _contacts_total(again, live_server) == 0
    fresh = json.loads(file_of_job(again, "/me/export"))
    assert fresh["contacts"] == [] and fresh["account"]["email"] == email
