"""Reading an attendee list exported from a spreadsheet: UTF-8 with or without BOM, comma or
semicolon, quoted cells with line breaks. Every bad row is reported; nothing is guessed."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from schemas.common import without_control_characters
from services.errors import FieldProblem, Invalid

MAX_BYTES = 30 * 1024 * 1024
MAX_ROWS = 100_000
STEP_ROWS = 20
MAX_LENGTH = {"name": 200, "email": 320, "company": 200, "title": 200}
COLUMN_ALIASES = {
    "name": "name",
    "full name": "name",
    "fullname": "name",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "mail": "email",
    "company": "company",
    "organization": "company",
    "organisation": "company",
    "title": "title",
    "job title": "title",
    "position": "title",
    "role": "title",
}
REQUIRED = ("name", "email")


@dataclass(frozen=True)
class AttendeeRow:
    line: int
    name: str
    email: str
    company: str
    title: str


EMPTY = "The file is empty. Export the attendee list again and upload it."


def _decode(data: bytes) -> str:
    if not data.strip():
        raise Invalid(EMPTY, code="empty_file")
    if len(data) > MAX_BYTES:
        raise Invalid(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", code="file_too_large"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Invalid(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload "
            "it again.",
            code="not_utf8",
            fields=[FieldProblem("file", f"byte {exc.start + 1} is not UTF-8", line=line)],
        ) from exc
    if "\x00" in text:
        raise Invalid("The file is not a text CSV file.", code="not_csv")
    # Other control characters (a stray Ctrl-Z from an old spreadsheet) are dropped: no
    # database may hold them, and a cell cannot be retyped here.
    text = without_control_characters(text)
    if not text.strip():  # only a byte-order mark, or only control characters
        raise Invalid(EMPTY, code="empty_file")
    return text


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    problems = []
    for index, raw in enumerate(header):
        key = COLUMN_ALIASES.get(raw.strip().lower())
        if key is None:
            continue
        if key in columns:
            problems.append(FieldProblem(key, f"the column “{raw.strip()}” appears twice", line=1))
        columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            problems.append(FieldProblem(key, f"the header has no “{key}” column", line=1))
    if problems:
        raise Invalid(
            "The first line must name the columns: name, email, and optionally company and title.",
            code="bad_header",
            fields=problems,
        )
    return columns


def parse_attendee_csv(data: bytes) -> list[AttendeeRow]:
    """All rows of the file, or Invalid listing every bad cell (line, column, reason)."""
    steps = parse_in_steps(data)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def parse_in_steps(data: bytes) -> Generator[int, None, list[AttendeeRow]]:
    """parse_attendee_csv a little at a time: yields the rows read so far every STEP_ROWS rows
    (so a job can let the server answer others in between: checking an address takes CPU
    time) and returns all rows, or raises Invalid listing every bad cell."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise Invalid(f"The header line cannot be read: {exc}.", code="not_csv") from exc
    columns = _columns(header)
    rows: list[AttendeeRow] = []
    problems: list[FieldProblem] = []
    first_line_of: dict[str, int] = {}
    next_line = reader.line_num + 1
    while True:
        line = next_line
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(FieldProblem("row", f"cannot be read as CSV: {exc}", line=line))
            break
        next_line = reader.line_num + 1
        read = len(rows) + len(problems)
        if read and read % STEP_ROWS == 0:
            yield read
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise Invalid(f"The file has more than {MAX_ROWS} rows.", code="too_many_rows")
        if len(cells) > len(header):
            problems.append(
                FieldProblem(
                    "row",
                    f"has {len(cells)} cells but the header has {len(header)} columns",
                    line=line,
                )
            )
            continue
        values = {
            key: (cells[index].strip() if index < len(cells) else "")
            for key, index in columns.items()
        }
        row_problems = _check_row(values, line, first_line_of)
        if row_problems:
            problems.extend(row_problems)
            continue
        rows.append(
            AttendeeRow(
                line=line,
                name=values["name"],
                email=values["email"],
                company=values.get("company", ""),
                title=values.get("title", ""),
            )
        )
    if problems:
        count = len({p.line for p in problems})
        raise Invalid(
            f"{count} row{'s' if count != 1 else ''} of the file {'have' if count != 1 else 'has'} "
            "problems, so nothing was imported. Fix them and upload the file again.",
            code="import_rejected",
            fields=problems,
        )
    if not rows:
        raise Invalid("The file has a header but no attendees.", code="empty_file")
    return rows


def _check_row(
    values: dict[str, str], line: int, first_line_of: dict[str, int]
) -> list[FieldProblem]:
    problems = []
    for key, limit in MAX_LENGTH.items():
        if len(values.get(key, "")) > limit:
            problems.append(FieldProblem(key, f"is longer than {limit} characters", line=line))
    if not values["name"]:
        problems.append(FieldProblem("name", "is empty", line=line))
    if not values["email"]:
        problems.append(FieldProblem("email", "is empty", line=line))
    else:
        try:
            email = validate_email(values["email"], check_deliverability=False).normalized
        except EmailNotValidError as exc:
            problems.append(
                FieldProblem(
                    "email", f"“{values['email']}” is not an email address: {exc}", line=line
                )
            )
        else:
            values["email"] = email.lower()
            first = first_line_of.setdefault(values["email"], line)
            if first != line:
                problems.append(
                    FieldProblem(
                        "email", f"{values['email']} is already used on line {first}", line=line
                    )
                )
    return problems
