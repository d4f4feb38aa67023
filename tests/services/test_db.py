"""Timestamps are timezone-aware UTC on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import UTCDateTime, utcnow
from services.models import LoginLink, User

WHEN = datetime(2030, 3, 31, 0, 59, 59, 123456, tzinfo=UTC)


def test_utcnow_is_aware_utc() -> None:
    assert utcnow().tzinfo is UTC


async def test_aware_times_round_trip_as_utc(db: AsyncSession) -> None:
    berlin = timezone(timedelta(hours=2))
    db.add(
        LoginLink(
            email="t@example.org",
            token_hash="h" * 64,
            created_at=WHEN,
            expires_at=WHEN.astimezone(berlin),
        )
    )
    await db.commit()
    db.expunge_all()
    link = await db.scalar(select(LoginLink))
    assert link is not None
    assert link.created_at == WHEN and link.created_at.tzinfo is UTC
    assert link.expires_at == WHEN and link.expires_at.tzinfo is UTC
    assert link.expires_at.hour == 0  # stored as the UTC instant, not Berlin wall time
    # Comparisons in SQL see the same instants.
    later = await db.scalar(
        select(LoginLink.id).where(LoginLink.expires_at > WHEN - timedelta(seconds=1))
    )
    assert later == link.id
    raw = await db.scalar(text("SELECT created_at FROM login_links"))
    assert str(raw).startswith("2030-03-31")


async def test_defaults_are_aware(db: AsyncSession) -> None:
    db.add(User(email="d@example.org"))
    await db.commit()
    db.expunge_all()
    user = await db.scalar(select(User))
    assert user is not None and user.created_at.tzinfo is UTC
    assert abs(user.created_at - utcnow()) < timedelta(minutes=1)


async def test_naive_datetimes_are_refused(db: AsyncSession) -> None:
    db.add(
        LoginLink(
            email="n@example.org",
            token_hash="n" * 64,
            created_at=datetime(2030, 1, 1, 12, 0),
            expires_at=WHEN,
        )
    )
    with pytest.raises(StatementError, match="naive datetime"):
        await db.flush()
    await db.rollback()


def test_type_decorator_refuses_naive_directly() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    column = UTCDateTime()
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2030, 1, 1), sqlite.dialect())
    assert column.process_bind_param(WHEN, sqlite.dialect()) == WHEN.replace(tzinfo=None)
    assert column.process_bind_param(WHEN, postgresql.dialect()) == WHEN
    assert column.process_result_value(WHEN.replace(tzinfo=None), sqlite.dialect()) == WHEN
