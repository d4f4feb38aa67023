"""Who may call what: every /api/v1 route, with every role, against one table.

HOW TO ADD YOUR ENDPOINT (other helpers, read this):
  1. Add one row to ROUTES below, keyed by (METHOD, path template exactly as in app.routes).
  2. Pick who may call it: one of the presets (PUBLIC, SIGNED_IN, ORGANIZER_ACCOUNT, MEMBERS,
     ORGANIZERS, STAFF, ATTENDEES) with the success status, e.g. `ORGANIZERS(200)`, or spell
     the expectations out as {role: status} for all six roles in ROLES.
  3. Give a valid request: `json=` (a body, or a function role -> body when each caller needs
     its own, e.g. to stay under a rate limit) / `files=` / `params=`. Path parameters are
     filled from `World.path_params` (event_id is event A); if your path needs an id of
     something else (a contact, a badge token...), give `prepare=`, an async function
     (session, world) -> dict of extra path params, that creates that thing in event A and
     returns its ids.
  The test fails if a /api/v1 route has no row, and lists the mismatches per (route, role).
  Allowed calls are made once per allowed role, so they must be repeatable (idempotent or
  creating something new each time).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLES = ("anonymous", "attendee_a", "attendee_b", "staff_a", "organizer_a", "organizer_b")


def api_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """Every (method, path template) under /api/v1, included routers flattened."""
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if path.startswith(API + "/"):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, path


@dataclass
class World:
    """Event A with one person in each role, and event B with its own organizer and attendee."""

    users: dict[str, Any]
    event_a: Any
    event_b: Any
    path_params: dict[str, str] = field(default_factory=dict)


Expect = dict[str, int]


def _expect(ok: int, allowed: set[str], *, outsiders: int = 404, lacking: int = 403) -> Expect:
    """Event-scoped rules: outsiders of event A get 404, members without the role 403."""
    table = {"anonymous": 401}
    for role in ROLES[1:]:
        if role in allowed:
            table[role] = ok
        elif role.endswith("_b"):
            table[role] = outsiders
        else:
            table[role] = lacking
    return table


def PUBLIC(ok: int) -> Expect:
    return dict.fromkeys(ROLES, ok)


def SIGNED_IN(ok: int) -> Expect:
    return {"anonymous": 401, **dict.fromkeys(ROLES[1:], ok)}


def ORGANIZER_ACCOUNT(ok: int) -> Expect:
    return {
        "anonymous": 401,
        "attendee_a": 403,
        "attendee_b": 403,
        "staff_a": 403,
        "organizer_a": ok,
        "organizer_b": ok,
    }


def MEMBERS(ok: int) -> Expect:
    return _expect(ok, {"attendee_a", "staff_a", "organizer_a"})


def ORGANIZERS(ok: int) -> Expect:
    return _expect(ok, {"organizer_a"})


def STAFF(ok: int) -> Expect:
    return _expect(ok, {"staff_a", "organizer_a"})


def ATTENDEES(ok: int) -> Expect:
    return _expect(ok, {"attendee_a"})


Prepare = Callable[[AsyncSession, World], Awaitable[dict[str, str]]]


@dataclass
class Case:
    expect: Expect
    json: Any = None  # a body, or a function role -> body
    files: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    prepare: Prepare | None = None


EVENT_BODY = {
    "name": "Authz Conf",
    "venue": "Hall",
    "timezone": "Europe/Berlin",
    "starts_at": "2030-05-01T09:00:00",
    "ends_at": "2030-05-01T18:00:00",
}
CSV = b"name,email\nNew Person,new.person@example.org\n"

ROUTES: dict[tuple[str, str], Case] = {
    # auth: anyone may ask for a link or try one (a bad token is 400 whoever asks)
    ("POST", f"{API}/auth/sign-in"): Case(
        PUBLIC(202), json=lambda role: {"email": f"{role}@example.org"}
    ),
    ("POST", f"{API}/auth/verify"): Case(PUBLIC(400), json={"token": "not-a-real-token"}),
    ("GET", f"{API}/auth/me"): Case(SIGNED_IN(200)),
    ("POST", f"{API}/auth/sign-out"): Case(SIGNED_IN(204)),
    # events
    ("GET", f"{API}/events"): Case(SIGNED_IN(200)),
    ("POST", f"{API}/events"): Case(ORGANIZER_ACCOUNT(201), json=EVENT_BODY),
    ("GET", f"{API}/events/{{event_id}}"): Case(MEMBERS(200)),
    ("PATCH", f"{API}/events/{{event_id}}"): Case(ORGANIZERS(200), json={"venue": "Hall C"}),
    ("GET", f"{API}/events/{{event_id}}/staff"): Case(ORGANIZERS(200)),
    ("POST", f"{API}/events/{{event_id}}/staff"): Case(
        ORGANIZERS(201), json={"email": "door@example.org"}
    ),
    # attendees and badges
    ("POST", f"{API}/events/{{event_id}}/attendees/import"): Case(
        ORGANIZERS(202), files={"file": ("people.csv", CSV, "text/csv")}
    ),
    ("GET", f"{API}/events/{{event_id}}/attendees"): Case(STAFF(200), params={"limit": 10}),
    ("GET", f"{API}/events/{{event_id}}/badge"): Case(ATTENDEES(200)),
    ("GET", f"{API}/events/{{event_id}}/badge.svg"): Case(ATTENDEES(200)),
}


# --- door check-in and badges (tests/api/test_checkin.py, tests/api/test_badges.py) ---------
_door: dict[str, str] = {}  # ids made by a prepare step, for request bodies that need them


def _scan_body(role: str) -> dict[str, str]:
    from services.db import utcnow

    return {"token": "not-a-badge", "scanned_at": utcnow().isoformat(), "nonce": uuid.uuid4().hex}


async def _door_attendee(session: AsyncSession, world: World) -> dict[str, str]:
    attendee, _ = await factories.attendee(session, event=world.event_a)
    _door["attendee_id"] = str(attendee.id)
    return {"attendee_id": str(attendee.id)}


async def _door_check_in(session: AsyncSession, world: World) -> dict[str, str]:
    from services.db import utcnow
    from services.door import checkin

    _, badge = await factories.attendee(session, event=world.event_a)
    answer = await checkin.scan_badge(
        session, event=world.event_a, token=badge.token, scanned_at=utcnow(), nonce="authz-1234"
    )
    await session.commit()
    assert answer.check_in is not None
    return {"check_in_id": str(answer.check_in.id)}


async def _door_poster(session: AsyncSession, world: World) -> dict[str, str]:
    from schemas.checkin import DoorSettingsPatch
    from services.door import settings as door_settings

    settings = await door_settings.update_door_settings(
        session, event=world.event_a, data=DoorSettingsPatch(self_check_in_enabled=True)
    )
    await session.commit()
    _door["poster_token"] = settings.poster_token or ""
    return {}


def _manual_body(role: str) -> dict[str, str]:
    return {**_scan_body(role), "attendee_id": _door["attendee_id"]}


def _self_body(role: str) -> dict[str, str]:
    return {**_scan_body(role), "token": _door["poster_token"]}


_E = f"{API}/events/{{event_id}}"
ROUTES.update(
    {
        ("POST", f"{_E}/check-in/scans"): Case(STAFF(200), json=_scan_body),
        ("POST", f"{_E}/check-in/pass"): Case(STAFF(200)),
        ("POST", f"{_E}/check-in/manual"): Case(
            STAFF(200), json=_manual_body, prepare=_door_attendee
        ),
        ("GET", f"{_E}/check-in/attendees"): Case(STAFF(200), params={"q": "a"}),
        ("GET", f"{_E}/check-ins"): Case(STAFF(200)),
        ("POST", f"{_E}/check-ins/{{check_in_id}}/undo"): Case(
            STAFF(200), json={"reason": "mistake"}, prepare=_door_check_in
        ),
        ("GET", f"{_E}/check-in/stats"): Case(STAFF(200)),
        ("GET", f"{_E}/check-in/stats/stream"): Case(STAFF(200), params={"max_seconds": 1}),
        ("GET", f"{_E}/check-in/arrivals.svg"): Case(STAFF(200)),
        ("POST", f"{_E}/check-ins.csv"): Case(ORGANIZERS(202)),
        ("GET", f"{_E}/check-in/settings"): Case(ORGANIZERS(200)),
        ("PATCH", f"{_E}/check-in/settings"): Case(
            ORGANIZERS(200), json={"opens_minutes_before_start": 90}
        ),
        ("POST", f"{_E}/check-in/poster/rotate"): Case(ORGANIZERS(200)),
        ("GET", f"{_E}/check-in/poster.svg"): Case(ORGANIZERS(200), prepare=_door_poster),
        ("GET", f"{_E}/check-in/poster.pdf"): Case(ORGANIZERS(200), prepare=_door_poster),
        # only registered attendees of the poster's event; everyone else is told "not found"
        ("POST", f"{API}/self-check-in"): Case(
            {**dict.fromkeys(ROLES, 404), "anonymous": 401, "attendee_a": 200},
            json=_self_body,
            prepare=_door_poster,
        ),
        ("POST", f"{_E}/attendees/{{attendee_id}}/badge/reissue"): Case(
            ORGANIZERS(200), prepare=_door_attendee
        ),
        ("GET", f"{_E}/attendees/{{attendee_id}}/badge.svg"): Case(
            ORGANIZERS(200), prepare=_door_attendee
        ),
        ("GET", f"{_E}/attendees/{{attendee_id}}/badge.png"): Case(
            ORGANIZERS(200), prepare=_door_attendee
        ),
        ("POST", f"{_E}/badges.pdf"): Case(ORGANIZERS(202), json={"layout": "a4x4"}),
    }
)


# --- cards, contacts, exchange, notes, search, pitches (tests/api/test_contacts.py etc.) ----
# Everything here belongs to one person: attendee_a owns what `prepare` makes; everyone else is
# told "not found" (their role in an event gives them nothing of it).
_SCANNER_ID = uuid.UUID(int=0xA11CE)  # someone who scanned attendee_a (made by a prepare step)
_OTHER_CONTACT_ID = uuid.UUID(int=0xC0FFEE)
_SCAN_TOKEN = "authz-contact-exchange-badge-token"


def OWNER_A(ok: int) -> Expect:
    return {**dict.fromkeys(ROLES, 404), "anonymous": 401, "attendee_a": ok}


async def _owner_a(session: AsyncSession, world: World) -> Any:
    return world.users["attendee_a"]


async def _my_contact(session: AsyncSession, world: World) -> dict[str, str]:
    contact = await factories.contact(session, owner=await _owner_a(session, world))
    return {"contact_id": str(contact.id)}


async def _two_contacts(session: AsyncSession, world: World) -> dict[str, str]:
    owner = await _owner_a(session, world)
    await factories.contact(session, owner=owner, name="To merge", id=_OTHER_CONTACT_ID)
    return await _my_contact(session, world)


async def _my_note(session: AsyncSession, world: World) -> dict[str, str]:
    from schemas.notes import PromiseIn

    owner = await _owner_a(session, world)
    contact = await factories.contact(session, owner=owner)
    parts = await factories.note(
        session, owner=owner, contact_id=contact.id, text="n", promises=[PromiseIn(text="p")]
    )
    return {"note_id": str(parts.note.id), "promise_id": str(parts.promises[0].id)}


async def _photos_for_all(session: AsyncSession, world: World) -> dict[str, str]:
    from services.people import cards

    for person in world.users.values():
        if person is not None:
            await cards.set_photo(session, user=person, data=factories.PNG_1PX)
    await session.commit()
    return {}


async def _contact_with_photo(session: AsyncSession, world: World) -> dict[str, str]:
    from services.people import cards, exchange

    person = await factories.user(session)
    await factories.card(session, person=person, shared_fields=["name", "photo"])
    await cards.set_photo(session, user=person, data=factories.PNG_1PX)
    _, badge = await factories.attendee(session, event=world.event_a, person=person)
    result = await exchange.scan_badge(
        session, user=await _owner_a(session, world), badge=badge.token
    )
    await session.commit()
    return {"contact_id": str(result.contact.id)}


async def _badge_to_scan(session: AsyncSession, world: World) -> dict[str, str]:
    _, badge = await factories.attendee(session, event=world.event_a)
    badge.token = _SCAN_TOKEN
    await session.commit()
    return {}


async def _scanned_by_someone(session: AsyncSession, world: World) -> dict[str, str]:
    from sqlalchemy import select

    from services.events import badges
    from services.models import Attendee, User
    from services.people import exchange

    owner = await _owner_a(session, world)
    session.add(User(id=_SCANNER_ID, email="scanner@example.org", name="Scanner"))
    await session.flush()
    attendee = await session.scalar(select(Attendee).where(Attendee.user_id == owner.id))
    assert attendee is not None
    badge = await badges.current_badge(session, attendee=attendee)
    assert badge is not None
    scanner = await session.get(User, _SCANNER_ID)
    assert scanner is not None
    await exchange.scan_badge(session, user=scanner, badge=badge.token)
    await session.commit()
    return {}


async def _shared_with_someone(session: AsyncSession, world: World) -> dict[str, str]:
    from services.models import CardShare, User

    session.add(User(id=_SCANNER_ID, email="holder@example.org", name="Holder"))
    await session.flush()
    owner = await _owner_a(session, world)
    session.add(CardShare(from_user_id=owner.id, to_user_id=_SCANNER_ID))
    await session.commit()
    return {}


async def _my_notification(session: AsyncSession, world: World) -> dict[str, str]:
    from services.models import Notification

    note = Notification(user_id=(await _owner_a(session, world)).id, kind="x", text="hello")
    session.add(note)
    await session.commit()
    return {"notification_id": str(note.id)}


async def _my_pitch(session: AsyncSession, world: World) -> dict[str, str]:
    from schemas.pitches import PitchIn
    from services.people import pitches

    pitch, _ = await pitches.create_pitch(
        session, user=await _owner_a(session, world), data=PitchIn(title="P")
    )
    await session.commit()
    return {"pitch_id": str(pitch.id)}


_VCF = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:File Person\r\nEND:VCARD\r\n"
_PHOTO_FILE = {"file": ("me.png", factories.PNG_1PX, "image/png")}
ROUTES.update(
    {
        ("GET", f"{API}/me/card"): Case(SIGNED_IN(200)),
        ("PUT", f"{API}/me/card"): Case(SIGNED_IN(200), json={"name": "Me", "company": "Co"}),
        ("GET", f"{API}/me/card/shared"): Case(SIGNED_IN(200)),
        ("PATCH", f"{API}/me/card/settings"): Case(SIGNED_IN(200), json={"words_per_minute": 140}),
        ("PUT", f"{API}/me/card/photo"): Case(SIGNED_IN(200), files=_PHOTO_FILE),
        ("GET", f"{API}/me/card/photo"): Case(SIGNED_IN(200), prepare=_photos_for_all),
        ("DELETE", f"{API}/me/card/photo"): Case(SIGNED_IN(200)),
        ("GET", f"{API}/contacts"): Case(SIGNED_IN(200), params={"sort": "warmth"}),
        ("POST", f"{API}/contacts"): Case(SIGNED_IN(201), json={"name": "Typed Person"}),
        ("POST", f"{API}/contacts/import"): Case(
            SIGNED_IN(201), json={"payload": "MECARD:N:Owen,Sean;;"}
        ),
        ("POST", f"{API}/contacts/import-file"): Case(
            SIGNED_IN(202), files={"file": ("c.vcf", _VCF, "text/vcard")}
        ),
        ("POST", f"{API}/contacts/export.vcf"): Case(SIGNED_IN(202)),
        ("POST", f"{API}/contacts/export.csv"): Case(SIGNED_IN(202), params={"format": "hubspot"}),
        ("GET", f"{API}/contacts/{{contact_id}}"): Case(OWNER_A(200), prepare=_my_contact),
        ("PATCH", f"{API}/contacts/{{contact_id}}"): Case(
            OWNER_A(200), json={"company": "New Co"}, prepare=_my_contact
        ),
        ("DELETE", f"{API}/contacts/{{contact_id}}"): Case(OWNER_A(204), prepare=_my_contact),
        ("POST", f"{API}/contacts/{{contact_id}}/merge"): Case(
            OWNER_A(200), json={"other_id": str(_OTHER_CONTACT_ID)}, prepare=_two_contacts
        ),
        ("GET", f"{API}/contacts/{{contact_id}}/photo"): Case(
            OWNER_A(200), prepare=_contact_with_photo
        ),
        ("GET", f"{API}/contacts/{{contact_id}}/notes"): Case(OWNER_A(200), prepare=_my_contact),
        ("POST", f"{API}/contacts/{{contact_id}}/notes"): Case(
            OWNER_A(201), json={"text": "hello"}, prepare=_my_contact
        ),
        ("GET", f"{API}/notes/{{note_id}}"): Case(OWNER_A(200), prepare=_my_note),
        ("PATCH", f"{API}/notes/{{note_id}}"): Case(
            OWNER_A(200), json={"base_version": 1, "text": "edited"}, prepare=_my_note
        ),
        ("DELETE", f"{API}/notes/{{note_id}}"): Case(OWNER_A(204), prepare=_my_note),
        ("GET", f"{API}/promises"): Case(SIGNED_IN(200)),
        ("PATCH", f"{API}/promises/{{promise_id}}"): Case(
            OWNER_A(200), json={"done": True}, prepare=_my_note
        ),
        ("PUT", f"{API}/promises/{{promise_id}}/shared"): Case(
            OWNER_A(200), json={"shared": False}, prepare=_my_note
        ),
        ("PUT", f"{API}/promises/{{promise_id}}/done"): Case(
            OWNER_A(200), json={"done": True}, prepare=_my_note
        ),
        ("GET", f"{API}/contacts/{{contact_id}}/agreed"): Case(OWNER_A(200), prepare=_my_contact),
        ("POST", f"{API}/exchange/scan"): Case(
            SIGNED_IN(201), json={"badge": _SCAN_TOKEN}, prepare=_badge_to_scan
        ),
        ("POST", f"{API}/exchange/share-back"): Case(
            OWNER_A(200), json={"user_id": str(_SCANNER_ID)}, prepare=_scanned_by_someone
        ),
        ("POST", f"{API}/exchange/withdraw"): Case(
            OWNER_A(204), json={"user_id": str(_SCANNER_ID)}, prepare=_shared_with_someone
        ),
        ("GET", f"{API}/exchange/shares"): Case(SIGNED_IN(200)),
        ("GET", f"{API}/notifications"): Case(SIGNED_IN(200), params={"unread": "true"}),
        ("POST", f"{API}/notifications/{{notification_id}}/read"): Case(
            OWNER_A(204), prepare=_my_notification
        ),
        ("GET", f"{API}/search"): Case(SIGNED_IN(200), params={"q": "battery"}),
        ("GET", f"{API}/pitches"): Case(SIGNED_IN(200)),
        ("POST", f"{API}/pitches"): Case(SIGNED_IN(201), json={"title": "Investors"}),
        ("GET", f"{API}/pitches/{{pitch_id}}"): Case(OWNER_A(200), prepare=_my_pitch),
        ("PATCH", f"{API}/pitches/{{pitch_id}}"): Case(
            OWNER_A(200), json={"text": "Hello there"}, prepare=_my_pitch
        ),
        ("DELETE", f"{API}/pitches/{{pitch_id}}"): Case(OWNER_A(204), prepare=_my_pitch),
    }
)


# --- follow-ups and staying in touch (tests/api/test_followups.py, test_reminders.py) ------
# attendee_a owns what `prepare` makes; everyone else is told "not found".
_FOLLOW_UP_CONTACT_ID = uuid.UUID(int=0xF011)  # a contact of attendee_a, with this fixed id
_OPERATORS_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": 401}


async def _follow_up_contact(session: AsyncSession, world: World) -> Any:
    return await factories.met_contact(
        session,
        owner=await _owner_a(session, world),
        event=world.event_a,
        id=_FOLLOW_UP_CONTACT_ID,
        linkedin_url="https://www.linkedin.com/in/someone",
    )


def _my_follow_up(
    status: str = "draft", channel: str = "email", mentions: str | None = None
) -> Prepare:
    async def prepare(session: AsyncSession, world: World) -> dict[str, str]:
        contact = await _follow_up_contact(session, world)
        made = await factories.follow_up(
            session, owner=await _owner_a(session, world), contact=contact, channel=channel,
            status=status, mentions=mentions,
        )  # fmt: skip
        return {"follow_up_id": str(made.id)}

    return prepare


async def _contact_for_follow_ups(session: AsyncSession, world: World) -> dict[str, str]:
    contact = await _follow_up_contact(session, world)
    return {"contact_id": str(contact.id)}


async def _my_cadence(session: AsyncSession, world: World) -> dict[str, str]:
    from services.followups import reminders

    contact = await _follow_up_contact(session, world)
    owner = await _owner_a(session, world)
    await reminders.set_cadence(session, owner=owner, contact_id=contact.id, every_days=14)
    await session.commit()
    return {"contact_id": str(contact.id)}


async def _my_template(session: AsyncSession, world: World) -> dict[str, str]:
    from services.followups import templates

    made = await templates.create_template(
        session, owner=await _owner_a(session, world), kind="custom", name="T", subject="Hi",
        body="Hello {{ first_name }}",
    )  # fmt: skip
    await session.commit()
    return {"template_id": str(made.id)}


async def _calendar_token(session: AsyncSession, world: World) -> dict[str, str]:
    from services.followups import reminders

    token = await reminders.rotate_calendar_token(session, owner=await _owner_a(session, world))
    await session.commit()
    return {"token": token}


_F = f"{API}/follow-ups"
_T = f"{API}/follow-up-templates"
ROUTES.update(
    {
        ("GET", _F): Case(SIGNED_IN(200), params={"status": "draft"}),
        ("POST", f"{_F}/drafts"): Case(
            SIGNED_IN(200),
            json={"contact_ids": [str(_FOLLOW_UP_CONTACT_ID)]},
            prepare=_contact_for_follow_ups,
        ),
        ("GET", f"{_F}/review"): Case(SIGNED_IN(200)),
        ("GET", f"{_F}/queue-health"): Case(_OPERATORS_ONLY),
        ("GET", f"{_F}/{{follow_up_id}}"): Case(OWNER_A(200), prepare=_my_follow_up()),
        ("GET", f"{_F}/{{follow_up_id}}/history"): Case(OWNER_A(200), prepare=_my_follow_up()),
        ("PATCH", f"{_F}/{{follow_up_id}}"): Case(
            OWNER_A(200), json={"subject": "Edited"}, prepare=_my_follow_up("scheduled")
        ),
        ("POST", f"{_F}/{{follow_up_id}}/approve"): Case(OWNER_A(200), prepare=_my_follow_up()),
        # No writing assistant is set up here: 404 no_assistant for the owner too (the owner
        # check with one set up is in tests/api/test_assistant.py).
        ("GET", f"{_F}/assistant"): Case(SIGNED_IN(200)),
        ("GET", f"{_F}/{{follow_up_id}}/assistant-request"): Case(
            OWNER_A(404), prepare=_my_follow_up()
        ),
        ("POST", f"{_F}/{{follow_up_id}}/rewrite"): Case(OWNER_A(404), prepare=_my_follow_up()),
        ("POST", f"{_F}/{{follow_up_id}}/add"): Case(
            OWNER_A(200), json={"part": "topic", "text": "heat"}, prepare=_my_follow_up(mentions="")
        ),
        ("POST", f"{_F}/{{follow_up_id}}/skip"): Case(OWNER_A(200), prepare=_my_follow_up()),
        ("POST", f"{_F}/{{follow_up_id}}/snooze"): Case(OWNER_A(200), prepare=_my_follow_up()),
        ("POST", f"{_F}/{{follow_up_id}}/cancel"): Case(
            OWNER_A(200), prepare=_my_follow_up("scheduled")
        ),
        ("POST", f"{_F}/{{follow_up_id}}/reopen"): Case(
            OWNER_A(200), prepare=_my_follow_up("skipped")
        ),
        ("POST", f"{_F}/{{follow_up_id}}/mark-sent"): Case(
            OWNER_A(200), prepare=_my_follow_up("approved", "linkedin")
        ),
        ("GET", _T): Case(SIGNED_IN(200)),
        ("POST", _T): Case(
            SIGNED_IN(201), json={"name": "Mine", "subject": "Hi", "body": "Hi {{ first_name }}"}
        ),
        ("GET", f"{_T}/placeholders"): Case(SIGNED_IN(200)),
        ("POST", f"{_T}/sentence"): Case(SIGNED_IN(200), json={"part": "topic", "text": "heat"}),
        ("POST", f"{_T}/preview"): Case(
            OWNER_A(200),
            json={"contact_id": str(_FOLLOW_UP_CONTACT_ID), "subject": "Hi", "body": "{{ name }}"},
            prepare=_contact_for_follow_ups,
        ),
        ("PATCH", f"{_T}/{{template_id}}"): Case(
            OWNER_A(200), json={"name": "Renamed"}, prepare=_my_template
        ),
        ("DELETE", f"{_T}/{{template_id}}"): Case(OWNER_A(204), prepare=_my_template),
        ("GET", f"{API}/reminders"): Case(SIGNED_IN(200), params={"within_days": 30}),
        ("GET", f"{API}/keep-in-touch"): Case(SIGNED_IN(200)),
        ("PUT", f"{API}/keep-in-touch/{{contact_id}}"): Case(
            OWNER_A(200), json={"every_days": 30}, prepare=_contact_for_follow_ups
        ),
        ("DELETE", f"{API}/keep-in-touch/{{contact_id}}"): Case(OWNER_A(204), prepare=_my_cadence),
        ("POST", f"{API}/interactions"): Case(
            OWNER_A(201),
            json={"contact_id": str(_FOLLOW_UP_CONTACT_ID), "kind": "talked"},
            prepare=_contact_for_follow_ups,
        ),
        ("GET", f"{API}/follow-up-settings"): Case(SIGNED_IN(200)),
        ("PATCH", f"{API}/follow-up-settings"): Case(
            SIGNED_IN(200), json={"timezone": "Europe/Berlin", "daily_digest": True}
        ),
        ("POST", f"{API}/reminders/calendar-feed"): Case(SIGNED_IN(201)),
        ("DELETE", f"{API}/reminders/calendar-feed"): Case(SIGNED_IN(204)),
        ("GET", f"{API}/reminders/calendar/{{token}}.ics"): Case(
            PUBLIC(200), prepare=_calendar_token
        ),
    }
)


# --- offline sync and the offline door (tests/api/test_sync.py) -------------------------------
async def _my_note_conflict(session: AsyncSession, world: World) -> dict[str, str]:
    from datetime import timedelta

    from schemas.sync import SyncBatchIn
    from services.db import utcnow
    from services.sync import batch

    owner = await _owner_a(session, world)
    contact = await factories.contact(session, owner=owner)
    parts = await factories.note(session, owner=owner, contact_id=contact.id, text="a")
    edits = [
        {
            "id": str(uuid.uuid4()),
            "type": "note.update",
            "payload": {
                "note_id": str(parts.note.id),
                "base_version": 1,
                "text": text,
                "edited_at": (utcnow() - timedelta(minutes=minutes)).isoformat(),
            },
        }
        for text, minutes in (("b", 2), ("c", 1))
    ]
    out = await batch.apply_batch(
        session, user=owner, data=SyncBatchIn.model_validate({"operations": edits})
    )
    await session.commit()
    assert out.results[1].result is not None
    return {"conflict_id": out.results[1].result["conflict_id"]}


def _offline_scans_body(role: str) -> dict[str, Any]:
    from services.db import utcnow

    scan = {"token": "not-a-badge", "scanned_at": utcnow().isoformat(), "local_outcome": "invalid"}
    return {"device": f"phone-{role}", "scans": [{**scan, "nonce": uuid.uuid4().hex}]}


ROUTES.update(
    {
        ("POST", f"{API}/sync"): Case(SIGNED_IN(200), json={"operations": []}),
        ("GET", f"{API}/sync/types"): Case(SIGNED_IN(200)),
        ("GET", f"{API}/sync/conflicts"): Case(SIGNED_IN(200)),
        ("POST", f"{API}/sync/conflicts/{{conflict_id}}/resolve"): Case(
            OWNER_A(200), prepare=_my_note_conflict
        ),
        ("GET", f"{_E}/door/offline-pack"): Case(STAFF(200)),
        ("POST", f"{_E}/door/offline-scans"): Case(STAFF(200), json=_offline_scans_body),
        ("GET", f"{_E}/door/conflicts"): Case(STAFF(200)),
    }
)


# --- the attendee directory and people to meet (tests/api/test_directory.py) ----------------
async def _listed_attendee(session: AsyncSession, world: World) -> dict[str, str]:
    from services.network import directory

    attendee, _ = await factories.attendee(session, event=world.event_a)
    await directory.set_listed(session, attendee=attendee, listed=True)
    await session.commit()
    return {"attendee_id": str(attendee.id)}


ROUTES.update(
    {
        ("GET", f"{_E}/directory"): Case(MEMBERS(200), params={"q": "a"}),
        ("GET", f"{_E}/directory/me"): Case(ATTENDEES(200)),
        ("PUT", f"{_E}/directory/me"): Case(ATTENDEES(200), json={"listed": True}),
        ("GET", f"{_E}/people-to-meet"): Case(ATTENDEES(200)),
        ("POST", f"{_E}/directory/{{attendee_id}}/add"): Case(
            MEMBERS(201), prepare=_listed_attendee
        ),
    }
)


# --- my look-for list (tests/api/test_look_for.py) -------------------------------------------
async def _my_look_for_entry(session: AsyncSession, world: World) -> dict[str, str]:
    entry = await factories.look_for(
        session, owner=await _owner_a(session, world), text="Vattenfall", event=world.event_a
    )
    return {"entry_id": str(entry.id)}


ROUTES.update(
    {
        # every signed-in person has a list of their own; a new entry each call (new words)
        ("GET", f"{API}/look-for"): Case(SIGNED_IN(200)),
        ("POST", f"{API}/look-for"): Case(
            SIGNED_IN(201), json=lambda role: {"kind": "topic", "text": f"topic {role}"}
        ),
        ("PATCH", f"{API}/look-for/{{entry_id}}"): Case(
            OWNER_A(200), json={"done": True}, prepare=_my_look_for_entry
        ),
        ("DELETE", f"{API}/look-for/{{entry_id}}"): Case(OWNER_A(204), prepare=_my_look_for_entry),
    }
)


# --- my account: export and deletion (tests/api/test_account.py) ----------------------------
# Each caller deletes their own account (confirming with their own email); organizers of an
# event nobody else organizes are refused until they also let those events go.
_emails: dict[str, str] = {}


async def _remember_emails(session: AsyncSession, world: World) -> dict[str, str]:
    _emails.update({role: u.email for role, u in world.users.items() if u is not None})
    return {}


ROUTES.update(
    {
        ("POST", f"{API}/me/export"): Case(SIGNED_IN(202)),
        ("GET", f"{API}/me/delete-preview"): Case(SIGNED_IN(200)),
        ("POST", f"{API}/me/delete"): Case(
            {**SIGNED_IN(204), "organizer_a": 409, "organizer_b": 409},
            json=lambda role: {"confirm_email": _emails.get(role, "nobody@example.org")},
            prepare=_remember_emails,
        ),
    }
)


# --- introductions (tests/api/test_introductions.py) ----------------------------------------
# Each caller introduces two contacts of their own; attendee_a owns the introduction `prepare`
# makes, and the two people asked answer through their link's token without signing in.
_introduction: dict[str, str] = {}


def _pair_ids(role: str) -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{role}/1"), uuid.uuid5(uuid.NAMESPACE_URL, f"{role}/2")


async def _pairs_for_everyone(session: AsyncSession, world: World) -> dict[str, str]:
    for role, person in world.users.items():
        if person is not None:
            for n, contact_id in enumerate(_pair_ids(role)):
                await factories.met_contact(
                    session, owner=person, id=contact_id, email=f"{role}-{n}@example.org"
                )
    return {}


def _introduction_body(role: str) -> dict[str, str]:
    first, second = _pair_ids(role)
    return {"contact_id": str(first), "other_contact_id": str(second), "reason": "Meet!"}


async def _my_introduction(session: AsyncSession, world: World) -> dict[str, str]:
    owner = await _owner_a(session, world)
    first = await factories.met_contact(session, owner=owner, email="first@example.org")
    second = await factories.met_contact(session, owner=owner, email="second@example.org")
    view, tokens = await factories.introduction(session, owner=owner, first=first, second=second)
    _introduction["token"] = tokens["first@example.org"]
    return {"introduction_id": str(view.introduction.id)}


ROUTES.update(
    {
        ("GET", f"{API}/introductions"): Case(SIGNED_IN(200)),
        ("POST", f"{API}/introductions"): Case(
            SIGNED_IN(201), json=_introduction_body, prepare=_pairs_for_everyone
        ),
        ("GET", f"{API}/introductions/{{introduction_id}}"): Case(
            OWNER_A(200), prepare=_my_introduction
        ),
        ("POST", f"{API}/introductions/{{introduction_id}}/cancel"): Case(
            OWNER_A(200), prepare=_my_introduction
        ),
        # the token is the key: whoever holds it, signed in or not, and nobody without it
        ("POST", f"{API}/introduction-requests/view"): Case(
            PUBLIC(200),
            json=lambda role: {"token": _introduction["token"]},
            prepare=_my_introduction,
        ),
        ("POST", f"{API}/introduction-requests/answer"): Case(
            PUBLIC(200),
            json=lambda role: {"token": _introduction["token"], "answer": "yes"},
            prepare=_my_introduction,
        ),
    }
)


# --- meetings at the event (tests/api/test_meetings.py and friends) ---------------------------
# Event A takes meetings; attendee_a meets a listed attendee X. Only the two people of a request
# or a meeting see it (others 404); the organizer's figures are the organizer's alone.
_meeting: dict[str, str] = {}
_SLOTS = ("2030-05-01T07:00:00Z", "2030-05-01T07:20:00Z", "2030-05-01T07:40:00Z")


async def _meetings_on(session: AsyncSession, world: World) -> dict[str, str]:
    from datetime import date, time

    from schemas.meetings import MeetingSettingsIn, PlaceIn, WindowIn
    from services.network import meeting_settings

    window = WindowIn(day=date(2030, 5, 1), start=time(9), end=time(11))
    settings = MeetingSettingsIn(
        enabled=True, windows=[window], places=[PlaceIn(name="Table 1", capacity=5)]
    )
    await meeting_settings.update(session, event=world.event_a, data=settings)
    await session.commit()
    return {}


async def _meeting_partner(session: AsyncSession, world: World) -> dict[str, str]:
    """Meetings on, and X listed in event A's directory."""
    await _meetings_on(session, world)
    listed = await _listed_attendee(session, world)
    _meeting["attendee_id"] = listed["attendee_id"]
    return listed


async def _meeting_request(session: AsyncSession, world: World, *, a_asks: bool) -> Any:
    from sqlalchemy import select

    from schemas.meetings import MeetingRequestIn
    from services.models import Attendee, User
    from services.network import directory, meetings

    listed = await _meeting_partner(session, world)
    a = await _owner_a(session, world)
    a_row = await session.scalar(
        select(Attendee).where(Attendee.event_id == world.event_a.id, Attendee.user_id == a.id)
    )
    assert a_row is not None
    await directory.set_listed(session, attendee=a_row, listed=True)
    x_row = await session.get(Attendee, uuid.UUID(listed["attendee_id"]))
    assert x_row is not None
    x = await session.get(User, x_row.user_id)
    asker, asked = (a, x_row) if a_asks else (x, a_row)
    data = MeetingRequestIn(attendee_id=asked.id, message="Hi", slots=list(_SLOTS[:2]))
    view = await meetings.ask(session, event=world.event_a, user=asker, data=data)
    await session.commit()
    return view


async def _request_to_a(session: AsyncSession, world: World) -> dict[str, str]:
    view = await _meeting_request(session, world, a_asks=False)
    return {"request_id": str(view.request.id)}


async def _request_from_a(session: AsyncSession, world: World) -> dict[str, str]:
    view = await _meeting_request(session, world, a_asks=True)
    return {"request_id": str(view.request.id)}


async def _meeting_of_a(session: AsyncSession, world: World) -> dict[str, str]:
    from datetime import datetime

    from services.network import meeting_answers

    view = await _meeting_request(session, world, a_asks=False)
    accepted = await meeting_answers.accept(
        session,
        user=await _owner_a(session, world),
        request_id=view.request.id,
        slot=datetime.fromisoformat(_SLOTS[0]),
    )
    await session.commit()
    assert accepted.meeting_id is not None
    return {"meeting_id": str(accepted.meeting_id)}


async def _contact_met_at_event(session: AsyncSession, world: World) -> dict[str, str]:
    from services.models import Attendee
    from services.people import exchange

    listed = await _meeting_partner(session, world)
    attendee = await session.get(Attendee, uuid.UUID(listed["attendee_id"]))
    assert attendee is not None
    added = await exchange.add_attendee(
        session, user=await _owner_a(session, world), attendee=attendee
    )
    await session.commit()
    return {"contact_id": str(added.contact.id)}


_MEETING_SETTINGS = {
    "enabled": True,
    "windows": [{"day": "2030-05-01", "start": "09:00", "end": "11:00"}],
    "slot_minutes": 20,
    "places": [{"name": "Table 1", "capacity": 2}],
}
_M = f"{_E}/meetings"

ROUTES.update(
    {
        ("GET", f"{_M}/settings"): Case(MEMBERS(200)),
        ("PUT", f"{_M}/settings"): Case(ORGANIZERS(200), json=_MEETING_SETTINGS),
        ("GET", f"{_M}/slots"): Case(ATTENDEES(200), prepare=_meetings_on),
        ("POST", f"{_M}/requests"): Case(
            ATTENDEES(201),
            json=lambda role: {"attendee_id": _meeting.get("attendee_id"), "slots": [_SLOTS[0]]},
            prepare=_meeting_partner,
        ),
        ("GET", f"{_M}/requests"): Case(ATTENDEES(200)),
        ("GET", f"{_M}/agenda"): Case(ATTENDEES(200)),
        ("POST", f"{_M}/blocks"): Case(
            ATTENDEES(204),
            json=lambda role: {"attendee_id": _meeting.get("attendee_id")},
            prepare=_meeting_partner,
        ),
        ("DELETE", f"{_M}/blocks/{{attendee_id}}"): Case(ATTENDEES(204), prepare=_meeting_partner),
        ("GET", f"{_M}/stats"): Case(ORGANIZERS(200)),
        ("GET", f"{_M}/stats.csv"): Case(ORGANIZERS(200)),
        ("GET", f"{API}/meeting-preferences"): Case(SIGNED_IN(200)),
        ("PUT", f"{API}/meeting-preferences"): Case(SIGNED_IN(200), json={"reminder_mail": True}),
        ("GET", f"{API}/meetings"): Case(SIGNED_IN(200)),
        ("GET", f"{API}/contacts/{{contact_id}}/meeting-person"): Case(
            OWNER_A(200), prepare=_contact_met_at_event
        ),
        ("GET", f"{API}/meeting-requests/{{request_id}}"): Case(
            OWNER_A(200), prepare=_request_to_a
        ),
        ("POST", f"{API}/meeting-requests/{{request_id}}/accept"): Case(
            OWNER_A(200), json={"slot": _SLOTS[1]}, prepare=_request_to_a
        ),
        ("POST", f"{API}/meeting-requests/{{request_id}}/decline"): Case(
            OWNER_A(200), json={"reason": "no_time"}, prepare=_request_to_a
        ),
        ("POST", f"{API}/meeting-requests/{{request_id}}/propose"): Case(
            OWNER_A(200), json={"slots": [_SLOTS[2]]}, prepare=_request_to_a
        ),
        ("POST", f"{API}/meeting-requests/{{request_id}}/withdraw"): Case(
            OWNER_A(200), prepare=_request_from_a
        ),
        ("POST", f"{API}/meetings/{{meeting_id}}/cancel"): Case(
            OWNER_A(200), prepare=_meeting_of_a
        ),
        ("POST", f"{API}/meetings/{{meeting_id}}/we-met"): Case(
            OWNER_A(200), prepare=_meeting_of_a
        ),
    }
)


# --- background jobs (tests/services/jobs, tests/api/test_jobs.py) ---------------------------
async def _my_finished_job(session: AsyncSession, world: World) -> dict[str, str]:
    job = await factories.finished_job(session, owner=await _owner_a(session, world))
    return {"job_id": str(job.id)}


ROUTES.update(
    {
        ("GET", f"{API}/jobs/{{job_id}}"): Case(OWNER_A(200), prepare=_my_finished_job),
        ("POST", f"{API}/jobs/{{job_id}}/cancel"): Case(OWNER_A(200), prepare=_my_finished_job),
        ("GET", f"{API}/jobs/{{job_id}}/file"): Case(OWNER_A(200), prepare=_my_finished_job),
    }
)


async def make_world(db: AsyncSession) -> World:
    organizer_a = await factories.user(db, is_organizer=True)
    organizer_b = await factories.user(db, is_organizer=True)
    event_a = await factories.event(db, organizer=organizer_a, name="Event A")
    event_b = await factories.event(db, organizer=organizer_b, name="Event B")
    staff_a = await factories.staff(db, event=event_a)
    attendee_a, _ = await factories.attendee(db, event=event_a)
    attendee_b, _ = await factories.attendee(db, event=event_b)
    from services.models import User

    users = {
        "anonymous": None,
        "attendee_a": await db.get(User, attendee_a.user_id),
        "attendee_b": await db.get(User, attendee_b.user_id),
        "staff_a": staff_a,
        "organizer_a": organizer_a,
        "organizer_b": organizer_b,
    }
    await db.commit()  # end the read transaction: on SQLite it holds the write lock
    return World(
        users=users, event_a=event_a, event_b=event_b, path_params={"event_id": str(event_a.id)}
    )


async def call(
    client: httpx.AsyncClient, method: str, url: str, case: Case, role: str = "anonymous"
) -> httpx.Response:
    """Send the row's request (`json` may be a function of the role, for per-caller bodies)."""
    body = case.json(role) if callable(case.json) else case.json
    return await client.request(method, url, json=body, files=case.files, params=case.params)


async def test_every_api_route_is_in_the_table(app: FastAPI) -> None:
    missing = sorted(set(api_routes(app)) - set(ROUTES))
    assert not missing, (
        f"Add these routes to ROUTES in {__file__} (see the comment at its top): {missing}"
    )
    stale = sorted(set(ROUTES) - set(api_routes(app)))
    assert not stale, f"ROUTES lists routes the app does not have: {stale}"


@pytest.mark.parametrize("key", sorted(ROUTES), ids=lambda k: f"{k[0]} {k[1]}")
async def test_each_role_gets_the_expected_status(
    key: tuple[str, str], db: AsyncSession, make_client: ClientFactory
) -> None:
    method, template = key
    case = ROUTES[key]
    assert set(case.expect) == set(ROLES), f"{key}: give a status for each of {ROLES}"
    world = await make_world(db)
    extra = await case.prepare(db, world) if case.prepare else {}
    await db.commit()
    url = template.format(**world.path_params, **extra)
    wrong = []
    for role in ROLES:
        client = await make_client(world.users[role])
        response = await call(client, method, url, case, role)
        if response.status_code != case.expect[role]:
            wrong.append(
                f"{role}: {response.status_code} (want {case.expect[role]}) {response.text[:200]}"
            )
        if response.status_code >= 400:
            body = response.json()
            assert set(body) == {"error", "detail", "fields"}, (role, body)
    assert not wrong, f"{method} {template}:\n" + "\n".join(wrong)


async def test_a_random_event_id_is_404_for_everyone_signed_in(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    world = await make_world(db)
    client = await make_client(world.users["organizer_a"])
    for method, template in ROUTES:
        if "{event_id}" not in template or ROUTES[(method, template)].prepare:
            continue
        url = template.format(event_id=uuid.uuid4())
        response = await call(client, method, url, ROUTES[(method, template)])
        assert response.status_code == 404, (method, template, response.text)
        assert response.json()["error"] == "event_not_found"
