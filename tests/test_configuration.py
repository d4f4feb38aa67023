"""Settings: every one documented, safe defaults, and refusals in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.settings import DEFAULT_SECRET, Environment, Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def test_every_setting_is_documented_and_nothing_else() -> None:
    documented = set(re.findall(r"^\| `(RAPPORT_[A-Z_]+)`", DOC.read_text(), flags=re.M))
    fields = {f"RAPPORT_{name.upper()}" for name in Settings.model_fields}
    assert fields - documented == set(), "settings missing from docs/configuration.md"
    assert documented - fields == set(), "docs/configuration.md lists settings that do not exist"


def test_defaults_are_the_embedded_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"RAPPORT_{name.upper()}", raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./var/rapport.db"
    assert settings.is_sqlite
    assert settings.dev_mailbox_enabled
    assert settings.run_worker_in_process
    assert not settings.secure_cookies


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="RAPPORT_SECRET_KEY"):
        Settings(
            _env_file=None,
            environment=Environment.production,
            secret_key=DEFAULT_SECRET,
            smtp_host="smtp.example.org",
        )


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(
            _env_file=None,
            environment=Environment.production,
            secret_key="short",
            smtp_host="smtp.example.org",
        )


def test_production_requires_smtp_and_hides_the_dev_mailbox() -> None:
    with pytest.raises(ValidationError, match="RAPPORT_SMTP_HOST"):
        Settings(_env_file=None, environment=Environment.production, secret_key="x" * 48)
    settings = Settings(
        _env_file=None,
        environment=Environment.production,
        secret_key="x" * 48,
        smtp_host="smtp.example.org",
        base_url="https://rapport.example.org",
    )
    assert not settings.dev_mailbox_enabled
    assert settings.secure_cookies
    assert settings.origin == "https://rapport.example.org"
