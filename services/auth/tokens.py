"""Random tokens and their keyed hashes: what we store instead of the secrets themselves."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from services.settings import get_settings


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token; 32 bytes is 256 bits of entropy."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a token under the server secret, separated by purpose."""
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(a.encode(), b.encode())
