"""Passwordless sign-in: magic links, browser sessions and the limits on asking for links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import mail
from services.auth.tokens import new_token, token_hash
from services.db import utcnow
from services.errors import Gone, Invalid, TooManyRequests
from services.models import LoginLink, User, UserSession
from services.settings import get_settings

RATE_WINDOW = timedelta(minutes=15)
LINK_PURPOSE = "login-link"
SESSION_PURPOSE = "session"


def normalize_email(email: str) -> str:
    """Emails are matched case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def safe_next_path(next_path: str | None) -> str:
    """Only same-origin paths may follow sign-in; anything else goes to the start page."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//"):
        return "/"
    if "\\" in next_path or any(ord(c) < 32 for c in next_path):
        return "/"
    return next_path[:500]


async def get_or_create_user(session: AsyncSession, *, email: str, name: str = "") -> User:
    """The user with this email, created on first sight."""
    email = normalize_email(email)
    user = await session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name.strip())
        session.add(user)
        await session.flush()
    elif name and not user.name:
        user.name = name.strip()
    return user


async def issue_login_link(
    session: AsyncSession,
    *,
    email: str,
    next_path: str = "/",
    requested_ip: str | None = None,
    ttl: timedelta | None = None,
) -> str:
    """Store a new single-use link for this address and return its full URL.

    Links asked for on the sign-in page live `magic_link_ttl_minutes`; invitations pass a longer
    `ttl` because people open them days later.
    """
    row, url = new_login_link(email=email, next_path=next_path, requested_ip=requested_ip, ttl=ttl)
    session.add(LoginLink(**row))
    await session.flush()
    return url


def new_login_link(
    *,
    email: str,
    next_path: str = "/",
    requested_ip: str | None = None,
    ttl: timedelta | None = None,
) -> tuple[dict[str, Any], str]:
    """A new single-use link as a row of `login_links` (to insert many at once) and its URL."""
    settings = get_settings()
    ttl = ttl or timedelta(minutes=settings.magic_link_ttl_minutes)
    token = new_token()
    now = utcnow()
    row = {
        "email": normalize_email(email),
        "token_hash": token_hash(token, purpose=LINK_PURPOSE),
        "next_path": safe_next_path(next_path),
        "requested_ip": requested_ip,
        "created_at": now,
        "expires_at": now + ttl,
    }
    return row, f"{settings.base_url}/signin/verify#token={quote(token)}"


async def _check_signin_limits(session: AsyncSession, *, email: str, ip: str | None) -> None:
    settings = get_settings()
    since = utcnow() - RATE_WINDOW
    minutes = int(RATE_WINDOW.total_seconds() // 60)
    # Only links asked for on the sign-in page count (they carry the asker's IP); invitations
    # and demo links are sent by organizers and operators, not by whoever is at the keyboard.
    by_address = await session.scalar(
        select(func.count()).where(
            LoginLink.email == email,
            LoginLink.created_at > since,
            LoginLink.requested_ip.is_not(None),
        )
    )
    if (by_address or 0) >= settings.signin_limit_per_address:
        raise TooManyRequests(
            f"Too many sign-in links were asked for this address. Use the last one we sent, "
            f"or try again in {minutes} minutes.",
            headers={"Retry-After": str(int(RATE_WINDOW.total_seconds()))},
        )
    if ip:
        by_ip = await session.scalar(
            select(func.count()).where(LoginLink.requested_ip == ip, LoginLink.created_at > since)
        )
        if (by_ip or 0) >= settings.signin_limit_per_ip:
            raise TooManyRequests(
                f"Too many sign-in requests from this network. Try again in {minutes} minutes.",
                headers={"Retry-After": str(int(RATE_WINDOW.total_seconds()))},
            )


async def request_sign_in(
    session: AsyncSession, *, email: str, next_path: str = "/", requested_ip: str | None = None
) -> None:
    """Mail a sign-in link to this address, within the per-address and per-IP limits."""
    email = normalize_email(email)
    requested_ip = requested_ip or "unknown"  # every sign-in-page link counts toward the limits
    await _check_signin_limits(session, email=email, ip=requested_ip)
    url = await issue_login_link(
        session, email=email, next_path=next_path, requested_ip=requested_ip
    )
    ttl = get_settings().magic_link_ttl_minutes
    await mail.enqueue_email(
        session,
        kind="sign_in",
        to_address=email,
        subject="Your Rapport sign-in link",
        body=(
            "Hello,\n\n"
            "Open this link to sign in to Rapport:\n\n"
            f"{url}\n\n"
            f"It works once and for {ttl} minutes. If you did not ask for it, ignore this mail.\n"
        ),
    )


@dataclass(frozen=True)
class NewSession:
    user: User
    token: str
    csrf_token: str
    next_path: str


async def redeem_login_link(session: AsyncSession, *, token: str) -> NewSession:
    """Use a sign-in link once: create the user if new, and open a browser session."""
    if not token or len(token) > 200:
        raise Invalid("This sign-in link is not valid. Ask for a new one.", code="invalid_link")
    now = utcnow()
    link = await session.scalar(
        select(LoginLink).where(LoginLink.token_hash == token_hash(token, purpose=LINK_PURPOSE))
    )
    if link is None:
        raise Invalid("This sign-in link is not valid. Ask for a new one.", code="invalid_link")
    if link.used_at is not None:
        raise Gone("This sign-in link was already used. Ask for a new one.", code="link_used")
    if link.expires_at <= now:
        raise Gone("This sign-in link has expired. Ask for a new one.", code="link_expired")
    # Mark it used in the statement that checks it is unused: two tabs cannot both sign in.
    claimed = await session.execute(
        update(LoginLink)
        .where(LoginLink.id == link.id, LoginLink.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Gone("This sign-in link was already used. Ask for a new one.", code="link_used")
    user = await get_or_create_user(session, email=link.email)
    return await open_session(session, user=user, next_path=link.next_path)


async def open_session(session: AsyncSession, *, user: User, next_path: str = "/") -> NewSession:
    """Create a browser session for this user."""
    token = new_token()
    csrf = new_token(24)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token, purpose=SESSION_PURPOSE),
            csrf_token=csrf,
            expires_at=utcnow() + timedelta(days=get_settings().session_days),
        )
    )
    await session.flush()
    return NewSession(user=user, token=token, csrf_token=csrf, next_path=next_path)


# Built once: every signed-in request runs it.
_SESSION_BY_TOKEN = (
    select(User, UserSession)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.expires_at > bindparam("now"),
    )
)


async def session_for_token(session: AsyncSession, token: str) -> tuple[User, UserSession] | None:
    """The live session and its user for a cookie token, or None."""
    if not token or len(token) > 200:
        return None
    row = (
        await session.execute(
            _SESSION_BY_TOKEN,
            {"token_hash": token_hash(token, purpose=SESSION_PURPOSE), "now": utcnow()},
        )
    ).first()
    return (row[0], row[1]) if row else None


async def close_session(session: AsyncSession, *, session_id: uuid.UUID) -> None:
    """Sign out: the session's token stops working at once."""
    await session.execute(delete(UserSession).where(UserSession.id == session_id))
