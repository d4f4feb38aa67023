from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"


async def test_pitch_timing_follows_my_speaking_speed(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    client = await make_client(await factories.user(db))
    body = {
        "id": str(uuid.uuid4()),
        "title": "Investors",
        "text": "word " * 65,
        "target_seconds": 30,
    }
    created = await client.post(f"{API}/pitches", json=body)
    assert created.status_code == 201
    pitch = created.json()
    assert (pitch["word_count"], pitch["words_per_minute"]) == (65, 130)
    assert (pitch["speaking_seconds"], pitch["fit"]) == (30.0, "on_target")
    assert (await client.post(f"{API}/pitches", json=body)).status_code == 200
    await client.patch(f"{API}/me/card/settings", json={"words_per_minute": 100})
    slower = (await client.get(f"{API}/pitches/{pitch['id']}")).json()
    assert (slower["speaking_seconds"], slower["over_under_seconds"], slower["fit"]) == (
        39.0,
        9.0,
        "over",
    )
    chosen = await client.patch(f"{API}/me/card/settings", json={"headline_pitch_id": pitch["id"]})
    assert chosen.json()["headline"] == pitch["text"].strip()
    assert (await client.get(f"{API}/pitches")).json()[0]["is_headline"]
    bad = await client.post(f"{API}/pitches", json={"title": "x", "target_seconds": 45})
    assert bad.status_code == 422
