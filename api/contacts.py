"""My contacts: add (typed, scanned QR, .vcf file), list, detail, edit, merge, delete, export."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    BackgroundTasks,
    File,
    Form,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CurrentUser, DbSession, Paging
from api.errors import ERROR_RESPONSES
from api.jobs import ACCEPTED, accepted
from schemas.common import Page, Text
from schemas.contacts import (
    ContactCreated,
    ContactDetail,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactSummary,
    DuplicateOut,
    ImportIn,
    MergeIn,
    OnDuplicate,
)
from schemas.jobs import JobOut
from schemas.notes import PromiseOut
from services.errors import Invalid
from services.jobs import exports, imports, queue
from services.models import Contact, User
from services.people import contacts, exchange, notes
from services.people.contact_csv import FORMATS

router = APIRouter(prefix="/contacts", tags=["contacts"], responses=ERROR_RESPONSES)
DUPLICATE: dict[int | str, dict[str, Any]] = {
    409: {"model": DuplicateOut, "description": "possible_duplicate (or id_taken)"}
}
VCF_MAX_BYTES = 5 * 1024 * 1024


def duplicate_response(exc: contacts.PossibleDuplicate) -> JSONResponse:
    """409 with the matching contact's id, so the app can offer to merge."""
    body = DuplicateOut(error=exc.code, detail=exc.detail, existing_contact_id=exc.existing_id)
    return JSONResponse(body.model_dump(mode="json"), status_code=409)


def _created(added: contacts.Added, response: Response) -> ContactCreated:
    response.status_code = status.HTTP_201_CREATED if added.created else status.HTTP_200_OK
    return ContactCreated(
        contact=ContactOut.model_validate(added.contact),
        created=added.created,
        warnings=added.warnings,
    )


async def _summaries(db: AsyncSession, user: User, items: list[Contact]) -> list[ContactSummary]:
    extras = await contacts.extras_for(db, user=user, contacts=items)
    return [
        ContactSummary.model_validate(
            {**ContactOut.model_validate(c).model_dump(), **vars(extras[c.id])}
        )
        for c in items
    ]


@router.get("", response_model=Page[ContactSummary], summary="My contacts")
async def list_contacts(
    user: CurrentUser,
    db: DbSession,
    paging: Paging,
    event_id: Annotated[uuid.UUID | None, Query(description="Only people met here")] = None,
    tag: Annotated[Text | None, Query(max_length=80, description="A note topic")] = None,
    sort: Annotated[Literal["met", "warmth", "name"], Query()] = "met",
) -> Page[ContactSummary]:
    items, total = await contacts.list_contacts(
        db,
        user=user,
        event_id=event_id,
        tag=tag,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page(
        items=await _summaries(db, user, list(items)),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    "",
    response_model=ContactCreated,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Existing contact (same client id, or merged)"}, **DUPLICATE},
    summary="Add a contact by hand",
)
async def create_contact(
    data: ContactIn, user: CurrentUser, db: DbSession, response: Response
) -> ContactCreated | JSONResponse:
    try:
        added = await contacts.add_contact(db, user=user, data=data)
    except contacts.PossibleDuplicate as exc:
        return duplicate_response(exc)
    return _created(added, response)


@router.post(
    "/import",
    response_model=ContactCreated,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Existing contact (same client id, or merged)"}, **DUPLICATE},
    summary="Add a contact from a scanned QR code (vCard, MECARD or LinkedIn profile URL)",
    description="vCard 2.1/3.0/4.0, `MECARD:…;;`, or linkedin.com/in/<slug> (with or without "
    "scheme, www, trailing slash or query). Unreadable input is a 400 and creates nothing. "
    "Phone numbers without a country code (and no server default region) are left out and "
    "listed in `warnings`.",
)
async def import_contact(
    data: ImportIn, user: CurrentUser, db: DbSession, response: Response
) -> ContactCreated | JSONResponse:
    try:
        added = await contacts.import_payload(db, user=user, data=data)
    except contacts.PossibleDuplicate as exc:
        return duplicate_response(exc)
    return _created(added, response)


@router.post(
    "/import-file",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    summary="Import a .vcf file (a background job; none of it if any card is unreadable)",
    description="Answers 202 with the job; its `result` has the shape of `FileImportOut`. Every "
    "card is read first: one unreadable card fails the job and imports nothing. Cards matching "
    "an existing contact by email or LinkedIn are not imported (`on_duplicate=offer`, the "
    "default); they are listed in `duplicate_cards` (their contacts' ids in `duplicates`). Send "
    "the same file again with `cards` (their numbers) and `on_duplicate=merge` or `create` to "
    "merge them into those contacts or add them anyway.",
)
async def import_file(
    user: CurrentUser,
    db: DbSession,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File(description=".vcf")],
    on_duplicate: Annotated[OnDuplicate, Form()] = "offer",
    cards: Annotated[list[int] | None, Form(description="Only these cards (from 1)")] = None,
) -> JobOut:
    data = await file.read(VCF_MAX_BYTES + 1)
    if len(data) > VCF_MAX_BYTES:
        raise Invalid("The file is larger than 5 MB.", code="file_too_large")
    job = await queue.create_job(
        db,
        kind=imports.CONTACTS,
        owner=user,
        params={"on_duplicate": on_duplicate, "cards": cards},
        input=data,
    )
    return accepted(job, request, response, background)


@router.post(
    "/export.vcf",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    summary="All my contacts as one vCard 3.0 file (a background job)",
    description="Answers 202 with the job; its `file` is the .vcf.",
)
async def export_vcf(
    user: CurrentUser,
    db: DbSession,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    include_notes: Annotated[bool, Query(description="Put my notes in NOTE")] = False,
) -> JobOut:
    job = await queue.create_job(
        db, kind=exports.CONTACTS_VCF, owner=user, params={"include_notes": include_notes}
    )
    return accepted(job, request, response, background)


@router.post(
    "/export.csv",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    summary="All my contacts as CSV for Google Contacts or HubSpot (a background job)",
    description="Answers 202 with the job; its `file` is the CSV.",
)
async def export_csv(
    user: CurrentUser,
    db: DbSession,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    format: Annotated[Literal["google", "hubspot"], Query()] = "google",
    include_notes: Annotated[bool, Query(description="Google layout only: notes column")] = False,
) -> JobOut:
    assert format in FORMATS
    job = await queue.create_job(
        db,
        kind=exports.CONTACTS_CSV,
        owner=user,
        params={"format": format, "include_notes": include_notes},
    )
    return accepted(job, request, response, background)


@router.get(
    "/{contact_id}",
    response_model=ContactDetail,
    summary="A contact: card, where and when we met, my notes and promises",
)
async def get_contact(contact_id: uuid.UUID, user: CurrentUser, db: DbSession) -> ContactDetail:
    contact = await contacts.get_contact(db, user=user, contact_id=contact_id)
    summary = (await _summaries(db, user, [contact]))[0]
    parts = await notes.notes_of(db, user=user, contact_id=contact_id)
    return ContactDetail.model_validate(
        {
            **summary.model_dump(),
            "notes": [notes.note_out(p) for p in parts],
            "promises": [
                PromiseOut.model_validate(pr, from_attributes=True)
                for p in parts
                for pr in p.promises
            ],
        }
    )


@router.patch(
    "/{contact_id}",
    response_model=ContactOut,
    summary="Edit my copy of a contact (edited fields stay mine)",
)
async def patch_contact(
    contact_id: uuid.UUID, data: ContactPatch, user: CurrentUser, db: DbSession
) -> ContactOut:
    contact = await contacts.update_contact(db, user=user, contact_id=contact_id, data=data)
    return ContactOut.model_validate(contact)


@router.delete(
    "/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a contact with my notes on it",
)
async def delete_contact(contact_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    await contacts.delete_contact(db, user=user, contact_id=contact_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{contact_id}/merge",
    response_model=ContactOut,
    summary="Merge another contact into this one (its notes move here)",
)
async def merge_contact(
    contact_id: uuid.UUID, data: MergeIn, user: CurrentUser, db: DbSession
) -> ContactOut:
    contact = await contacts.merge_contacts(
        db, user=user, contact_id=contact_id, other_id=data.other_id
    )
    return ContactOut.model_validate(contact)


@router.get(
    "/{contact_id}/photo",
    summary="The contact's photo, if they share it with me",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
async def contact_photo(contact_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    card = await exchange.contact_photo(db, user=user, contact_id=contact_id)
    return Response(card.photo, media_type=card.photo_type, headers={"Cache-Control": "private"})
