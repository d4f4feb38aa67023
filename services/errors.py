"""Domain errors. Services raise them; the API renders each into one JSON shape with its status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field (or one cell of an uploaded file)."""

    field: str
    message: str
    line: int | None = None


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        fields: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.fields = fields or []
        self.headers = headers or {}


class Invalid(DomainError):
    """The request was well-formed but its content breaks a rule."""

    status_code = 400
    code = "invalid"


class Unauthorized(DomainError):
    status_code = 401
    code = "not_signed_in"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    """Also used where the mere existence of a thing is private to those who may see it."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Gone(DomainError):
    status_code = 410
    code = "gone"


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"
