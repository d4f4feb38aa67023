"""Importing a .vcf file of several contacts: all its cards or none, with a choice per card
that matches a contact I already have (leave out, merge into it, or add anyway)."""

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


async def import_vcard_file(
    session: AsyncSession,
    *,
    user: User,
    data: bytes,
    on_duplicate: OnDuplicate = "offer",
    cards: set[int] | None = None,
) -> FileImported:
    """All cards of a .vcf file (or only the numbered `cards`), or none if any is unreadable.

    A card matching a contact I have is left out and listed (`offer`), merged into it, or
    added anyway (`create`): the app asks per card, then sends the file again with its choice.
    """
    parsed = vcard.parse_vcards(data)
    done = FileImported()
    for number, card in enumerate(parsed, start=1):
        if cards is not None and number not in cards:
            continue
        fields, card_warnings = contacts.fields_from_card(card)
        done.warnings += [f"Card {number}: {w}" for w in card_warnings]
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
            raise Invalid(
                f"Card {number}: {exc.detail} Nothing was imported.", code=exc.code
            ) from exc
        (done.created if added.created else done.merged).append(added.contact)
    return done
