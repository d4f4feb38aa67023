"""An event's opt-in attendee directory, "people to meet", and adding someone from them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import AttendeeAccess, CurrentUser, DbSession, EventMemberAccess, Paging
from api.errors import ERROR_RESPONSES
from api.exchange import scan_out
from schemas.common import Page, Text
from schemas.directory import (
    DirectoryChoiceIn,
    DirectoryChoiceOut,
    DirectoryEntryOut,
    SuggestionOut,
)
from schemas.exchange import ScanOut
from services.network import directory

router = APIRouter(prefix="/events/{event_id}", tags=["directory"], responses=ERROR_RESPONSES)


def _entry(entry: directory.Entry) -> DirectoryEntryOut:
    return DirectoryEntryOut.model_validate(
        {
            **entry.card,
            "attendee_id": entry.attendee_id,
            "is_me": entry.is_me,
            "contact_id": entry.contact_id,
        }
    )


@router.get(
    "/directory/me",
    response_model=DirectoryChoiceOut,
    summary="Whether my card is in this event's directory",
)
async def get_my_listing(access: AttendeeAccess) -> DirectoryChoiceOut:
    assert access.attendee is not None
    since = access.attendee.directory_listed_at
    return DirectoryChoiceOut(listed=since is not None, listed_since=since)


@router.put(
    "/directory/me",
    response_model=DirectoryChoiceOut,
    summary="Show my card to people at this event, or stop",
    description="Off by default. Listed, people with a role in the event see what my card "
    "shares (as a badge scan would give them); turning it off takes me out at once.",
)
async def put_my_listing(
    data: DirectoryChoiceIn, access: AttendeeAccess, db: DbSession
) -> DirectoryChoiceOut:
    assert access.attendee is not None
    attendee = await directory.set_listed(db, attendee=access.attendee, listed=data.listed)
    since = attendee.directory_listed_at
    return DirectoryChoiceOut(listed=since is not None, listed_since=since)


@router.get(
    "/directory",
    response_model=Page[DirectoryEntryOut],
    summary="The event's attendee directory (people who chose to be listed)",
)
async def list_directory(
    access: EventMemberAccess,
    user: CurrentUser,
    db: DbSession,
    paging: Paging,
    q: Annotated[
        Text | None, Query(max_length=100, description="Name, company, title or interest")
    ] = None,
) -> Page[DirectoryEntryOut]:
    items, total = await directory.list_directory(
        db, event=access.event, viewer=user, query=q, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[_entry(e) for e in items], total=total, limit=paging.limit, offset=paging.offset
    )


@router.get(
    "/people-to-meet",
    response_model=Page[SuggestionOut],
    summary="Listed attendees who match my look-for list or share interests with my card",
    description="Matches of my look-for list (this event's entries and those for every event, "
    "not ticked off) first, then how many interests they share with my card, then by name; "
    "only what each person's card shares is matched. Not me, not people already among my "
    "contacts.",
)
async def people_to_meet(
    access: AttendeeAccess, user: CurrentUser, db: DbSession, paging: Paging
) -> Page[SuggestionOut]:
    items, total = await directory.people_to_meet(
        db, event=access.event, user=user, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[
            SuggestionOut(
                person=_entry(s.entry),
                looking_for=s.looking_for,
                shared_interests=s.shared_interests,
                reasons=s.reasons,
                reason=s.reason,
            )
            for s in items
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    "/directory/{attendee_id}/add",
    response_model=ScanOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "I already had this person: the existing contact"}},
    summary="Add someone from the directory to my contacts",
    description="Exactly what scanning their badge does: their shared card becomes my contact "
    'and they are told ("Alex added you at DevConf").',
)
async def add_from_directory(
    attendee_id: uuid.UUID,
    access: EventMemberAccess,
    user: CurrentUser,
    db: DbSession,
    response: Response,
) -> ScanOut:
    result = await directory.add_from_directory(
        db, event=access.event, user=user, attendee_id=attendee_id
    )
    return scan_out(result, response)
