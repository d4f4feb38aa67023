"""Reading attendee lists. The files in tests/fixtures/attendees are described in its README."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from services.errors import Invalid
from services.events.attendee_csv import MAX_LENGTH, parse_attendee_csv, parse_in_steps

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "attendees"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def expected_people(name: str, delimiter: str) -> list[tuple[str, str, str, str]]:
    """The rows as Python's csv module reads them, for comparison."""
    text = fixture(name).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1:]
    return [(r[0], r[1].lower(), r[2], r[3]) for r in rows]


def rejected(data: bytes) -> Invalid:
    with pytest.raises(Invalid) as error:
        parse_attendee_csv(data)
    return error.value


@pytest.mark.parametrize(
    ("name", "delimiter"),
    [("valid-200-bom-comma.csv", ","), ("valid-200-semicolon.csv", ";")],
)
def test_valid_files_give_200_people_with_names_intact(name: str, delimiter: str) -> None:
    rows = parse_attendee_csv(fixture(name))
    assert len(rows) == 200
    assert [(r.name, r.email, r.company, r.title) for r in rows] == expected_people(name, delimiter)
    names = {r.name for r in rows}
    assert {"Zoë Ångström", "Σοφία Okonkwo", "Дмитрий Dubois", "Olúwaseun Mensah"} <= names
    assert not any(r.name.startswith("\ufeff") for r in rows)
    assert '"Quoted" Systems' in {r.company for r in rows}
    assert "Acme, Inc." in {r.company for r in rows}
    assert len({r.email for r in rows}) == 200


def test_both_spreadsheet_dialects_give_the_same_people() -> None:
    comma = parse_attendee_csv(fixture("valid-200-bom-comma.csv"))
    semicolon = parse_attendee_csv(fixture("valid-200-semicolon.csv"))
    assert [(r.name, r.email, r.company) for r in comma] == [
        (r.name, r.email, r.company) for r in semicolon
    ]


def test_file_with_errors_reports_every_bad_row() -> None:
    error = rejected(fixture("with-errors.csv"))
    assert error.code == "import_rejected"
    assert "4 rows" in error.detail and "nothing was imported" in error.detail
    problems = [(p.line, p.field) for p in error.fields]
    assert problems == [(4, "email"), (6, "name"), (8, "email"), (11, "name")]
    messages = {p.line: p.message for p in error.fields}
    assert "not-an-email" in messages[4]
    assert "empty" in messages[6]
    assert "line 3" in messages[8]
    assert "200 characters" in messages[11]


def test_formula_like_name_and_line_break_in_a_cell_are_valid() -> None:
    data = fixture("with-errors.csv").decode("utf-8-sig").split("\r\n")
    good = "\r\n".join([data[0], data[9], data[11]]).encode()  # the break inside is "\n"
    rows = parse_attendee_csv(good)
    assert rows[0].name == '=HYPERLINK("http://evil.example","click")'
    assert rows[1].company == "Line\nBreak Corp"
    assert [r.line for r in rows] == [2, 3]


def test_latin1_is_refused_as_not_utf8() -> None:
    error = rejected(fixture("latin1-not-utf8.csv"))
    assert error.code == "not_utf8"
    assert "not UTF-8" in error.detail
    assert error.fields[0].line == 2


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf", b"\x18\r\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    error = rejected(data)
    assert error.code == "empty_file"


def test_header_only_is_refused() -> None:
    assert rejected(b"name,email\r\n").code == "empty_file"


def test_header_without_email_column_is_refused() -> None:
    error = rejected(b"name,company\nAda,Acme\n")
    assert error.code == "bad_header"
    assert [(p.field, p.line) for p in error.fields] == [("email", 1)]


def test_duplicate_column_is_refused() -> None:
    error = rejected(b"name,email,e-mail\nAda,a@example.org,b@example.org\n")
    assert error.code == "bad_header"


def test_too_many_cells_is_reported_with_its_line() -> None:
    error = rejected(b"name,email\nAda,a@example.org\nBo,b@example.org,extra\n")
    assert [(p.line, p.field) for p in error.fields] == [(3, "row")]
    assert "3 cells" in error.fields[0].message


def test_aliases_and_missing_optional_columns() -> None:
    rows = parse_attendee_csv(b"Full Name;E-Mail\nAda;ADA@Example.ORG\n\n;\n")
    assert [(r.name, r.email, r.company, r.title) for r in rows] == [
        ("Ada", "ada@example.org", "", "")
    ]


def test_over_long_cells_are_reported() -> None:
    data = f"name,email,company\nAda,a@example.org,{'c' * (MAX_LENGTH['company'] + 1)}\n"
    error = rejected(data.encode())
    assert [(p.line, p.field) for p in error.fields] == [(2, "company")]


def test_binary_is_refused() -> None:
    assert rejected(b"name,email\n\x00\x00\n").code == "not_csv"


def test_control_characters_in_cells_are_dropped() -> None:
    data = "name,email,company,title\r\nZo\x01ë\x1b,zoe@example.org,Ac\x7fme,CTO\x1a\r\n"
    (row,) = parse_attendee_csv(data.encode())
    assert (row.name, row.company, row.title) == ("Zoë", "Acme", "CTO")


def test_a_list_of_100000_people_is_taken_and_one_more_row_is_refused() -> None:
    lines = "".join(f"P {i},p{i}@big.example\n" for i in range(100_000))
    rows = parse_attendee_csv(("name,email\n" + lines).encode())
    assert len(rows) == 100_000 and rows[-1].line == 100_001
    error = rejected(("name,email\n" + lines + "Q,q@big.example\n").encode())
    assert error.code == "too_many_rows"


def test_reading_in_steps_tells_how_far_it_got() -> None:
    lines = "".join(f"P {i},p{i}@big.example\n" for i in range(50))
    steps = parse_in_steps(("name,email\n" + lines).encode())
    seen = []
    while True:
        try:
            seen.append(next(steps))
        except StopIteration as done:
            assert len(done.value) == 50
            break
    assert seen == [20, 40]
