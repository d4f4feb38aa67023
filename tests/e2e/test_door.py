"""At the door, in Chromium: staff scan a demo attendee's badge through Chromium's fake camera
(fed an MJPEG of the badge QR) and see green with the name, then amber with the first time;
without a camera they check people in by name; the organizer's live view shows the count and
the arrivals chart and keeps itself up to date; self check-in by the door poster; badges."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest
from playwright.sync_api import Browser, BrowserContext, Request, expect

from tests.e2e.conftest import CHROMIUM_ARGS, LiveServer
from tests.e2e.door_support import (
    PHONE,
    Member,
    at_the_event,
    demo_event,
    fresh_demo_links,
    open_the_door_early,
    share_session,
    sign_in,
)
from tests.e2e.fake_camera import qr_camera_file
from tests.support import chromium_path

pytestmark = pytest.mark.browser


@dataclass
class DemoPeople:
    organizer: Member
    staff: Member
    attendee: Member  # attendee1, whose badge the scanner test scans


@pytest.fixture(scope="module")
def people(live_server: LiveServer) -> Iterator[DemoPeople]:
    """The demo's organizer, door staff and attendee, signed in once for this module: each
    `rapport demo` counts against the per-address sign-in limit the sign-in test also needs."""
    links = fresh_demo_links(live_server)
    signed_in = DemoPeople(
        organizer=sign_in(live_server, links["organizer"]),
        staff=sign_in(live_server, links["staff"]),
        attendee=sign_in(live_server, links["attendee"]),
    )
    yield signed_in
    for member in (signed_in.organizer, signed_in.staff, signed_in.attendee):
        member.client.close()


@pytest.fixture
def camera_browser(browser: Browser) -> Iterator[Callable[[Path], Browser]]:
    """Launch a second Chromium whose camera plays an MJPEG file.

    It comes from the session's Playwright (`browser.browser_type`), so it runs on the loop the
    harness unparks for this test: a second sync_playwright() would refuse to start here."""
    launched: list[Browser] = []

    def launch(mjpeg: Path) -> Browser:
        camera = browser.browser_type.launch(
            executable_path=chromium_path(),
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={mjpeg}",
            ],
        )
        launched.append(camera)
        return camera

    try:
        yield launch
    finally:
        for camera in launched:
            camera.close()


def test_staff_scan_a_badge_with_the_camera_green_then_amber_with_the_first_time(
    live_server: LiveServer,
    people: DemoPeople,
    camera_browser: Callable[[Path], Browser],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    organizer, staff, attendee = people.organizer, people.staff, people.attendee
    event = demo_event(organizer)
    event_id = event["id"]
    open_the_door_early(organizer, event_id)
    badge = attendee.get(f"/events/{event_id}/badge").json()
    assert badge["url"].startswith(live_server.url("/b/"))

    camera = camera_browser(qr_camera_file(tmp_path / "badge.mjpeg", badge["url"]))
    context = camera.new_context(**PHONE)
    context.grant_permissions(["camera"], origin=live_server.base_url)
    share_session(context, staff, live_server)
    page = context.new_page()

    page.goto(live_server.url(f"/events/{event_id}/door"))
    expect(page.get_by_role("heading", name="Door scanner")).to_be_visible()
    page.get_by_label("Gate").fill("A")
    page.get_by_role("button", name="Start scanning").click()

    green = page.locator(".scan-result-green")
    expect(green).to_be_visible(timeout=15_000)
    expect(green).to_contain_text("Checked in")
    expect(green).to_contain_text(badge["name"])
    page.screenshot(path=artifacts / "door-green.png")
    expect(page.locator(".door-last-green")).to_contain_text(badge["name"])
    expect(page.get_by_role("button", name="Undo")).to_be_visible()

    check_ins = staff.get(f"/events/{event_id}/check-ins", limit=100).json()["items"]
    theirs = [c for c in check_ins if c["attendee"]["name"] == badge["name"]]
    assert len(theirs) == 1
    assert theirs[0]["method"] == "badge" and theirs[0]["gate"] == "A"
    first_time = at_the_event(theirs[0]["checked_in_at"], event)

    # A fresh scanner (the gate is remembered) sees the same badge again: amber, first time.
    page.reload()
    amber = page.locator(".scan-result-amber")
    expect(amber).to_be_visible(timeout=15_000)
    expect(amber).to_contain_text(badge["name"])
    expect(amber).to_contain_text(f"Already checked in at {first_time}, gate A")
    page.screenshot(path=artifacts / "door-amber.png")

    check_ins = staff.get(f"/events/{event_id}/check-ins", limit=100).json()["items"]
    assert [c["attendee"]["name"] for c in check_ins].count(badge["name"]) == 1
    stats = staff.get(f"/events/{event_id}/check-in/stats").json()
    assert stats["failed_by_reason"].get("already_checked_in", 0) >= 1
    context.close()


def test_live_view_shows_the_count_and_chart_and_updates_itself(
    live_server: LiveServer, people: DemoPeople, phone: BrowserContext, artifacts: Path
) -> None:
    organizer, staff = people.organizer, people.staff
    event = demo_event(organizer)
    event_id = event["id"]
    open_the_door_early(organizer, event_id)

    def check_in_by_name(name: str) -> dict[str, object]:
        (found,) = staff.get(f"/events/{event_id}/check-in/attendees", q=name).json()
        return staff.send(
            "POST",
            f"/events/{event_id}/check-in/manual",
            {
                "attendee_id": found["attendee"]["id"],
                "scanned_at": datetime.now().astimezone().isoformat(),
                "nonce": f"e2e-{found['attendee']['id']}",
                "gate": "B",
            },
        )

    # Not attendee1, whom the scanner test checks in.
    emails = [f"attendee{n}@demo.rapport.example" for n in (21, 22, 23, 24)]
    for email in emails[:3]:
        assert check_in_by_name(email)["outcome"] in {"ok", "already_checked_in"}
    expected = organizer.get(f"/events/{event_id}/check-in/stats").json()["checked_in"]
    assert expected >= 3

    streamed: list[str] = []
    phone.on("request", lambda r: streamed.append(r.url) if "/stats/stream" in r.url else None)
    page = phone.new_page()
    page.set_viewport_size({"width": 360, "height": 640})
    share_session(phone, organizer, live_server)
    page.goto(live_server.url(f"/events/{event_id}/live"))
    expect(page.get_by_role("heading", name="Live view")).to_be_visible()
    expect(page.locator(".live-checked-in")).to_have_text(str(expected))
    chart = page.locator("svg.chart-svg")
    expect(chart).to_be_visible()
    assert chart.locator("rect.chart-bar").count() >= 1
    expect(page.locator("svg.chart-svg title").first).to_contain_text("Arrivals per 5 minutes")
    gate_b = page.locator("tr").filter(has=page.get_by_role("cell", name="B", exact=True))
    expect(gate_b).to_be_visible()
    page.get_by_role("button", name="Export check-ins (CSV)").click()
    download = page.get_by_role("link", name=re.compile(r"Download check-ins\.csv"))
    expect(download).to_be_visible(timeout=30_000)
    csv_text = page.evaluate(
        "async (url) => (await fetch(url)).text()", download.get_attribute("href")
    )
    assert csv_text.lstrip("\ufeff").startswith("name,email,company,title,checked_in,")
    page.screenshot(path=artifacts / "door-live.png", full_page=True)

    # One more arrival: the open page shows it within 5 seconds, without a reload.
    latest = check_in_by_name(emails[3])
    assert latest["outcome"] == "ok"
    expect(page.locator(".live-checked-in")).to_have_text(str(expected + 1), timeout=5_000)
    expect(page.locator(".live-recent")).to_contain_text(latest["attendee"]["name"])  # type: ignore[index]
    assert streamed, "the live view should follow the server-sent event stream"
    assert re.search(r"\d+ of \d+ checked in", page.locator(".live-figure").inner_text())

    # Staff take that check-in back: its line says so instead of staying green.
    check_in_id = latest["check_in"]["id"]  # type: ignore[index]
    staff.send("POST", f"/events/{event_id}/check-ins/{check_in_id}/undo", {"reason": "e2e"})
    undone = page.locator(".live-recent li.live-outcome-undone")
    expect(undone.first).to_contain_text(latest["attendee"]["name"], timeout=5_000)  # type: ignore[index]
    expect(undone.first).to_contain_text("Checked in, undone at")
    expect(page.locator(".live-checked-in")).to_have_text(str(expected))

    # Opened with no connection, the page says so rather than loading for ever.
    phone.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("alert")).to_contain_text("Could not reach Rapport", timeout=10_000)
        expect(page.get_by_text("Loading the live view…")).to_have_count(0)
    finally:
        phone.set_offline(False)


def test_the_door_screens_tell_an_attendee_no_without_asking_the_server_for_door_data(
    live_server: LiveServer, people: DemoPeople, phone: BrowserContext
) -> None:
    event_id = demo_event(people.organizer)["id"]
    refused: list[str] = []
    phone.on("response", lambda r: refused.append(r.url) if r.status == 403 else None)
    share_session(phone, people.attendee, live_server)
    page = phone.new_page()
    for path, title, words in (
        ("door", "Door scanner", "Only the door team can scan badges."),
        ("live", "Live view", "Only the door team can see the live view."),
    ):
        page.goto(live_server.url(f"/events/{event_id}/{path}"))
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text(words)
        expect(page.get_by_role("link", name="Back to the event")).to_be_visible()
    page.wait_for_timeout(500)  # a pack or stats request would have been answered by now
    assert refused == [], f"door data requested by an attendee: {refused}"


def test_without_a_camera_the_door_says_so_and_checks_in_by_name(
    live_server: LiveServer, people: DemoPeople, phone: BrowserContext, artifacts: Path
) -> None:
    organizer, staff = people.organizer, people.staff
    event_id = demo_event(organizer)["id"]
    open_the_door_early(organizer, event_id)
    (found,) = staff.get(
        f"/events/{event_id}/check-in/attendees", q="attendee27@demo.rapport.example"
    ).json()
    name = found["attendee"]["name"]

    share_session(phone, staff, live_server)
    page = phone.new_page()
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(live_server.url(f"/events/{event_id}/door"))
    page.get_by_label("Gate").fill("Desk 2")
    page.get_by_role("button", name="Start scanning").click()
    # This Chromium has no camera: the scanner says so and offers the code field instead.
    expect(page.locator(".scanner-problem")).to_contain_text("camera")
    expect(page.get_by_label("Badge link or code")).to_be_visible()
    page.screenshot(path=artifacts / "door-no-camera.png")

    page.get_by_label("Badge link or code").fill("BEGIN:VCARD\nFN:Someone\nEND:VCARD")
    page.get_by_role("button", name="Go").click()
    red = page.locator(".scan-result-red")
    expect(red).to_contain_text("Not a badge")
    expect(red).to_contain_text("contact card (vCard)")
    red.click()

    page.get_by_label("Name, email or company").fill("attendee27@demo.rapport.example")
    page.get_by_role("button", name=f"Check in {name}").click()
    green = page.locator(".scan-result-green")
    expect(green).to_contain_text(name)
    expect(page.locator(".door-status")).to_contain_text("gate Desk 2")
    check_ins = staff.get(f"/events/{event_id}/check-ins", limit=100).json()["items"]
    (theirs,) = [c for c in check_ins if c["attendee"]["id"] == found["attendee"]["id"]]
    assert theirs["method"] == "manual" and theirs["gate"] == "Desk 2"


def test_organizer_turns_on_self_check_in_and_an_attendee_scans_the_poster(
    live_server: LiveServer,
    people: DemoPeople,
    phone: BrowserContext,
    camera_browser: Callable[[Path], Browser],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    organizer, attendee = people.organizer, people.attendee
    event_id = demo_event(organizer)["id"]
    open_the_door_early(organizer, event_id)
    organizer.send(
        "PATCH", f"/events/{event_id}/check-in/settings", {"self_check_in_enabled": False}
    )

    share_session(phone, organizer, live_server)
    page = phone.new_page()
    page.goto(live_server.url(f"/events/{event_id}"))
    page.get_by_label("Attendees may check themselves in by scanning the door poster").check()
    expect(page.locator("img.poster-preview")).to_be_visible()
    poster_pdf = page.get_by_role("link", name="Door poster (PDF, to print)")
    expect(poster_pdf).to_have_attribute("href", f"/api/v1/events/{event_id}/check-in/poster.pdf")
    page.locator("section[aria-labelledby=door-title]").screenshot(
        path=artifacts / "door-panel.png"
    )
    poster_url = organizer.get(f"/events/{event_id}/check-in/settings").json()["poster_url"]
    assert poster_url.startswith(live_server.url("/door/"))

    name = attendee.get(f"/events/{event_id}/badge").json()["name"]
    (me,) = organizer.get(f"/events/{event_id}/check-in/attendees", q=name).json()
    already_in = me["check_in"] is not None

    camera = camera_browser(qr_camera_file(tmp_path / "poster.mjpeg", poster_url))
    context = camera.new_context(**PHONE)
    share_session(context, attendee, live_server)
    attendee_page = context.new_page()
    attendee_page.goto(live_server.url(f"/events/{event_id}/self-check-in"))
    answer = attendee_page.locator(".scan-result-amber" if already_in else ".scan-result-green")
    expect(answer).to_contain_text(name, timeout=15_000)
    attendee_page.screenshot(path=artifacts / "door-self-check-in.png")
    (me,) = organizer.get(f"/events/{event_id}/check-in/attendees", q=name).json()
    assert me["check_in"] is not None

    # The poster's link opened by the phone's own camera app: the same answer, in the page.
    attendee_page.goto(poster_url)
    expect(attendee_page.locator(".door-answer")).to_contain_text("Already checked in")
    organizer.send(
        "PATCH", f"/events/{event_id}/check-in/settings", {"self_check_in_enabled": False}
    )
    attendee_page.goto(poster_url)
    expect(attendee_page.locator(".door-answer")).to_contain_text("Self check-in is turned off")
    context.close()


def test_organizer_prints_chosen_badges_and_reissues_a_lost_one(
    live_server: LiveServer, people: DemoPeople, phone: BrowserContext, artifacts: Path
) -> None:
    organizer = people.organizer
    event_id = demo_event(organizer)["id"]
    email = "attendee29@demo.rapport.example"
    (person,) = organizer.get(f"/events/{event_id}/attendees", q=email).json()["items"]

    share_session(phone, organizer, live_server)
    page = phone.new_page()
    page.goto(live_server.url(f"/events/{event_id}"))
    badges = page.locator("section[aria-labelledby=badges-title]")
    badges.get_by_label("Layout").select_option(label="A4, eight A7 badges per sheet")
    expect(badges.get_by_role("button", name="All badges (PDF)")).to_be_visible()
    badges.get_by_label("Find attendees for badges").fill(email)
    badges.get_by_role("button", name="Find").click()
    badges.get_by_role("checkbox", name=person["name"]).check()
    badges.get_by_role("button", name="1 selected (PDF)").click()
    ready = badges.get_by_role("link", name=re.compile(r"Download badges-a4x8\.pdf"))
    expect(ready).to_be_visible(timeout=30_000)
    href = ready.get_attribute("href") or ""
    pdf = organizer.client.get(href)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(pikepdf.open(io.BytesIO(pdf.content)).pages) == 1  # one badge, one A4 sheet

    before = organizer.get(f"/events/{event_id}/attendees/{person['id']}/badge.svg").text
    page.on("dialog", lambda dialog: dialog.accept())
    badges.get_by_role("button", name=f"Reissue {person['name']}'s badge").click()
    expect(badges.locator(".note")).to_contain_text(f"{person['name']} has a new badge")
    after = organizer.get(f"/events/{event_id}/attendees/{person['id']}/badge.svg").text
    assert after != before, "the badge QR should hold a new token"
    badges.screenshot(path=artifacts / "door-badges-panel.png")

    # Namesakes are told apart by email; a broad search says how many it holds back.
    expect(badges.locator(".badge-pick li").first).to_contain_text(email)
    badges.get_by_label("Find attendees for badges").fill("demo.rapport.example")
    badges.get_by_role("button", name="Find").click()
    expect(badges.locator(".badge-pick li")).to_have_count(10)
    expect(badges).to_contain_text("Showing 10 of")
    badges.get_by_role("button", name="Show more").click()
    expect(badges.locator(".badge-pick li").nth(10)).to_be_visible()


def test_the_door_window_form_refuses_an_empty_box_and_saves_an_untouched_one_as_shown(
    people: DemoPeople, live_server: LiveServer, phone: BrowserContext
) -> None:
    organizer = people.organizer
    event_id = demo_event(organizer)["id"]
    before = organizer.get(f"/events/{event_id}/check-in/settings").json()
    share_session(phone, organizer, live_server)
    page = phone.new_page()
    page.goto(live_server.url(f"/events/{event_id}"))
    box = page.get_by_label("Door opens, in minutes before the start")
    window = box.locator("xpath=ancestor::form")
    expect(box).to_have_value(str(before["opens_minutes_before_start"]))
    box.fill("")
    window.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("whole number from 0 to 10080")
    assert organizer.get(f"/events/{event_id}/check-in/settings").json() == before

    page.reload()
    window = page.get_by_label("Door opens, in minutes before the start").locator(
        "xpath=ancestor::form"
    )
    window.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The check-in window is saved.")
    after = organizer.get(f"/events/{event_id}/check-in/settings").json()
    assert after["opens_minutes_before_start"] == before["opens_minutes_before_start"]


def test_staff_scanner_gets_a_door_pass_and_sends_scans_with_it(
    live_server: LiveServer,
    people: DemoPeople,
    camera_browser: Callable[[Path], Browser],
    tmp_path: Path,
) -> None:
    organizer, staff = people.organizer, people.staff
    event = demo_event(organizer)
    event_id = event["id"]
    open_the_door_early(organizer, event_id)
    # a person of this test's own, added to the list the way organizers do (every demo
    # attendee is some other browser test's), with a fresh badge
    email = "door-pass-test@demo.rapport.example"
    imported = organizer.client.post(
        f"/api/v1/events/{event_id}/attendees/import",
        files={"file": ("one.csv", f"name,email\nPassa Porte,{email}\n", "text/csv")},
        headers={"X-CSRF-Token": organizer.csrf},
    )
    assert imported.status_code == 202, imported.text
    job = imported.json()
    for _ in range(100):  # the server's own worker runs the import job
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
        job = organizer.client.get(f"/api/v1/jobs/{job['id']}").json()
    assert job["status"] == "succeeded", job
    (found,) = staff.get(f"/events/{event_id}/check-in/attendees", q=email).json()
    assert found["check_in"] is None
    person = found["attendee"]
    badge = organizer.send("POST", f"/events/{event_id}/attendees/{person['id']}/badge/reissue", {})

    camera = camera_browser(qr_camera_file(tmp_path / "badge.mjpeg", str(badge["url"])))
    context = camera.new_context(**PHONE)
    context.grant_permissions(["camera"], origin=live_server.base_url)
    share_session(context, staff, live_server)
    page = context.new_page()
    passes: list[str] = []
    scans: list[dict[str, str]] = []

    def seen(request: Request) -> None:
        if request.method != "POST":
            return
        if request.url.endswith("/check-in/pass"):
            passes.append(request.url)
        if request.url.endswith("/check-in/scans"):
            scans.append(request.headers)

    page.on("request", seen)
    with page.expect_response(lambda r: r.url.endswith("/check-in/pass")) as issued:
        page.goto(live_server.url(f"/events/{event_id}/door"))
    door_pass = issued.value.json()["token"]
    page.get_by_label("Gate").fill("P")
    page.get_by_role("button", name="Start scanning").click()

    green = page.locator(".scan-result-green")
    expect(green).to_be_visible(timeout=15_000)
    expect(green).to_contain_text(str(badge["name"]))
    assert passes, "the scanner never asked for a door pass"
    assert scans and scans[0].get("x-door-pass") == door_pass
    check_ins = staff.get(f"/events/{event_id}/check-ins", limit=200).json()["items"]
    theirs = [c for c in check_ins if c["attendee"]["id"] == person["id"]]
    assert len(theirs) == 1 and theirs[0]["gate"] == "P"
    context.close()
