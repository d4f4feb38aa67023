"""Steps shared by the browser tests: signing in the way a person does, waiting for the service
worker before going offline, and checking a page fits the phone's width."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import LiveServer


def sign_in_by_mail(context: BrowserContext, live_server: LiveServer, email: str) -> Page:
    """Ask for a sign-in link, open it from the development mailbox, land on My events."""
    page = context.new_page()
    page.goto(live_server.url("/signin"))
    sign_in_here(page, live_server, email)
    return page


def sign_in_here(page: Page, live_server: LiveServer, email: str) -> None:
    """On the sign-in page: ask for a link, open it from the mailbox, land on My events."""
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    page.goto(live_server.url("/dev/mailbox"))
    mail = page.locator("article").filter(has_text=f"To {email}").first
    mail.locator("a[href*='/signin/verify#token=']").first.click()
    page.wait_for_url(live_server.url("/"))
    expect(page.get_by_role("heading", name="My events")).to_be_visible()


def wait_for_service_worker(page: Page) -> None:
    """Offline navigations need the worker in control of the page.

    The worker claims open pages when it activates; a page whose navigation was under way at
    that moment can stay uncontrolled (the browser's rule, not ours), and a reload then puts it
    under the active worker, as it would for a user.
    """
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    if page.evaluate("() => navigator.serviceWorker.controller === null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def no_sideways_scroll(page: Page) -> None:
    """The page fits the viewport's width: nothing makes a phone scroll sideways."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


# Runs in the page: a JSON call to the API as the signed-in user, with the CSRF token.
_CALL = """async ([method, path, body]) => {
  const me = await (await fetch('/api/v1/auth/me')).json();
  const response = await fetch('/api/v1' + path, {
    method,
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token},
    body: body === null ? undefined : JSON.stringify(body),
  });
  return {status: response.status, body: response.status === 204 ? null : await response.json()};
}"""


def call_api(page: Page, method: str, path: str, body: object = None) -> Any:
    """Call the API from the page as its signed-in user (to arrange a test quickly)."""
    answer = page.evaluate(_CALL, [method, path, body])
    assert answer["status"] < 400, f"{method} {path}: {answer}"
    return answer["body"]


def file_of_job(page: Page, path: str) -> str:
    """Start a job that makes a file (POST `path` under /api/v1, as the signed-in page), wait
    for it and return the file's text."""
    text: str = page.evaluate(
        """async (path) => {
            const me = await (await fetch('/api/v1/auth/me')).json();
            let job = await (await fetch('/api/v1' + path, {
                method: 'POST', headers: {'X-CSRF-Token': me.csrf_token},
            })).json();
            for (let i = 0; i < 300 && ['queued', 'running'].includes(job.status); i++) {
                await new Promise((done) => setTimeout(done, 100));
                job = await (await fetch('/api/v1/jobs/' + job.id)).json();
            }
            if (job.status !== 'succeeded') throw new Error(JSON.stringify(job));
            return await (await fetch(job.file.url)).text();
        }""",
        path,
    )
    return text
