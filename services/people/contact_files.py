"""Importing a .vcf file of several contacts: every card is read first (one unreadable card
imports nothing), then added, with a choice per card that matches a contact I already have
(leave out, merge into it, or add anyway)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from schemas.contacts import ContactIn, OnDuplicate
from services.errors import Invalid
from services.models import Contact, User
from services.people import contacts, vcard


@dataclass
class FileDuplicate:
    """A card of a .vcf file that matches a contact I have (by email or LinkedIn)."""

    card: int
    name: str
    existing_id: uuid.UUID


@dataclass
class FileImported:
    created: list[Contact] = field(default_factory=list)
    merged: list[Contact] = field(default_factory=list)
    duplicates: list[FileDuplicate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FileCard:
    """One card of a .vcf file, read and checked: its number in the file and its fields."""

    number: int
    fields: dict[str, str]
    warnings: list[str]


def read_cards(data: bytes, *, cards: set[int] | None = None) -> list[FileCard]:
    """Every card of the file (or only the numbered `cards`), read before anything is written:
    Invalid if the file has a card that cannot be read."""
    chosen = []
    for number, card in enumerate(vcard.parse_vcards(data), start=1):
        if cards is None or number in cards:
            fields, warnings = contacts.fields_from_card(card)
            chosen.append(FileCard(number, fields, [f"Card {number}: {w}" for w in warnings]))
    return chosen


async def import_cards(
    session: AsyncSession,
    *,
    user: User,
    cards: list[FileCard],
    on_duplicate: OnDuplicate = "offer",
) -> FileImported:
    """Add these cards of a file (a chunk of it, in an import job). A card matching a contact I
    have is left out and listed (`offer`), merged into it, or added anyway (`create`)."""
    done = FileImported()
    for card in cards:
        done.warnings += card.warnings
        fields, number = card.fields, card.number
        policy: OnDuplicate = "create" if on_duplicate == "create" else "offer"
        try:
            try:
                added = await contacts.add_contact(
                    session,
                    user=user,
                    data=ContactIn(**fields, on_duplicate=policy),
                    source="vcard",
                )
            except contacts.PossibleDuplicate as exc:
                if on_duplicate != "merge":
                    name = fields["name"] or fields["email"] or f"Card {number}"
                    done.duplicates.append(FileDuplicate(number, name, exc.existing_id))
                    continue
                merge = ContactIn(**fields, on_duplicate="merge", merge_into=exc.existing_id)
                added = await contacts.add_contact(session, user=user, data=merge, source="vcard")
        except Invalid as exc:
            raise Invalid(f"Card {number}: {exc.detail}", code=exc.code) from exc
        (done.created if added.created else done.merged).append(added.contact)
    return done


async def import_vcard_file(
    session: AsyncSession,
    *,
    user: User,
    data: bytes,
    on_duplicate: OnDuplicate = "offer",
    cards: set[int] | None = None,
) -> FileImported:
    """All cards of a .vcf file (or only the numbered `cards`) in this one transaction, or
    none if any is unreadable (an import job writes them a chunk at a time instead)."""
    return await import_cards(
        session, user=user, cards=read_cards(data, cards=cards), on_duplicate=on_duplicate
    )
