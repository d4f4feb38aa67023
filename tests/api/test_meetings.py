"""Meetings over HTTP, the asking side: the organizer's settings, slots offered only when both
are free, whom one may ask, limits, expiry (on a clock the test moves), blocking, a declined
person asking again, proposing other times once each way, and who may see a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Attendee, Event, User
from services.network import meetings
from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"
DAY = "2030-06-10"  # a Monday; the event is in Berlin (UTC+2 in June)
START = datetime(2030, 6, 10, 7, 0, tzinfo=UTC)  # 09:00 in Berlin: the first slot
SLOT = timedelta(minutes=20)


class Clock:
    """The meetings' clock, moved by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move(self, by: timedelta) -> None:
        self.at += by


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    made = Clock(datetime(2030, 6, 9, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(meetings, "utcnow", made)
    return made


def slot(n: int) -> str:
    """The n-th slot of the day (0: 09:00 Berlin), as the API writes it."""
    return (START + n * SLOT).isoformat().replace("+00:00", "Z")


def settings_body(**changes: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "windows": [{"day": DAY, "start": "09:00", "end": "11:00"}],  # six slots of 20 minutes
        "slot_minutes": 20,
        "places": [{"name": "Table 4", "capacity": 1}],
        **changes,
    }


@dataclass
class Person:
    user: User
    attendee: Attendee
    client: httpx.AsyncClient
    badge: str = ""  # the badge's token, to scan it


@dataclass
class Venue:
    event: Event
    organizer: httpx.AsyncClient
    people: list[Person]

    @property
    def base(self) -> str:
        return f"{API}/events/{self.event.id}/meetings"


async def venue(
    db: AsyncSession, make_client: ClientFactory, *, people: int = 2, **settings: Any
) -> Venue:
    """An event in Berlin taking meetings, with `people` attendees listed in the directory."""
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(
        db,
        organizer=organizer,
        starts_at=START - timedelta(hours=1),
        ends_at=START + timedelta(hours=9),
    )
    org_client = await make_client(organizer)
    put = await org_client.put(
        f"{API}/events/{event.id}/meetings/settings", json=settings_body(**settings)
    )
    assert put.status_code == 200, put.text
    made = []
    for n in range(people):
        attendee, badge = await factories.attendee(db, event=event, name=f"Person {chr(65 + n)}")
        attendee.directory_listed_at = START - timedelta(days=3)
        await db.commit()
        user = await db.get(User, attendee.user_id)
        await db.commit()
        assert user is not None
        made.append(Person(user, attendee, await make_client(user), badge.token))
    return Venue(event, org_client, made)


async def ask(
    v: Venue, asker: Person, asked: Person, slots: list[int], message: str = "Coffee?"
) -> httpx.Response:
    return await asker.client.post(
        f"{v.base}/requests",
        json={
            "attendee_id": str(asked.attendee.id),
            "message": message,
            "slots": [slot(n) for n in slots],
        },
    )


async def asked(v: Venue, asker: Person, asked: Person, slots: list[int]) -> dict[str, Any]:
    made = await ask(v, asker, asked, slots)
    assert made.status_code == 201, made.text
    return made.json()


async def free(v: Venue, who: Person, other: Person | None = None) -> list[str]:
    params = {"attendee_id": str(other.attendee.id)} if other else {}
    got = await who.client.get(f"{v.base}/slots", params=params)
    assert got.status_code == 200, got.text
    return [s.replace("+00:00", "Z") for s in got.json()["slots"]]


def parse(at: str) -> datetime:
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


async def test_settings_are_the_organizers_and_slots_follow_the_windows_in_the_event_zone(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a = v.people[0]
    refused = await a.client.put(f"{v.base}/settings", json=settings_body())
    assert refused.status_code == 403
    shown = (await a.client.get(f"{v.base}/settings")).json()
    assert shown["timezone"] == "Europe/Berlin" and shown["slot_minutes"] == 20
    assert [p["name"] for p in shown["places"]] == ["Table 4"]
    assert await free(v, a) == [slot(n) for n in range(6)]  # 09:00 .. 10:40 Berlin


async def test_meetings_off_refuses_asking(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, enabled=False)
    a, b = v.people
    refused = await ask(v, a, b, [0])
    assert refused.status_code == 409 and refused.json()["error"] == "meetings_off"


async def test_slots_are_offered_only_when_both_are_free(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=3, places=[{"name": "Table 4", "capacity": 5}])
    a, b, c = v.people
    request = await asked(v, a, c, [0])
    accepted = await c.client.post(
        f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(0)}
    )
    assert accepted.status_code == 200, accepted.text
    assert slot(0) not in await free(v, a, b)
    assert slot(0) in await free(v, b)
    refused = await ask(v, b, a, [0, 1])
    assert refused.status_code == 400 and refused.json()["error"] == "slot_not_free"
    clock.move(START + SLOT * 2 - clock.at + timedelta(seconds=1))  # the third slot began
    assert await free(v, a, b) == [slot(n) for n in range(3, 6)]


async def test_a_full_place_takes_its_slots_off_for_everyone(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=4)
    a, b, c, d = v.people
    request = await asked(v, a, b, [1])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(1)})
    assert slot(1) not in await free(v, c, d)  # Table 4 holds one meeting


async def test_only_people_in_the_directory_or_my_contacts_here_can_be_asked(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    b.attendee.directory_listed_at = None
    db.add(b.attendee)
    await db.commit()
    refused = await ask(v, a, b, [0])
    assert refused.status_code == 404
    await factories.met_contact(db, owner=a.user, event=v.event, name="B", person_id=b.user.id)
    assert (await ask(v, a, b, [0])).status_code == 201
    assert (await ask(v, a, a, [1])).status_code == 400


async def test_message_is_at_most_300_characters_and_three_slots(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    assert (await ask(v, a, b, [0], message="x" * 301)).status_code == 422
    assert (await ask(v, a, b, [0, 1, 2, 3])).status_code == 422
    assert (await ask(v, a, b, [0, 1, 2], message="x" * 300)).status_code == 201


async def test_pending_requests_out_are_limited(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=4, max_pending_out=2)
    a, b, c, d = v.people
    await asked(v, a, b, [0])
    await asked(v, a, c, [0])
    refused = await ask(v, a, d, [0])
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_meeting_requests"
    assert (await ask(v, b, d, [0])).status_code == 201  # the limit is per person


async def test_requests_expire_after_the_waiting_time_and_when_the_first_slot_passed(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=3, expiry_hours=2)
    a, b, c = v.people
    first = await asked(v, a, b, [4, 5])
    assert parse(first["expires_at"]) == clock.at + timedelta(hours=2)
    clock.move(timedelta(hours=2))
    got = (await b.client.get(f"{API}/meeting-requests/{first['id']}")).json()
    assert got["status"] == "expired" and not got["your_turn"]
    late = await b.client.post(
        f"{API}/meeting-requests/{first['id']}/accept", json={"slot": slot(4)}
    )
    assert late.status_code == 410
    # Asked 30 minutes before the first slot: it expires when that slot begins.
    clock.move(START - timedelta(minutes=30) - clock.at)
    second = await asked(v, a, c, [0, 3])
    assert parse(second["expires_at"]) == START
    assert (await ask(v, a, b, [1])).status_code == 201  # an expired request is not open


async def test_a_blocked_person_cannot_ask(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    blocked = await b.client.post(f"{v.base}/blocks", json={"attendee_id": str(a.attendee.id)})
    assert blocked.status_code == 204
    refused = await ask(v, a, b, [0])
    assert refused.status_code == 403 and refused.json()["error"] == "meeting_blocked"
    assert (await ask(v, b, a, [0])).status_code == 201  # the blocker may still ask
    await b.client.delete(f"{v.base}/blocks/{a.attendee.id}")


async def test_a_declined_person_cannot_ask_again_at_the_same_event(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [0])
    declined = await b.client.post(
        f"{API}/meeting-requests/{request['id']}/decline", json={"reason": "not_a_fit"}
    )
    assert declined.json()["status"] == "declined"
    seen = (await a.client.get(f"{API}/meeting-requests/{request['id']}")).json()
    assert seen["decline_reason"] == "not_a_fit"
    again = await ask(v, a, b, [1])
    assert again.status_code == 409 and again.json()["error"] == "meeting_declined_before"
    assert (await ask(v, b, a, [1])).status_code == 201  # who declined may still ask
    bad = await b.client.post(
        f"{API}/meeting-requests/{request['id']}/decline", json={"reason": "rude words"}
    )
    assert bad.status_code == 422
    notes = (await a.client.get(f"{API}/notifications")).json()["items"]
    assert any("declined the meeting (not a fit)" in n["text"] for n in notes)


async def test_other_times_can_be_proposed_once_each_way(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [0])
    url = f"{API}/meeting-requests/{request['id']}"
    not_yours = await a.client.post(f"{url}/propose", json={"slots": [slot(1)]})
    assert not_yours.status_code == 403
    countered = await b.client.post(f"{url}/propose", json={"slots": [slot(2), slot(3)]})
    assert countered.status_code == 200, countered.text
    assert countered.json()["your_turn"] is False
    seen = (await a.client.get(url)).json()
    assert seen["your_turn"] and seen["can_propose"] and seen["slots"][0].startswith(slot(2)[:16])
    back = await a.client.post(f"{url}/propose", json={"slots": [slot(4)]})
    assert back.status_code == 200
    assert (await b.client.get(url)).json()["can_propose"] is False
    twice = await b.client.post(f"{url}/propose", json={"slots": [slot(5)]})
    assert twice.status_code == 409 and twice.json()["error"] == "proposed_already"
    wrong = await b.client.post(f"{url}/accept", json={"slot": slot(2)})
    assert wrong.status_code == 400
    assert (await b.client.post(f"{url}/accept", json={"slot": slot(4)})).status_code == 200


async def test_only_the_two_people_see_a_request(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=3)
    a, b, c = v.people
    request = await asked(
        v,
        a,
        b,
        [0],
    )
    for outsider in (c.client, v.organizer):
        assert (await outsider.get(f"{API}/meeting-requests/{request['id']}")).status_code == 404
        answer = await outsider.post(
            f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(0)}
        )
        assert answer.status_code == 404
    assert (await c.client.get(f"{v.base}/requests")).json() == []
    theirs = (await b.client.get(f"{v.base}/requests")).json()
    assert [r["direction"] for r in theirs] == ["in"]
    assert theirs[0]["other"]["name"] == "Person A" and theirs[0]["message"] == "Coffee?"
    assert "email" not in theirs[0]["other"]


async def test_the_one_who_asked_can_withdraw_a_waiting_request(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [0])
    url = f"{API}/meeting-requests/{request['id']}"
    assert (await b.client.post(f"{url}/withdraw")).status_code == 403
    assert (await a.client.post(f"{url}/withdraw")).json()["status"] == "cancelled"
    assert (await b.client.post(f"{url}/accept", json={"slot": slot(0)})).status_code == 409


async def test_a_contact_met_at_the_event_leads_to_whom_to_ask(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    added = await a.client.post(f"{API}/events/{v.event.id}/directory/{b.attendee.id}/add")
    assert added.status_code in (200, 201), added.text
    contact_id = added.json()["contact"]["id"]
    found = await a.client.get(f"{API}/contacts/{contact_id}/meeting-person")
    assert found.status_code == 200, found.text
    assert found.json()["event_id"] == str(v.event.id)
    assert found.json()["person"]["attendee_id"] == str(b.attendee.id)
    assert (await b.client.get(f"{API}/contacts/{contact_id}/meeting-person")).status_code == 404
    typed = await factories.contact(db, owner=a.user, name="Typed In")
    refused = await a.client.get(f"{API}/contacts/{typed.id}/meeting-person")  # type: ignore[attr-defined]
    assert refused.status_code == 404 and refused.json()["error"] == "not_met_at_event"
