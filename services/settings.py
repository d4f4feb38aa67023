"""One Settings object for the whole service, read from RAPPORT_* environment variables."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only-secret"  # noqa: S105 (the placeholder we refuse)


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class SmtpSecurity(StrEnum):
    none = "none"
    starttls = "starttls"
    tls = "tls"


class Settings(BaseSettings):
    """Every setting is documented in docs/configuration.md; keep the two in step."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_", env_file=".env", extra="ignore")

    environment: Environment = Environment.development
    database_url: str = "sqlite+aiosqlite:///./var/rapport.db"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    base_url: str = "http://127.0.0.1:8000"

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: SmtpSecurity = SmtpSecurity.starttls
    smtp_timeout_seconds: float = 20.0
    mail_from: str = "Rapport <rapport@localhost>"

    magic_link_ttl_minutes: int = 15
    session_days: int = 30
    signin_limit_per_address: int = Field(default=5, description="per 15 minutes")
    # High enough for a venue whose Wi-Fi puts hundreds of attendees behind one address; each
    # person's inbox is protected by the per-address limit.
    signin_limit_per_ip: int = Field(default=300, description="per 15 minutes")
    introductions_per_day: int = Field(default=20, description="per user, per 24 hours")
    lookup_failures_per_user: int = Field(default=60, ge=1, description="per 10 minutes")
    lookup_failures_per_network: int = Field(default=1000, ge=1, description="per 10 minutes")

    max_body_bytes: int = Field(
        default=6 * 1024 * 1024, ge=1024, description="largest request body taken (413 above)"
    )
    run_worker_in_process: bool = True
    worker_poll_seconds: float = 2.0
    job_lease_seconds: float = Field(
        default=60.0, description="a running job not heard of for this long is taken again"
    )
    log_json: bool = False
    log_level: str = "INFO"
    frontend_dist: str = "frontend/dist"
    operator_emails: str = Field(
        default="", description="Comma-separated emails of the server's operators"
    )
    # The optional writing assistant ("Rewrite in my voice"): an OpenAI-compatible endpoint.
    assistant_url: str | None = Field(
        default=None,
        description="Base URL of a chat-completions API, e.g. http://127.0.0.1:8080/v1",
    )
    assistant_model: str = ""
    assistant_key: SecretStr | None = None
    assistant_timeout_seconds: float = 30.0
    assistant_stream: bool = False
    default_phone_region: str | None = Field(
        default=None, description="ISO country code for phone numbers typed without +, e.g. DE"
    )

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Self:
        if self.environment is Environment.production:
            secret = self.secret_key.get_secret_value()
            if secret == DEFAULT_SECRET or len(secret) < 32:
                raise ValueError(
                    "RAPPORT_SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production (for example: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))')"
                )
            if not self.smtp_host:
                raise ValueError(
                    "RAPPORT_SMTP_HOST must be set in production: mail is how people sign in"
                )
        return self

    @property
    def operators(self) -> frozenset[str]:
        """The operators' emails, lower-case."""
        return frozenset(e.strip().lower() for e in self.operator_emails.split(",") if e.strip())

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.production

    @property
    def dev_mailbox_enabled(self) -> bool:
        """Mail goes to /dev/mailbox only outside production and only without SMTP."""
        return not self.is_production and not self.smtp_host

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return urlsplit(self.base_url).scheme == "https"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests call get_settings.cache_clear() after changing env."""
    return Settings()
