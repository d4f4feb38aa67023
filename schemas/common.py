"""Shapes shared by every endpoint: the error body, the page of a list, and named text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

T = TypeVar("T")

# The error type of a name or title that is empty once its surrounding spaces are gone.
BLANK = "blank"


def not_blank(message: str) -> Callable[[str], str]:
    """A check that refuses empty text with `message` (the person's words, shown as is)."""

    def check(value: str) -> str:
        if not value:
            raise PydanticCustomError(BLANK, message)
        return value

    return check


def named(max_length: int, blank: str) -> tuple[Any, ...]:
    """The rules of text that names a thing: spaces around it dropped, at most `max_length`
    characters, refused with `blank` (the person's words) when nothing is left."""
    return (
        StringConstraints(strip_whitespace=True, max_length=max_length),
        AfterValidator(not_blank(blank)),
        Field(json_schema_extra={"minLength": 1}),
    )


# Names and titles people see as the heading of a thing: one made of spaces only is refused
# like an empty one, with a message per field.
EventName = Annotated[str, *named(200, "Give the event a name.")]
PitchTitle = Annotated[str, *named(200, "Give the pitch a title.")]
TemplateName = Annotated[str, *named(100, "Give the template a name.")]
ContactName = Annotated[str, *named(200, "A contact needs a name.")]
CardName = Annotated[str, *named(200, "Put your name on your card: it is what people see first.")]
SubjectLine = Annotated[str, *named(300, "Give the message a subject.")]


class FieldError(BaseModel):
    field: str = Field(description="The input field or file column concerned")
    message: str
    line: int | None = Field(default=None, description="Line of an uploaded file, if any")


class ErrorOut(BaseModel):
    """Every error answer has this shape."""

    error: str = Field(description="A stable machine-readable code, e.g. `event_not_found`")
    detail: str = Field(description="What went wrong and what to do, in plain words")
    fields: list[FieldError] = Field(default_factory=list)


class Page(BaseModel, Generic[T]):
    """A page of a list: `items`, plus `total`, `limit` and `offset` to ask for the next page."""

    items: list[T]
    total: int
    limit: int
    offset: int


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
