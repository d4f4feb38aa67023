"""SQLite's write queue (services.db.write_intent): a long write that lets the writers waiting
behind it go first between its chunks, and gets back in line behind them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.db import create_engine, let_writers_in, write_intent


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'queue.db'}")
    yield made
    await made.dispose()


async def test_writers_waiting_go_first_between_chunks_then_the_long_write_goes_on(
    engine: AsyncEngine,
) -> None:
    order: list[str] = []
    long_started = asyncio.Event()

    async def long_write() -> None:
        async with write_intent(engine):
            long_started.set()
            for chunk in range(3):
                order.append(f"chunk {chunk}")
                await asyncio.sleep(0.02)  # the chunk's work, while others queue
                await let_writers_in()

    async def short_write(name: str) -> None:
        await long_started.wait()
        async with write_intent(engine):
            order.append(name)

    await asyncio.gather(long_write(), short_write("scan"), short_write("note"))
    assert order == ["chunk 0", "scan", "note", "chunk 1", "chunk 2"]


async def test_letting_writers_in_with_nobody_waiting_or_outside_a_write_changes_nothing(
    engine: AsyncEngine,
) -> None:
    await let_writers_in()  # no write_intent: nothing to give up
    async with write_intent(engine):
        await let_writers_in()
        async with write_intent(engine):  # nested: the same turn
            await let_writers_in()
    async with asyncio.timeout(1):
        async with write_intent(engine):  # the queue is free again
            pass


async def test_a_long_write_cancelled_while_back_in_line_frees_nothing_it_does_not_hold(
    engine: AsyncEngine,
) -> None:
    long_holds, short_holds, release = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def short_write() -> None:
        async with write_intent(engine):
            short_holds.set()
            await release.wait()

    async def long_write() -> None:
        async with write_intent(engine):
            long_holds.set()
            await asyncio.sleep(0.02)  # the short write queues meanwhile
            await let_writers_in()  # cancelled while waiting behind it

    # Tasks made here, not inside a write: a task inherits its maker's place in the queue.
    long = asyncio.create_task(long_write())
    await long_holds.wait()
    short = asyncio.create_task(short_write())
    await short_holds.wait()
    long.cancel()
    with pytest.raises(asyncio.CancelledError):
        await long
    # The short write still holds the queue: nobody else gets in until it ends.
    late = asyncio.create_task(short_write_after(engine))
    await asyncio.sleep(0.05)
    assert not late.done()
    release.set()
    await short
    async with asyncio.timeout(1):
        await late


async def short_write_after(engine: AsyncEngine) -> None:
    async with write_intent(engine):
        pass
