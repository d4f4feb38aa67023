"""One JSON shape for every error: {"error": code, "detail": message, "fields": [...]}."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from schemas.common import BLANK, CONTROL, CONTROL_MESSAGE, LINE_BREAK, ErrorOut, FieldError
from services.errors import DomainError
from services.events import access
from services.people import contacts

log = logging.getLogger("rapport.api")

HTTP_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
}

# What every endpoint may answer besides success, for the OpenAPI description.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        400: "The request breaks a rule (see `detail` and `fields`)",
        401: "Not signed in",
        403: "Signed in but not allowed, or the CSRF token is missing",
        404: "Not found, or not yours to see",
        413: "The request body is larger than the server takes",
        422: "Malformed payload",
    }.items()
}


def error_response(
    status: int,
    code: str,
    detail: str,
    fields: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorOut(error=code, detail=detail, fields=fields or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    fields = [FieldError(field=f.field, message=f.message, line=f.line) for f in exc.fields]
    return error_response(exc.status_code, exc.code, exc.detail, fields, exc.headers)


# A path id that is not even a UUID names nothing: it is answered as an unknown id would be.
PATH_IDS: dict[str, tuple[str, str]] = {
    "event_id": ("event_not_found", access.NOT_FOUND),
    "contact_id": ("contact_not_found", contacts.NOT_FOUND),
    "pitch_id": ("pitch_not_found", "No such pitch."),
    "note_id": ("note_not_found", "No such note."),
    "promise_id": ("promise_not_found", "No such promise."),
    "template_id": ("template_not_found", "No such template."),
    "follow_up_id": ("follow_up_not_found", "No such follow-up."),
    "attendee_id": ("attendee_not_found", "No such attendee in this event."),
    "check_in_id": ("check_in_not_found", "No such check-in in this event."),
    "conflict_id": ("conflict_not_found", "No such note conflict."),
    "notification_id": ("notification_not_found", "No such notification."),
    "introduction_id": ("introduction_not_found", "No such introduction."),
    "request_id": ("meeting_request_not_found", "No such meeting request."),
    "meeting_id": ("meeting_not_found", "No such meeting."),
}
UUID_ERRORS = frozenset({"uuid_parsing", "uuid_type", "uuid_version"})
MALFORMED = "The request is not in the expected form."
SEVERAL_FIELDS = "Some of what you entered needs a change: see the note at each field."
INTERNAL_ERROR = "Something went wrong on our side. Try again."
TOO_LARGE = "This is more than the server takes in one request. Send less at a time."


def _field_name(loc: Sequence[object]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path"))


def _message(err: Mapping[str, Any]) -> str:
    """Pydantic's message for one problem, in the words of the person filling in the form."""
    kind, message = str(err.get("type", "")), str(err.get("msg", "is not valid"))
    ctx = err.get("ctx") or {}
    if kind in (BLANK, CONTROL, LINE_BREAK):
        return message  # written for people already (schemas.common)
    if kind == "string_unicode":  # a lone surrogate, refused by the JSON parser itself
        return CONTROL_MESSAGE
    if kind == "value_error" and message.startswith("value is not a valid email address"):
        return "Enter a full email address, like name@example.com."
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # a validator's own words, without "Value error, " before them
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters."
    if kind == "string_too_short":
        least = ctx.get("min_length")
        return "Fill this in." if least == 1 else f"Use at least {least} characters."
    if kind == "missing":
        return "Fill this in."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Enter a whole number."
    if kind.startswith("datetime_"):
        return "Enter a date and time, like 2026-05-04T09:00."
    if kind == "greater_than_equal":
        return f"Use {ctx.get('ge')} or more."
    if kind == "less_than_equal":
        return f"Use {ctx.get('le')} or less."
    return message


def _unknown_path_id(errors: Sequence[Mapping[str, Any]]) -> tuple[str, str] | None:
    """The not-found answer when the only problems are path ids that are not UUIDs."""
    answers = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        if len(loc) != 2 or loc[0] != "path" or err.get("type") not in UUID_ERRORS:
            return None
        answers.append(PATH_IDS.get(str(loc[1]), ("not_found", "Nothing is at this address.")))
    return answers[0] if answers else None


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    unknown = _unknown_path_id(errors)
    if unknown is not None:
        return error_response(404, *unknown)
    fields = [
        FieldError(field=_field_name(err.get("loc", ())), message=_message(err)) for err in errors
    ]
    detail = MALFORMED
    # Problems with what was typed into fields read as such; others (bad JSON, a wrong query
    # parameter) mean the client sent something it should not have.
    if fields and all(_is_body_field(err) for err in errors):
        detail = fields[0].message if len(fields) == 1 else SEVERAL_FIELDS
    return error_response(422, "malformed_request", detail, fields)


def _is_body_field(err: Mapping[str, Any]) -> bool:
    loc = tuple(err.get("loc", ()))
    return len(loc) >= 2 and loc[0] == "body" and err.get("type") != "json_invalid"


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    detail = exc.detail if isinstance(exc.detail, str) else code
    if exc.status_code == 413:
        detail = TOO_LARGE
    return error_response(exc.status_code, code, detail, headers=getattr(exc, "headers", None))


async def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    # Only reached without api.middleware.ServerErrors (which answers first, with all headers).
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", INTERNAL_ERROR, headers={"Connection": "close"})


def install_error_handlers(app: FastAPI) -> None:
    """Render domain, validation and HTTP errors in the one shape."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
