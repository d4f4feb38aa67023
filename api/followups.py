"""Follow-ups: templates, drafting, the review queue (one draft at a time), scheduling, manual
channels, and the queue's health for operators. Everything here is the signed-in user's own."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CurrentUser, DbSession, OperatorUser, Paging, SettingsDep
from api.errors import ERROR_RESPONSES
from schemas.common import Page
from schemas.followups import (
    AddToDraftIn,
    ApproveIn,
    AssistantOut,
    AssistantRequestOut,
    ContactBrief,
    DraftRequest,
    DraftResultOut,
    FollowUpOut,
    FollowUpPatch,
    MissingFactOut,
    PlaceholderOut,
    PreviewIn,
    QueueHealthOut,
    RenderedOut,
    ReviewOut,
    RewriteOut,
    SentenceIn,
    SentenceOut,
    SkippedOut,
    SnoozeIn,
    StatusName,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    TransitionOut,
)
from services.followups import assistant, delivery, drafts, queue, templates, views, wording
from services.followups.draft_facts import missing
from services.models import Contact, FollowUp

templates_router = APIRouter(
    prefix="/follow-up-templates", tags=["follow-ups"], responses=ERROR_RESPONSES
)
router = APIRouter(prefix="/follow-ups", tags=["follow-ups"], responses=ERROR_RESPONSES)


def follow_up_out(follow_up: FollowUp, contact: Contact) -> FollowUpOut:
    """The API shape of a follow-up, with the contact it is for."""
    return FollowUpOut.model_validate(
        {
            "id": follow_up.id,
            "contact": ContactBrief(
                id=contact.id,
                name=contact.name,
                company=contact.company,
                email=contact.email,
                linkedin_url=contact.linkedin_url,
                phone=contact.phone,
            ),
            "event_id": follow_up.event_id,
            "template_id": follow_up.template_id,
            "promise_id": follow_up.promise_id,
            "channel": follow_up.channel,
            "subject": follow_up.subject,
            "body": follow_up.body,
            "status": follow_up.status,
            "to_address": follow_up.to_address or contact.email,
            "send_at": follow_up.send_at,
            "next_attempt_at": follow_up.next_attempt_at,
            "attempts": follow_up.attempts,
            "last_error": follow_up.last_error,
            "snoozed_until": follow_up.snoozed_until,
            "sent_at": follow_up.sent_at,
            "status_changed_at": follow_up.status_changed_at,
            "created_at": follow_up.created_at,
            "handover_url": queue.handover_url(follow_up, contact),
            "generic": follow_up.mentions == "",
            "missing": [
                MissingFactOut(part=fact.name, label=fact.label)
                for fact in missing(follow_up.mentions)
            ],
        }
    )


async def _one_out(db: AsyncSession, follow_up: FollowUp) -> FollowUpOut:
    return follow_up_out(follow_up, await queue.contact_of(db, follow_up=follow_up))


# --- Templates -------------------------------------------------------------------------------


@templates_router.get("", response_model=list[TemplateOut], summary="My follow-up templates")
async def list_templates(user: CurrentUser, db: DbSession) -> list[TemplateOut]:
    return [TemplateOut.model_validate(t) for t in await templates.list_templates(db, owner=user)]


@templates_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TemplateOut,
    summary="Save a new template (unknown placeholders are refused)",
)
async def create_template(data: TemplateIn, user: CurrentUser, db: DbSession) -> TemplateOut:
    template = await templates.create_template(db, owner=user, **data.model_dump())
    return TemplateOut.model_validate(template)


@templates_router.get(
    "/placeholders", response_model=list[PlaceholderOut], summary="What a template may use"
)
async def list_placeholders(_user: CurrentUser) -> list[PlaceholderOut]:
    return [PlaceholderOut(name=n, description=d) for n, d in templates.PLACEHOLDERS.items()]


@templates_router.post(
    "/preview", response_model=RenderedOut, summary="Render a template for one of my contacts"
)
async def preview_template(data: PreviewIn, user: CurrentUser, db: DbSession) -> RenderedOut:
    if data.template_id is not None:
        saved = await templates.get_template(db, owner=user, template_id=data.template_id)
        subject, body = saved.subject, saved.body
    else:
        assert data.subject is not None and data.body is not None
        subject, body = data.subject, data.body
    rendered = await drafts.preview(
        db, owner=user, contact_id=data.contact_id, subject=subject, body=body
    )
    return RenderedOut(subject=rendered.subject, body=rendered.body)


@templates_router.post(
    "/sentence",
    response_model=SentenceOut,
    summary="The sentence the default draft makes of a part of a note, as it is typed",
)
async def sentence(data: SentenceIn, _user: CurrentUser) -> SentenceOut:
    said = wording.sentence_preview(
        part=data.part,
        text=data.text,
        kind=data.kind.value if data.kind else None,
        link=data.link,
        choice=wording.stable_choice(str(data.contact_id)) if data.contact_id else 0,
    )
    return SentenceOut(sentence=said.sentence, note=said.note)


@templates_router.patch("/{template_id}", response_model=TemplateOut, summary="Edit a template")
async def update_template(
    template_id: uuid.UUID, data: TemplatePatch, user: CurrentUser, db: DbSession
) -> TemplateOut:
    template = await templates.update_template(
        db, owner=user, template_id=template_id, **data.model_dump(exclude_unset=True)
    )
    return TemplateOut.model_validate(template)


@templates_router.delete(
    "/{template_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a template"
)
async def delete_template(template_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    await templates.delete_template(db, owner=user, template_id=template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Drafting and the review queue ------------------------------------------------------------


@router.post(
    "/drafts",
    response_model=DraftResultOut,
    summary="Draft follow-ups for my contacts from an event, listed contacts, or all of them "
    '(scope "all", those met at no event included); repeatable',
)
async def draft_follow_ups(data: DraftRequest, user: CurrentUser, db: DbSession) -> DraftResultOut:
    if data.event_id is not None and not data.contact_ids:
        result = await drafts.draft_for_event(db, owner=user, event_id=data.event_id)
    else:
        result = await drafts.draft_follow_ups(
            db,
            owner=user,
            event_id=data.event_id,
            contact_ids=data.contact_ids,
            all_contacts=data.scope == "all",
        )
    return DraftResultOut(
        created=result.created,
        already_had_follow_up=result.already_had_follow_up,
        skipped=sum(s.count for s in result.skipped),
        skipped_why=[SkippedOut.model_validate(s, from_attributes=True) for s in result.skipped],
    )


@router.get("", response_model=Page[FollowUpOut], summary="My follow-ups, by state or event")
async def list_follow_ups(
    user: CurrentUser,
    db: DbSession,
    paging: Paging,
    status_: Annotated[StatusName | None, Query(alias="status")] = None,
    event_id: uuid.UUID | None = None,
    generic: Annotated[
        bool, Query(description="Only drafts that mention nothing of the conversation")
    ] = False,
) -> Page[FollowUpOut]:
    items, total = await views.list_follow_ups(
        db,
        owner=user,
        status=status_,
        event_id=event_id,
        generic=generic,
        limit=paging.limit,
        offset=paging.offset,
    )
    contacts = await views.contacts_of(db, follow_ups=items)
    return Page(
        items=[follow_up_out(f, contacts[f.contact_id]) for f in items],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/review", response_model=ReviewOut, summary='The next draft to review ("7 of 23")')
async def review_next(
    user: CurrentUser,
    db: DbSession,
    event_id: uuid.UUID | None = None,
    generic: Annotated[
        bool, Query(description="Only drafts that mention nothing of the conversation")
    ] = False,
) -> ReviewOut:
    slot = await views.review_next(db, owner=user, event_id=event_id, generic=generic)
    return ReviewOut(
        item=await _one_out(db, slot.item) if slot.item else None,
        position=slot.position,
        total=slot.total,
        remaining=slot.remaining,
        snoozed=slot.snoozed,
    )


@router.get(
    "/assistant",
    response_model=AssistantOut,
    summary='Whether "Rewrite in my voice" is offered here, and the host it sends drafts to',
)
async def assistant_status(_user: CurrentUser, settings: SettingsDep) -> AssistantOut:
    if not assistant.configured(settings):
        return AssistantOut(available=False)
    return AssistantOut(available=True, host=assistant.host_of(settings))


@router.get(
    "/queue-health",
    response_model=QueueHealthOut,
    summary="Queue depth and the oldest due message (operators)",
)
async def queue_health(_operator: OperatorUser, db: DbSession) -> QueueHealthOut:
    health = await delivery.queue_health(db)
    return QueueHealthOut(**health.__dict__)


@router.get("/{follow_up_id}", response_model=FollowUpOut, summary="One follow-up")
async def get_follow_up(follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession) -> FollowUpOut:
    return await _one_out(db, await queue.get_follow_up(db, owner=user, follow_up_id=follow_up_id))


@router.get(
    "/{follow_up_id}/history",
    response_model=list[TransitionOut],
    summary="Every state change, timestamped",
)
async def follow_up_history(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> list[TransitionOut]:
    follow_up = await queue.get_follow_up(db, owner=user, follow_up_id=follow_up_id)
    return [TransitionOut.model_validate(t) for t in await views.history(db, follow_up=follow_up)]


@router.patch(
    "/{follow_up_id}",
    response_model=FollowUpOut,
    summary="Edit subject, body or channel (an approved message goes back to draft)",
)
async def edit_follow_up(
    follow_up_id: uuid.UUID, data: FollowUpPatch, user: CurrentUser, db: DbSession
) -> FollowUpOut:
    follow_up = await queue.edit(
        db, owner=user, follow_up_id=follow_up_id, **data.model_dump(exclude_unset=True)
    )
    return await _one_out(db, follow_up)


@router.get(
    "/{follow_up_id}/assistant-request",
    response_model=AssistantRequestOut,
    summary='Exactly what "Rewrite in my voice" would send for this draft, and where',
)
async def assistant_request(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> AssistantRequestOut:
    request = await assistant.request_for(
        db, owner=user, follow_up_id=follow_up_id, settings=settings
    )
    return AssistantRequestOut(url=request.url, host=request.host, body=request.body)


@router.post(
    "/{follow_up_id}/rewrite",
    response_model=RewriteOut,
    summary="Rewrite this draft in my voice with the writing assistant (checked; not saved)",
)
async def rewrite(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> RewriteOut:
    result = await assistant.rewrite(db, owner=user, follow_up_id=follow_up_id, settings=settings)
    return RewriteOut(body=result.body, problem=result.problem)


@router.post(
    "/{follow_up_id}/add",
    response_model=FollowUpOut,
    summary="Note a topic, detail, promise or next step and write the draft again with it",
)
async def add_to_draft(
    follow_up_id: uuid.UUID, data: AddToDraftIn, user: CurrentUser, db: DbSession
) -> FollowUpOut:
    follow_up = await queue.add_to_draft(
        db, owner=user, follow_up_id=follow_up_id, part=data.part, text=data.text, kind=data.kind
    )
    return await _one_out(db, follow_up)


@router.post(
    "/{follow_up_id}/approve",
    response_model=FollowUpOut,
    summary="Approve: email is scheduled, a manual channel waits to be marked sent",
)
async def approve_follow_up(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession, data: ApproveIn | None = None
) -> FollowUpOut:
    follow_up = await queue.approve(
        db, owner=user, follow_up_id=follow_up_id, send_at=data.send_at if data else None
    )
    return await _one_out(db, follow_up)


@router.post("/{follow_up_id}/skip", response_model=FollowUpOut, summary="Do not send this draft")
async def skip_follow_up(follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession) -> FollowUpOut:
    return await _one_out(db, await queue.skip(db, owner=user, follow_up_id=follow_up_id))


@router.post(
    "/{follow_up_id}/snooze", response_model=FollowUpOut, summary="Put a draft aside until later"
)
async def snooze_follow_up(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession, data: SnoozeIn | None = None
) -> FollowUpOut:
    follow_up = await queue.snooze(
        db, owner=user, follow_up_id=follow_up_id, until=data.until if data else None
    )
    return await _one_out(db, follow_up)


@router.post(
    "/{follow_up_id}/cancel", response_model=FollowUpOut, summary="Cancel before it is sent"
)
async def cancel_follow_up(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> FollowUpOut:
    return await _one_out(db, await queue.cancel(db, owner=user, follow_up_id=follow_up_id))


@router.post(
    "/{follow_up_id}/reopen",
    response_model=FollowUpOut,
    summary="Back to draft (skipped, cancelled or failed)",
)
async def reopen_follow_up(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> FollowUpOut:
    return await _one_out(db, await queue.reopen(db, owner=user, follow_up_id=follow_up_id))


@router.post(
    "/{follow_up_id}/mark-sent",
    response_model=FollowUpOut,
    summary="I sent it myself (LinkedIn, phone, other)",
)
async def mark_follow_up_sent(
    follow_up_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> FollowUpOut:
    return await _one_out(db, await queue.mark_sent(db, owner=user, follow_up_id=follow_up_id))
