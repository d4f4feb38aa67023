"""Introductions between two of my contacts (mine to start, list and cancel), and the public
page of the two people asked, who answer through their link's token without signing in."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from api.deps import CurrentUser, DbSession, LimitLookups, Paging
from api.errors import ERROR_RESPONSES
from schemas.common import ErrorOut, Page
from schemas.introductions import (
    AnswerIn,
    IntroductionIn,
    IntroductionOut,
    IntroductionRequestOut,
    OtherPersonOut,
    PartyOut,
    RequestTokenIn,
)
from services.models import Answer, IntroductionStatus
from services.network import introduction_answers, introductions
from services.network.introduction_answers import RequestView
from services.network.introductions import IntroductionView

router = APIRouter(tags=["introductions"], responses=ERROR_RESPONSES)


def _out(view: IntroductionView) -> IntroductionOut:
    intro = view.introduction
    closed_at = intro.closed_at
    if view.status is IntroductionStatus.expired and closed_at is None:
        closed_at = intro.expires_at  # expired by the clock, not recorded yet
    return IntroductionOut(
        id=intro.id,
        status=view.status.value,
        reason=intro.reason,
        created_at=intro.created_at,
        expires_at=intro.expires_at,
        closed_at=closed_at,
        people=[
            PartyOut(
                contact_id=p.contact_id,
                name=p.name,
                title=p.title,
                company=p.company,
                email=p.email,
                answer=p.answer,
                answered_at=p.answered_at,
            )
            for p in view.parties
        ],
    )


def _request_out(view: RequestView) -> IntroductionRequestOut:
    return IntroductionRequestOut(
        introducer=view.introducer,
        other=OtherPersonOut(
            name=view.other.name, title=view.other.title, company=view.other.company
        ),
        reason=view.reason,
        expires_at=view.expires_at,
        state=view.state.value,
        your_answer=view.your_answer.value if view.your_answer else None,
        answered_at=view.answered_at,
    )


@router.get(
    "/introductions", response_model=Page[IntroductionOut], summary="My introductions, newest first"
)
async def list_introductions(
    user: CurrentUser, db: DbSession, paging: Paging
) -> Page[IntroductionOut]:
    views, total = await introductions.list_introductions(
        db, owner=user, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[_out(v) for v in views], total=total, limit=paging.limit, offset=paging.offset
    )


@router.post(
    "/introductions",
    response_model=IntroductionOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"model": ErrorOut, "description": "introduction_open: this pair is being asked"},
        429: {"model": ErrorOut, "description": "too_many_introductions today"},
    },
    summary="Introduce two of my contacts: both are asked by mail first",
    description="Both contacts need an email address (400 no_email_address names the field of "
    "each that has none). Each gets a request with my reason and a link to answer; only when "
    "both say yes does each get the other's name and address. Another user's contact is 404.",
)
async def introduce(data: IntroductionIn, user: CurrentUser, db: DbSession) -> IntroductionOut:
    view = await introductions.introduce(
        db,
        owner=user,
        contact_id=data.contact_id,
        other_contact_id=data.other_contact_id,
        reason=data.reason,
    )
    return _out(view)


@router.get(
    "/introductions/{introduction_id}",
    response_model=IntroductionOut,
    summary="One of my introductions",
)
async def get_introduction(
    introduction_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> IntroductionOut:
    return _out(
        await introductions.get_introduction(db, owner=user, introduction_id=introduction_id)
    )


@router.post(
    "/introductions/{introduction_id}/cancel",
    response_model=IntroductionOut,
    responses={409: {"model": ErrorOut, "description": "introduction_not_waiting"}},
    summary="Cancel an introduction still waiting: both links say it is no longer needed",
)
async def cancel_introduction(
    introduction_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> IntroductionOut:
    return _out(await introductions.cancel(db, owner=user, introduction_id=introduction_id))


@router.post(
    "/introduction-requests/view",
    dependencies=[LimitLookups],
    response_model=IntroductionRequestOut,
    summary="What a request link shows (no sign-in; the token is the key)",
    description="A POST so that the token never appears in a URL or a log. Reads only: it "
    "answers nothing. An unknown token is 404 and says nothing more.",
)
async def view_request(data: RequestTokenIn, db: DbSession) -> IntroductionRequestOut:
    return _request_out(await introduction_answers.view_request(db, token=data.token))


@router.post(
    "/introduction-requests/answer",
    dependencies=[LimitLookups],
    response_model=IntroductionRequestOut,
    responses={410: {"model": ErrorOut, "description": "introduction_closed or _expired"}},
    summary="Say yes or no to an introduction (no sign-in; the token is the key)",
    description="The first answer stands: answering again returns it unchanged.",
)
async def answer_request(data: AnswerIn, db: DbSession) -> IntroductionRequestOut:
    view = await introduction_answers.answer_request(
        db, token=data.token, answer=Answer(data.answer)
    )
    return _request_out(view)
