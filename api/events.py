"""Events: create, edit, list mine, and the organizers' staff list."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import CurrentUser, DbSession, EventMemberAccess, OrganizerAccess, Paging
from api.errors import ERROR_RESPONSES
from schemas.common import Page
from schemas.events import EventIn, EventOut, EventPatch, MyEventOut, StaffInviteIn, StaffOut
from services.events import events

router = APIRouter(prefix="/events", tags=["events"], responses=ERROR_RESPONSES)


def _my_event(event: object, roles: list[str]) -> MyEventOut:
    return MyEventOut.model_validate(
        {**EventOut.model_validate(event).model_dump(), "roles": roles}
    )


@router.get("", response_model=Page[MyEventOut], summary="Events I organize, staff or attend")
async def list_my_events(user: CurrentUser, db: DbSession, paging: Paging) -> Page[MyEventOut]:
    items, total = await events.list_my_events(
        db, user=user, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[_my_event(i.event, i.roles) for i in items],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MyEventOut,
    summary="Create an event (organizer accounts)",
)
async def create_event(data: EventIn, user: CurrentUser, db: DbSession) -> MyEventOut:
    event = await events.create_event(db, user=user, data=data)
    return _my_event(event, ["organizer"])


@router.get("/{event_id}", response_model=MyEventOut, summary="One event and my roles in it")
async def get_event(access: EventMemberAccess) -> MyEventOut:
    return _my_event(access.event, access.role_names)


@router.patch("/{event_id}", response_model=MyEventOut, summary="Edit an event (organizers)")
async def update_event(data: EventPatch, access: OrganizerAccess, db: DbSession) -> MyEventOut:
    event = await events.update_event(db, event=access.event, data=data)
    return _my_event(event, access.role_names)


@router.get("/{event_id}/staff", response_model=list[StaffOut], summary="Organizers and door staff")
async def list_staff(access: OrganizerAccess, db: DbSession) -> list[StaffOut]:
    return [
        StaffOut(user_id=user.id, email=user.email, name=user.name, role=member.role)
        for member, user in await events.list_staff(db, event=access.event)
    ]


@router.post(
    "/{event_id}/staff",
    status_code=status.HTTP_201_CREATED,
    response_model=StaffOut,
    summary="Invite someone to the door team by email (organizers)",
)
async def invite_staff(data: StaffInviteIn, access: OrganizerAccess, db: DbSession) -> StaffOut:
    member, user = await events.invite_staff(
        db, event=access.event, email=data.email, name=data.name
    )
    return StaffOut(user_id=user.id, email=user.email, name=user.name, role=member.role)
