"""Exchange by badge scan, share back, withdraw my card, and my notifications."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentUser, DbSession, LimitLookups, Paging
from api.errors import ERROR_RESPONSES
from schemas.common import Page
from schemas.contacts import ContactOut
from schemas.exchange import NotificationOut, PersonIn, ScanIn, ScanOut, ShareOut
from services.network import meeting_answers
from services.people import exchange

router = APIRouter(tags=["exchange"], responses=ERROR_RESPONSES)


def scan_out(result: exchange.ScanResult, response: Response) -> ScanOut:
    """A person added as by a badge scan: 201 for a new contact, 200 for one I already had."""
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return ScanOut(
        contact=ContactOut.model_validate(result.contact),
        created=result.created,
        event_id=result.event.id,
        event_name=result.event.name,
    )


@router.post(
    "/exchange/scan",
    dependencies=[LimitLookups],
    response_model=ScanOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "I already had this person: the existing contact"},
        410: {"description": "badge_revoked: the badge was reissued"},
    },
    summary="Scan someone's badge: their shared card becomes my contact",
    description="Takes the token or the whole badge URL. The person is notified "
    '("Alex added you at DevConf"). Scanning the same person again returns the existing '
    "contact. My own badge: 400 own_badge.",
)
async def scan(data: ScanIn, user: CurrentUser, db: DbSession, response: Response) -> ScanOut:
    result = await exchange.scan_badge(db, user=user, badge=data.badge, contact_id=data.id)
    if result.contact.person_id is not None:  # a meeting with them about now is held
        await meeting_answers.met_by_scan(
            db, user=user, event_id=result.event.id, other_id=result.contact.person_id
        )
    return scan_out(result, response)


@router.post(
    "/exchange/share-back",
    response_model=ContactOut,
    summary="One tap after someone added me: I get their shared card too",
    description="`user_id` is the notification's `actor_id`. Only works for someone who added me.",
)
async def share_back(data: PersonIn, user: CurrentUser, db: DbSession) -> ContactOut:
    contact = await exchange.share_back(db, user=user, to_user_id=data.user_id)
    return ContactOut.model_validate(contact)


@router.post(
    "/exchange/withdraw",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop sharing my card with someone",
    description="Their copy loses the fields I shared (my name stays, as on my badge); their "
    "own notes stay theirs.",
)
async def withdraw(data: PersonIn, user: CurrentUser, db: DbSession) -> Response:
    await exchange.withdraw(db, user=user, from_user_id=data.user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/exchange/shares", response_model=list[ShareOut], summary="People who hold my card now"
)
async def list_shares(user: CurrentUser, db: DbSession) -> list[ShareOut]:
    return [
        ShareOut(
            user_id=person.id, name=person.name, event_id=share.event_id, since=share.created_at
        )
        for share, person in await exchange.shares_of(db, user=user)
    ]


@router.get(
    "/notifications", response_model=Page[NotificationOut], summary="My notifications, newest first"
)
async def list_notifications(
    user: CurrentUser,
    db: DbSession,
    paging: Paging,
    unread: Annotated[bool, Query(description="Only unread ones")] = False,
) -> Page[NotificationOut]:
    items, total = await exchange.list_notifications(
        db, user=user, unread_only=unread, limit=paging.limit, offset=paging.offset
    )
    out = []
    for n in items:
        can = n.kind == "contact_added" and await exchange.can_share_back(
            db, user=user, actor_id=n.actor_id
        )
        out.append(
            NotificationOut(
                id=n.id,
                kind=n.kind,
                text=n.text,
                actor_id=n.actor_id,
                event_id=n.event_id,
                can_share_back=can,
                created_at=n.created_at,
                read_at=n.read_at,
            )
        )
    return Page(items=out, total=total, limit=paging.limit, offset=paging.offset)


@router.post(
    "/notifications/{notification_id}/read",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Mark a notification read",
)
async def mark_read(notification_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    await exchange.mark_read(db, user=user, notification_id=notification_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
