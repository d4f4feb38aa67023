from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.auth import signin
from services.auth.signin import RATE_WINDOW
from services.db import utcnow, write_intent
from services.errors import Gone, Invalid, TooManyRequests
from services.models import LoginLink, OutboundEmail, User, UserSession
from services.settings import get_settings
from tests.conftest import BASE_URL

LINK = re.compile(r"(https?://\S+/signin/verify#token=(\S+))")


@pytest.fixture
def settings_override() -> Iterator[Callable[..., None]]:
    """settings_override(signin_limit_per_address=2): change settings for this test only."""
    saved = dict(os.environ)

    def override(**values: object) -> None:
        for key, value in values.items():
            os.environ[f"RAPPORT_{key.upper()}"] = str(value)
        get_settings.cache_clear()

    yield override
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


def token_of(url: str) -> str:
    match = LINK.search(url)
    assert match, url
    return unquote(match.group(2))


async def test_link_has_the_verify_url_and_only_its_hash_is_stored(db: AsyncSession) -> None:
    url = await signin.issue_login_link(db, email="Ada@Example.org ")
    await db.commit()
    assert url.startswith(f"{BASE_URL}/signin/verify#token=")
    token = token_of(url)
    assert len(token) >= 43  # 256 bits in URL-safe base64
    link = await db.scalar(select(LoginLink))
    assert link is not None
    assert link.email == "ada@example.org"
    assert link.token_hash != token and len(link.token_hash) == 64
    assert link.expires_at - link.created_at == timedelta(minutes=15)
    # The raw token appears in no column of the table.
    rows = (await db.execute(text("SELECT * FROM login_links"))).all()
    assert all(token not in str(value) for row in rows for value in row)


async def test_link_works_once_and_creates_the_user(db: AsyncSession) -> None:
    token = token_of(await signin.issue_login_link(db, email="new@example.org", next_path="/x"))
    new = await signin.redeem_login_link(db, token=token)
    await db.commit()
    assert new.user.email == "new@example.org" and new.next_path == "/x"
    assert await db.scalar(select(func.count()).select_from(UserSession)) == 1
    with pytest.raises(Gone) as second:
        await signin.redeem_login_link(db, token=token)
    assert second.value.code == "link_used"


async def test_link_whose_expiry_has_passed_is_refused(db: AsyncSession) -> None:
    token = token_of(await signin.issue_login_link(db, email="late@example.org"))
    link = await db.scalar(select(LoginLink))
    assert link is not None
    link.expires_at = utcnow() - timedelta(seconds=1)
    await db.commit()
    with pytest.raises(Gone) as refused:
        await signin.redeem_login_link(db, token=token)
    assert refused.value.code == "link_expired"
    assert await db.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(("minutes", "works"), [(14, True), (16, False)])
async def test_link_expires_after_fifteen_minutes(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch, minutes: int, works: bool
) -> None:
    token = token_of(await signin.issue_login_link(db, email="clock@example.org"))
    await db.commit()
    later = utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(signin, "utcnow", lambda: later)
    if works:
        assert (await signin.redeem_login_link(db, token=token)).user.email == "clock@example.org"
    else:
        with pytest.raises(Gone):
            await signin.redeem_login_link(db, token=token)


@pytest.mark.parametrize("token", ["", "x" * 201, "made-up-token"])
async def test_unknown_or_odd_tokens_are_invalid(db: AsyncSession, token: str) -> None:
    with pytest.raises(Invalid) as refused:
        await signin.redeem_login_link(db, token=token)
    assert refused.value.code == "invalid_link"


async def test_two_concurrent_redeems_of_one_link_sign_in_once(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        token = token_of(await signin.issue_login_link(session, email="race@example.org"))
        await session.commit()

    async def redeem() -> str:
        # As a request does: a writing transaction declares it (it queues on SQLite).
        async with write_intent(app.state.engine), app.state.sessionmaker() as session:
            try:
                await signin.redeem_login_link(session, token=token)
                await session.commit()
                return "ok"
            except Gone:
                await session.rollback()
                return "gone"

    for _ in range(3):  # a few rounds, fresh link each time after the first
        outcomes = await asyncio.gather(redeem(), redeem())
        assert sorted(outcomes) == ["gone", "ok"]
        async with app.state.sessionmaker() as session:
            token = token_of(await signin.issue_login_link(session, email="race@example.org"))
            await session.commit()
    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(UserSession)) == 3
        assert await session.scalar(select(func.count()).select_from(User)) == 1


async def test_sign_in_request_queues_a_mail_with_the_link(db: AsyncSession) -> None:
    await signin.request_sign_in(db, email=" Bo@Example.org", requested_ip="10.0.0.1")
    await db.commit()
    mail = await db.scalar(select(OutboundEmail))
    assert mail is not None and mail.to_address == "bo@example.org" and mail.kind == "sign_in"
    token = token_of(mail.body)
    assert (await signin.redeem_login_link(db, token=token)).user.email == "bo@example.org"


async def test_per_address_limit_comes_from_settings(
    db: AsyncSession, settings_override: Callable[..., None]
) -> None:
    settings_override(signin_limit_per_address=2)
    for _ in range(2):
        await signin.request_sign_in(db, email="many@example.org", requested_ip="10.0.0.2")
    with pytest.raises(TooManyRequests) as limited:
        await signin.request_sign_in(db, email="MANY@example.org", requested_ip="10.0.0.3")
    assert limited.value.headers["Retry-After"] == str(int(RATE_WINDOW.total_seconds()))
    assert "this address" in limited.value.detail
    # Another address is not affected.
    await signin.request_sign_in(db, email="other@example.org", requested_ip="10.0.0.3")


async def test_per_ip_limit_comes_from_settings(
    db: AsyncSession, settings_override: Callable[..., None]
) -> None:
    settings_override(signin_limit_per_ip=3)
    for n in range(3):
        await signin.request_sign_in(db, email=f"p{n}@example.org", requested_ip="10.9.9.9")
    with pytest.raises(TooManyRequests) as limited:
        await signin.request_sign_in(db, email="p9@example.org", requested_ip="10.9.9.9")
    assert "network" in limited.value.detail
    await signin.request_sign_in(db, email="p9@example.org", requested_ip="10.9.9.8")


async def test_by_default_a_venue_full_of_people_behind_one_address_can_sign_in(
    db: AsyncSession,
) -> None:
    # Conference Wi-Fi puts everyone behind the venue's one public address.
    for n in range(150):
        await signin.request_sign_in(db, email=f"guest{n}@example.org", requested_ip="192.0.2.1")
    assert await db.scalar(select(func.count()).select_from(LoginLink)) == 150


async def test_limits_only_count_the_last_fifteen_minutes(
    db: AsyncSession, settings_override: Callable[..., None]
) -> None:
    settings_override(signin_limit_per_address=1)
    await signin.request_sign_in(db, email="slow@example.org")
    link = await db.scalar(select(LoginLink))
    assert link is not None
    link.created_at = utcnow() - RATE_WINDOW - timedelta(seconds=1)
    await db.flush()
    await signin.request_sign_in(db, email="slow@example.org")


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("/events/1", "/events/1"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_only_same_origin_paths_follow_sign_in(given: str | None, safe: str) -> None:
    assert signin.safe_next_path(given) == safe


async def test_session_token_is_stored_hashed_and_closes(db: AsyncSession) -> None:
    user = User(email="s@example.org")
    db.add(user)
    await db.flush()
    new = await signin.open_session(db, user=user)
    stored = await db.scalar(select(UserSession))
    assert stored is not None and stored.token_hash != new.token
    found = await signin.session_for_token(db, new.token)
    assert found is not None and found[0].id == user.id
    await signin.close_session(db, session_id=stored.id)
    assert await signin.session_for_token(db, new.token) is None
