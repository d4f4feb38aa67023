"""The follow-up queue as the user sees it: review one draft at a time, edit, approve, skip,
snooze, change channel, schedule, cancel, and hand over manual channels ("mark sent").

States: draft -> approved -> scheduled -> sending -> sent | failed, and skipped / cancelled.
Manual channels (LinkedIn, phone, other) stop at approved until the user marks them sent.
Nothing is sent that the user did not approve, nor approved while it still says "[link]", and
every change of state is recorded with its time in follow_up_transitions. Sending a follow-up
drafted from a promise keeps that promise (marks it done). Changes the user makes load the row
FOR UPDATE, so they never race the delivery worker (which skips locked rows): a message being
sent cannot be edited.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.notes import NoteIn, PersonalDetailIn, PromiseIn
from services.db import utcnow
from services.errors import Conflict, FieldProblem, Invalid, NotFound
from services.followups import drafts
from services.followups.drafts import zone_of
from services.followups.templates import MAX_BODY, MAX_SUBJECT
from services.models import (
    Channel,
    Contact,
    DetailKind,
    FollowUp,
    FollowUpStatus,
    FollowUpTransition,
    User,
)
from services.people import contacts, notes

S = FollowUpStatus
MANUAL_CHANNELS = frozenset({Channel.linkedin, Channel.phone, Channel.other})
# "Late": approving between 21:00 and 07:00 local time sends at 09:00 the next morning.
LATE_FROM = time(21, 0)
LATE_UNTIL = time(7, 0)
MORNING = time(9, 0)
LONGEST_SCHEDULE = timedelta(days=366)
EDITABLE = frozenset({S.draft, S.approved, S.scheduled, S.failed, S.skipped, S.cancelled})
CANCELLABLE = frozenset({S.approved, S.scheduled})
# What a draft says where a link is wanted and none was noted (template_defaults.py).
LINK_MARKER = re.compile(r"\[\s*link\s*\]", re.IGNORECASE)
LINK_STILL_MISSING = "This message still says [link]: paste the link or remove it."


def record(follow_up: FollowUp, session: AsyncSession, to: S, *, detail: str = "") -> None:
    """Move a follow-up to state `to`, timestamped, and log the change."""
    now = utcnow()
    session.add(
        FollowUpTransition(
            follow_up_id=follow_up.id,
            from_status=follow_up.status,
            to_status=to,
            at=now,
            detail=detail,
        )
    )
    follow_up.status = to
    follow_up.status_changed_at = now
    follow_up.updated_at = now


async def get_follow_up(
    session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID, for_update: bool = False
) -> FollowUp:
    """One of my follow-ups (locked for a change when `for_update`), or 404."""
    query = select(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.owner_id == owner.id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    follow_up = await session.scalar(query)
    if follow_up is None:
        raise NotFound("No such follow-up.", code="follow_up_not_found")
    return follow_up


async def contact_of(session: AsyncSession, *, follow_up: FollowUp) -> Contact:
    """The contact a follow-up is for."""
    contact = await session.get(Contact, follow_up.contact_id)
    assert contact is not None  # the foreign key cascades
    return contact


def send_time(*, now: datetime, zone: ZoneInfo, requested: datetime | None = None) -> datetime:
    """When an approved message goes out: the time asked for, else now, or 09:00 the next
    morning in the user's zone when approved late at night (21:00-07:00)."""
    if requested is not None:
        if requested.tzinfo is None:
            raise Invalid(
                "Give the send time with its time zone (e.g. 2026-11-23T09:00:00+01:00).",
                code="send_at_naive",
                fields=[FieldProblem("send_at", "Give the time with its time zone.")],
            )
        if requested > now + LONGEST_SCHEDULE:
            raise Invalid(
                "A message can be scheduled up to a year ahead.",
                code="send_at_too_far",
                fields=[FieldProblem("send_at", "Schedule it at most a year ahead.")],
            )
        return max(requested, now)
    local = now.astimezone(zone)
    if LATE_UNTIL <= local.time() < LATE_FROM:
        return now
    morning_day = local.date() if local.time() < LATE_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(morning_day, MORNING, tzinfo=zone).astimezone(now.tzinfo)


def _refuse(follow_up: FollowUp, allowed: frozenset[S], doing: str) -> None:
    if follow_up.status not in allowed:
        detail = {
            S.sending: "It is being sent right now.",
            S.sent: "It has already been sent.",
        }.get(S(follow_up.status), f"It is {follow_up.status}.")
        raise Conflict(f"This message cannot be {doing}: {detail}", code="follow_up_state")


async def edit(
    session: AsyncSession,
    *,
    owner: User,
    follow_up_id: uuid.UUID,
    subject: str | None = None,
    body: str | None = None,
    channel: str | None = None,
) -> FollowUp:
    """Change subject, body or channel; a message that was approved goes back to draft."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    _refuse(follow_up, EDITABLE, "edited")
    problems = []
    if subject is not None:
        subject = " ".join(subject.split())
        if not subject or len(subject) > MAX_SUBJECT:
            problems.append(
                FieldProblem(
                    "subject", f"Write a one-line subject of up to {MAX_SUBJECT} characters."
                )
            )
    if body is not None and (not body.strip() or len(body) > MAX_BODY):
        problems.append(FieldProblem("body", f"Write a message of up to {MAX_BODY} characters."))
    if channel is not None and channel not in Channel.__members__:
        problems.append(FieldProblem("channel", f"Choose one of: {', '.join(Channel)}."))
    if problems:
        raise Invalid(
            "The message cannot be saved like this.", code="follow_up_invalid", fields=problems
        )
    changed = [
        name
        for name, value in (("subject", subject), ("body", body), ("channel", channel))
        if value is not None and value != getattr(follow_up, name)
    ]
    if not changed:
        return follow_up
    if subject is not None:
        follow_up.subject = subject
    if body is not None:
        follow_up.body = body
        if "body" in changed:
            follow_up.mentions = None  # written by hand now: the specificity check stands back
    if channel is not None:
        follow_up.channel = channel
    follow_up.updated_at = utcnow()
    if follow_up.status != S.draft:
        _back_to_draft(follow_up)
        record(follow_up, session, S.draft, detail="edited: " + ", ".join(changed))
    await session.flush()
    return follow_up


async def add_to_draft(
    session: AsyncSession,
    *,
    owner: User,
    follow_up_id: uuid.UUID,
    part: str,
    text: str,
    kind: DetailKind | None = None,
) -> FollowUp:
    """From the review queue: note a topic, personal detail, promise or next step about the
    draft's contact (a new note), and write the draft again so that it says it."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    _refuse(follow_up, frozenset({S.draft}), "written again")
    if follow_up.mentions is None:
        raise Conflict(
            "You have written this draft yourself, so it is not written again: add the detail "
            "to the text, or to a note on the contact.",
            code="follow_up_written_by_hand",
        )
    text = text.strip()
    if not text:
        problem = FieldProblem("text", "Write what to add.")
        raise Invalid(problem.message, code="fact_empty", fields=[problem])
    note = NoteIn(
        topics=[text] if part == "topic" else [],
        personal_details=[PersonalDetailIn(kind=kind or DetailKind.hobby, text=text)]
        if part == "detail"
        else [],
        promises=[PromiseIn(text=text)] if part == "promise" else [],
        next_step=text if part == "next_step" else "",
    )
    await notes.create_note(session, user=owner, contact_id=follow_up.contact_id, data=note)
    await drafts.redraft(session, owner=owner, follow_up=follow_up)
    return follow_up


def _back_to_draft(follow_up: FollowUp) -> None:
    follow_up.send_at = None
    follow_up.next_attempt_at = None
    follow_up.lease_expires_at = None
    follow_up.snoozed_until = None


def _refuse_link_marker(follow_up: FollowUp) -> None:
    """A draft still saying "[link]" would go out with it: refuse, at the field that says it."""
    fields = [
        FieldProblem(name, LINK_STILL_MISSING)
        for name in ("subject", "body")
        if LINK_MARKER.search(getattr(follow_up, name))
    ]
    if fields:
        raise Invalid(LINK_STILL_MISSING, code="link_missing", fields=fields)


async def approve(
    session: AsyncSession,
    *,
    owner: User,
    follow_up_id: uuid.UUID,
    send_at: datetime | None = None,
) -> FollowUp:
    """Approve a draft: email is scheduled (now, 09:00 next morning if late, or `send_at`);
    a manual channel waits, approved, for the user to send it and mark it sent."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    _refuse(follow_up, frozenset({S.draft}), "approved")
    _refuse_link_marker(follow_up)
    now = utcnow()
    follow_up.reviewed_at = now
    follow_up.snoozed_until = None
    if follow_up.channel in MANUAL_CHANNELS:
        record(follow_up, session, S.approved, detail=f"hand over by {follow_up.channel}")
        await session.flush()
        return follow_up
    contact = await contact_of(session, follow_up=follow_up)
    address = contacts.mail_address(contact)
    if not address:
        raise Invalid(
            f"There is no valid email address for {contact.name or 'this contact'}. Add one "
            "to the contact, or change the channel.",
            code="no_email_address",
            fields=[
                FieldProblem(
                    "channel", "Add an email address to the contact, or choose another channel."
                )
            ],
        )
    when = send_time(now=now, zone=zone_of(owner), requested=send_at)
    follow_up.to_address = address
    follow_up.from_name = owner.name or owner.email.partition("@")[0]
    follow_up.reply_to = owner.email
    follow_up.send_at = when
    follow_up.next_attempt_at = when
    follow_up.attempts = 0
    follow_up.last_error = None
    record(follow_up, session, S.approved)
    record(follow_up, session, S.scheduled, detail=f"send at {when.isoformat()}")
    await session.flush()
    return follow_up


async def skip(session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID) -> FollowUp:
    """Decide not to send this draft."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    _refuse(follow_up, frozenset({S.draft}), "skipped")
    follow_up.reviewed_at = utcnow()
    follow_up.snoozed_until = None
    record(follow_up, session, S.skipped)
    await session.flush()
    return follow_up


async def snooze(
    session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID, until: datetime | None = None
) -> FollowUp:
    """Put a draft aside until `until` (default: 09:00 tomorrow in my time zone)."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    _refuse(follow_up, frozenset({S.draft}), "snoozed")
    now = utcnow()
    if until is None:
        zone = zone_of(owner)
        tomorrow = now.astimezone(zone).date() + timedelta(days=1)
        until = datetime.combine(tomorrow, MORNING, tzinfo=zone)
    elif until.tzinfo is None or until <= now:
        raise Invalid(
            "Snooze until a time in the future, with its time zone.",
            code="snooze_invalid",
            fields=[FieldProblem("until", "Choose a time in the future, with its time zone.")],
        )
    follow_up.snoozed_until = until
    follow_up.reviewed_at = now
    session.add(
        FollowUpTransition(
            follow_up_id=follow_up.id,
            from_status=S.draft,
            to_status=S.draft,
            at=now,
            detail=f"snoozed until {until.isoformat()}",
        )
    )
    follow_up.updated_at = now
    await session.flush()
    return follow_up


async def cancel(session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID) -> FollowUp:
    """Stop an approved or scheduled message before it is sent."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    _refuse(follow_up, CANCELLABLE, "cancelled")
    _back_to_draft(follow_up)
    record(follow_up, session, S.cancelled)
    await session.flush()
    return follow_up


async def reopen(session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID) -> FollowUp:
    """Take a skipped, cancelled or failed message back to draft."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    _refuse(follow_up, frozenset({S.skipped, S.cancelled, S.failed}), "reopened")
    _back_to_draft(follow_up)
    record(follow_up, session, S.draft, detail="reopened")
    await session.flush()
    return follow_up


async def mark_sent(session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID) -> FollowUp:
    """I sent this one myself (LinkedIn, phone...): record it as sent."""
    follow_up = await get_follow_up(
        session, owner=owner, follow_up_id=follow_up_id, for_update=True
    )
    if follow_up.channel not in MANUAL_CHANNELS:
        raise Conflict(
            "Email follow-ups are sent by Rapport; approve this one instead.",
            code="not_a_manual_channel",
        )
    _refuse(follow_up, frozenset({S.draft, S.approved}), "marked sent")
    now = utcnow()
    if follow_up.status == S.draft:
        follow_up.reviewed_at = now
        record(follow_up, session, S.approved)
    follow_up.sent_at = now
    record(follow_up, session, S.sent, detail=f"sent by hand ({follow_up.channel})")
    if follow_up.promise_id is not None:
        await notes.keep_promises(session, promise_ids=[follow_up.promise_id], at=now)
    await session.flush()
    return follow_up


def handover_url(follow_up: FollowUp, contact: Contact) -> str | None:
    """Where to paste the text for a manual channel: the profile, or the phone number."""
    if follow_up.channel == Channel.linkedin and contact.linkedin_url.startswith("https://"):
        return contact.linkedin_url
    if follow_up.channel == Channel.phone and contact.phone:
        return f"tel:{contact.phone}"
    return None
