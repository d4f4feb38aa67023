"""Conversation notes (private to their author) and my promises across contacts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentUser, DbSession, Paging
from api.errors import ERROR_RESPONSES
from schemas.common import Page
from schemas.notes import (
    AgreedListOut,
    AgreedOut,
    DoneIn,
    NoteIn,
    NoteOut,
    NotePatch,
    PromiseListItem,
    PromiseOut,
    PromisePatch,
    SharedIn,
    TickedOut,
)
from services.people import notes, shared_promises

router = APIRouter(tags=["notes"], responses=ERROR_RESPONSES)


@router.get(
    "/contacts/{contact_id}/notes", response_model=list[NoteOut], summary="My notes on a contact"
)
async def list_notes(contact_id: uuid.UUID, user: CurrentUser, db: DbSession) -> list[NoteOut]:
    return [notes.note_out(p) for p in await notes.notes_of(db, user=user, contact_id=contact_id)]


@router.post(
    "/contacts/{contact_id}/notes",
    response_model=NoteOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "A note with this client id already exists: returned as is"}},
    summary="Write a note on a contact",
    description="Send a client-made `id`: the same id again returns the existing note (200), "
    "so an offline phone can replay safely. Then save as you type with PATCH /notes/{id}.",
)
async def create_note(
    contact_id: uuid.UUID, data: NoteIn, user: CurrentUser, db: DbSession, response: Response
) -> NoteOut:
    parts, created = await notes.create_note(db, user=user, contact_id=contact_id, data=data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return notes.note_out(parts)


@router.get("/notes/{note_id}", response_model=NoteOut, summary="One of my notes")
async def get_note(note_id: uuid.UUID, user: CurrentUser, db: DbSession) -> NoteOut:
    return notes.note_out(await notes.get_note(db, user=user, note_id=note_id))


@router.patch(
    "/notes/{note_id}",
    response_model=NoteOut,
    responses={409: {"description": "note_changed: base_version is not the current version"}},
    summary="Edit a note (save as you type)",
    description="Send `base_version` = the version you edited; only the fields sent change. "
    "The answer carries the new `version` for the next edit.",
)
async def patch_note(
    note_id: uuid.UUID, data: NotePatch, user: CurrentUser, db: DbSession
) -> NoteOut:
    return notes.note_out(await notes.update_note(db, user=user, note_id=note_id, data=data))


@router.delete(
    "/notes/{note_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete one of my notes"
)
async def delete_note(note_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    await notes.delete_note(db, user=user, note_id=note_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/promises",
    response_model=Page[PromiseListItem],
    summary="My promises across contacts: open first, by due date",
)
async def list_promises(
    user: CurrentUser,
    db: DbSession,
    paging: Paging,
    include_done: Annotated[bool, Query(description="Also the kept ones, after the open")] = False,
) -> Page[PromiseListItem]:
    rows, total = await notes.list_promises(
        db, user=user, include_done=include_done, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[
            PromiseListItem.model_validate(
                {
                    **PromiseOut.model_validate(row.promise, from_attributes=True).model_dump(),
                    "contact_name": row.contact_name,
                    "sent_with_follow_up_at": row.sent_with_follow_up_at,
                }
            )
            for row in rows
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.patch(
    "/promises/{promise_id}",
    response_model=PromiseOut,
    summary="Mark a promise done / not done, or change its due date, text or link",
)
async def patch_promise(
    promise_id: uuid.UUID, data: PromisePatch, user: CurrentUser, db: DbSession
) -> PromiseOut:
    promise = await notes.update_promise(db, user=user, promise_id=promise_id, data=data)
    return PromiseOut.model_validate(promise, from_attributes=True)


# --- Promises shared with the person they were made to ---------------------------------------


def _agreed_out(agreed: shared_promises.Agreed) -> AgreedOut:
    p = agreed.promise
    return AgreedOut(
        id=p.id,
        mine=agreed.mine,
        sentence=agreed.sentence,
        text=p.text,
        link=p.link,
        due_on=p.due_on,
        done=p.done,
        done_at=p.done_at,
        done_by_other=agreed.done_by_other,
    )


@router.get(
    "/contacts/{contact_id}/agreed",
    response_model=AgreedListOut,
    summary="The promises shared between me and this contact, both ways",
)
async def agreed(contact_id: uuid.UUID, user: CurrentUser, db: DbSession) -> AgreedListOut:
    is_mutual, items = await shared_promises.agreed_with(db, user=user, contact_id=contact_id)
    return AgreedListOut(mutual=is_mutual, items=[_agreed_out(a) for a in items])


@router.put(
    "/promises/{promise_id}/shared",
    response_model=PromiseOut,
    summary="Share my promise with the person I made it to (both hold each other's card), or not",
)
async def share_promise(
    promise_id: uuid.UUID, data: SharedIn, user: CurrentUser, db: DbSession
) -> PromiseOut:
    promise = await shared_promises.set_shared(
        db, user=user, promise_id=promise_id, shared=data.shared
    )
    return PromiseOut.model_validate(promise, from_attributes=True)


@router.put(
    "/promises/{promise_id}/done",
    response_model=TickedOut,
    summary="Tick a promise shared between us done (or not), from either side: closed for both",
)
async def tick_shared_promise(
    promise_id: uuid.UUID, data: DoneIn, user: CurrentUser, db: DbSession
) -> TickedOut:
    promise = await shared_promises.set_done(db, user=user, promise_id=promise_id, done=data.done)
    return TickedOut(id=promise.id, done=promise.done, done_at=promise.done_at)
