"""Loaded by the browser tests' `rapport serve` (this folder is on its PYTHONPATH): the suite's
parameter-count rule (tests/bound_parameters.py) in that process too. Statements over the
limit are written, one a line, to the file RAPPORT_TEST_PARAMETERS_LOG names; the live_server
fixture fails the run when it is not empty."""

from __future__ import annotations

import os

if os.environ.get("RAPPORT_TEST_PARAMETERS_LOG"):
    from pathlib import Path
    from typing import Any

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _log = Path(os.environ["RAPPORT_TEST_PARAMETERS_LOG"])

    def _before_execute(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        rows = many and parameters and isinstance(parameters[0], (list, tuple, dict))
        bound = len(parameters[0] if rows else (parameters or ()))
        if bound > 1000:
            with _log.open("a") as out:
                out.write(f"{bound} parameters: {' '.join(statement.split())[:160]}\n")

    event.listen(Engine, "before_cursor_execute", _before_execute)
