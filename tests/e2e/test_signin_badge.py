"""On a phone: ask for a sign-in link, open it from the development mailbox, open my badge,
and scan its QR code from a screenshot. And the PWA shell: manifest, service worker and icons
are served, nothing comes from another origin, the shell opens offline, and a new version
waits for the user to tap "Reload"."""

from __future__ import annotations

import json
import os
import re
import shutil
from io import BytesIO
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.conftest import LiveServer
from tests.support import ROOT

ATTENDEE = "attendee1@demo.rapport.example"
# UPDATE_DOCS_SCREENSHOTS=1 also refreshes the README's screenshots in docs/screenshots/.
DOCS_SCREENSHOTS = Path(ROOT) / "docs" / "screenshots"

# Resolves once the service worker controls the page (CSP forbids wait_for_function's eval).
CONTROLLED = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((done) =>
      navigator.serviceWorker.addEventListener("controllerchange", done, { once: true }));
  }
  return true;
}"""

IMAGE_LOADED = """(selector) => {
  const img = document.querySelector(selector);
  if (img.complete && img.naturalWidth > 0) return true;
  return new Promise((done, failed) => {
    img.addEventListener("load", () => done(true), { once: true });
    img.addEventListener("error", () => failed(new Error("no image")), { once: true });
  });
}"""

pytestmark = pytest.mark.browser


def _keep_screenshot(page: Page, artifacts: Path, name: str) -> Path:
    path = artifacts / name
    page.screenshot(path=path)
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / name)
    return path


def _open_newest_sign_in_mail(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(live_server.url("/dev/mailbox"))
    newest = (
        page.locator("article")
        .filter(has_text=f"To {email}")
        .filter(has_text="Your Rapport sign-in link")
        .first
    )
    link = newest.locator("a[href*='/signin/verify#token=']").first
    expect(link).to_be_visible()
    link.click()


def test_attendee_signs_in_from_the_mailbox_and_shows_a_badge_that_scans(
    live_server: LiveServer, phone: BrowserContext, artifacts: Path
) -> None:
    page = phone.new_page()
    page.goto(live_server.url("/signin"))
    page.get_by_label("Email").fill(ATTENDEE)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    expect(page.get_by_role("link", name="development mailbox")).to_be_visible()

    _open_newest_sign_in_mail(page, live_server, ATTENDEE)

    page.wait_for_url(live_server.url("/"))
    assert "#token" not in page.url
    expect(page.get_by_role("heading", name="My events")).to_be_visible()
    expect(page.locator(".who-name")).to_have_attribute("title", ATTENDEE)
    card = page.locator(".card").filter(has_text="Rapport Demo Conference")
    expect(card.get_by_role("link", name="My badge")).to_be_visible()
    _keep_screenshot(page, artifacts, "events.png")

    card.get_by_role("link", name="My badge").click()
    page.wait_for_url(re.compile(r"/events/[0-9a-f-]{36}/badge$"))
    qr = page.locator("img.badge-qr")
    expect(qr).to_be_visible()
    page.evaluate(IMAGE_LOADED, "img.badge-qr")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 0.8 * 390, "the QR code should nearly fill the width"
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    screenshot = _keep_screenshot(page, artifacts, "badge.png")

    event_id = page.url.rsplit("/", 2)[-2]
    badge = page.evaluate(
        "async (id) => (await fetch(`/api/v1/events/${id}/badge`)).json()", event_id
    )
    assert re.fullmatch(re.escape(live_server.url("/b/")) + r"[A-Za-z0-9_-]{20,}", badge["url"])
    found = zxingcpp.read_barcodes(Image.open(screenshot))
    assert [code.text for code in found] == [badge["url"]]


def test_shell_is_served_and_nothing_comes_from_another_origin(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    page = phone.new_page()
    page.goto(live_server.links["organizer"])
    page.wait_for_url(live_server.url("/"))
    page.get_by_role("link", name="Manage event").first.click()
    expect(page.get_by_role("heading", name="Attendees", exact=True)).to_be_visible()
    page.evaluate(CONTROLLED)

    assert requested, "the browser should have recorded requests"
    strangers = [url for url in requested if not url.startswith(live_server.base_url + "/")]
    assert strangers == []

    index = httpx.get(live_server.url("/"))
    assert index.status_code == 200
    assert '<div id="app">' in index.text
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index.text)
    assert any(a.endswith(".js") for a in assets)

    manifest_response = httpx.get(live_server.url("/manifest.webmanifest"))
    assert manifest_response.status_code == 200
    manifest = json.loads(manifest_response.text)
    assert manifest["name"] == "Rapport"
    assert manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons.keys()
    for (sizes, _purpose), icon in icons.items():
        response = httpx.get(live_server.url(icon["src"]))
        assert response.status_code == 200, icon["src"]
        assert response.headers["content-type"] == "image/png"
        width, height = Image.open(BytesIO(response.content)).size
        assert f"{width}x{height}" == sizes

    worker = httpx.get(live_server.url("/sw.js"))
    assert worker.status_code == 200
    assert "javascript" in worker.headers["content-type"]
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', worker.text)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", worker.text, re.S).group(1))
    assert "/index.html" in precache and "/manifest.webmanifest" in precache
    assert set(assets) <= set(precache)
    for path in precache:
        assert httpx.get(live_server.url(path)).status_code == 200, path

    assert httpx.get(live_server.url("/favicon.svg")).status_code == 200


def test_the_shell_opens_offline_once_loaded(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.goto(live_server.url("/signin"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.evaluate(CONTROLLED)

    phone.set_offline(True)
    page.goto(live_server.url("/events/not-loaded-yet"))
    expect(page.locator(".brand")).to_have_text("Rapport")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_new_version_waits_until_the_user_taps_reload(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.goto(live_server.url("/signin"))
    page.evaluate(CONTROLLED)
    caches = "async () => await caches.keys()"
    (old_cache,) = page.evaluate(caches)
    old_version = old_cache.removeprefix("rapport-shell-")

    worker = live_server.dist / "sw.js"
    original = worker.read_text()
    new_version = "f" * 16
    try:
        worker.write_text(original.replace(old_version, new_version))
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        banner = page.get_by_text("A new version is ready")
        expect(banner).to_be_visible(timeout=10_000)
        # Installed and waiting: both versions' caches exist, the old one still serves.
        assert set(page.evaluate(caches)) == {old_cache, f"rapport-shell-{new_version}"}

        with page.expect_navigation():
            page.get_by_role("button", name="Reload").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(banner).to_be_hidden()
        assert page.evaluate(caches) == [f"rapport-shell-{new_version}"]
    finally:
        worker.write_text(original)


def test_a_late_not_signed_in_answer_does_not_undo_a_sign_in(
    live_server: LiveServer, phone: BrowserContext
) -> None:
    # At start the app asks who is signed in while the link is being used; on a slow phone the
    # "nobody" answer (asked before the link worked) can arrive after the sign-in. It used to
    # win and send the person back to the sign-in page.
    email = f"late-answer-{os.getpid()}-{id(phone)}@example.com"
    page = phone.new_page()
    page.goto(live_server.url("/signin"))
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    page.goto(live_server.url("/dev/mailbox"))
    link = (
        page.locator("article")
        .filter(has_text=f"To {email}")
        .first.locator("a[href*='/signin/verify#token=']")
    )
    href = link.first.get_attribute("href")
    assert href

    held: list[Route] = []
    page.route("**/api/v1/auth/me", lambda route: held.append(route))
    page.goto(href if href.startswith("http") else live_server.url(href))
    page.wait_for_url(live_server.url("/"))
    expect(page.get_by_role("heading", name="My events")).to_be_visible()
    assert held, "the app should have asked who is signed in"
    for route in held:
        route.fulfill(
            status=401,
            content_type="application/json",
            body=json.dumps({"error": "not_signed_in", "detail": "Sign in first.", "fields": []}),
        )
    page.unroute("**/api/v1/auth/me")
    page.wait_for_timeout(500)
    expect(page.get_by_role("heading", name="My events")).to_be_visible()
    assert page.url == live_server.url("/")
