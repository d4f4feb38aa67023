"""Shapes shared by every endpoint: the error body, the page of a list, and named text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

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


# Names and titles people see as the heading of a thing: spaces around them are dropped, and
# one made of spaces only is refused like an empty one, with a message per field.
EventName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(not_blank("Give the event a name.")),
    Field(json_schema_extra={"minLength": 1}),
]
PitchTitle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(not_blank("Give the pitch a title.")),
    Field(json_schema_extra={"minLength": 1}),
]
TemplateName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=100),
    AfterValidator(not_blank("Give the template a name.")),
    Field(json_schema_extra={"minLength": 1}),
]
ContactName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(not_blank("A contact needs a name.")),
    Field(json_schema_extra={"minLength": 1}),
]
CardName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(not_blank("Put your name on your card: it is what people see first.")),
    Field(json_schema_extra={"minLength": 1}),
]


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
