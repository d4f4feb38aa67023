"""The sync operation of an offline door phone: a scan it made, judged like an uploaded one.

The rules are the door's own (services/door/offline.py); this module only puts them behind the
outbox's operation type, so that a staff phone's scans travel in the same batches as its notes.
"""

from __future__ import annotations

from schemas.sync import DoorScanOp, OfflineScanIn
from services.door import offline
from services.sync.batch import OpContext, Outcome, register


@register(
    "door.scan",
    payload=DoorScanOp,
    description="A door scan an offline staff phone made (badge token, or someone found by "
    "name in the offline pack), with what the phone answered. Staff and organizers only.",
)
async def door_scan(ctx: OpContext, data: DoorScanOp) -> Outcome:
    event = await ctx.staff_event(data.event_id)
    scan = OfflineScanIn.model_validate(data.model_dump(exclude={"event_id", "device"}))
    result = await offline.apply_offline_scan(
        ctx.session, event=event, by_user=ctx.user, device=data.device, scan=scan
    )
    return Outcome(offline.status_of(result), result.model_dump(mode="json"))  # type: ignore[arg-type]
