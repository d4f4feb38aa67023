"""The development mailbox: on without SMTP outside production, never in production."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from services.settings import Settings
from tests import factories
from tests.conftest import ClientFactory

SCRIPT = "<script>alert('x')</script>"


async def test_mail_with_markup_in_names_is_shown_escaped(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    organizer = await factories.user(db, is_organizer=True)
    event = await factories.event(db, organizer=organizer, name=f"Conf {SCRIPT}")
    client = await make_client(organizer)
    invited = await client.post(
        f"/api/v1/events/{event.id}/staff", json={"email": "door@example.org", "name": SCRIPT}
    )
    assert invited.status_code == 201
    page = await client.get("/dev/mailbox")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    assert 'href="http://127.0.0.1:8000/signin/verify#token=' in page.text
    mails = (await client.get("/dev/mailbox.json")).json()
    assert mails[0]["to"] == "door@example.org"
    assert SCRIPT in mails[0]["body"] and mails[0]["kind"] == "staff_invitation"


async def test_sign_in_mail_lands_in_the_mailbox_json(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/sign-in", json={"email": "dev@example.org"})
    mails = (await client.get("/dev/mailbox.json")).json()
    assert [m["to"] for m in mails] == ["dev@example.org"]
    assert "/signin/verify#token=" in mails[0]["body"]


def production_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "secret_key": "s" * 48,
        "smtp_host": "smtp.example.org",
        "base_url": "https://rapport.example",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/dev/mailbox", "/dev/mailbox.json"])
async def test_no_dev_mailbox_in_production(path: str) -> None:
    app = create_app(production_settings(), with_worker=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://rapport.example"
    ) as client:
        response = await client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def _paths(app: FastAPI) -> set[str]:
    return {r.path or "" for r in iter_route_contexts(app.routes)}


async def test_no_dev_mailbox_when_smtp_is_configured(app: FastAPI) -> None:
    assert "/dev/mailbox" in _paths(app)
    settings = Settings(smtp_host="smtp.example.org")
    assert not settings.dev_mailbox_enabled
    assert not any(p.startswith("/dev") for p in _paths(create_app(settings, with_worker=False)))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"secret_key": "change-me-development-only-secret"}, "RAPPORT_SECRET_KEY"),
        ({"secret_key": "short"}, "RAPPORT_SECRET_KEY"),
        ({"smtp_host": None}, "RAPPORT_SMTP_HOST"),
    ],
)
def test_production_requires_a_real_secret_and_smtp(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        production_settings(**overrides)
