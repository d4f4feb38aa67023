"""The suite's parameter-count rule (tests/bound_parameters.py) is on, and sees what it must."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Contact
from tests import bound_parameters, conftest


def test_an_executemany_counts_one_row() -> None:
    assert bound_parameters.count([(1, 2, 3)] * 5000, True) == 3
    assert bound_parameters.count({"a": 1, "b": 2}, False) == 2
    assert bound_parameters.count(None, False) == 0
    assert bound_parameters.count(("a", "b", "c"), True) == 3  # one multi-VALUES batch


async def test_the_suite_catches_a_long_in_list(db: AsyncSession) -> None:
    ids = [uuid.uuid4() for _ in range(1001)]
    await db.execute(select(Contact.id).where(Contact.id.in_(ids[:1000])))
    assert conftest._too_many_parameters == []
    await db.execute(select(Contact.id).where(Contact.id.in_(ids)))
    caught = list(conftest._too_many_parameters)
    # This test's own offender is the point: keep the suite's check from failing it.
    conftest._too_many_parameters.clear()
    assert len(caught) == 1 and caught[0].startswith("1001 parameters: SELECT")
