"""Migrations keep data: a database with a row in every table, made at an older revision, still
has every row after upgrading to the newest schema and after going back.

This matters most on SQLite, where Alembic's batch mode rebuilds a table by copying it and
dropping the old one: with foreign keys on, that drop deletes every row pointing at the table
(ON DELETE CASCADE). The rows here are made generically from the reflected schema, so a table
added later is covered without touching this test."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.db import create_engine
from tests import support

# The oldest revision a deployment may still be on (the schema before this release's
# migrations); data made there must survive the whole chain up and back down.
OLDEST_KEPT = "0006"


def _skipped(table: sa.Table) -> bool:
    # Migration 0003's full-text search tables (SQLite FTS5 and its shadow tables) are filled by
    # triggers, not by hand.
    return table.name == "alembic_version" or table.name.startswith("search_fts")


def _value(column: sa.Column[Any], n: int) -> Any:
    """A value of the column's type; times grow with `n` so that "ends after it starts" holds."""
    python_type = column.type.python_type
    if python_type is uuid.UUID:
        return uuid.uuid4()
    if python_type is datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
    if python_type is date:
        return date(2026, 1, 1) + timedelta(days=n)
    if python_type is bool:
        return False
    if python_type in (int, float):
        return 1
    if python_type is bytes:
        return b"x"
    if python_type in (dict, list):
        return []
    return "x"


def _row(table: sa.Table, made: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One row for `table`, its foreign keys pointing at the rows already made."""
    row: dict[str, Any] = {}
    for n, column in enumerate(table.columns):
        if column.computed is not None:
            continue
        parents = [fk for fk in column.foreign_keys if fk.column.table.name in made]
        if parents:
            row[column.name] = made[parents[0].column.table.name][parents[0].column.name]
        elif column.foreign_keys:
            assert column.nullable, f"{table.name}.{column.name} points at a table not made yet"
            row[column.name] = None
        else:
            row[column.name] = _value(column, n)
    return row


async def _fill(connection: AsyncConnection) -> list[str]:
    """A row in every table; the tables' names."""
    metadata = sa.MetaData()
    await connection.run_sync(lambda sync: metadata.reflect(sync))
    made: dict[str, dict[str, Any]] = {}
    for table in metadata.sorted_tables:
        if not _skipped(table):
            made[table.name] = _row(table, made)
            await connection.execute(table.insert().values(made[table.name]))
    return sorted(made)


async def _counts(url: str, tables: list[str]) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            count = "SELECT count(*) FROM {}".format
            return {t: (await connection.execute(sa.text(count(t)))).scalar_one() for t in tables}
    finally:
        await engine.dispose()


async def test_every_row_survives_upgrading_to_head_and_going_back(fresh_database: str) -> None:
    await support.migrate_to(fresh_database, OLDEST_KEPT)
    engine = create_engine(fresh_database)
    try:
        async with engine.begin() as connection:
            tables = await _fill(connection)
    finally:
        await engine.dispose()
    assert len(tables) > 30
    everything = dict.fromkeys(tables, 1)
    assert await _counts(fresh_database, tables) == everything

    await support.migrate_to(fresh_database, "head")
    assert await _counts(fresh_database, tables) == everything

    await support.migrate_to(fresh_database, OLDEST_KEPT, down=True)
    assert await _counts(fresh_database, tables) == everything
