"""Asking someone at an event for a meeting, the requests and meetings I see, and blocking.

Only the two people see a request or a meeting (anyone else is told it does not exist); the
organizer sees counts (meeting_stats). Whom I may ask: an attendee listed in the event's
directory, or one who is already my contact from this event; not someone who blocked me, nor
someone who declined me at this event. The other person is shown as their card shares them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.meetings import MeetingRequestIn
from services.db import utcnow
from services.errors import Conflict, FieldProblem, Forbidden, Invalid, NotFound, TooManyRequests
from services.models import (
    Attendee,
    Contact,
    Event,
    Meeting,
    MeetingBlock,
    MeetingRequest,
    Notification,
    User,
)
from services.models import RequestStatus as R
from services.network import meeting_settings, meeting_slots
from services.network.meeting_settings import Setup
from services.people import cards, contacts

NOT_FOUND = "No such meeting request."
NO_MEETING = "No such meeting."
NO_ATTENDEE = "No such attendee in this event."


def now() -> datetime:
    """The meetings' clock (tests move it by replacing `utcnow` in this module)."""
    return utcnow()


@dataclass(frozen=True)
class Person:
    """Someone as their card shares them (their badge's name, title, company with no card)."""

    attendee_id: uuid.UUID | None
    user_id: uuid.UUID
    name: str
    title: str
    company: str


@dataclass(frozen=True)
class RequestView:
    request: MeetingRequest
    outgoing: bool  # I asked
    other: Person
    status: R
    your_turn: bool
    can_propose: bool
    meeting_id: uuid.UUID | None
    timezone: str  # the event's, in which its slots are shown


def status_now(request: MeetingRequest, at: datetime) -> R:
    """A pending request past its expiry has expired, whether or not that is written yet."""
    status = R(request.status)
    if status is R.pending and request.expires_at <= at:
        return R.expired
    return status


def expiry(setup: Setup, *, at: datetime, slots: Sequence[datetime]) -> datetime:
    """The organizer's waiting time, and never past the first slot proposed."""
    return min(at + timedelta(hours=setup.settings.expiry_hours), min(slots))


async def person(session: AsyncSession, *, event_id: uuid.UUID, user_id: uuid.UUID) -> Person:
    """Someone at an event as I may see them."""
    attendee = await session.scalar(
        select(Attendee).where(Attendee.event_id == event_id, Attendee.user_id == user_id)
    )
    card = await cards.card_of(session, user_id=user_id)
    shown = await cards.shared_view(session, card=card) if card else {}
    if not shown and attendee is not None:
        shown = {"name": attendee.name, "title": attendee.title, "company": attendee.company}
    return Person(
        attendee_id=attendee.id if attendee else None,
        user_id=user_id,
        name=shown.get("name") or "Someone",
        title=shown.get("title") or "",
        company=shown.get("company") or "",
    )


def notify(
    session: AsyncSession,
    *,
    to: uuid.UUID,
    kind: str,
    text: str,
    actor: uuid.UUID | None,
    event_id: uuid.UUID,
) -> None:
    """Tell one of the two, in the app's notifications."""
    session.add(Notification(user_id=to, kind=kind, text=text, actor_id=actor, event_id=event_id))


async def _asked_attendee(
    session: AsyncSession, *, event: Event, user: User, attendee_id: uuid.UUID
) -> Attendee:
    """The attendee I may ask, or why not."""
    attendee = await session.get(Attendee, attendee_id)
    if attendee is None or attendee.event_id != event.id:
        raise NotFound(NO_ATTENDEE, code="attendee_not_found")
    if attendee.user_id == user.id:
        raise Invalid("That is you. Ask someone you want to meet.", code="own_entry")
    is_contact = await session.scalar(
        select(
            exists().where(
                Contact.owner_id == user.id,
                Contact.person_id == attendee.user_id,
                Contact.event_id == event.id,
            )
        )
    )
    if attendee.directory_listed_at is None and not is_contact:
        raise NotFound(NO_ATTENDEE, code="attendee_not_found")  # not listed: not to be found
    return attendee


def _between(a: uuid.UUID, b: uuid.UUID) -> ColumnElement[bool]:
    return or_(
        and_(MeetingRequest.requester_id == a, MeetingRequest.invitee_id == b),
        and_(MeetingRequest.requester_id == b, MeetingRequest.invitee_id == a),
    )


async def _refuse_unwelcome(
    session: AsyncSession, *, event: Event, user: User, other: Person, at: datetime
) -> None:
    blocked = await session.scalar(
        select(
            exists().where(
                MeetingBlock.blocker_id == other.user_id, MeetingBlock.blocked_id == user.id
            )
        )
    )
    if blocked:
        raise Forbidden(
            f"{other.name} does not take meeting requests from you.", code="meeting_blocked"
        )
    pair = _between(user.id, other.user_id)
    declined = await session.scalar(
        select(
            exists().where(
                MeetingRequest.event_id == event.id,
                pair,
                MeetingRequest.status == R.declined,
                MeetingRequest.awaiting_id == other.user_id,  # they were the one to answer
            )
        )
    )
    if declined:
        raise Conflict(
            f"{other.name} declined a meeting with you at {event.name}, so you cannot ask "
            "again here.",
            code="meeting_declined_before",
        )
    open_already = await session.scalar(
        select(
            exists().where(
                MeetingRequest.event_id == event.id,
                pair,
                MeetingRequest.status == R.pending,
                MeetingRequest.expires_at > at,
            )
        )
    )
    if open_already:
        raise Conflict(
            f"There is already an open meeting request between you and {other.name}: answer "
            "or cancel it under My agenda.",
            code="meeting_request_open",
        )


async def pending_out(
    session: AsyncSession, *, event_id: uuid.UUID, user_id: uuid.UUID, at: datetime
) -> int:
    """Requests I sent at this event that still wait for an answer."""
    return (
        await session.scalar(
            select(func.count()).where(
                MeetingRequest.event_id == event_id,
                MeetingRequest.requester_id == user_id,
                MeetingRequest.status == R.pending,
                MeetingRequest.expires_at > at,
            )
        )
        or 0
    )


async def check_slots(
    session: AsyncSession,
    *,
    setup: Setup,
    people: tuple[uuid.UUID, uuid.UUID],
    slots: Sequence[datetime],
    at: datetime,
) -> list[datetime]:
    """The proposed slots, in order, if each is a slot when both are free; else why not."""
    wanted = sorted(set(slots))
    free = set(await meeting_slots.free_slots(session, setup=setup, user_ids=people, now=at))
    if any(slot not in free for slot in wanted):
        detail = "Pick times when you are both free: one of these is not (any more)."
        raise Invalid(detail, code="slot_not_free", fields=[FieldProblem("slots", detail)])
    return wanted


async def ask(
    session: AsyncSession, *, event: Event, user: User, data: MeetingRequestIn
) -> RequestView:
    """Ask an attendee for a meeting in one of up to three slots when both are free."""
    setup = await meeting_settings.open_setup(session, event=event)
    at = now()
    attendee = await _asked_attendee(session, event=event, user=user, attendee_id=data.attendee_id)
    other = await person(session, event_id=event.id, user_id=attendee.user_id)
    await _refuse_unwelcome(session, event=event, user=user, other=other, at=at)
    limit = setup.settings.max_pending_out
    if await pending_out(session, event_id=event.id, user_id=user.id, at=at) >= limit:
        raise TooManyRequests(
            f"You have {limit} requests waiting for an answer, the most at this event. Wait for "
            "an answer, or cancel one, then ask again.",
            code="too_many_meeting_requests",
        )
    slots = await check_slots(
        session, setup=setup, people=(user.id, attendee.user_id), slots=data.slots, at=at
    )
    request = MeetingRequest(
        id=uuid.uuid4(),
        event_id=event.id,
        requester_id=user.id,
        invitee_id=attendee.user_id,
        awaiting_id=attendee.user_id,
        message=data.message,
        slots=[s.isoformat() for s in slots],
        status=R.pending,
        requester_proposed=False,
        invitee_proposed=False,
        created_at=at,
        expires_at=expiry(setup, at=at, slots=slots),
    )
    session.add(request)
    me = await person(session, event_id=event.id, user_id=user.id)
    notify(
        session,
        to=attendee.user_id,
        kind="meeting_request",
        text=f"{me.name} asks to meet you at {event.name}.",
        actor=user.id,
        event_id=event.id,
    )
    await session.flush()
    return await view(session, request=request, user=user)


def slots_of(request: MeetingRequest) -> list[datetime]:
    return [datetime.fromisoformat(s) for s in request.slots]


async def view(session: AsyncSession, *, request: MeetingRequest, user: User) -> RequestView:
    """A request as one of its two people sees it."""
    outgoing = request.requester_id == user.id
    other_id = request.invitee_id if outgoing else request.requester_id
    status = status_now(request, now())
    mine_proposed = request.requester_proposed if outgoing else request.invitee_proposed
    your_turn = status is R.pending and request.awaiting_id == user.id
    meeting_id = await session.scalar(select(Meeting.id).where(Meeting.request_id == request.id))
    event = await session.get(Event, request.event_id)
    assert event is not None
    return RequestView(
        request=request,
        outgoing=outgoing,
        other=await person(session, event_id=request.event_id, user_id=other_id),
        status=status,
        your_turn=your_turn,
        can_propose=your_turn and not mine_proposed,
        meeting_id=meeting_id,
        timezone=event.timezone,
    )


async def get_request(
    session: AsyncSession, *, user: User, request_id: uuid.UUID, for_update: bool = False
) -> MeetingRequest:
    """A request I sent or got; anyone else's is "not found"."""
    query = select(MeetingRequest).where(MeetingRequest.id == request_id)
    if for_update:
        query = query.with_for_update()
    request = await session.scalar(query)
    if request is None or user.id not in (request.requester_id, request.invitee_id):
        raise NotFound(NOT_FOUND, code="meeting_request_not_found")
    return request


async def list_requests(session: AsyncSession, *, event: Event, user: User) -> list[RequestView]:
    """My requests at this event, sent and received, newest first."""
    found = await session.scalars(
        select(MeetingRequest)
        .where(
            MeetingRequest.event_id == event.id,
            or_(MeetingRequest.requester_id == user.id, MeetingRequest.invitee_id == user.id),
        )
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id)
    )
    return [await view(session, request=r, user=user) for r in found]


async def common_slots(
    session: AsyncSession, *, event: Event, user: User, attendee_id: uuid.UUID | None
) -> tuple[Setup, list[datetime]]:
    """Slots when I am free, and the attendee too when one is named (whom I may ask)."""
    setup = await meeting_settings.open_setup(session, event=event)
    people = [user.id]
    if attendee_id is not None:
        attendee = await _asked_attendee(session, event=event, user=user, attendee_id=attendee_id)
        people.append(attendee.user_id)
    return setup, await meeting_slots.free_slots(session, setup=setup, user_ids=people, now=now())


async def person_for_contact(
    session: AsyncSession, *, user: User, contact_id: uuid.UUID
) -> tuple[uuid.UUID, Person]:
    """The event where I met a contact (a badge scanned, the directory) and them as an attendee
    there, to ask them for a meeting; the event id comes first."""
    contact = await contacts.get_contact(session, user=user, contact_id=contact_id)
    attendee = None
    if contact.person_id is not None and contact.event_id is not None:
        attendee = await session.scalar(
            select(Attendee).where(
                Attendee.event_id == contact.event_id, Attendee.user_id == contact.person_id
            )
        )
    if attendee is None:
        raise NotFound(
            "You can ask for a meeting only someone you met at an event (a badge scanned, the "
            "directory) who is still an attendee there.",
            code="not_met_at_event",
        )
    return attendee.event_id, await person(
        session, event_id=attendee.event_id, user_id=attendee.user_id
    )


async def block(session: AsyncSession, *, event: Event, user: User, attendee_id: uuid.UUID) -> None:
    """Take no more meeting requests from this attendee (at any event); idempotent."""
    attendee = await session.get(Attendee, attendee_id)
    if attendee is None or attendee.event_id != event.id:
        raise NotFound(NO_ATTENDEE, code="attendee_not_found")
    if attendee.user_id == user.id:
        raise Invalid("You cannot block yourself.", code="own_entry")
    present = await session.scalar(
        select(MeetingBlock).where(
            MeetingBlock.blocker_id == user.id, MeetingBlock.blocked_id == attendee.user_id
        )
    )
    if present is None:
        session.add(MeetingBlock(blocker_id=user.id, blocked_id=attendee.user_id))
        await session.flush()


async def unblock(
    session: AsyncSession, *, event: Event, user: User, attendee_id: uuid.UUID
) -> None:
    """Take meeting requests from this attendee again."""
    attendee = await session.get(Attendee, attendee_id)
    if attendee is None or attendee.event_id != event.id:
        raise NotFound(NO_ATTENDEE, code="attendee_not_found")
    present = await session.scalar(
        select(MeetingBlock).where(
            MeetingBlock.blocker_id == user.id, MeetingBlock.blocked_id == attendee.user_id
        )
    )
    if present is not None:
        await session.delete(present)
        await session.flush()
