from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.events import badges
from tests import factories
from tests.conftest import ClientFactory

API = "/api/v1"


async def test_scan_notify_share_back_and_withdraw_over_http(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db, name="DevConf")
    alex = await factories.user(db, name="Alex")
    bea = await factories.user(db, name="Bea")
    await factories.attendee(db, event=event, person=alex)
    _, badge = await factories.attendee(db, event=event, person=bea)
    alex_client, bea_client = await make_client(alex), await make_client(bea)
    await alex_client.put(f"{API}/me/card", json={"name": "Alex", "company": "Scan Co"})
    await bea_client.put(
        f"{API}/me/card", json={"name": "Bea", "company": "Volta", "email": "bea@volta.example"}
    )

    scan = await alex_client.post(
        f"{API}/exchange/scan", json={"badge": badges.badge_url(badge.token)}
    )
    assert scan.status_code == 201
    assert scan.json()["event_name"] == "DevConf"
    assert scan.json()["contact"]["company"] == "Volta"
    assert scan.json()["contact"]["email"] == ""
    again = await alex_client.post(f"{API}/exchange/scan", json={"badge": badge.token})
    assert (
        again.status_code == 200 and again.json()["contact"]["id"] == scan.json()["contact"]["id"]
    )

    told = (await bea_client.get(f"{API}/notifications")).json()["items"]
    assert told[0]["text"] == "Alex added you at DevConf" and told[0]["can_share_back"]
    back = await bea_client.post(
        f"{API}/exchange/share-back", json={"user_id": told[0]["actor_id"]}
    )
    assert back.status_code == 200 and back.json()["company"] == "Scan Co"
    read = await bea_client.post(f"{API}/notifications/{told[0]['id']}/read")
    assert read.status_code == 204

    withdrawn = await bea_client.post(f"{API}/exchange/withdraw", json={"user_id": str(alex.id)})
    assert withdrawn.status_code == 204
    copy = (await alex_client.get(f"{API}/contacts/{scan.json()['contact']['id']}")).json()
    assert copy["company"] == "" and copy["shared_fields"] == []


async def test_revoked_and_own_badges_get_clear_errors(
    db: AsyncSession, make_client: ClientFactory
) -> None:
    event = await factories.event(db)
    me = await factories.user(db)
    _, own = await factories.attendee(db, event=event, person=me)
    _, other = await factories.attendee(db, event=event)
    other.revoked_at = utcnow()
    await db.commit()
    client = await make_client(me)
    revoked = await client.post(f"{API}/exchange/scan", json={"badge": other.token})
    assert revoked.status_code == 410 and revoked.json()["error"] == "badge_revoked"
    mine = await client.post(f"{API}/exchange/scan", json={"badge": own.token})
    assert mine.status_code == 400 and mine.json()["error"] == "own_badge"
