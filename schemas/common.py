"""Shapes shared by every endpoint: the error body and the page of a list."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


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
