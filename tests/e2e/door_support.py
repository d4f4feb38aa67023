"""Helpers for the door's browser tests: signed-in API clients for the demo's people, the demo
event, an open check-in window, and times as the door shows them."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import BrowserContext

from tests.e2e.conftest import DEMO_LINK, LiveServer

EVENT_NAME = "Rapport Demo Conference"
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Far enough before the demo event's start (08:00 today at the event) that any time of day is
# inside the check-in window.
OPEN_A_WEEK_EARLY = 7 * 24 * 60


@dataclass
class Member:
    """A signed-in API client for one of the demo's people."""

    client: httpx.Client
    csrf: str

    def get(self, path: str, **params: object) -> httpx.Response:
        """GET under /api/v1, asserting success."""
        response = self.client.get(f"/api/v1{path}", params=params)
        assert response.status_code == 200, response.text
        return response

    def send(self, method: str, path: str, body: dict[str, object]) -> dict[str, object]:
        """A change under /api/v1 with the CSRF header, asserting success."""
        response = self.client.request(
            method, f"/api/v1{path}", json=body, headers={"X-CSRF-Token": self.csrf}
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def fresh_demo_links(live_server: LiveServer) -> dict[str, str]:
    """New single-use sign-in links: `rapport demo` again (it adds nothing twice)."""
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "demo"],
        env=live_server.env,
        cwd=live_server.log.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(DEMO_LINK.findall(done.stdout))


def sign_in(live_server: LiveServer, link: str) -> Member:
    """Use a sign-in link through the API, as the PWA does with its #token."""
    client = httpx.Client(base_url=live_server.base_url, timeout=10)
    token = link.split("#token=", 1)[1]
    response = client.post("/api/v1/auth/verify", json={"token": token})
    assert response.status_code == 200, response.text
    return Member(client=client, csrf=response.json()["csrf_token"])


def demo_event(member: Member) -> dict[str, str]:
    """The demo event as this member sees it."""
    events = member.get("/events", limit=100).json()["items"]
    return next(e for e in events if e["name"] == EVENT_NAME)


def open_the_door_early(organizer: Member, event_id: str) -> None:
    """Open the check-in window a week before the start, so the test passes at any hour."""
    organizer.send(
        "PATCH",
        f"/events/{event_id}/check-in/settings",
        {"opens_minutes_before_start": OPEN_A_WEEK_EARLY},
    )


def at_the_event(moment: str, event: dict[str, str]) -> str:
    """A moment as the door shows it: the event's wall clock (services.door.log.local_time)."""
    zone = ZoneInfo(event["timezone"])
    local = datetime.fromisoformat(moment).astimezone(zone)
    if local.date() == datetime.fromisoformat(event["starts_at"]).astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def share_session(context: BrowserContext, member: Member, live_server: LiveServer) -> None:
    """Give the browser the API client's session (a sign-in link works only once)."""
    context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.base_url}
            for name, value in member.client.cookies.items()
        ]
    )


def wait_for_job(client: httpx.Client, job_id: str, *, seconds: float = 30) -> dict[str, Any]:
    """Poll a background job until it ends; it must succeed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            assert job["status"] == "succeeded", job
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end in {seconds} s")
