"""Meetings on two phones: A asks B from the directory for a meeting with two slots, B accepts
the second, and both see it with its table on My agenda. Then B, offline, cancels: the agenda
still reads from the phone, the cancellation waits in the outbox, and once B is back online A
is told.

Like the directory test, it makes its own organizer, event and two attendees."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, expect

from tests.e2e.browsing import no_sideways_scroll, sign_in_by_mail, wait_for_service_worker
from tests.e2e.conftest import LiveServer
from tests.e2e.door_support import share_session
from tests.e2e.test_directory import PHONE, _new_event_with, _new_organizer

pytestmark = pytest.mark.browser

SETTINGS = {
    "enabled": True,
    "windows": [{"day": "2030-05-01", "start": "09:00", "end": "11:00"}],
    "slot_minutes": 20,
    "places": [{"name": "Table 4", "capacity": 1}],
}


def test_ask_accept_the_second_slot_both_see_it_then_cancel_offline(
    live_server: LiveServer, browser: Browser, artifacts: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    a_email, a_name = f"ada-{tag}@meetings.example", f"Ada Meet{tag}"
    b_email, b_name = f"ben-{tag}@meetings.example", f"Ben Meet{tag}"
    organizer = _new_organizer(live_server)
    try:
        event_id = _new_event_with(organizer, [(a_name, a_email), (b_name, b_email)])
        saved = organizer.client.put(
            f"/api/v1/events/{event_id}/meetings/settings",
            json=SETTINGS,
            headers={"X-CSRF-Token": organizer.csrf},
        )
        assert saved.status_code == 200, saved.text
    except BaseException:
        organizer.client.close()
        raise

    phone_a, phone_b = browser.new_context(**PHONE), browser.new_context(**PHONE)
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        a = sign_in_by_mail(phone_a, live_server, a_email)
        b = sign_in_by_mail(phone_b, live_server, b_email)

        # B chooses to be listed; A finds B in the directory and asks for two slots.
        b.goto(live_server.url(f"/events/{event_id}/directory"))
        b.get_by_role("switch", name="Show my card to people at this event").click()
        expect(b.get_by_text("Your card is now in this event's directory.")).to_be_visible()
        a.goto(live_server.url(f"/events/{event_id}/directory"))
        entry = a.locator(".directory-person").filter(has_text=b_name).first
        entry.get_by_role("link", name="Ask for a meeting").click()
        expect(a.get_by_role("heading", name=f"Meet {b_name}")).to_be_visible()
        choices = a.get_by_role("checkbox")
        expect(choices).to_have_count(6)  # 09:00 .. 10:40, both free
        choices.nth(0).check()
        choices.nth(1).check()
        a.get_by_label("A short message").fill("Twenty minutes on battery recycling?")
        no_sideways_scroll(a)
        a.screenshot(path=artifacts / "meetings-ask.png", full_page=True)
        a.get_by_role("button", name="Ask for a meeting").click()
        expect(a.get_by_role("heading", name="My agenda")).to_be_visible()
        expect(a.get_by_text("waiting for their answer")).to_be_visible()

        # B accepts the second slot from My agenda.
        b.goto(live_server.url(f"/events/{event_id}/agenda"))
        request = b.locator("[data-request]").filter(has_text=a_name)
        expect(request).to_contain_text("battery recycling")
        accepts = request.get_by_role("button", name=re.compile("^Accept"))
        expect(accepts).to_have_count(2)
        expect(accepts.nth(1)).to_contain_text("09:20")
        accepts.nth(1).click()
        meeting_b = b.locator("[data-meeting]").filter(has_text=a_name)
        expect(meeting_b).to_contain_text("Table 4")
        expect(meeting_b).to_contain_text("09:20")
        a.reload()
        meeting_a = a.locator("[data-meeting]").filter(has_text=b_name)
        expect(meeting_a).to_contain_text("Table 4")
        expect(meeting_a).to_contain_text("09:20")
        no_sideways_scroll(b)
        b.screenshot(path=artifacts / "meetings-agenda.png", full_page=True)

        # The organizer sees counts and how full Table 4 is, not who meets whom.
        share_session(laptop, organizer, live_server)
        desk = laptop.new_page()
        desk.goto(live_server.url(f"/events/{event_id}"))
        panel = desk.locator("section", has=desk.get_by_role("heading", name="Meetings"))
        expect(panel.get_by_role("img", name="Table 4: 1 meetings booked")).to_be_visible()
        expect(panel.locator("tbody tr")).to_have_count(1)
        expect(panel).not_to_contain_text(a_name)
        panel.screenshot(path=artifacts / "meetings-organizer.png")

        # Offline, B's agenda still reads from the phone, and B cancels through the outbox.
        wait_for_service_worker(b)
        expect(meeting_b).to_contain_text("Table 4")
        phone_b.set_offline(True)
        b.reload()
        expect(meeting_b).to_contain_text("Table 4")
        b.once("dialog", lambda dialog: Dialog.accept(dialog))
        meeting_b.get_by_role("button", name="Cancel meeting").click()
        expect(meeting_b).to_contain_text("Cancelled (waiting to sync)")
        b.reload()  # still offline: the cancellation waits on the phone, and says so
        expect(meeting_b).to_contain_text("Cancelled (waiting to sync)")
        a.reload()
        expect(a.locator("[data-meeting]").filter(has_text=b_name)).not_to_contain_text("Cancelled")

        # Back online: the outbox sends it, and A is told.
        phone_b.set_offline(False)
        expect(b.locator(".sync-status")).to_have_count(0, timeout=20_000)
        expect(meeting_b).to_contain_text("Cancelled")
        expect(meeting_b).not_to_contain_text("waiting to sync")
        a.reload()
        expect(a.locator(".notification").filter(has_text="cancelled your meeting")).to_be_visible()
        expect(a.locator("[data-meeting]").filter(has_text=b_name)).to_contain_text("Cancelled")
    finally:
        phone_a.close()
        phone_b.close()
        laptop.close()
        organizer.client.close()
