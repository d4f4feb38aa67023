"""One error shape everywhere: {"error", "detail", "fields"}."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import install_error_handlers
from services.errors import Conflict
from tests import factories
from tests.conftest import ClientFactory

SHAPE = {"error", "detail", "fields"}


async def test_unknown_api_path_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert set(response.json()) == SHAPE and response.json()["error"] == "not_found"


async def test_wrong_method_is_a_json_405(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/auth/me")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


async def test_not_signed_in_is_a_json_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/events")
    assert response.status_code == 401
    assert response.json() == {"error": "not_signed_in", "detail": "Sign in first.", "fields": []}


async def test_malformed_json_is_a_422_with_fields(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/sign-in", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and set(response.json()) == SHAPE
    assert response.json()["detail"] == "The request is not in the expected form."
    missing = await client.post("/api/v1/auth/verify", json={})
    assert missing.status_code == 422
    assert missing.json()["fields"] == [
        {"field": "token", "message": "Fill this in.", "line": None}
    ]


@pytest.mark.parametrize(
    ("path", "code", "detail"),
    [
        (
            "/api/v1/events/not-a-uuid",
            "event_not_found",
            "No such event, or you are not part of it.",
        ),
        (
            "/api/v1/events/nope/attendees",
            "event_not_found",
            "No such event, or you are not part of it.",
        ),
        ("/api/v1/contacts/doesnotexist", "contact_not_found", "No such contact."),
        ("/api/v1/pitches/123", "pitch_not_found", "No such pitch."),
    ],
)
async def test_a_path_id_that_is_not_a_uuid_is_not_found_like_an_unknown_one(
    db: AsyncSession, make_client: ClientFactory, path: str, code: str, detail: str
) -> None:
    client = await make_client(await factories.user(db))
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": code, "detail": detail, "fields": []}
    unknown = await client.get(path.replace(path.split("/")[4], str(uuid.uuid4())))
    assert (unknown.status_code, unknown.json()["detail"]) == (404, detail)


async def test_a_bad_query_parameter_is_still_a_422(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    response = await client.get("/api/v1/events", params={"limit": "many"})
    assert response.status_code == 422 and response.json()["error"] == "malformed_request"
    assert response.json()["detail"] == "The request is not in the expected form."
    assert response.json()["fields"] == [
        {"field": "limit", "message": "Enter a whole number.", "line": None}
    ]


async def test_field_problems_are_told_in_the_words_of_the_form(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    long_title = await client.post("/api/v1/pitches", json={"title": "x" * 201})
    assert long_title.status_code == 422
    assert long_title.json()["detail"] == "Use at most 200 characters."
    assert long_title.json()["fields"][0]["field"] == "title"
    two = await client.post("/api/v1/pitches", json={"title": " ", "text": "x" * 5001})
    assert two.json()["detail"].startswith("Some of what you entered needs a change")
    assert {f["field"] for f in two.json()["fields"]} == {"title", "text"}


async def test_domain_errors_and_crashes_use_the_shape() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom-domain")
    async def boom_domain() -> None:
        raise Conflict("Already there.", code="already_there")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    _ = (boom_domain, boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        conflict = await client.get("/boom-domain")
        crash = await client.get("/boom")
    assert conflict.status_code == 409
    assert conflict.json() == {"error": "already_there", "detail": "Already there.", "fields": []}
    assert crash.status_code == 500
    assert crash.json()["error"] == "internal_error"
    assert "secret internals" not in crash.text


async def test_security_headers_on_every_response(app: FastAPI, client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/api/v1/events", "/api/v1/nothing"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert len(response.headers["x-request-id"]) == 32
