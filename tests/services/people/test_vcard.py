from __future__ import annotations

from pathlib import Path

import pytest
import vobject

from services.errors import Invalid
from services.people import vcard

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "contacts"
REAL_PHONES = sorted((FIXTURES / "vcard").glob("*.vcf"))
EDGE = sorted((FIXTURES / "vcard-edge").glob("*.vcf"))
# Edge files that must be refused (with a clear error) rather than guessed at.
REFUSED = {"missing-end-truncated-2.1.vcf": "vcard_truncated", "bom-only-empty.vcf": "bad_vcard"}


@pytest.mark.parametrize("path", REAL_PHONES, ids=lambda p: p.name)
def test_every_real_phone_export_parses_into_named_cards(path: Path) -> None:
    cards = vcard.parse_vcards(path.read_bytes())
    assert cards
    for card in cards:
        assert card.name or card.emails, card


def test_real_exports_give_the_expected_people() -> None:
    def first(name: str) -> vcard.ParsedCard:
        return vcard.parse_vcards((FIXTURES / "vcard" / name).read_bytes())[0]

    ios = first("apple-ios-6.1.3-crcrlf-photo.vcf")
    assert (ios.name, ios.company, ios.emails[0]) == (
        "Bob Smith",
        "Smith Auto Repair",
        "bob@smithauto.com",
    )
    assert first("rfc6350-example-4.0.vcf").phones[0] == "+1-418-656-9254"
    assert first("gmail-export-3.0.vcf").name == "Greg Dartmouth"
    android = vcard.parse_vcards(
        (FIXTURES / "vcard" / "android-2.1-quoted-printable-multi.vcf").read_bytes()
    )
    assert len(android) == 6
    assert android[2].name == "Ñ Ñ Ñ Ñ Ñ"  # quoted-printable UTF-8
    mixed = vcard.parse_vcards((FIXTURES / "vcard" / "mixed-versions-multi.vcf").read_bytes())
    assert [c.version for c in mixed] == ["4.0", "2.1", "3.0"]
    assert first("apple-ios-5.0.1-prodid.vcf").urls[0] == "http://www.ibm.com"  # http\://


@pytest.mark.parametrize("path", EDGE, ids=lambda p: p.name)
def test_edge_cases_parse_or_fail_clearly(path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(Invalid) as caught:
            vcard.parse_vcards(path.read_bytes())
        assert caught.value.code == REFUSED[path.name]
        assert "vCard" in caught.value.detail or "card" in caught.value.detail
    else:
        assert vcard.parse_vcards(path.read_bytes())


def test_edge_cases_decode_their_charsets() -> None:
    def names(name: str) -> list[str]:
        return [c.name for c in vcard.parse_vcards((FIXTURES / "vcard-edge" / name).read_bytes())]

    assert names("utf16le-bom-3.0.vcf")[0] == "Folker Kinzel"
    assert names("unknown-charset-2.1.vcf") == ["Sören Täve Nüßlebaum"]
    assert names("nested-vcards-2.1.vcf") == ["nest1", "nest2", "parent"]
    assert names("no-version.vcf") == ["Roid Ando"]
    assert names("shift-jis-quoted-printable-2.1.vcf")[0].startswith("安藤")
    bad_fold = vcard.parse_vcards((FIXTURES / "vcard-edge" / "bad-folding-2.1.vcf").read_bytes())
    assert bad_fold[0].emails == ["omega@example.com"]


def test_mecard_samples_parse_with_both_comma_conventions() -> None:
    lines = (FIXTURES / "mecard" / "mecard-samples.txt").read_text("utf-8").splitlines()
    names = [vcard.parse_mecard(line).name for line in lines]
    assert names[0] == "Sean Owen"
    assert names[1] == "Google 411"
    assert names[2] == "測試"
    assert names[7] == "Max Mustermann"  # N:Mustermann,Max
    assert names[11] == "John Doe"  # N:Doe\,John
    assert names[12] == "O;Brien"
    assert vcard.parse_mecard(lines[13]).urls == ["https://john.dev"]
    assert vcard.parse_mecard(lines[10]).phones == ["+1", "+2"]


def test_text_without_mecard_prefix_is_refused() -> None:
    text = (FIXTURES / "mecard" / "not-mecard.txt").read_text("utf-8")
    with pytest.raises(Invalid) as caught:
        vcard.parse_mecard(text)
    assert caught.value.code == "bad_mecard"


def test_folding_keeps_lines_within_75_octets_and_never_splits_a_character() -> None:
    line = "NOTE:" + "é" * 100 + "😀" * 30
    folded = vcard.fold_line(line)
    physical = folded.split("\r\n")[:-1]
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    for p in physical:
        p.encode("utf-8").decode("utf-8")  # each line is whole UTF-8 on its own
    assert "".join([physical[0], *(p[1:] for p in physical[1:])]) == line


def test_export_reads_back_with_vobject_field_by_field() -> None:
    card = vcard.ExportCard(
        uid="1",
        name="Zoë Ødegård-Müller",
        title="Head of R&D; Batteries",
        company="Acme, Inc.",
        email="zoe@example.org",
        phone="+4915112345678",
        linkedin_url="https://www.linkedin.com/in/zoe",
        website="https://example.org",
        note="Line one\nback\\slash, comma; semicolon " + "long " * 30,
        categories=["batteries", "recycling"],
    )
    text = vcard.export_vcard(card)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    parsed = vobject.readOne(text)
    assert parsed.fn.value == "Zoë Ødegård-Müller"
    assert parsed.n.value.given == "Zoë"
    assert parsed.n.value.family == "Ødegård-Müller"
    assert parsed.org.value == ["Acme, Inc."]
    assert parsed.title.value == "Head of R&D; Batteries"
    assert parsed.email.value == "zoe@example.org"
    assert parsed.tel.value == "+4915112345678"
    assert parsed.note.value == card.note
    assert parsed.categories.value == ["batteries", "recycling"]
    urls = sorted(u.value for u in parsed.contents["url"])
    assert urls == ["https://example.org", "https://www.linkedin.com/in/zoe"]
