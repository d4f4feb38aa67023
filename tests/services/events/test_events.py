from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.events import EventIn, EventPatch
from services.errors import Forbidden, Invalid
from services.events import events
from services.models import Event, EventMember, LoginLink, OutboundEmail
from tests import factories


def event_in(**overrides: object) -> EventIn:
    values: dict[str, object] = {
        "name": " DevConf ",
        "venue": " Hall A ",
        "timezone": "Europe/Berlin",
        "starts_at": datetime(2030, 6, 1, 9, 0),
        "ends_at": datetime(2030, 6, 1, 18, 0),
    }
    values.update(overrides)
    return EventIn.model_validate(values)


async def test_naive_times_are_wall_clock_times_at_the_event(db: AsyncSession) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await events.create_event(db, user=organizer, data=event_in())
    await db.commit()
    assert (event.name, event.venue) == ("DevConf", "Hall A")
    db.expunge_all()
    stored = await db.get(Event, event.id)
    assert stored is not None
    # 09:00 in Berlin in summer is 07:00 UTC.
    assert stored.starts_at == datetime(2030, 6, 1, 7, 0, tzinfo=UTC)
    assert stored.starts_at.tzinfo is UTC
    roles = (await db.scalars(select(EventMember.role))).all()
    assert roles == ["organizer"]


async def test_times_with_an_offset_are_kept(db: AsyncSession) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await events.create_event(
        db,
        user=organizer,
        data=event_in(starts_at="2030-01-10T09:00:00Z", ends_at="2030-01-10T12:00:00+01:00"),
    )
    assert event.starts_at == datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2030, 1, 10, 11, 0, tzinfo=UTC)


async def test_only_organizer_accounts_create_events(db: AsyncSession) -> None:
    person = await factories.user(db)
    with pytest.raises(Forbidden) as refused:
        await events.create_event(db, user=person, data=event_in())
    assert refused.value.code == "not_an_organizer"
    assert await db.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"ends_at": datetime(2030, 6, 1, 8, 0)}, "ends_before_start", "ends_at"),
        ({"ends_at": datetime(2030, 6, 1, 9, 0)}, "ends_before_start", "ends_at"),
        ({"timezone": "Mars/Olympus_Mons"}, "unknown_timezone", "timezone"),
        ({"timezone": "../../etc/passwd"}, "unknown_timezone", "timezone"),
    ],
)
async def test_bad_event_input_is_invalid_and_creates_nothing(
    db: AsyncSession, overrides: dict[str, object], code: str, field: str
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    with pytest.raises(Invalid) as refused:
        await events.create_event(db, user=organizer, data=event_in(**overrides))
    assert refused.value.code == code
    assert refused.value.fields[0].field == field
    assert await db.scalar(select(func.count()).select_from(Event)) == 0


async def test_patch_reads_naive_times_in_the_new_zone(db: AsyncSession) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await events.create_event(db, user=organizer, data=event_in())
    patched = await events.update_event(
        db,
        event=event,
        data=EventPatch(
            timezone="America/New_York",
            starts_at=datetime(2030, 6, 1, 9, 0),
            ends_at=datetime(2030, 6, 1, 17, 0),
        ),
    )
    assert patched.timezone == "America/New_York"
    assert patched.starts_at == datetime(2030, 6, 1, 13, 0, tzinfo=UTC)
    assert patched.name == "DevConf"


@pytest.mark.parametrize(
    "patch",
    [
        {"ends_at": datetime(2030, 6, 1, 8, 0)},
        {"starts_at": datetime(2030, 6, 2, 8, 0)},
        {"timezone": "Nowhere/Special", "name": "Renamed"},
        {"name": "Renamed", "ends_at": datetime(2030, 5, 1, 8, 0)},
    ],
)
async def test_bad_patch_changes_nothing(db: AsyncSession, patch: dict[str, object]) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await events.create_event(db, user=organizer, data=event_in())
    before = (event.name, event.timezone, event.starts_at, event.ends_at)
    with pytest.raises(Invalid):
        await events.update_event(db, event=event, data=EventPatch.model_validate(patch))
    assert (event.name, event.timezone, event.starts_at, event.ends_at) == before


async def test_inviting_staff_is_idempotent_and_mails_one_link(db: AsyncSession) -> None:
    event = await factories.event(db)
    member, user = await events.invite_staff(db, event=event, email=" Door@Example.org", name="Di")
    again, same_user = await events.invite_staff(db, event=event, email="door@example.org")
    await db.commit()
    assert again.id == member.id and same_user.id == user.id
    assert user.email == "door@example.org" and user.name == "Di"
    assert await db.scalar(select(func.count()).select_from(OutboundEmail)) == 1
    assert await db.scalar(select(func.count()).select_from(LoginLink)) == 1
    staff = await events.list_staff(db, event=event)
    assert sorted(m.role for m, _ in staff) == ["organizer", "staff"]


async def test_my_events_lists_every_role_and_pages(db: AsyncSession) -> None:
    person = await factories.user(db, is_organizer=True)
    organized = await factories.event(db, organizer=person, name="Mine")
    other = await factories.event(db, name="Theirs")
    await factories.staff(db, event=other, person=person)
    await factories.attendee(db, event=other, person=person)
    await factories.event(db, name="Unrelated")
    first, total = await events.list_my_events(db, user=person, limit=1, offset=0)
    second, _ = await events.list_my_events(db, user=person, limit=1, offset=1)
    assert total == 2
    roles = {i.event.name: i.roles for i in [*first, *second]}
    assert roles == {"Mine": ["organizer"], "Theirs": ["attendee", "staff"]}
    assert organized.id in {i.event.id for i in [*first, *second]}
