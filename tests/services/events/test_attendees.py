from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.auth import signin
from services.errors import Invalid
from services.events import attendees
from services.models import Attendee, Badge, LoginLink, OutboundEmail, User
from tests import factories
from tests.services.auth.test_signin import token_of
from tests.services.events.test_attendee_csv import fixture

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


async def count(db: AsyncSession, model: type) -> int:
    return await db.scalar(select(func.count()).select_from(model)) or 0


async def test_import_creates_200_people_with_badges_and_invitations(db: AsyncSession) -> None:
    event = await factories.event(db)
    result = await attendees.import_attendees(
        db, event=event, data=fixture("valid-200-bom-comma.csv")
    )
    await db.commit()
    assert (result.created, result.updated, result.unchanged, result.invited) == (200, 0, 0, 200)
    assert await count(db, Attendee) == 200
    tokens = (await db.scalars(select(Badge.token))).all()
    assert len(tokens) == 200 and len(set(tokens)) == 200
    for token in tokens:
        assert URL_SAFE.match(token)
        assert len(token) * 6 >= 128  # base64url: 6 bits a character
    invitations = (
        await db.scalars(select(OutboundEmail).where(OutboundEmail.kind == "attendee_invitation"))
    ).all()
    assert len(invitations) == 200
    assert len({m.to_address for m in invitations}) == 200


async def test_semicolon_file_after_comma_file_keeps_the_same_200(db: AsyncSession) -> None:
    event = await factories.event(db)
    await attendees.import_attendees(db, event=event, data=fixture("valid-200-bom-comma.csv"))
    await db.commit()
    ids = set((await db.scalars(select(Attendee.id))).all())
    tokens = set((await db.scalars(select(Badge.token))).all())
    result = await attendees.import_attendees(
        db, event=event, data=fixture("valid-200-semicolon.csv")
    )
    await db.commit()
    assert result.created == 0 and result.invited == 0
    assert result.updated + result.unchanged == 200
    assert set((await db.scalars(select(Attendee.id))).all()) == ids
    assert set((await db.scalars(select(Badge.token))).all()) == tokens
    assert await count(db, User) == 201  # and the organizer
    assert await count(db, OutboundEmail) == 200


async def test_reimport_updates_changed_details(db: AsyncSession) -> None:
    event = await factories.event(db)
    await attendees.import_attendees(
        db, event=event, data=b"name,email,company\nAda,ada@example.org,Old\n"
    )
    result = await attendees.import_attendees(
        db, event=event, data=b"name,email,company\nAda L.,ADA@example.org,New\n"
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    attendee = await db.scalar(select(Attendee))
    assert attendee is not None and (attendee.name, attendee.company) == ("Ada L.", "New")


async def test_rejected_file_creates_nothing(db: AsyncSession) -> None:
    event = await factories.event(db)
    users_before = await count(db, User)
    with pytest.raises(Invalid) as error:
        await attendees.import_attendees(db, event=event, data=fixture("with-errors.csv"))
    assert sorted({p.line for p in error.value.fields}) == [4, 6, 8, 11]
    for model in (Attendee, Badge, OutboundEmail, LoginLink):
        assert await count(db, model) == 0
    assert await count(db, User) == users_before


async def test_same_person_in_two_events_is_one_account(db: AsyncSession) -> None:
    first, second = await factories.event(db), await factories.event(db)
    data = b"name,email\nAda,ada@example.org\n"
    await attendees.import_attendees(db, event=first, data=data)
    await attendees.import_attendees(db, event=second, data=data)
    assert await count(db, Attendee) == 2
    assert (
        await db.scalar(
            select(func.count()).select_from(User).where(User.email == "ada@example.org")
        )
        == 1
    )


async def test_invitation_link_signs_the_attendee_in(db: AsyncSession) -> None:
    event = await factories.event(db, name="Lagos Summit")
    await attendees.import_attendees(
        db, event=event, data="name,email\nỌlá Adébáyọ̀,ola@example.org\n".encode()
    )
    await db.commit()
    invitation = await db.scalar(select(OutboundEmail))
    assert invitation is not None
    assert invitation.subject == "Your badge for Lagos Summit"
    assert "Hello Ọlá Adébáyọ̀" in invitation.body
    signed_in = await signin.redeem_login_link(db, token=token_of(invitation.body))
    attendee = await db.scalar(select(Attendee))
    assert attendee is not None and signed_in.user.id == attendee.user_id
    assert signed_in.next_path == f"/events/{event.id}/badge"


async def test_list_filters_and_pages(db: AsyncSession) -> None:
    event = await factories.event(db)
    await attendees.import_attendees(
        db,
        event=event,
        data=b"name,email,company\nAda,ada@example.org,Acme\nBo,bo@x.org,Zed\nCy,cy@x.org,ACME\n",
    )
    items, total = await attendees.list_attendees(db, event=event, query="acme", limit=1, offset=0)
    assert total == 2 and [a.name for a in items] == ["Ada"]
    items, total = await attendees.list_attendees(db, event=event, query=None, limit=2, offset=2)
    assert total == 3 and [a.name for a in items] == ["Cy"]
