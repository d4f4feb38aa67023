"""A rule the whole suite checks: no SQL statement binds more than MAX_PARAMETERS parameters.

PostgreSQL refuses a statement with more than 32,767 of them (asyncpg), SQLite's limit is set
at build time; long id lists must be joins, temporary tables or chunks instead. `watch` listens
on every engine made in the test process (the Engine class itself); tests/conftest.py fails the
test that ran an offender. An executemany counts the parameters of one row, as each row is its
own statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

MAX_PARAMETERS = 1000


def count(parameters: Any, executemany: bool) -> int:
    """The parameters one statement binds."""
    # An executemany sends a list of rows; but a batch of "insertmanyvalues" (many rows in one
    # multi-VALUES statement) arrives flagged executemany with its one flat list of values.
    if executemany and parameters and isinstance(parameters[0], (list, tuple, dict)):
        parameters = parameters[0]
    return len(parameters or ())


def watch() -> list[str]:
    """Listen on every engine; the returned list fills with the statements over the limit."""
    offenders: list[str] = []

    def before_execute(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool
    ) -> None:
        bound = count(parameters, executemany)
        if bound > MAX_PARAMETERS:
            offenders.append(f"{bound} parameters: {' '.join(statement.split())[:160]}")

    event.listen(Engine, "before_cursor_execute", before_execute)
    return offenders
