"""One JSON shape for every error: {"error": code, "detail": message, "fields": [...]}."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from schemas.common import ErrorOut, FieldError
from services.errors import DomainError

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


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        FieldError(
            field=".".join(
                str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")
            ),
            message=str(err.get("msg", "is not valid")),
        )
        for err in exc.errors()
    ]
    return error_response(
        422, "malformed_request", "The request is not in the expected form.", fields
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    detail = exc.detail if isinstance(exc.detail, str) else code
    return error_response(exc.status_code, code, detail, headers=getattr(exc, "headers", None))


async def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side. Try again.")


def install_error_handlers(app: FastAPI) -> None:
    """Render domain, validation and HTTP errors in the one shape."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
