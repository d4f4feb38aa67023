"""The door pass: a short-lived credential the staff scanner sends with each online scan.

A pass names the event, the staff member, their role and the session it came from, and when it
expires (at most `LIFETIME_SECONDS` after it was issued). It is signed with HMAC-SHA256 under
the server's secret key, so a scan is authorised in memory: no session look-up, no role query.
The price is that signing out, removal from the staff and a revoked session take effect when
the pass runs out (at most two minutes later), because renewing it goes through the ordinary
signed-in API, which checks the session and the role again. A pass is never sent by the
browser on its own (it travels in a header), so it is no CSRF risk, and it is good for nothing
but scanning at its own event.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from services.errors import Forbidden, Unauthorized
from services.events import access
from services.models import EventRole, User
from services.settings import get_settings

LIFETIME_SECONDS = 120
VERSION = "dp1"
SCANNING_ROLES = frozenset({EventRole.staff.value, EventRole.organizer.value})


def now() -> float:
    """The pass clock (seconds since the epoch); tests replace it."""
    return time.time()


@dataclass(frozen=True)
class DoorPass:
    """What a valid pass says."""

    event_id: uuid.UUID
    user_id: uuid.UUID
    role: str
    session_id: uuid.UUID
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    message = f"door-pass:{VERSION}.{payload}".encode()
    return _b64(hmac.new(key, message, hashlib.sha256).digest())


def sign(
    *,
    event_id: uuid.UUID,
    user_id: uuid.UUID,
    role: str,
    session_id: uuid.UUID,
    lifetime_seconds: int = LIFETIME_SECONDS,
) -> tuple[str, DoorPass]:
    """A new pass (the string to send, and what it says), valid for at most two minutes."""
    expires = int(now()) + min(lifetime_seconds, LIFETIME_SECONDS)
    claims = {"e": event_id.hex, "u": user_id.hex, "r": role, "s": session_id.hex, "x": expires}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    door_pass = DoorPass(
        event_id=event_id,
        user_id=user_id,
        role=role,
        session_id=session_id,
        expires_at=datetime.fromtimestamp(expires, UTC),
    )
    return f"{VERSION}.{payload}.{_signature(payload)}", door_pass


_INVALID = "This door pass is not valid. Close the scanner and open it again."


def check(text: str, *, event_id: uuid.UUID) -> DoorPass:
    """The pass, if it is genuine, unexpired, for this event and for someone who scans."""
    version, _, rest = text.strip().partition(".")
    payload, _, signature = rest.partition(".")
    if version != VERSION or not payload or len(text) > 500:
        raise Unauthorized(_INVALID, code="door_pass_invalid")
    if not hmac.compare_digest(signature.encode(), _signature(payload).encode()):
        raise Unauthorized(_INVALID, code="door_pass_invalid")
    try:
        claims = json.loads(_unb64(payload))
        door_pass = DoorPass(
            event_id=uuid.UUID(hex=claims["e"]),
            user_id=uuid.UUID(hex=claims["u"]),
            role=str(claims["r"]),
            session_id=uuid.UUID(hex=claims["s"]),
            expires_at=datetime.fromtimestamp(int(claims["x"]), UTC),
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise Unauthorized(_INVALID, code="door_pass_invalid") from None
    if door_pass.expires_at.timestamp() <= now():
        raise Unauthorized(
            "This door pass has expired. The scanner renews it while you are signed in: "
            "check the connection, or sign in again.",
            code="door_pass_expired",
        )
    if door_pass.event_id != event_id:
        raise Forbidden("This door pass is for another event.", code="door_pass_other_event")
    if door_pass.role not in SCANNING_ROLES:
        raise Forbidden(
            "This door pass does not allow checking people in.", code="door_pass_wrong_role"
        )
    return door_pass


def issue(
    *, event_access: access.EventAccess, user: User, session_id: uuid.UUID
) -> tuple[str, DoorPass]:
    """A pass for the event's staff and organizers, as the signed-in API has just found them."""
    if not event_access.is_staff:
        raise Forbidden("Only the event's staff can do this.", code="staff_only")
    role = EventRole.organizer if event_access.is_organizer else EventRole.staff
    return sign(
        event_id=event_access.event.id, user_id=user.id, role=role.value, session_id=session_id
    )
