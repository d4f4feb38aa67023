"""An organizer imports a big attendee list on a phone: the import runs in the background, a
progress bar counts the rows, and then the report shows; a file with bad rows lists them and
imports nothing. No request of the page waits more than 2 s."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail
from tests.e2e.conftest import LiveServer
from tests.e2e.door_support import EVENT_NAME

pytestmark = pytest.mark.browser

ORGANIZER = "organizer@demo.rapport.example"
ROWS = 4000


def _new_event(page: Page) -> str:
    """An event of its own (the demo event's list stays as other tests expect it)."""
    made: dict[str, Any] = page.evaluate(
        """async () => {
            const me = await (await fetch('/api/v1/auth/me')).json();
            const answer = await fetch('/api/v1/events', {
                method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token},
                body: JSON.stringify({name: 'Import Day', timezone: 'Europe/Berlin',
                    starts_at: '2030-05-01T09:00:00', ends_at: '2030-05-01T18:00:00'}),
            });
            return await answer.json();
        }"""
    )
    return str(made["id"])


def _people(count: int) -> bytes:
    tag = uuid.uuid4().hex[:8]
    rows = "".join(f"Guest {i},guest{i}-{tag}@import.example,Firm {i % 9}\n" for i in range(count))
    return ("name,email,company\n" + rows).encode()


def _choose(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("CSV file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Import", exact=True).click()


def test_big_import_shows_progress_then_the_report(
    phone: BrowserContext, live_server: LiveServer, artifacts: Any
) -> None:
    page = sign_in_by_mail(phone, live_server, ORGANIZER)
    expect(page.locator(".card").filter(has_text=EVENT_NAME)).to_be_visible()
    durations: list[tuple[float, str]] = []

    def finished(request: Request) -> None:
        timing = request.timing
        if "/api/" in request.url and timing["responseEnd"] > 0:
            durations.append((timing["responseEnd"] - timing["requestStart"], request.url))

    page.on("requestfinished", finished)
    page.goto(live_server.url(f"/events/{_new_event(page)}"))
    expect(page.get_by_role("heading", name="Import attendees")).to_be_visible()

    _choose(page, "big.csv", _people(ROWS))
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_be_visible()
    expect(page.get_by_text(re.compile(rf"of {ROWS:,} rows"))).to_be_visible(timeout=30_000)
    done_so_far = int(bar.get_attribute("value") or "0")
    assert 0 <= done_so_far < ROWS
    page.screenshot(path=artifacts / "attendee-import-progress.png", full_page=True)
    no_sideways_scroll(page)

    result = page.locator("dl[aria-label='Import result']")
    expect(result).to_be_visible(timeout=60_000)
    expect(bar).to_be_hidden()
    expect(result.locator("div").filter(has_text="New").locator("dd")).to_have_text(str(ROWS))
    expect(result.locator("div").filter(has_text="Invited").locator("dd")).to_have_text(str(ROWS))
    page.screenshot(path=artifacts / "attendee-import-report.png", full_page=True)

    bad = b"name,email\nAda,ada@example.org\n,nobody@example.org\nBo,not-an-address\n"
    _choose(page, "bad.csv", bad)
    problems = page.get_by_role("table", name="Problems in the file (nothing was imported)")
    expect(problems).to_be_visible(timeout=30_000)
    expect(problems.get_by_role("row")).to_have_count(3)  # the header and two bad rows
    expect(result).to_be_hidden()

    assert durations, "no API request was seen"
    slowest = max(durations)
    assert slowest[0] < 2000, f"a request waited {slowest[0]:.0f} ms: {slowest[1]}"
