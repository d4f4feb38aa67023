"""What drafting knows about a contact and how it reads in a message: the latest topic, personal
detail and next step from my notes, the promise that matters most now (and its link), whether
that promise is a thing to send, the template and channel that fit, and the form a note takes
mid-sentence.

Read in bulk (a handful of queries whatever the number of contacts); no writes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import (
    Channel,
    Contact,
    DetailKind,
    Event,
    Meeting,
    MeetingStatus,
    Note,
    NoteTopic,
    PersonalDetail,
    Promise,
    TemplateKind,
)


@dataclass
class Known:
    """What my notes say about one contact, newest first where it matters."""

    topic: str = ""
    personal_detail: str = ""
    # Its kind (family, trip, hobby, milestone): it shapes the detail's sentence.
    detail_kind: str = ""
    promise: str = ""
    # Which promise that is (a draft written to keep it marks it done once sent), and its link.
    promise_id: uuid.UUID | None = None
    link: str = ""
    # The promise as a thing to send ("the slides" for "Send the slides"); empty when the
    # promise is something to do (an introduction, a call).
    resource: str = ""
    next_step: str = ""
    # The latest one-to-one meeting we booked at an event: "at Table 4 on Tuesday".
    meeting: str = ""
    note_channel: str | None = None
    extra_topics: list[str] = field(default_factory=list)


# Kinds of personal detail that never reach a draft by themselves: health is private, and a
# birthday has its own reminder.
NEVER_DRAFTED = frozenset({DetailKind.health, DetailKind.birthday})


@dataclass(frozen=True)
class FactKind:
    """A kind of thing from the conversation that a draft can mention: the specificity check
    looks for at least one. Add a kind here (and its placeholders) and the review queue knows
    it."""

    name: str
    # What to add, in the user's words ("a topic you talked about").
    label: str
    # The placeholders that carry it into a message.
    placeholders: tuple[str, ...]

    def known(self, known: Known) -> bool:
        """Whether my notes hold this fact for the contact."""
        return any(
            getattr(known, field, "") for field in self.placeholders if hasattr(known, field)
        )


FACT_KINDS: list[FactKind] = [
    FactKind("topic", "a topic you talked about", ("topic", "topic_sentence", "pick_up")),
    FactKind("detail", "a personal detail", ("personal_detail", "personal_sentence")),
    FactKind("promise", "a promise", ("promise", "resource", "link", "promise_sentence")),
    FactKind("next_step", "a next step", ("next_step", "next_step_sentence")),
]


def missing(mentions: str | None) -> list[FactKind]:
    """What a generic draft (one that mentions nothing of the conversation: `mentions` is "")
    lacks; nothing for a draft that mentions something or was written by hand (None)."""
    return list(FACT_KINDS) if mentions == "" else []


def mentioned(known: Known | None, used: AbstractSet[str]) -> list[str]:
    """The kinds of fact a message rendered with placeholders `used` mentions."""
    if known is None:
        return []
    return [
        kind.name
        for kind in FACT_KINDS
        if kind.known(known) and any(name in used for name in kind.placeholders)
    ]


# A promise starting with one of these is a thing to send; the verb goes, the thing stays.
_SEND_VERB = re.compile(
    r"^(?:send|share|forward|e-?mail|mail)(?:\s+(?:you|him|her|them|over))?\s+"
    r"(?:(?:the\s+)?links?\s+to\s+)?",
    re.IGNORECASE,
)
# Things one sends; a promise naming one (and no action below) is a thing to send.
_THING = re.compile(
    r"https?://|www\.|\b(?:links?|reports?|slides?|deck|articles?|papers?|docs?|documents?|pdfs?"
    r"|videos?|books?|blog|posts?|recordings?|repo|repository|whitepapers?|study|studies"
    r"|spreadsheets?|templates?|guides?|brochures?|proposals?|details|notes|resources?)\b",
    re.IGNORECASE,
)
# Things one does: an introduction, a call, a meeting. Never worded as "here is the link".
_INTRO = r"intro|intros|introduc\w*|in touch|connect\w*"
_ACTION = re.compile(
    rf"\b(?:{_INTRO}|call|calls|meet\w*|coffee|lunch|dinner|catch up|visit|demo|ask|check"
    r"|talk to|talk with|follow up)\b",
    re.IGNORECASE,
)
_SEND_AN_INTRO = re.compile(rf"\b(?:{_INTRO})\b", re.IGNORECASE)


def as_resource(promise: str) -> str:
    """The thing to send that `promise` names ("the slides" for "Send the slides"), or "" when
    it is something to do rather than send (an introduction, a call) or we cannot tell."""
    text = promise.strip()
    verb = _SEND_VERB.match(text)
    if verb:  # "Send the recording of the call" is a thing; "send an intro to Jonas" is not
        rest = text[verb.end() :].strip()
        return "" if _SEND_AN_INTRO.search(rest) else rest
    if _ACTION.search(text) or not _THING.search(text):
        return ""
    return text


def _promise_rank(due_on: date | None, made_on: date, made_at: datetime, today: date) -> Any:
    # Closest to today first: its due date, or the day it was made when it has none; then the
    # most recently made.
    return (abs(((due_on or made_on) - today).days), -made_at.timestamp())


async def what_we_know(
    session: AsyncSession, *, owner_id: uuid.UUID, contacts: Select[Any], today: date
) -> dict[uuid.UUID, Known]:
    """Topic, personal detail, open promise, next step and channel from the owner's notes about
    the contacts selected by `contacts` (a select of contact ids): four queries in all."""
    known: dict[uuid.UUID, Known] = {}

    def of(contact_id: uuid.UUID) -> Known:
        return known.setdefault(contact_id, Known())

    notes = await session.execute(
        select(Note.contact_id, Note.next_step, Note.preferred_channel)
        .where(Note.owner_id == owner_id, Note.contact_id.in_(contacts))
        .order_by(Note.created_at.desc())
    )
    for contact_id, next_step, channel in notes:
        entry = of(contact_id)
        if next_step and not entry.next_step:
            entry.next_step = next_step.strip()
        if channel and not entry.note_channel:
            entry.note_channel = channel
    topics = await session.execute(
        select(NoteTopic.contact_id, NoteTopic.topic)
        .join(Note, Note.id == NoteTopic.note_id)
        .where(NoteTopic.owner_id == owner_id, NoteTopic.contact_id.in_(contacts))
        .order_by(Note.created_at.desc(), NoteTopic.id)
    )
    for contact_id, topic in topics:
        entry = of(contact_id)
        if not entry.topic:
            entry.topic = topic
        else:
            entry.extra_topics.append(topic)
    details = await session.execute(
        select(PersonalDetail.contact_id, PersonalDetail.kind, PersonalDetail.text)
        .join(Note, Note.id == PersonalDetail.note_id)
        .where(
            PersonalDetail.owner_id == owner_id,
            PersonalDetail.contact_id.in_(contacts),
            # Health stays out of drafts; birthdays have their reminders.
            PersonalDetail.kind.not_in(list(NEVER_DRAFTED)),
            PersonalDetail.text != "",
        )
        .order_by(Note.created_at.desc())
    )
    for contact_id, kind, text in details:
        entry = of(contact_id)
        if not entry.personal_detail:
            entry.personal_detail, entry.detail_kind = text.strip(), kind
    promises = await session.execute(
        select(
            Promise.contact_id,
            Promise.id,
            Promise.text,
            Promise.link,
            Promise.due_on,
            Promise.created_at,
        ).where(
            Promise.owner_id == owner_id,
            Promise.contact_id.in_(contacts),
            Promise.done.is_(False),
            Promise.text != "",
        )
    )
    best: dict[uuid.UUID, tuple[Any, uuid.UUID, str, str]] = {}
    for contact_id, promise_id, text, link, due_on, created_at in promises:
        rank = _promise_rank(due_on, created_at.date(), created_at, today)
        if contact_id not in best or rank < best[contact_id][0]:
            best[contact_id] = (rank, promise_id, text.strip(), link or "")
    for contact_id, (_, promise_id, text, link) in best.items():
        entry = of(contact_id)
        entry.promise, entry.promise_id, entry.link = text, promise_id, link
        entry.resource = as_resource(text)
    await _meetings(session, owner_id=owner_id, contacts=contacts, of=of)
    return known


async def _meetings(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID,
    contacts: Select[Any],
    of: Callable[[uuid.UUID], Known],
) -> None:
    """The latest meeting booked with each contact, as "at Table 4 on Tuesday" (the weekday in
    the event's time zone; "on Tuesday" alone when people found each other)."""
    rows = await session.execute(
        select(Contact.id, Meeting.starts_at, Meeting.place_name, Event.timezone)
        .join(
            Meeting,
            or_(
                and_(Meeting.requester_id == owner_id, Meeting.invitee_id == Contact.person_id),
                and_(Meeting.invitee_id == owner_id, Meeting.requester_id == Contact.person_id),
            ),
        )
        .join(Event, Event.id == Meeting.event_id)
        .where(
            Contact.owner_id == owner_id,
            Contact.id.in_(contacts),
            Meeting.status == MeetingStatus.booked,
        )
        .order_by(Meeting.starts_at.desc())
    )
    for contact_id, starts_at, place, timezone in rows:
        entry = of(contact_id)
        if not entry.meeting:
            day = f"on {starts_at.astimezone(ZoneInfo(timezone)):%A}"
            entry.meeting = f"at {place} {day}" if place else day


class ContactFacts(Protocol):
    """What drafting reads of a contact: an ORM Contact, or a row of CONTACT_COLUMNS."""

    id: uuid.UUID
    event_id: uuid.UUID | None
    met_at: datetime
    name: str
    company: str
    email: str
    phone: str
    linkedin_url: str
    preferred_channel: str | None


# Drafting thousands of contacts reads plain rows: ORM objects would cost more than the drafts.
CONTACT_COLUMNS = (
    Contact.id,
    Contact.event_id,
    Contact.met_at,
    Contact.name,
    Contact.company,
    Contact.email,
    Contact.phone,
    Contact.linkedin_url,
    Contact.preferred_channel,
)


def best_kind(known: Known) -> TemplateKind:
    """A promise wants the resource template, a next step the meet-again one."""
    if known.promise:
        return TemplateKind.resource
    if known.next_step:
        return TemplateKind.meet_again
    return TemplateKind.conversation


def best_channel(contact: ContactFacts, known: Known | None) -> str:
    """The contact's preferred channel, else the one my notes say, else what we can reach."""
    for choice in (contact.preferred_channel, known.note_channel if known else None):
        if choice and choice in Channel.__members__:
            return choice
    if contact.email:
        return Channel.email
    if contact.linkedin_url:
        return Channel.linkedin
    if contact.phone:
        return Channel.phone
    return Channel.email


def can_reach(contact: ContactFacts, known: Known | None) -> bool:
    """Whether a message could reach them: an address, a profile, a number, or "other"."""
    if contact.email.strip() or contact.linkedin_url.strip() or contact.phone.strip():
        return True
    return best_channel(contact, known) == Channel.other


# --- Notes mid-sentence ------------------------------------------------------------------------

# The placeholders filled from my notes: what I typed, often with a capital letter.
NOTE_PLACEHOLDERS = ("topic", "personal_detail", "promise", "resource", "next_step")

_CALENDAR_WORDS = frozenset(
    {
        *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December"),
    }
)
_WORD = re.compile(r"[^\W\d_]+")


def name_words(*texts: str) -> set[str]:
    """The capitalised words of names (people, companies, events): kept capitalised."""
    return {word for text in texts for word in _WORD.findall(text or "") if word[:1].isupper()}


def _inner_capitals(texts: Iterable[str]) -> set[str]:
    # A word written with a capital in the middle of a sentence ("intro to Jonas") is a name.
    found: set[str] = set()
    for text in texts:
        for match in _WORD.finditer(text or ""):
            before = text[: match.start()].rstrip()
            if before and before[-1] not in ".!?:" and match.group(0)[:1].isupper():
                found.add(match.group(0))
    return found


def mid_sentence(text: str, names: AbstractSet[str]) -> str:
    """`text` as it reads inside a sentence: its first letter lower-cased ("Daughter graduates
    in June" → "daughter …"), unless the first word looks like a name or an acronym."""
    first = _WORD.match(text)
    if first is None:
        return text
    word = first.group(0)
    if (
        not word[0].isupper()
        or any(letter.isupper() for letter in word[1:])  # EU, CEO, McKinsey, iOS-like
        or word == "I"
        or word in _CALENDAR_WORDS
        or word in names
    ):
        return text
    return text[0].lower() + text[1:]


def names_in_notes(known: Known) -> set[str]:
    """Words my notes write with a capital mid-sentence ("intro to Jonas"): names."""
    notes = (known.topic, known.personal_detail, known.promise, known.next_step)
    return _inner_capitals((*notes, *known.extra_topics))


def mid_sentence_forms(
    values: dict[str, str], known: Known | None, names: AbstractSet[str]
) -> dict[str, str]:
    """For each note placeholder, the form its value takes mid-sentence (see `mid_sentence`);
    `names` are the capitalised words of names we know, the notes' own names added here."""
    if known is not None:
        names = names | names_in_notes(known)
    return {name: mid_sentence(values[name], names) for name in NOTE_PLACEHOLDERS if values[name]}
