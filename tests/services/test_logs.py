"""Log lines carry the request id; JSON lines by setting."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from services.logs import request_id_var, setup_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_the_request_id(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging(json_lines=True, level="info")
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("rapport.test").info("hello %s", "Zoë")
    finally:
        request_id_var.reset(token)
    try:
        raise ValueError("bad")
    except ValueError:
        logging.getLogger("rapport.test").exception("failed")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["message"] == "hello Zoë" and lines[0]["request_id"] == "req-42"
    assert lines[0]["level"] == "INFO" and lines[0]["logger"] == "rapport.test"
    assert lines[1]["request_id"] == "-" and "ValueError: bad" in lines[1]["exception"]


def test_plain_lines_carry_the_request_id(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging(json_lines=False, level="DEBUG")
    token = request_id_var.set("abc")
    try:
        logging.getLogger("rapport.test").debug("plain")
    finally:
        request_id_var.reset(token)
    assert "DEBUG rapport.test [abc] plain" in capsys.readouterr().err


async def test_access_log_names_the_request(
    restore_logging: None, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging(json_lines=True)
    await client.get("/healthz", headers={"X-Request-ID": "trace-me"})
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    access = [e for e in entries if e["logger"] == "rapport.access"]
    assert access and access[-1]["request_id"] == "trace-me"
    assert access[-1]["message"].startswith("GET /healthz 200")


async def test_unreasonable_request_ids_are_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "x" * 65})
    assert response.headers["x-request-id"] != "x" * 65
