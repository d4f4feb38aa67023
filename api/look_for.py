"""My look-for list: people, companies and topics to meet, per event or for every event."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentUser, DbSession
from api.errors import ERROR_RESPONSES
from schemas.look_for import FoundOut, LookForIn, LookForOut, LookForPatch
from services.network import look_for

router = APIRouter(prefix="/look-for", tags=["look-for"], responses=ERROR_RESPONSES)


def _out(view: look_for.EntryView) -> LookForOut:
    entry = view.entry
    return LookForOut(
        id=entry.id,
        kind=entry.kind,
        text=entry.text,
        event_id=entry.event_id,
        event_name=view.event_name,
        done=entry.done_at is not None,
        done_at=entry.done_at,
        found=[FoundOut(contact_id=f.contact_id, name=f.name) for f in view.found],
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


@router.get(
    "",
    response_model=list[LookForOut],
    summary="My look-for list, each entry with the contacts of mine who match it",
    description="With `event_id` (one of my events): that event's entries and those for every "
    "event. Without: the whole list. In the order I added them.",
)
async def list_look_for(
    user: CurrentUser,
    db: DbSession,
    event_id: Annotated[uuid.UUID | None, Query(description="One of my events")] = None,
) -> list[LookForOut]:
    return [_out(v) for v in await look_for.list_entries(db, user=user, event_id=event_id)]


@router.post(
    "",
    response_model=LookForOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "An entry with this client id exists: returned as is"}},
    summary="Put a person, company or topic on my look-for list",
    description="At most 100 entries. The same kind and words already listed for the event "
    "(or for every event) is refused with 409 look_for_duplicate.",
)
async def add_look_for(
    data: LookForIn, user: CurrentUser, db: DbSession, response: Response
) -> LookForOut:
    view, created = await look_for.add_entry(db, user=user, data=data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _out(view)


@router.patch(
    "/{entry_id}", response_model=LookForOut, summary="Edit an entry, or tick it off by hand"
)
async def patch_look_for(
    entry_id: uuid.UUID, data: LookForPatch, user: CurrentUser, db: DbSession
) -> LookForOut:
    return _out(await look_for.update_entry(db, user=user, entry_id=entry_id, data=data))


@router.delete(
    "/{entry_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Take an entry off my list"
)
async def delete_look_for(entry_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    await look_for.delete_entry(db, user=user, entry_id=entry_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
