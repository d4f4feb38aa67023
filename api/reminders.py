"""Staying in touch: keep-in-touch cadences, "we talked", the due list, follow-up preferences
(time zone, signature, daily digest), and the private calendar feed."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentUser, DbSession, LimitLookups, SettingsDep
from api.errors import ERROR_RESPONSES
from schemas.reminders import (
    CadenceIn,
    CadenceOut,
    CalendarFeedOut,
    InteractionIn,
    InteractionOut,
    PreferencesOut,
    PreferencesPatch,
    ReminderOut,
)
from services.followups import reminders
from services.models import User

router = APIRouter(tags=["staying in touch"], responses=ERROR_RESPONSES)
API_PREFIX = "/api/v1"  # for the absolute calendar URL


def _cadence_out(view: reminders.CadenceView) -> CadenceOut:
    return CadenceOut(
        contact_id=view.contact_id,
        contact_name=view.contact_name,
        every_days=view.every_days,
        last_interaction_at=view.last_interaction_at,
        next_due_on=view.next_due_on,
    )


@router.get("/reminders", response_model=list[ReminderOut], summary="What is due, soonest first")
async def list_reminders(
    user: CurrentUser,
    db: DbSession,
    within_days: Annotated[int, Query(ge=0, le=366, description="Look this far ahead")] = 7,
) -> list[ReminderOut]:
    today = reminders.today_for(user)
    return [
        ReminderOut(
            kind=r.kind,
            due_on=r.due_on,
            overdue=r.due_on < today,
            contact_id=r.contact_id,
            contact_name=r.contact_name,
            title=r.title,
            link=r.link,
        )
        for r in await reminders.reminders(db, owner=user, today=today, within_days=within_days)
    ]


@router.get("/keep-in-touch", response_model=list[CadenceOut], summary="My cadences")
async def list_cadences(user: CurrentUser, db: DbSession) -> list[CadenceOut]:
    return [_cadence_out(v) for v in await reminders.list_cadences(db, owner=user)]


@router.put(
    "/keep-in-touch/{contact_id}",
    response_model=CadenceOut,
    summary="Keep in touch with a contact every N days",
)
async def set_cadence(
    contact_id: uuid.UUID, data: CadenceIn, user: CurrentUser, db: DbSession
) -> CadenceOut:
    await reminders.set_cadence(db, owner=user, contact_id=contact_id, every_days=data.every_days)
    (view,) = await reminders.list_cadences(db, owner=user, contact_id=contact_id)
    return _cadence_out(view)


@router.delete(
    "/keep-in-touch/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop the cadence for a contact",
)
async def remove_cadence(contact_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    await reminders.remove_cadence(db, owner=user, contact_id=contact_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/interactions",
    status_code=status.HTTP_201_CREATED,
    response_model=InteractionOut,
    summary='"We talked": log an interaction (the cadence restarts from it)',
)
async def log_interaction(data: InteractionIn, user: CurrentUser, db: DbSession) -> InteractionOut:
    interaction = await reminders.log_interaction(
        db, owner=user, contact_id=data.contact_id, kind=data.kind, text=data.text, at=data.at
    )
    return InteractionOut.model_validate(interaction)


async def _preferences_out(db: DbSession, user: User) -> PreferencesOut:
    prefs = await reminders.preferences(db, owner=user)
    return PreferencesOut(
        timezone=user.timezone,
        signature=prefs.signature,
        daily_digest=prefs.daily_digest,
        calendar_feed=prefs.calendar_token_hash is not None,
    )


@router.get(
    "/follow-up-settings",
    response_model=PreferencesOut,
    summary="My time zone, signature and daily digest",
)
async def get_preferences(user: CurrentUser, db: DbSession) -> PreferencesOut:
    return await _preferences_out(db, user)


@router.patch(
    "/follow-up-settings",
    response_model=PreferencesOut,
    summary="Change my time zone, signature or daily digest",
)
async def update_preferences(
    data: PreferencesPatch, user: CurrentUser, db: DbSession
) -> PreferencesOut:
    await reminders.update_preferences(db, owner=user, **data.model_dump(exclude_unset=True))
    return await _preferences_out(db, user)


@router.post(
    "/reminders/calendar-feed",
    status_code=status.HTTP_201_CREATED,
    response_model=CalendarFeedOut,
    summary="Make a new secret calendar URL (the old one stops working)",
)
async def rotate_calendar_feed(
    user: CurrentUser, db: DbSession, settings: SettingsDep
) -> CalendarFeedOut:
    token = await reminders.rotate_calendar_token(db, owner=user)
    return CalendarFeedOut(
        url=f"{settings.base_url.rstrip('/')}{API_PREFIX}/reminders/calendar/{token}.ics"
    )


@router.delete(
    "/reminders/calendar-feed",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Turn the calendar feed off",
)
async def disable_calendar_feed(user: CurrentUser, db: DbSession) -> Response:
    await reminders.disable_calendar_feed(db, owner=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/reminders/calendar/{token}.ics",
    dependencies=[LimitLookups],
    summary="The calendar feed (iCalendar); the secret URL is the key",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def calendar_feed(token: str, db: DbSession) -> Response:
    owner = await reminders.owner_of_calendar(db, token=token)
    return Response(
        await reminders.calendar_feed(db, owner=owner),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )
