from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.contacts import ContactIn, ContactPatch, ImportIn
from services.errors import Invalid
from services.models import Contact
from services.people import cards, contact_files, contacts
from tests import factories

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "contacts"


async def _count(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(Contact)) or 0


@pytest.mark.parametrize(
    "url",
    [
        "linkedin.com/in/jane-doe",
        "https://www.linkedin.com/in/jane-doe/",
        "http://linkedin.com/in/Jane-Doe?trk=qr",
        "www.linkedin.com/in/jane-doe",
        "https://de.linkedin.com/in/jane-doe/?originalSubdomain=de",
    ],
)
def test_linkedin_urls_in_any_form_become_one_canonical_url(url: str) -> None:
    assert cards.normalize_linkedin(url) == "https://www.linkedin.com/in/jane-doe"


@pytest.mark.parametrize(
    "url", ["https://linkedin.com/company/acme", "https://evil.com/in/x", "ftp://linkedin.com/in/x"]
)
def test_non_profile_linkedin_urls_are_refused(url: str) -> None:
    with pytest.raises(Invalid):
        cards.normalize_linkedin(url)


def test_phone_numbers_are_stored_in_e164_and_need_a_country() -> None:
    assert cards.normalize_phone("+49 151 1234 5678") == "+4915112345678"
    with pytest.raises(Invalid) as caught:
        cards.normalize_phone("0151 1234 5678")  # no default region configured
    assert caught.value.code == "bad_phone"


def test_default_region_reads_national_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.settings import get_settings

    monkeypatch.setattr(get_settings(), "default_phone_region", "DE")
    assert cards.normalize_phone("0151 1234 5678") == "+4915112345678"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org", "data:text/html,x"])
def test_only_http_urls_are_accepted(url: str) -> None:
    with pytest.raises(Invalid) as caught:
        cards.normalize_url(url)
    assert caught.value.code == "bad_url"


async def test_same_client_id_twice_returns_the_first_contact(db: AsyncSession) -> None:
    me = await factories.user(db)
    data = ContactIn(id="00000000-0000-4000-8000-000000000001", name="Ada Lovelace")
    first = await contacts.add_contact(db, user=me, data=data)
    again = await contacts.add_contact(db, user=me, data=data)
    assert first.created and not again.created
    assert again.contact.id == first.contact.id
    assert await _count(db) == 1


async def test_matching_email_or_linkedin_is_offered_as_a_merge(db: AsyncSession) -> None:
    me = await factories.user(db)
    existing = await factories.contact(
        db, owner=me, name="Ada", email="Ada@Example.org", linkedin_url="linkedin.com/in/ada"
    )
    with pytest.raises(contacts.PossibleDuplicate) as by_email:
        await contacts.add_contact(db, user=me, data=ContactIn(name="A.", email="ada@example.org"))
    assert by_email.value.existing_id == existing.id
    with pytest.raises(contacts.PossibleDuplicate):
        await contacts.add_contact(
            db, user=me, data=ContactIn(linkedin_url="https://www.linkedin.com/in/ada/?x=1")
        )
    assert await _count(db) == 1
    anyway = await contacts.add_contact(
        db,
        user=me,
        data=ContactIn(name="Other Ada", email="ada@example.org", on_duplicate="create"),
    )
    assert anyway.created and await _count(db) == 2


async def test_merge_fills_the_existing_contacts_empty_fields(db: AsyncSession) -> None:
    me = await factories.user(db)
    existing = await factories.contact(db, owner=me, name="Ada", email="ada@example.org")
    merged = await contacts.add_contact(
        db,
        user=me,
        data=ContactIn(
            name="Ada L.",
            email="ada@example.org",
            company="Analytical Engines",
            on_duplicate="merge",
            merge_into=existing.id,
        ),
    )
    assert not merged.created and merged.contact.id == existing.id
    assert (merged.contact.name, merged.contact.company) == ("Ada", "Analytical Engines")


async def test_other_peoples_contacts_never_count_as_duplicates(db: AsyncSession) -> None:
    me, other = await factories.user(db), await factories.user(db)
    await factories.contact(db, owner=other, name="Ada", email="ada@example.org")
    added = await contacts.add_contact(db, user=me, data=ContactIn(email="ada@example.org"))
    assert added.created and added.contact.name == "ada@example.org"


async def test_vcard_qr_payload_becomes_a_contact_with_warnings(db: AsyncSession) -> None:
    me = await factories.user(db)
    payload = (FIXTURES / "vcard" / "apple-ios-6.1.3-crcrlf-photo.vcf").read_text("utf-8")
    added = await contacts.import_payload(db, user=me, data=ImportIn(payload=payload))
    assert added.contact.source == "vcard"
    assert added.contact.name == "Bob Smith"
    assert added.contact.website == "https://www.smithauto.com"
    assert added.warnings  # "(650) 555-1212" has no country code


async def test_mecard_and_linkedin_payloads_become_contacts(db: AsyncSession) -> None:
    me = await factories.user(db)
    mecard = await contacts.import_payload(
        db, user=me, data=ImportIn(payload="MECARD:N:Owen,Sean;TEL:+12125658770;EMAIL:s@x.org;;")
    )
    assert (mecard.contact.name, mecard.contact.phone) == ("Sean Owen", "+12125658770")
    linked = await contacts.import_payload(
        db, user=me, data=ImportIn(payload="https://www.linkedin.com/in/jane-doe-4a1b2c3/")
    )
    assert linked.contact.source == "linkedin"
    assert linked.contact.name == "Jane Doe"
    assert linked.contact.linkedin_url == "https://www.linkedin.com/in/jane-doe-4a1b2c3"


@pytest.mark.parametrize(
    "payload",
    [
        (FIXTURES / "mecard" / "not-mecard.txt").read_text("utf-8"),
        (FIXTURES / "vcard-edge" / "missing-end-truncated-2.1.vcf").read_text("utf-8"),
        (FIXTURES / "vcard-edge" / "empty-n-fn-android-3.0.vcf").read_text("utf-8"),
        "MECARD:;;",
        "hello there",
    ],
)
async def test_bad_payloads_give_a_clear_error_and_create_nothing(
    db: AsyncSession, payload: str
) -> None:
    me = await factories.user(db)
    with pytest.raises(Invalid) as caught:
        await contacts.import_payload(db, user=me, data=ImportIn(payload=payload))
    assert caught.value.detail
    assert await _count(db) == 0


async def test_vcf_file_import_is_all_or_nothing_and_skips_duplicates(db: AsyncSession) -> None:
    me = await factories.user(db)
    await factories.contact(db, owner=me, name="Arnold", email="asmithk@gmail.com")
    data = (FIXTURES / "vcard" / "gmail-export-list-3.0.vcf").read_bytes()
    done = await contact_files.import_vcard_file(db, user=me, data=data)
    assert [c.name for c in done.created] == ["Chris Beatle", "Doug White"]
    assert len(done.duplicates) == 1


async def test_my_edit_takes_a_field_out_of_the_shared_ones(db: AsyncSession) -> None:
    me = await factories.user(db)
    contact = await factories.contact(db, owner=me)
    contact.shared_fields = ["name", "company"]
    updated = await contacts.update_contact(
        db, user=me, contact_id=contact.id, data=ContactPatch(company="Mine Ltd")
    )
    assert updated.company == "Mine Ltd"
    assert updated.shared_fields == ["name"]


async def test_lists_sort_by_warmth_and_name_and_filter_by_tag(db: AsyncSession) -> None:
    me = await factories.user(db)
    cold = await factories.contact(db, owner=me, name="Cold Carl")
    hot = await factories.contact(db, owner=me, name="Hot Hana")
    none = await factories.contact(db, owner=me, name="Anne None")
    await factories.note(db, owner=me, contact_id=cold.id, warmth="cold", topics=["Batteries"])
    await factories.note(db, owner=me, contact_id=hot.id, warmth="hot")
    by_warmth, total = await contacts.list_contacts(db, user=me, sort="warmth")
    assert [c.id for c in by_warmth] == [hot.id, cold.id, none.id] and total == 3
    by_name, _ = await contacts.list_contacts(db, user=me, sort="name")
    assert [c.name for c in by_name] == ["Anne None", "Cold Carl", "Hot Hana"]
    tagged, total = await contacts.list_contacts(db, user=me, tag="batteries")
    assert [c.id for c in tagged] == [cold.id] and total == 1
