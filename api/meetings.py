"""One-to-one meetings at an event: the organizer's settings, free slots, requests and their
answers, my agenda, "We met", blocking."""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import AttendeeAccess, CurrentUser, DbSession, EventMemberAccess, OrganizerAccess
from api.errors import ERROR_RESPONSES
from schemas.common import ErrorOut
from schemas.meetings import (
    AcceptIn,
    BlockIn,
    ContactAtEventOut,
    DayFiguresOut,
    DeclineIn,
    MeetingOut,
    MeetingPreferencesIn,
    MeetingPreferencesOut,
    MeetingRequestIn,
    MeetingRequestOut,
    MeetingSettingsIn,
    MeetingSettingsOut,
    MeetingStatsOut,
    PersonOut,
    PlaceFullnessOut,
    PlaceOut,
    ProposeIn,
    SlotsOut,
    WindowIn,
)
from services.network import (
    meeting_answers,
    meeting_mail,
    meeting_settings,
    meeting_stats,
    meetings,
)
from services.network.meeting_answers import MeetingView
from services.network.meeting_settings import Setup
from services.network.meetings import Person, RequestView

router = APIRouter(tags=["meetings"], responses=ERROR_RESPONSES)
EVENT = "/events/{event_id}/meetings"
TAKEN: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorOut, "description": "slot_taken: `fields` lists `free_slots`"}
}


def _settings_out(setup: Setup) -> MeetingSettingsOut:
    s = setup.settings
    return MeetingSettingsOut(
        enabled=s.enabled,
        windows=[
            WindowIn(
                day=date.fromisoformat(w["day"]),
                start=time.fromisoformat(w["start"]),
                end=time.fromisoformat(w["end"]),
            )
            for w in s.windows
        ],
        slot_minutes=s.slot_minutes,
        find_each_other=s.find_each_other,
        places=[PlaceOut(id=p.id, name=p.name, capacity=p.capacity) for p in setup.places],
        max_pending_out=s.max_pending_out,
        max_meetings_per_day=s.max_meetings_per_day,
        expiry_hours=s.expiry_hours,
        timezone=setup.event.timezone,
    )


def _person(p: Person) -> PersonOut:
    return PersonOut(attendee_id=p.attendee_id, name=p.name, title=p.title, company=p.company)


def _request_out(view: RequestView) -> MeetingRequestOut:
    r = view.request
    return MeetingRequestOut(
        id=r.id,
        event_id=r.event_id,
        direction="out" if view.outgoing else "in",
        other=_person(view.other),
        message=r.message,
        slots=meetings.slots_of(r),
        status=view.status.value,
        your_turn=view.your_turn,
        can_propose=view.can_propose,
        decline_reason=r.decline_reason,
        created_at=r.created_at,
        expires_at=r.expires_at,
        meeting_id=view.meeting_id,
        timezone=view.timezone,
    )


def meeting_out(view: MeetingView) -> MeetingOut:
    m = view.meeting
    return MeetingOut(
        id=m.id,
        event_id=m.event_id,
        event_name=view.event.name,
        timezone=view.event.timezone,
        other=_person(view.other),
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        place=m.place_name,
        status=m.status,
        message=view.message,
        we_met=view.we_met,
        contact_id=view.contact_id,
    )


@router.get(
    f"{EVENT}/settings",
    response_model=MeetingSettingsOut,
    summary="How this event takes meetings (hours, slot length, places, limits)",
)
async def get_settings(access: EventMemberAccess, db: DbSession) -> MeetingSettingsOut:
    return _settings_out(await meeting_settings.setup_of(db, event=access.event))


@router.put(
    f"{EVENT}/settings",
    response_model=MeetingSettingsOut,
    summary="Set how this event takes meetings (organizer)",
    description="Windows are days and hours in the event's time zone. Places are matched by "
    "name. Once meetings are booked the slot length stays, and a place in use stays with at "
    "least the seats in use (409).",
)
async def put_settings(
    data: MeetingSettingsIn, access: OrganizerAccess, db: DbSession
) -> MeetingSettingsOut:
    return _settings_out(await meeting_settings.update(db, event=access.event, data=data))


@router.get(
    f"{EVENT}/slots",
    response_model=SlotsOut,
    summary="Slots still to come when I am free (and the attendee named too)",
)
async def free_slots(
    access: AttendeeAccess,
    user: CurrentUser,
    db: DbSession,
    attendee_id: Annotated[uuid.UUID | None, Query(description="Someone I may ask")] = None,
) -> SlotsOut:
    setup, slots = await meetings.common_slots(
        db, event=access.event, user=user, attendee_id=attendee_id
    )
    return SlotsOut(
        slot_minutes=setup.settings.slot_minutes, timezone=access.event.timezone, slots=slots
    )


@router.get(
    "/contacts/{contact_id}/meeting-person",
    response_model=ContactAtEventOut,
    summary="Whom to ask for a meeting for one of my contacts: the event where we met, and them",
)
async def meeting_person(
    contact_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> ContactAtEventOut:
    event_id, person = await meetings.person_for_contact(db, user=user, contact_id=contact_id)
    return ContactAtEventOut(event_id=event_id, person=_person(person))


@router.post(
    f"{EVENT}/requests",
    response_model=MeetingRequestOut,
    status_code=status.HTTP_201_CREATED,
    responses={429: {"model": ErrorOut, "description": "too_many_meeting_requests"}},
    summary="Ask an attendee for a meeting, proposing up to three slots when both are free",
)
async def ask(
    data: MeetingRequestIn, access: AttendeeAccess, user: CurrentUser, db: DbSession
) -> MeetingRequestOut:
    return _request_out(await meetings.ask(db, event=access.event, user=user, data=data))


@router.get(
    f"{EVENT}/requests",
    response_model=list[MeetingRequestOut],
    summary="My meeting requests at this event, sent and received, newest first",
)
async def list_requests(
    access: AttendeeAccess, user: CurrentUser, db: DbSession
) -> list[MeetingRequestOut]:
    views = await meetings.list_requests(db, event=access.event, user=user)
    return [_request_out(v) for v in views]


@router.get(
    f"{EVENT}/agenda",
    response_model=list[MeetingOut],
    summary="My meetings at this event, in time order",
)
async def event_agenda(
    access: AttendeeAccess, user: CurrentUser, db: DbSession
) -> list[MeetingOut]:
    views = await meeting_answers.agenda(db, user=user, event_id=access.event.id)
    return [meeting_out(v) for v in views]


@router.post(
    f"{EVENT}/blocks",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Take no more meeting requests from this attendee",
)
async def block(
    data: BlockIn, access: AttendeeAccess, user: CurrentUser, db: DbSession
) -> Response:
    await meetings.block(db, event=access.event, user=user, attendee_id=data.attendee_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    f"{EVENT}/blocks/{{attendee_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Take meeting requests from this attendee again",
)
async def unblock(
    attendee_id: uuid.UUID, access: AttendeeAccess, user: CurrentUser, db: DbSession
) -> Response:
    await meetings.unblock(db, event=access.event, user=user, attendee_id=attendee_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/meeting-requests/{request_id}",
    response_model=MeetingRequestOut,
    summary="One meeting request (only its two people see it)",
)
async def get_request(request_id: uuid.UUID, user: CurrentUser, db: DbSession) -> MeetingRequestOut:
    request = await meetings.get_request(db, user=user, request_id=request_id)
    return _request_out(await meetings.view(db, request=request, user=user))


@router.post(
    "/meeting-requests/{request_id}/accept",
    response_model=MeetingRequestOut,
    responses=TAKEN,
    summary="Accept one proposed slot: the meeting is booked with a place",
)
async def accept(
    request_id: uuid.UUID, data: AcceptIn, user: CurrentUser, db: DbSession
) -> MeetingRequestOut:
    view = await meeting_answers.accept(db, user=user, request_id=request_id, slot=data.slot)
    return _request_out(view)


@router.post(
    "/meeting-requests/{request_id}/decline",
    response_model=MeetingRequestOut,
    summary="Decline, with an optional reason; they cannot ask again at this event",
)
async def decline(
    request_id: uuid.UUID, data: DeclineIn, user: CurrentUser, db: DbSession
) -> MeetingRequestOut:
    view = await meeting_answers.decline(db, user=user, request_id=request_id, reason=data.reason)
    return _request_out(view)


@router.post(
    "/meeting-requests/{request_id}/propose",
    response_model=MeetingRequestOut,
    summary="Propose other slots (once each way)",
)
async def propose(
    request_id: uuid.UUID, data: ProposeIn, user: CurrentUser, db: DbSession
) -> MeetingRequestOut:
    view = await meeting_answers.propose(db, user=user, request_id=request_id, slots=data.slots)
    return _request_out(view)


@router.post(
    "/meeting-requests/{request_id}/withdraw",
    response_model=MeetingRequestOut,
    summary="Take back a request I sent that still waits",
)
async def withdraw(request_id: uuid.UUID, user: CurrentUser, db: DbSession) -> MeetingRequestOut:
    return _request_out(await meeting_answers.withdraw(db, user=user, request_id=request_id))


@router.get("/meetings", response_model=list[MeetingOut], summary="My agenda: all my meetings")
async def agenda(user: CurrentUser, db: DbSession) -> list[MeetingOut]:
    return [meeting_out(v) for v in await meeting_answers.agenda(db, user=user)]


@router.post(
    "/meetings/{meeting_id}/cancel",
    response_model=MeetingOut,
    summary="Cancel a meeting (either of the two); the other is told",
)
async def cancel(meeting_id: uuid.UUID, user: CurrentUser, db: DbSession) -> MeetingOut:
    return meeting_out(await meeting_answers.cancel(db, user=user, meeting_id=meeting_id))


@router.post(
    "/meetings/{meeting_id}/we-met",
    response_model=MeetingOut,
    summary="We met: exchange cards as a badge scan and share-back do",
    description="`contact_id` in the answer is my contact for them, for a quick note.",
)
async def we_met(meeting_id: uuid.UUID, user: CurrentUser, db: DbSession) -> MeetingOut:
    return meeting_out(await meeting_answers.we_met(db, user=user, meeting_id=meeting_id))


@router.get(
    "/meeting-preferences",
    response_model=MeetingPreferencesOut,
    summary="How I hear about my meetings",
)
async def get_preferences(user: CurrentUser, db: DbSession) -> MeetingPreferencesOut:
    return MeetingPreferencesOut(reminder_mail=await meeting_mail.reminder_mail(db, user=user))


@router.put(
    "/meeting-preferences",
    response_model=MeetingPreferencesOut,
    summary="Opt in to meeting reminders by mail (the app always reminds me)",
)
async def put_preferences(
    data: MeetingPreferencesIn, user: CurrentUser, db: DbSession
) -> MeetingPreferencesOut:
    on = await meeting_mail.set_reminder_mail(db, user=user, on=data.reminder_mail)
    return MeetingPreferencesOut(reminder_mail=on)


@router.get(
    f"{EVENT}/stats",
    response_model=MeetingStatsOut,
    summary="The organizer's figures: per day, and how full each place is per slot",
    description='Counts only. A meeting neither person marked "We met" is a no-show once over.',
)
async def stats(access: OrganizerAccess, db: DbSession) -> MeetingStatsOut:
    figures = await meeting_stats.stats(db, event=access.event)
    return MeetingStatsOut(
        days=[DayFiguresOut(**vars(d)) for d in figures.days],
        slots=figures.slots,
        places=[
            PlaceFullnessOut(place=p.place, capacity=p.capacity, booked=p.booked)
            for p in figures.places
        ],
    )


@router.get(
    f"{EVENT}/stats.csv",
    summary="The organizer's figures as CSV",
    description="UTF-8 with BOM, CRLF: one row per day, a blank row, then one row per place "
    "and slot. Place names starting with = + - @ get a leading ' so spreadsheets do not run "
    "them.",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def stats_csv(access: OrganizerAccess, db: DbSession) -> Response:
    figures = await meeting_stats.stats(db, event=access.event)
    return Response(
        meeting_stats.stats_csv(figures, event=access.event),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="meetings.csv"',
            "Cache-Control": "no-store",
        },
    )
