"""Meetings answered offline through the outbox: accept, decline and cancel arrive in a sync
batch, are applied once (a batch sent again changes nothing), and a slot taken meanwhile is
answered `conflict` with the slots still free, nothing lost."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Meeting
from tests.api.test_meetings import API, Clock, asked, clock, slot, venue
from tests.api.test_sync import op, post_batch
from tests.conftest import ClientFactory

__all__ = ["clock"]


async def test_accept_and_cancel_offline_are_applied_once_and_the_other_is_told(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client)
    a, b = v.people
    request = await asked(v, a, b, [0, 1])
    accept = op("meeting.accept", {"request_id": request["id"], "slot": slot(1)})
    first = await post_batch(b.client, [accept])
    again = await post_batch(b.client, [accept])
    (done,) = first["results"]
    assert done["status"] == "applied", done
    assert again["results"][0]["result"] == done["result"]
    assert await db.scalar(select(func.count()).select_from(Meeting)) == 1
    meeting_id = done["result"]["request"]["meeting_id"]
    cancel = op("meeting.cancel", {"meeting_id": meeting_id})
    (cancelled,) = (await post_batch(b.client, [cancel, cancel]))["results"][:1]
    assert cancelled["result"]["meeting"]["status"] == "cancelled"
    notes = (await a.client.get(f"{API}/notifications")).json()["items"]
    assert sum("cancelled your meeting" in n["text"] for n in notes) == 1


async def test_a_slot_taken_while_offline_is_a_conflict_with_the_free_slots(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=4)
    a, b, c, d = v.people
    offline = await asked(v, a, b, [2])
    online = await asked(v, c, d, [2])
    won = await d.client.post(
        f"{API}/meeting-requests/{online['id']}/accept", json={"slot": slot(2)}
    )
    assert won.status_code == 200
    (late,) = (
        await post_batch(
            b.client, [op("meeting.accept", {"request_id": offline["id"], "slot": slot(2)})]
        )
    )["results"]
    assert late["status"] == "conflict" and late["result"]["code"] == "slot_taken"
    assert [s[:16] for s in late["result"]["free_slots"]] == [slot(n)[:16] for n in (0, 1, 3, 4, 5)]
    still = (await b.client.get(f"{API}/meeting-requests/{offline['id']}")).json()
    assert still["status"] == "pending" and still["your_turn"]
    (declined,) = (
        await post_batch(
            b.client,
            [op("meeting.decline", {"request_id": offline["id"], "reason": "no_time"})],
        )
    )["results"]
    assert declined["status"] == "applied"
    assert declined["result"]["request"]["status"] == "declined"
