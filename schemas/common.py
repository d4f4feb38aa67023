"""Shapes shared by every endpoint: the error body, the page of a list, named text, and the one
check of what text may hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

T = TypeVar("T")

# The error type of a name or title that is empty once its surrounding spaces are gone.
BLANK = "blank"
# The error types of text holding what no field may hold, and of a line break in a one-line field.
CONTROL = "control_character"
LINE_BREAK = "line_break"
CONTROL_MESSAGE = (
    "This text holds an invisible control character (such as NUL) that cannot be stored. "
    "Remove it and try again."
)
LINE_BREAK_MESSAGE = "Keep this on one line."
# Tab, line feed and carriage return are text; every other C0 control (NUL first: PostgreSQL
# cannot store it), DEL, and lone surrogates (no database can encode them) are not.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _forbidden(char: str) -> bool:
    return (
        (char < " " and char not in _ALLOWED_CONTROLS)
        or char == "\x7f"
        or ("\ud800" <= char <= "\udfff")
    )


def has_control_characters(value: str) -> bool:
    """Whether `value` holds a character that neither database may store as text."""
    return any(_forbidden(char) for char in value)


def without_control_characters(value: str) -> str:
    """`value` with those characters dropped: for text read from files, which is cleaned
    rather than refused (a vCard or CSV line cannot be retyped)."""
    if not has_control_characters(value):
        return value
    return "".join(char for char in value if not _forbidden(char))


def check_text(value: str) -> str:
    """Refuse text holding a control character, with the one field message."""
    if has_control_characters(value):
        raise PydanticCustomError(CONTROL, CONTROL_MESSAGE)
    return value


def _check_value(value: Any) -> None:
    if isinstance(value, str):
        check_text(value)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key)
            _check_value(item)


class Input(BaseModel):
    """The base of every request body and sync payload: no field, nor any text in a list or
    map of it, may hold a control character (`check_text`). This is the one place text from
    a client is checked for what neither database can hold; nested models check themselves.
    `unchecked` names fields checked elsewhere (a sync operation's payload, by its type)."""

    unchecked: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name not in cls.unchecked:
            _check_value(value)
        return value


def one_line(value: str) -> str:
    """Refuse a line break in a field that is one line (a name, a subject: mail headers)."""
    if "\n" in value or "\r" in value or "\u2028" in value or "\u2029" in value:
        raise PydanticCustomError(LINE_BREAK, LINE_BREAK_MESSAGE)
    return value


# A text query parameter (a search): the same check as every body field.
Text = Annotated[str, AfterValidator(check_text)]
OneLine = Annotated[str, AfterValidator(one_line)]


def not_blank(message: str) -> Callable[[str], str]:
    """A check that refuses empty text with `message` (the person's words, shown as is)."""

    def check(value: str) -> str:
        if not value:
            raise PydanticCustomError(BLANK, message)
        return value

    return check


def named(max_length: int, blank: str, *, lines: bool = False) -> tuple[Any, ...]:
    """The rules of text that names a thing: spaces around it dropped, one line, at most
    `max_length` characters, refused with `blank` (the person's words) when nothing is left.
    `lines` allows line breaks (a paragraph rather than a name)."""
    return (
        StringConstraints(strip_whitespace=True, max_length=max_length),
        *(() if lines else (AfterValidator(one_line),)),
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
