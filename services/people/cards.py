"""My card: edit it, choose what to share, a small photo; the copies of it that people hold,
kept in step with it; plus the phone and URL rules that every contact field follows too."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from sqlalchemy import Select, String, and_, cast, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.cards import CardIn, CardSettingsIn
from services.db import utcnow
from services.errors import FieldProblem, Invalid, NotFound
from services.events import listing
from services.models import Attendee, Card, CardShare, Contact, Pitch, User
from services.models.contacts import (
    CARD_FIELDS,
    DEFAULT_SHARED_FIELDS,
    DEFAULT_WORDS_PER_MINUTE,
)
from services.people import search
from services.settings import get_settings

PHOTO_MAX_BYTES = 200 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
LINKEDIN_PATH = re.compile(r"^/in/([A-Za-z0-9\-_%À-ɏ]{2,100})/?$")
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")

# Card fields copied into a contact as text (name, interests and photo have rules of their own).
COPIED_FIELDS = tuple(f for f in CARD_FIELDS if f not in ("name", "interests", "photo"))
# A card held by more people than this has its copies refreshed by the worker, in chunks of
# COPIES_CHUNK, so that editing it answers at once (a keynote speaker's card: 35,000 copies).
REFRESH_IN_REQUEST = 200
COPIES_CHUNK = 200  # a short write each: on SQLite the door's scans wait behind it


def _bad(field: str, detail: str, code: str) -> Invalid:
    return Invalid(detail, code=code, fields=[FieldProblem(field, detail)])


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """A phone number in E.164, or "" for empty input; international or the default region."""
    raw = raw.strip()
    if not raw:
        return ""
    region = get_settings().default_phone_region
    try:
        number = phonenumbers.parse(raw, None if raw.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        hint = "" if region else " Start it with + and the country code."
        raise _bad(
            field, f"“{raw}” is not a phone number we understand.{hint}", "bad_phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise _bad(field, f"“{raw}” is not a valid phone number.", "bad_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_url(raw: str, *, field: str = "website") -> str:
    """An http(s) URL; a bare host such as www.example.com gets https:// in front."""
    raw = raw.strip()
    if not raw:
        return ""
    if "://" not in raw and re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", raw, re.IGNORECASE):
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise _bad(field, "Only web addresses starting with http:// or https:// work.", "bad_url")
    return raw


def linkedin_slug(raw: str) -> str | None:
    """The profile slug of a linkedin.com/in/<slug> URL (any scheme, www, slash, query)."""
    raw = raw.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return None
    match = LINKEDIN_PATH.match(parts.path)
    return match.group(1).lower() if match else None


def normalize_linkedin(raw: str, *, field: str = "linkedin_url") -> str:
    """The canonical https://www.linkedin.com/in/<slug> form, or "" for empty input."""
    if not raw.strip():
        return ""
    slug = linkedin_slug(raw)
    if slug is None:
        raise _bad(
            field, "Give a LinkedIn profile address: linkedin.com/in/your-name.", "bad_linkedin"
        )
    return f"https://www.linkedin.com/in/{slug}"


def normalize_email(raw: str, *, field: str = "email") -> str:
    """A lower-cased email address, or "" for empty input."""
    raw = raw.strip()
    if not raw:
        return ""
    if not EMAIL.match(raw):
        raise _bad(field, f"“{raw}” is not an email address.", "bad_email")
    return raw.lower()


def clean_tags(tags: list[str]) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) tags in their first spelling."""
    seen: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(tag.split())[:80]
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return list(seen.values())


def _new_card(user: User, registration: Attendee | None) -> Card:
    """What a card starts as: the account's name and email, and the title and company the
    user was registered with at their latest event (as on their badge); the rest empty."""
    now = utcnow()
    return Card(
        user_id=user.id,
        name=user.name,
        email=user.email,
        title=registration.title if registration else "",
        company=registration.company if registration else "",
        phone="",
        linkedin_url="",
        website="",
        headline="",
        interests=[],
        goals="",
        shared_fields=list(DEFAULT_SHARED_FIELDS),
        photo=None,
        photo_type="",
        headline_pitch_id=None,
        words_per_minute=DEFAULT_WORDS_PER_MINUTE,
        created_at=now,
        updated_at=now,
    )


async def _latest_registration(session: AsyncSession, *, user_id: uuid.UUID) -> Attendee | None:
    """The user's latest registration that names a title or company, if any."""
    return await session.scalar(
        select(Attendee)
        .where(Attendee.user_id == user_id, (Attendee.title != "") | (Attendee.company != ""))
        .order_by(Attendee.created_at.desc())
        .limit(1)
    )


async def read_card(session: AsyncSession, *, user: User) -> Card:
    """The user's card for reading: the saved one, or what it starts as (not saved).

    Reads never write, so GET requests stay read-only transactions (on SQLite a read that
    turns into a write can fail with "database is locked" when another request wrote first).
    """
    card = await card_of(session, user_id=user.id)
    if card is None:
        card = _new_card(user, await _latest_registration(session, user_id=user.id))
    return card


async def get_card(session: AsyncSession, *, user: User) -> Card:
    """The user's card to change, saved on first use from their account name and email."""
    card = await card_of(session, user_id=user.id)
    if card is None:
        card = _new_card(user, await _latest_registration(session, user_id=user.id))
        session.add(card)
        await session.flush()
        await listing.refresh_person(session, user_id=user.id)  # the card, not the badge, now
    return card


async def card_of(session: AsyncSession, *, user_id: uuid.UUID) -> Card | None:
    """Someone's card if they have made one."""
    return await session.scalar(select(Card).where(Card.user_id == user_id))


async def update_card(session: AsyncSession, *, user: User, data: CardIn) -> Card:
    """Replace my card's fields (validated), then refresh the copies people hold."""
    card = await get_card(session, user=user)
    shared_before = frozenset(card.shared_fields)
    card.name = data.name.strip()
    card.title = data.title.strip()
    card.company = data.company.strip()
    card.email = normalize_email(data.email)
    card.phone = normalize_phone(data.phone)
    card.linkedin_url = normalize_linkedin(data.linkedin_url)
    card.website = normalize_url(data.website)
    card.headline = data.headline.strip()
    card.interests = clean_tags(data.interests)
    card.goals = " ".join(data.goals.split())
    if data.shared_fields is not None:
        card.shared_fields = [f for f in CARD_FIELDS if f in data.shared_fields]
    await session.flush()
    await card_changed(session, card=card, unshared=shared_before - set(card.shared_fields))
    return card


async def update_card_settings(session: AsyncSession, *, user: User, data: CardSettingsIn) -> Card:
    """Speaking speed for pitches, and which pitch (if any) is my card's headline."""
    card = await get_card(session, user=user)
    if data.words_per_minute is not None:
        card.words_per_minute = data.words_per_minute
    if data.clear_headline_pitch:
        card.headline_pitch_id = None
    elif data.headline_pitch_id is not None:
        pitch = await session.get(Pitch, data.headline_pitch_id)
        if pitch is None or pitch.owner_id != user.id:
            raise NotFound("No such pitch.", code="pitch_not_found")
        card.headline_pitch_id = pitch.id
    await session.flush()
    await card_changed(session, card=card)
    return card


async def headline_of(session: AsyncSession, *, card: Card) -> str:
    """The card's headline: the chosen pitch's text, else the typed one-liner."""
    if card.headline_pitch_id is not None:
        pitch = await session.get(Pitch, card.headline_pitch_id)
        if pitch is not None:
            return pitch.text
    return card.headline


async def card_view(session: AsyncSession, *, card: Card) -> dict[str, Any]:
    """Every field of my card, as I see it."""
    return {
        "name": card.name,
        "title": card.title,
        "company": card.company,
        "email": card.email,
        "phone": card.phone,
        "linkedin_url": card.linkedin_url,
        "website": card.website,
        "headline": await headline_of(session, card=card),
        "interests": list(card.interests),
        "goals": card.goals,
        "shared_fields": list(card.shared_fields),
        "has_photo": card.photo is not None,
        "headline_pitch_id": card.headline_pitch_id,
        "words_per_minute": card.words_per_minute,
        "updated_at": card.updated_at,
    }


async def shared_view(session: AsyncSession, *, card: Card) -> dict[str, Any]:
    """Only the fields the card's owner shares (the photo as a flag); the others left out."""
    full = await card_view(session, card=card)
    shared = {f: full[f] for f in CARD_FIELDS if f in card.shared_fields and f != "photo"}
    shared["has_photo"] = "photo" in card.shared_fields and card.photo is not None
    return shared


def apply_shared(contact: Contact, shared: dict[str, Any]) -> None:
    """Copy the shared fields in and clear those no longer shared. Fields the owner edited
    (no longer in `shared_fields` but filled in) are theirs and left alone; the name stays."""
    before = set(contact.shared_fields)
    now_shared: list[str] = []
    for name in (*COPIED_FIELDS, "interests"):
        if name in before and name not in shared:
            setattr(contact, name, [] if name == "interests" else "")
        if name in shared and not _edited(contact, name, before):
            setattr(contact, name, list(shared[name]) if name == "interests" else shared[name])
            now_shared.append(name)
    if shared.get("name") and not _edited(contact, "name", before):
        contact.name = shared["name"]
        now_shared.insert(0, "name")
    if shared.get("has_photo"):
        now_shared.append("photo")
    contact.shared_fields = now_shared
    contact.updated_at = utcnow()


def _edited(contact: Contact, name: str, before: set[str]) -> bool:
    """A filled-in field that did not come from the last share was typed by the owner."""
    if name in before or (not before and contact.source in ("badge", "share_back")):
        return False
    return bool(getattr(contact, name))


async def card_changed(
    session: AsyncSession, *, card: Card, unshared: frozenset[str] = frozenset()
) -> None:
    """After my card (or its headline pitch) changed: the directory rows that show it, then the
    copies people hold; `unshared`: the fields I just stopped sharing."""
    await listing.refresh_person(session, user_id=card.user_id)
    await refresh_shared_copies(session, card=card, unshared=unshared)


def _copies(card: Card) -> Select[Contact]:
    """The copies of the card held by people it is shared with (not withdrawn), by id."""
    shared_with = and_(
        CardShare.to_user_id == Contact.owner_id,
        CardShare.from_user_id == card.user_id,
        CardShare.withdrawn_at.is_(None),
    )
    return (
        select(Contact)
        .join(CardShare, shared_with)
        .where(Contact.person_id == card.user_id)
        .order_by(Contact.id)
    )


async def _refresh(session: AsyncSession, card: Card, copies: Sequence[Contact]) -> None:
    """At most COPIES_CHUNK copies (their search entries are rewritten in one statement)."""
    shared = await shared_view(session, card=card)
    for copy in copies:
        apply_shared(copy, shared)
    await session.flush()
    await search.index_contacts(session, contacts=copies)


async def refresh_shared_copies(
    session: AsyncSession, *, card: Card, unshared: frozenset[str] = frozenset()
) -> None:
    """After I edit my card: everyone I share with gets the new shared fields. A card held by
    more than REFRESH_IN_REQUEST people is marked instead, and the worker refreshes its copies
    in chunks (refresh_waiting_copies); fields I stopped sharing are cleared from every copy
    at once all the same, in one statement each."""
    # Unordered: enough to tell "few" from "many" without sorting a keynote's 35,000 copies.
    first = await session.scalars(_copies(card).order_by(None).limit(REFRESH_IN_REQUEST + 1))
    copies = first.all()
    if len(copies) <= REFRESH_IN_REQUEST:
        card.copies_pending_since = card.copies_done_through = None
        await _refresh(session, card, copies)
        return
    card.copies_pending_since, card.copies_done_through = utcnow(), None
    await _clear_unshared(session, card=card, fields=unshared)
    await session.flush()


async def _clear_unshared(session: AsyncSession, *, card: Card, fields: frozenset[str]) -> None:
    """Empty these fields in every copy that holds them from my card (set-based: no copy is
    loaded); the worker's refresh then rewrites the rest of each copy and its search entry."""
    held = exists().where(
        CardShare.to_user_id == Contact.owner_id,
        CardShare.from_user_id == card.user_id,
        CardShare.withdrawn_at.is_(None),
    )
    for name in sorted(fields & {*COPIED_FIELDS, "interests"}):
        # shared_fields is a JSON list of field names: '["name", "email"]' on both databases.
        has_it = cast(Contact.shared_fields, String).like(f'%"{name}"%')
        await session.execute(
            update(Contact)
            .where(Contact.person_id == card.user_id, has_it, held)
            .values({name: [] if name == "interests" else ""})
            .execution_options(synchronize_session=False)
        )


async def refresh_waiting_copies(session: AsyncSession, *, chunk: int = COPIES_CHUNK) -> int:
    """For the worker: refresh the next chunk of copies of the card that has waited longest;
    how many copies were refreshed (at least 1 when a card was waiting, 0 when none was)."""
    query = (
        select(Card)
        .where(Card.copies_pending_since.is_not(None))
        .order_by(Card.copies_pending_since)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # several workers, other cards
    card = await session.scalar(query)
    if card is None:
        return 0
    next_copies = _copies(card).limit(chunk)
    if card.copies_done_through is not None:
        next_copies = next_copies.where(Contact.id > card.copies_done_through)
    copies = (await session.scalars(next_copies)).all()
    await _refresh(session, card, copies)
    if len(copies) < chunk:
        card.copies_pending_since = card.copies_done_through = None
    else:
        card.copies_done_through = copies[-1].id
    await session.flush()
    return max(len(copies), 1)


def photo_type(data: bytes) -> str | None:
    """The image type from the file's first bytes (JPEG or PNG), not from what the client says."""
    for magic, media_type in PHOTO_TYPES.items():
        if data.startswith(magic):
            return media_type
    return None


async def set_photo(session: AsyncSession, *, user: User, data: bytes) -> Card:
    """A small JPEG or PNG photo for my card."""
    if len(data) > PHOTO_MAX_BYTES:
        raise _bad(
            "photo", f"The photo must be under {PHOTO_MAX_BYTES // 1024} KB.", "photo_too_large"
        )
    media_type = photo_type(data)
    if media_type is None:
        raise _bad("photo", "The photo must be a JPEG or PNG image.", "photo_type")
    card = await get_card(session, user=user)
    card.photo, card.photo_type = data, media_type
    await session.flush()
    return card


async def remove_photo(session: AsyncSession, *, user: User) -> Card:
    """Take the photo off my card."""
    card = await get_card(session, user=user)
    card.photo, card.photo_type = None, ""
    await session.flush()
    return card
