"""A popular card: the edit answers at once, the worker refreshes the copies (and their search
entries) in chunks, and a field no longer shared leaves every copy at once all the same."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Card, Contact, SearchEntry, User
from services.people import cards, exchange, search
from tests import factories


async def _held_by(db: AsyncSession, n: int) -> tuple[User, list[User]]:
    event = await factories.event(db)
    bea = await factories.user(db, name="Bea")
    _, badge = await factories.attendee(db, event=event, person=bea)
    await factories.card(
        db,
        person=bea,
        company="Volta",
        email="bea@volta.example",
        shared_fields=["name", "company", "email"],
    )
    holders = []
    for i in range(n):
        holder = await factories.user(db, name=f"Holder {i}")
        await exchange.scan_badge(db, user=holder, badge=badge.token)
        holders.append(holder)
    await db.commit()
    return bea, holders


async def _copies(db: AsyncSession, bea: User) -> list[Contact]:
    fresh = select(Contact).where(Contact.person_id == bea.id)
    found = await db.scalars(fresh.execution_options(populate_existing=True))
    return list(found)


async def test_a_popular_card_is_caught_up_by_the_worker_in_chunks(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    bea, holders = await _held_by(db, 5)
    monkeypatch.setattr(cards, "REFRESH_IN_REQUEST", 2)
    await factories.card(db, person=bea, company="Sodium Ltd", shared_fields=["name", "company"])

    copies = await _copies(db, bea)
    # Not refreshed yet, but the email no longer shared is gone from every copy already.
    assert {(c.company, c.email) for c in copies} == {("Volta", "")}
    card = await db.scalar(
        select(Card).where(Card.user_id == bea.id).execution_options(populate_existing=True)
    )
    assert card is not None and card.copies_pending_since is not None

    done = [await cards.refresh_waiting_copies(db, chunk=2) for _ in range(4)]
    await db.commit()
    assert done == [2, 2, 1, 0]
    copies = await _copies(db, bea)
    assert {(c.company, c.email, tuple(c.shared_fields)) for c in copies} == {
        ("Sodium Ltd", "", ("name", "company"))
    }
    for holder in holders:
        hits = await search.search_contacts(db, user=holder, query="sodium")
        assert [h.contact.person_id for h in hits] == [bea.id]
    card = await db.scalar(
        select(Card).where(Card.user_id == bea.id).execution_options(populate_existing=True)
    )
    assert card is not None and card.copies_pending_since is None
    assert await db.scalar(select(SearchEntry.org).where(SearchEntry.owner_id == holders[0].id))


async def test_an_edit_during_the_catch_up_starts_it_again(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    bea, _ = await _held_by(db, 4)
    monkeypatch.setattr(cards, "REFRESH_IN_REQUEST", 1)
    await factories.card(db, person=bea, company="One", shared_fields=["name", "company"])
    assert await cards.refresh_waiting_copies(db, chunk=2) == 2
    await factories.card(db, person=bea, company="Two", shared_fields=["name", "company"])
    while await cards.refresh_waiting_copies(db, chunk=2):
        pass
    await db.commit()
    assert {c.company for c in await _copies(db, bea)} == {"Two"}


async def test_a_withdrawn_copy_is_left_alone(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    bea, holders = await _held_by(db, 3)
    await exchange.withdraw(db, user=bea, from_user_id=holders[0].id)
    monkeypatch.setattr(cards, "REFRESH_IN_REQUEST", 1)
    await factories.card(db, person=bea, company="Later", shared_fields=["name", "company"])
    while await cards.refresh_waiting_copies(db):
        pass
    await db.commit()
    by_owner = {c.owner_id: c.company for c in await _copies(db, bea)}
    assert by_owner[holders[0].id] == "" and by_owner[holders[1].id] == "Later"
