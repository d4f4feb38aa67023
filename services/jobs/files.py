"""A job's result file, kept in the database in parts of PART_SIZE bytes: the worker writes
each part as it is made (one step each, so progress is saved and the lease renewed as it goes),
the API reads them back one by one. Neither holds the whole file, and every API process can
serve what any worker made."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, AsyncIterator

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.jobs.runner import JobRun
from services.models import Job, JobFilePart

PART_SIZE = 256 * 1024


async def write_file(
    run: JobRun, *, name: str, media_type: str, pieces: AsyncIterable[bytes]
) -> int:
    """Store the pieces as the job's file, from the start (a job taken again writes it anew).

    Returns the file's size in bytes.
    """
    async with run.step() as session:
        await session.execute(delete(JobFilePart).where(JobFilePart.job_id == run.job_id))
    number, size, buffer = 0, 0, bytearray()
    async for piece in pieces:
        buffer += piece
        while len(buffer) >= PART_SIZE:
            await _write_part(run, number, bytes(buffer[:PART_SIZE]))
            del buffer[:PART_SIZE]
            number, size = number + 1, size + PART_SIZE
    if buffer or number == 0:
        await _write_part(run, number, bytes(buffer))
        size += len(buffer)
    async with run.step() as session:
        await session.execute(
            update(Job)
            .where(Job.id == run.job_id)
            .values(file_name=name, media_type=media_type, file_size=size)
        )
    return size


async def _write_part(run: JobRun, number: int, data: bytes) -> None:
    async with run.step() as session:
        session.add(JobFilePart(job_id=run.job_id, number=number, data=data))


async def read_file(
    sessionmaker: async_sessionmaker[AsyncSession], *, job_id: uuid.UUID
) -> AsyncIterator[bytes]:
    """The job's file, part by part, each read in a short transaction of its own."""
    number = 0
    while True:
        async with sessionmaker() as session:
            data = await session.scalar(
                select(JobFilePart.data).where(
                    JobFilePart.job_id == job_id, JobFilePart.number == number
                )
            )
        if data is None:
            return
        yield data
        number += 1
