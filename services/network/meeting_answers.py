"""Answering a meeting request (accept one slot, decline, propose other slots once each way),
cancelling, my agenda, and "We met".

Whoever must answer is the request's `awaiting_id`: the person asked, or the one who asked once
the other proposed other times. On acceptance the meeting is booked (meeting_slots.book: the
database refuses a double booking) and the other is told, in the app and by mail with a
calendar invitation (meeting_mail).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from services.models import Attendee, Contact, Event, Meeting, MeetingRequest, User
from services.models import MeetingStatus as M
from services.models import RequestStatus as R
from services.network import meeting_mail, meeting_settings, meeting_slots, meetings
from services.network.meetings import Person, RequestView, notify
from services.people import exchange

REASON_WORDS = {
    "no_time": "no time then",
    "not_a_fit": "not a fit",
    "already_met": "already met",
    "other": "other reasons",
}


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    event: Event
    other: Person
    message: str
    we_met: bool
    contact_id: uuid.UUID | None  # my contact for the other person, if I have one


async def _open_request(
    session: AsyncSession, *, user: User, request_id: uuid.UUID
) -> MeetingRequest:
    """A request that waits for my answer, locked; else why it does not."""
    request = await meetings.get_request(session, user=user, request_id=request_id, for_update=True)
    status = meetings.status_now(request, meetings.now())
    if status is R.expired:
        raise Gone("This request expired before it was answered.", code="meeting_request_expired")
    if status is not R.pending:
        raise Conflict(f"This request is {status.value} already.", code="meeting_request_closed")
    if request.awaiting_id != user.id:
        raise Forbidden("The other person is to answer now: wait for them.", code="not_your_turn")
    return request


def _other_of(request: MeetingRequest | Meeting, user: User) -> uuid.UUID:
    return request.invitee_id if request.requester_id == user.id else request.requester_id


def _close(request: MeetingRequest, status: R, *, at: datetime) -> None:
    request.status = status
    request.closed_at = at


async def _when(session: AsyncSession, *, meeting: Meeting) -> str:
    event = await session.get(Event, meeting.event_id)
    assert event is not None
    return meeting_mail.when_and_where(meeting, timezone=event.timezone)


async def accept(
    session: AsyncSession, *, user: User, request_id: uuid.UUID, slot: datetime
) -> RequestView:
    """Accept one of the proposed slots: the meeting is booked with a place, or the time was
    just taken (SlotTaken, with the slots still free for both)."""
    request = await _open_request(session, user=user, request_id=request_id)
    if slot not in meetings.slots_of(request):
        raise Invalid("Pick one of the times proposed.", code="slot_not_proposed")
    event = await session.get(Event, request.event_id)
    assert event is not None
    setup = await meeting_settings.open_setup(session, event=event)
    at = meetings.now()
    meeting = await meeting_slots.book(session, setup=setup, request=request, at=slot, now=at)
    _close(request, R.accepted, at=at)
    me = await meetings.person(session, event_id=event.id, user_id=user.id)
    when = meeting_mail.when_and_where(meeting, timezone=event.timezone)
    notify(
        session,
        to=_other_of(request, user),
        kind="meeting_accepted",
        text=f"{me.name} accepted: you meet {when}.",
        actor=user.id,
        event_id=event.id,
    )
    await meeting_mail.send_invitations(session, meeting=meeting, event=event)
    await session.flush()
    return await meetings.view(session, request=request, user=user)


async def decline(
    session: AsyncSession, *, user: User, request_id: uuid.UUID, reason: str | None
) -> RequestView:
    """Say no, with an optional reason from the short list; the other cannot ask again here."""
    request = await _open_request(session, user=user, request_id=request_id)
    _close(request, R.declined, at=meetings.now())
    request.decline_reason = reason
    me = await meetings.person(session, event_id=request.event_id, user_id=user.id)
    because = f" ({REASON_WORDS[reason]})" if reason else ""
    notify(
        session,
        to=_other_of(request, user),
        kind="meeting_declined",
        text=f"{me.name} declined the meeting{because}.",
        actor=user.id,
        event_id=request.event_id,
    )
    await session.flush()
    return await meetings.view(session, request=request, user=user)


async def propose(
    session: AsyncSession, *, user: User, request_id: uuid.UUID, slots: list[datetime]
) -> RequestView:
    """Answer with other slots (once each way): the other is then to answer."""
    request = await _open_request(session, user=user, request_id=request_id)
    asked = request.invitee_id == user.id
    if request.invitee_proposed if asked else request.requester_proposed:
        raise Conflict(
            "You proposed other times once already: accept one of these, or decline.",
            code="proposed_already",
        )
    event = await session.get(Event, request.event_id)
    assert event is not None
    setup = await meeting_settings.open_setup(session, event=event)
    at = meetings.now()
    wanted = await meetings.check_slots(
        session,
        setup=setup,
        people=(request.requester_id, request.invitee_id),
        slots=slots,
        at=at,
    )
    request.slots = [s.isoformat() for s in wanted]
    if asked:
        request.invitee_proposed = True
    else:
        request.requester_proposed = True
    request.awaiting_id = _other_of(request, user)
    request.expires_at = meetings.expiry(setup, at=at, slots=wanted)
    me = await meetings.person(session, event_id=event.id, user_id=user.id)
    notify(
        session,
        to=request.awaiting_id,
        kind="meeting_proposed",
        text=f"{me.name} proposed other times for your meeting.",
        actor=user.id,
        event_id=event.id,
    )
    await session.flush()
    return await meetings.view(session, request=request, user=user)


async def withdraw(session: AsyncSession, *, user: User, request_id: uuid.UUID) -> RequestView:
    """The one who asked takes back a request still waiting."""
    request = await meetings.get_request(session, user=user, request_id=request_id, for_update=True)
    if request.requester_id != user.id:
        raise Forbidden("Only who asked can withdraw a request; decline it instead.")
    if meetings.status_now(request, meetings.now()) is not R.pending:
        raise Conflict("This request is not waiting any more.", code="meeting_request_closed")
    _close(request, R.cancelled, at=meetings.now())
    await session.flush()
    return await meetings.view(session, request=request, user=user)


async def get_meeting(
    session: AsyncSession, *, user: User, meeting_id: uuid.UUID, for_update: bool = False
) -> Meeting:
    """A meeting of mine; anyone else's is "not found"."""
    query = select(Meeting).where(Meeting.id == meeting_id)
    if for_update:
        query = query.with_for_update()
    meeting = await session.scalar(query)
    if meeting is None or user.id not in (meeting.requester_id, meeting.invitee_id):
        raise NotFound(meetings.NO_MEETING, code="meeting_not_found")
    return meeting


async def cancel(session: AsyncSession, *, user: User, meeting_id: uuid.UUID) -> MeetingView:
    """Either of the two calls a booked meeting off: both are free again, the other is told.
    Cancelling one already cancelled changes nothing (an offline retry)."""
    meeting = await get_meeting(session, user=user, meeting_id=meeting_id, for_update=True)
    if meeting.status == M.booked:
        if meeting.ends_at <= meetings.now():
            raise Conflict("This meeting is over; there is nothing to cancel.", code="meeting_over")
        meeting.status = M.cancelled
        meeting.cancelled_by_id = user.id
        meeting.cancelled_at = meetings.now()
        await meeting_slots.release(session, meeting=meeting)
        me = await meetings.person(session, event_id=meeting.event_id, user_id=user.id)
        notify(
            session,
            to=_other_of(meeting, user),
            kind="meeting_cancelled",
            text=f"{me.name} cancelled your meeting {await _when(session, meeting=meeting)}.",
            actor=user.id,
            event_id=meeting.event_id,
        )
        await session.flush()
    return await meeting_view(session, meeting=meeting, user=user)


async def meeting_view(session: AsyncSession, *, meeting: Meeting, user: User) -> MeetingView:
    event = await session.get(Event, meeting.event_id)
    request = await session.get(MeetingRequest, meeting.request_id)
    assert event is not None and request is not None
    mine = meeting.requester_met_at if meeting.requester_id == user.id else meeting.invitee_met_at
    other_id = _other_of(meeting, user)
    contact_id = await session.scalar(
        select(Contact.id).where(Contact.owner_id == user.id, Contact.person_id == other_id)
    )
    return MeetingView(
        meeting=meeting,
        event=event,
        other=await meetings.person(session, event_id=event.id, user_id=other_id),
        message=request.message,
        we_met=mine is not None,
        contact_id=contact_id,
    )


async def agenda(
    session: AsyncSession, *, user: User, event_id: uuid.UUID | None = None
) -> list[MeetingView]:
    """My meetings in time order (cancelled ones too, marked so)."""
    query = select(Meeting).where(
        or_(Meeting.requester_id == user.id, Meeting.invitee_id == user.id)
    )
    if event_id is not None:
        query = query.where(Meeting.event_id == event_id)
    found = await session.scalars(query.order_by(Meeting.starts_at, Meeting.id))
    return [await meeting_view(session, meeting=m, user=user) for m in found]


async def we_met(session: AsyncSession, *, user: User, meeting_id: uuid.UUID) -> MeetingView:
    """Mark that we met: cards are exchanged as a badge scan and share-back would; the view
    names my contact for the other person, for a quick note."""
    meeting = await get_meeting(session, user=user, meeting_id=meeting_id, for_update=True)
    if meeting.status != M.booked:
        raise Conflict("This meeting was cancelled.", code="meeting_cancelled")
    other_id = _other_of(meeting, user)
    at = meetings.now()
    if meeting.requester_id == user.id:
        meeting.requester_met_at = meeting.requester_met_at or at
    else:
        meeting.invitee_met_at = meeting.invitee_met_at or at
    attendee = await _attendee_of(session, meeting=meeting, user_id=other_id)
    await exchange.add_attendee(session, user=user, attendee=attendee)
    # ...and mine to them, as sharing back after a scan does (their copy of my card).
    other_user = await session.get(User, other_id)
    assert other_user is not None
    await exchange.share_back(session, user=other_user, to_user_id=user.id)
    await session.flush()
    return await meeting_view(session, meeting=meeting, user=user)


async def _attendee_of(session: AsyncSession, *, meeting: Meeting, user_id: uuid.UUID) -> Attendee:
    attendee = await session.scalar(
        select(Attendee).where(Attendee.event_id == meeting.event_id, Attendee.user_id == user_id)
    )
    if attendee is None:
        raise NotFound("The other person is no longer at this event.", code="attendee_not_found")
    return attendee


# A badge scanned this long before or after a meeting's start marks it held, as "We met" does.
MET_BY_SCAN_WINDOW = timedelta(hours=1)


async def met_by_scan(
    session: AsyncSession,
    *,
    user: User,
    event_id: uuid.UUID,
    other_id: uuid.UUID,
    at: datetime | None = None,
) -> int:
    """I scanned the badge of someone I have a meeting with about then (`at`, default now): it
    counts as held on my side (the scan has already exchanged the cards). How many were marked."""
    at = at or meetings.now()
    found = await session.scalars(
        select(Meeting).where(
            Meeting.event_id == event_id,
            Meeting.status == M.booked,
            Meeting.starts_at.between(at - MET_BY_SCAN_WINDOW, at + MET_BY_SCAN_WINDOW),
            or_(
                (Meeting.requester_id == user.id) & (Meeting.invitee_id == other_id),
                (Meeting.invitee_id == user.id) & (Meeting.requester_id == other_id),
            ),
        )
    )
    marked = 0
    for meeting in found:
        if meeting.requester_id == user.id:
            meeting.requester_met_at = meeting.requester_met_at or at
        else:
            meeting.invitee_met_at = meeting.invitee_met_at or at
        marked += 1
    return marked
