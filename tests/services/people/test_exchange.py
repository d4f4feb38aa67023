from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.errors import Gone, Invalid, NotFound
from services.events import badges
from services.models import Contact, Notification, User
from services.people import exchange, notes
from tests import factories


async def _pair(db: AsyncSession) -> tuple[User, User, object, object]:
    """Alex and Bea attend DevConf; Bea has a card sharing the defaults plus nothing else."""
    event = await factories.event(db, name="DevConf")
    alex = await factories.user(db, name="Alex Scanner")
    bea = await factories.user(db, name="Bea Badge")
    await factories.attendee(db, event=event, person=alex)
    _, bea_badge = await factories.attendee(db, event=event, person=bea)
    await factories.card(
        db,
        person=bea,
        title="CTO",
        company="Volta",
        email="bea@volta.example",
        phone="+4915112345678",
        linkedin_url="linkedin.com/in/bea",
        headline="Batteries that last",
    )
    await factories.card(db, person=alex, company="Scanners Inc", email="alex@scan.example")
    return alex, bea, event, bea_badge


async def test_scan_gives_only_what_the_person_shares(db: AsyncSession) -> None:
    alex, bea, event, badge = await _pair(db)
    result = await exchange.scan_badge(db, user=alex, badge=badge.token)
    contact = result.contact
    assert result.created and contact.person_id == bea.id and contact.event_id == event.id
    assert (contact.name, contact.title, contact.company) == ("Bea Badge", "CTO", "Volta")
    assert contact.linkedin_url == "https://www.linkedin.com/in/bea"
    assert contact.headline == "Batteries that last"
    assert contact.email == "" and contact.phone == ""  # opt-in fields, not turned on
    assert contact.met_at <= utcnow()


async def test_email_and_phone_travel_once_turned_on(db: AsyncSession) -> None:
    alex, bea, _, badge = await _pair(db)
    await factories.card(
        db,
        person=bea,
        email="bea@volta.example",
        phone="+4915112345678",
        shared_fields=["name", "email", "phone"],
    )
    contact = (await exchange.scan_badge(db, user=alex, badge=badge.token)).contact
    assert (contact.email, contact.phone) == ("bea@volta.example", "+4915112345678")
    assert contact.company == ""  # no longer shared


async def test_the_person_scanned_is_told_who_added_them_where(db: AsyncSession) -> None:
    alex, bea, _, badge = await _pair(db)
    await exchange.scan_badge(db, user=alex, badge=badges.badge_url(badge.token))
    items, total = await exchange.list_notifications(
        db, user=bea, unread_only=True, limit=10, offset=0
    )
    assert total == 1 and items[0].text == "Alex Scanner added you at DevConf"
    await exchange.mark_read(db, user=bea, notification_id=items[0].id)
    assert (await exchange.list_notifications(db, user=bea, unread_only=True, limit=10, offset=0))[
        1
    ] == 0
    with pytest.raises(NotFound):
        await exchange.mark_read(db, user=alex, notification_id=items[0].id)


async def test_second_scan_opens_the_existing_contact(db: AsyncSession) -> None:
    alex, _, _, badge = await _pair(db)
    first = await exchange.scan_badge(db, user=alex, badge=badge.token)
    second = await exchange.scan_badge(db, user=alex, badge=badges.badge_url(badge.token))
    assert not second.created and second.contact.id == first.contact.id
    count = len((await db.scalars(select(Contact).where(Contact.owner_id == alex.id))).all())
    assert count == 1
    told = (await db.scalars(select(Notification))).all()
    assert len(told) == 1


async def test_revoked_badge_and_own_badge_are_refused(db: AsyncSession) -> None:
    alex, _, _, badge = await _pair(db)
    badge.revoked_at = utcnow()
    await db.commit()
    with pytest.raises(Gone) as revoked:
        await exchange.scan_badge(db, user=alex, badge=badge.token)
    assert revoked.value.code == "badge_revoked"
    _, own = await factories.attendee(db, event=await factories.event(db), person=alex)
    with pytest.raises(Invalid) as mine:
        await exchange.scan_badge(db, user=alex, badge=own.token)
    assert mine.value.code == "own_badge"
    with pytest.raises(NotFound):
        await exchange.scan_badge(db, user=alex, badge="https://rapport.example/b/nope")


async def test_share_back_gives_the_scanners_shared_card(db: AsyncSession) -> None:
    alex, bea, event, badge = await _pair(db)
    with pytest.raises(NotFound):
        await exchange.share_back(db, user=bea, to_user_id=alex.id)  # Alex has not scanned yet
    await exchange.scan_badge(db, user=alex, badge=badge.token)
    back = await exchange.share_back(db, user=bea, to_user_id=alex.id)
    assert back.owner_id == bea.id and back.person_id == alex.id and back.event_id == event.id
    assert back.company == "Scanners Inc" and back.email == ""
    again = await exchange.share_back(db, user=bea, to_user_id=alex.id)
    assert again.id == back.id


async def test_withdrawal_clears_shared_fields_but_keeps_notes(db: AsyncSession) -> None:
    alex, bea, _, badge = await _pair(db)
    contact = (await exchange.scan_badge(db, user=alex, badge=badge.token)).contact
    await factories.note(db, owner=alex, contact_id=contact.id, text="Loves sodium cells")
    await exchange.withdraw(db, user=bea, from_user_id=alex.id)
    await db.refresh(contact)
    assert contact.name == "Bea Badge"
    assert (contact.title, contact.company, contact.linkedin_url, contact.headline) == ("",) * 4
    assert contact.shared_fields == []
    kept = await notes.notes_of(db, user=alex, contact_id=contact.id)
    assert [p.note.text for p in kept] == ["Loves sodium cells"]
    with pytest.raises(NotFound):
        await exchange.withdraw(db, user=bea, from_user_id=alex.id)


async def test_card_edits_reach_copies_except_fields_i_edited(db: AsyncSession) -> None:
    from schemas.contacts import ContactPatch
    from services.people import contacts

    alex, bea, _, badge = await _pair(db)
    contact = (await exchange.scan_badge(db, user=alex, badge=badge.token)).contact
    await contacts.update_contact(
        db, user=alex, contact_id=contact.id, data=ContactPatch(title="Chief Battery Person")
    )
    await factories.card(db, person=bea, title="CEO", company="Volta Two")
    await db.refresh(contact)
    assert contact.company == "Volta Two"
    assert contact.title == "Chief Battery Person"
