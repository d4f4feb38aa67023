"""What an event's directory shows of each listed attendee, kept as one row each
(`directory_entries`), with what sorting, searching and ranking need already worked out, so the
directory and "people to meet" are sorted, filtered and paged by the database
(services.network.directory).

A row is written when someone is listed (network.directory.set_listed) and rewritten whenever
what it shows can change: their card or its headline pitch (people.cards, people.pitches), or,
for someone with no card, the name, company or title an import gives them (events.attendees).
The word folding here is the one look-for matching uses (network.look_for_match).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Attendee, Card, DirectoryEntry, Pitch
from services.models.contacts import CARD_FIELDS

Phrase = tuple[str, ...]

# Letters that carry no combining accent in Unicode, so NFKD leaves them as they are
# (\u0131 is the dotless i of Turkish).
_PLAIN = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "\u0131": "i", "ħ": "h", "æ": "ae", "œ": "oe"}
)
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> Phrase:
    """The words of a text, lower-cased and without accents: "Léa Müller-Ø" → lea, muller, o."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(_WORD.findall(plain))


def fold(text: str) -> str:
    """Spaces collapsed, case folded: what names sort by and searches compare."""
    return " ".join(text.split()).casefold()


def word_field(values: Iterable[str]) -> str:
    """Each value's words between spaces, values between bars: "| lea muller | ai |". A phrase
    is in one value when `% lea muller %` is LIKE the field (words hold no % or _)."""
    return "|" + "|".join(f" {' '.join(words(v))} " for v in values) + "|"


def phrase_pattern(phrase: Phrase) -> str:
    """The LIKE pattern that finds a phrase's words together, in order, in a word_field."""
    return f"% {' '.join(phrase)} %"


def interest_field(interests: Iterable[str]) -> str:
    """One folded interest a line, with a line break before and after each."""
    return "\n" + "".join(f"{fold(i)}\n" for i in interests if fold(i))


def shown_of(attendee: Any, card: Any, headline: str) -> dict[str, Any]:
    """What the directory shows: the card's shared fields (the photo left out); with no card
    made yet, what the badge shows (as a badge scan would give)."""
    if card is None:
        return {"name": attendee.name, "title": attendee.title, "company": attendee.company}
    full = {f: getattr(card, f) for f in CARD_FIELDS if f != "photo"}
    full["headline"] = headline
    full["interests"] = list(card.interests)
    return {f: full[f] for f in CARD_FIELDS if f in card.shared_fields and f != "photo"}


def row_values(attendee: Any, card: Any, headline: str) -> dict[str, Any]:
    """The columns of a directory row (also used by the migration that made the table)."""
    shown = shown_of(attendee, card, headline)
    name, company, title = (shown.get(f) or "" for f in ("name", "company", "title"))
    interests = shown.get("interests") or []
    return {
        "event_id": attendee.event_id,
        "user_id": attendee.user_id,
        "shown": shown,
        "sort_key": fold(name),
        "search_text": fold(" ".join([name, company, title, *interests])),
        "name_words": word_field([name]),
        "company_words": word_field([company]),
        "topic_words": word_field(
            [*interests, shown.get("headline") or "", shown.get("goals") or ""]
        ),
        "interest_keys": interest_field(interests),
    }


async def _card_of(session: AsyncSession, user_id: uuid.UUID) -> tuple[Card | None, str]:
    """A person's card and its headline (the chosen pitch's text, else the typed one)."""
    card = await session.scalar(select(Card).where(Card.user_id == user_id))
    if card is None:
        return None, ""
    headline = card.headline
    if card.headline_pitch_id is not None:
        pitch = await session.get(Pitch, card.headline_pitch_id)
        headline = pitch.text if pitch is not None else headline
    return card, headline


async def _write(
    session: AsyncSession, attendee: Attendee, card: Card | None, headline: str
) -> None:
    row = await session.get(DirectoryEntry, attendee.id)
    if attendee.directory_listed_at is None:
        if row is not None:
            await session.delete(row)
        return
    values = row_values(attendee, card, headline)
    if row is None:
        session.add(DirectoryEntry(attendee_id=attendee.id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


async def refresh_attendee(session: AsyncSession, *, attendee: Attendee) -> None:
    """Write (listed) or remove (not listed) the attendee's directory row."""
    card, headline = await _card_of(session, attendee.user_id)
    await _write(session, attendee, card, headline)
    await session.flush()


async def refresh_person(session: AsyncSession, *, user_id: uuid.UUID) -> None:
    """Rewrite every directory row of this person (after their card changed)."""
    listed = (
        await session.scalars(
            select(Attendee).where(
                Attendee.user_id == user_id, Attendee.directory_listed_at.is_not(None)
            )
        )
    ).all()
    if not listed:
        return
    card, headline = await _card_of(session, user_id)
    for attendee in listed:
        await _write(session, attendee, card, headline)
    await session.flush()
