"""vCard 2.1 / 3.0 / 4.0 and MECARD parsing (what phones and QR codes hold), and vCard 3.0
export (what iOS and Android contacts import).

The parser is deliberately forgiving where real exports differ from the RFCs (CR CR LF line
ends, folded 2.1 values, Outlook's backslash line continuation, comment lines, bare 2.1 types,
raw 8-bit text without a charset) and strict where guessing would invent data: a card cut off
before END:VCARD, or input holding no card at all, is refused with a plain-words error.
"""

from __future__ import annotations

import binascii
import codecs
import re
from dataclasses import dataclass, field

from schemas.common import without_control_characters
from services.errors import Invalid

LINE_BREAK = re.compile(rb"\r\r\n|\r\n|\n|\r")
PROPERTY_START = re.compile(rb"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?[;:]")


@dataclass
class Property:
    name: str
    params: dict[str, list[str]]
    raw: bytes

    def has(self, word: str) -> bool:
        """Whether a TYPE value (or a bare 2.1 parameter) equals `word`, case-insensitively."""
        word = word.upper()
        values = self.params.get("TYPE", []) + self.params.get("", [])
        return any(v.upper() == word for v in values) or ("PREF" in self.params and word == "PREF")


@dataclass
class ParsedCard:
    """The fields Rapport keeps from one vCard or MECARD (all text, not yet validated)."""

    name: str = ""
    title: str = ""
    company: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    note: str = ""
    version: str = ""


def _bad(detail: str, code: str = "bad_vcard") -> Invalid:
    return Invalid(detail, code=code)


def _to_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8")
    return data.removeprefix(codecs.BOM_UTF8)


def _split_params(head: bytes) -> tuple[str, dict[str, list[str]]]:
    """`item1.TEL;TYPE=CELL;PREF` -> ("TEL", {"TYPE": ["CELL"], "": ["PREF"]})."""
    text = head.decode("utf-8", errors="replace")
    parts, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    name = parts[0].rsplit(".", 1)[-1].upper()
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:  # a bare vCard 2.1 parameter such as CELL or QUOTED-PRINTABLE
            params.setdefault("", []).append(key.strip())
            continue
        values = (
            [v.strip().strip('"') for v in value.split(",")]
            if key.upper() == "TYPE"
            else [value.strip().strip('"')]
        )
        params.setdefault(key.strip().upper(), []).extend(values)
    return name, params


def _head_and_value(line: bytes) -> tuple[bytes, bytes]:
    """Split at the first colon that is not inside a double-quoted parameter value."""
    quoted = False
    for i, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return line[:i], line[i + 1 :]
    return line, b""


def _is_qp(params: dict[str, list[str]]) -> bool:
    words = [v.upper() for v in params.get("ENCODING", []) + params.get("", [])]
    return "QUOTED-PRINTABLE" in words


def _is_base64(params: dict[str, list[str]]) -> bool:
    words = [v.upper() for v in params.get("ENCODING", []) + params.get("", [])]
    return "BASE64" in words or "B" in words


def _logical_lines(data: bytes) -> list[bytes]:
    """Unfold physical lines into one line per property (see the module docstring)."""
    lines = LINE_BREAK.split(data)
    out: list[bytes] = []
    in_base64 = False
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            in_base64 = False
            continue
        if line[:1] in (b" ", b"\t"):
            if out:
                out[-1] += line[1:]
            continue
        if line.startswith(b"#"):
            continue
        if not PROPERTY_START.match(line):
            if out and (in_base64 or out[-1].endswith(b"\\")):
                out[-1] = out[-1][:-1] + b"\n" + line if out[-1].endswith(b"\\") else out[-1] + line
            continue  # otherwise stray text between properties: ignored
        head, _ = _head_and_value(line)
        _, params = _split_params(head)
        in_base64 = _is_base64(params)
        if _is_qp(params):
            # A quoted-printable soft break (= at the end) continues on the next non-blank line.
            while line.endswith(b"=") and i < len(lines):
                while i < len(lines) and not lines[i].strip():
                    i += 1
                if i >= len(lines) or (
                    PROPERTY_START.match(lines[i]) and not lines[i].startswith(b"=")
                ):
                    break
                line = line[:-1] + lines[i]
                i += 1
        out.append(line)
    return out


def _decode(prop_raw: bytes, params: dict[str, list[str]]) -> str:
    """A property's value as text, without control characters no database may hold."""
    return without_control_characters(_decode_raw(prop_raw, params))


def _decode_raw(prop_raw: bytes, params: dict[str, list[str]]) -> str:
    raw = binascii.a2b_qp(prop_raw) if _is_qp(params) else prop_raw
    charset = (params.get("CHARSET") or [""])[0]
    if charset:
        try:
            return raw.decode(codecs.lookup(charset).name, errors="replace")
        except LookupError:
            pass  # an unknown charset name: fall through to the usual guess
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _unescape(text: str) -> str:
    return re.sub(
        r"\\(.)",
        lambda m: "\n" if m.group(1) in "nN" else m.group(1),
        text,
        flags=re.DOTALL,
    )


def _components(text: str) -> list[str]:
    """A structured value (N, ORG) split on unescaped semicolons, each part unescaped."""
    parts = re.split(r"(?<!\\)((?:\\\\)*);", text)
    # re.split keeps the captured even runs of backslashes; glue them back to their part.
    joined: list[str] = []
    for index, piece in enumerate(parts):
        if index % 2 == 1:
            joined[-1] += piece
        else:
            joined.append(piece)
    return [_unescape(p).strip() for p in joined]


def _cards(data: bytes) -> list[list[Property]]:
    stack: list[list[Property]] = []
    cards: list[list[Property]] = []
    for line in _logical_lines(data):
        head, value = _head_and_value(line)
        name, params = _split_params(head)
        if name == "BEGIN" and value.strip().upper() == b"VCARD":
            stack.append([])
        elif name == "END" and value.strip().upper() == b"VCARD":
            if not stack:
                raise _bad("The vCard has an END:VCARD without a BEGIN:VCARD.")
            cards.append(stack.pop())
        elif stack:
            stack[-1].append(Property(name=name, params=params, raw=value))
    if stack:
        raise _bad(
            "The vCard stops before its END:VCARD line; it may be cut off. Export it again.",
            code="vcard_truncated",
        )
    if not cards:
        raise _bad("No contact card (BEGIN:VCARD … END:VCARD) was found in this input.")
    return cards


def _clean_email(text: str) -> str:
    match = re.search(r"<([^<>\s]+@[^<>\s]+)>", text)
    return (match.group(1) if match else text).strip()


def _card_from_properties(props: list[Property]) -> ParsedCard:
    card = ParsedCard()
    version = next((_decode(p.raw, p.params).strip() for p in props if p.name == "VERSION"), "")
    card.version = version or "2.1"
    fn = n = ""
    emails: list[tuple[bool, str]] = []
    phones: list[tuple[bool, str]] = []
    for prop in props:
        text = _decode(prop.raw, prop.params)
        if prop.name == "FN":
            fn = _unescape(text).strip()
        elif prop.name == "N":
            parts = [*_components(text), "", "", "", "", ""]
            family, given, middle, prefix, suffix = parts[:5]
            n = " ".join(p for p in (prefix, given, middle, family, suffix) if p)
        elif prop.name == "ORG" and not card.company:
            card.company = next((c for c in _components(text) if c), "")
        elif prop.name == "TITLE" and not card.title:
            card.title = _unescape(text).strip()
        elif prop.name == "EMAIL" and text.strip():
            emails.append((prop.has("PREF"), _clean_email(_unescape(text))))
        elif prop.name == "TEL" and text.strip():
            number = _unescape(text).strip()
            if number.lower().startswith("tel:"):
                number = number[4:].split(";", 1)[0]
            phones.append((prop.has("PREF") or prop.has("CELL"), number))
        elif prop.name in ("URL", "X-SOCIALPROFILE") and text.strip():
            card.urls.append(_unescape(text).strip())
        elif prop.name == "NOTE" and text.strip():
            card.note = "\n".join(filter(None, (card.note, _unescape(text).strip())))
    card.name = fn or n
    card.emails = [e for _, e in sorted(emails, key=lambda pair: not pair[0])]
    card.phones = [p for _, p in sorted(phones, key=lambda pair: not pair[0])]
    return card


def parse_vcards(data: bytes | str) -> list[ParsedCard]:
    """Every card in a vCard file or QR payload (2.1, 3.0 or 4.0); Invalid if there is none."""
    return [_card_from_properties(props) for props in _cards(_to_bytes(data))]


def _mecard_fields(body: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    current, escaped = "", False
    for char in body:
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            if current:
                key, _, value = current.partition(":")
                fields.append((key.strip().upper(), value))
            current = ""
        else:
            current += char
    if current.strip():
        key, _, value = current.partition(":")
        fields.append((key.strip().upper(), value))
    return fields


def _mecard_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse_mecard(payload: str) -> ParsedCard:
    """A MECARD QR payload (`MECARD:N:Owen,Sean;TEL:…;;`); Invalid if it is not one."""
    text = without_control_characters(payload.strip().removeprefix("\ufeff"))
    if not text[:7].upper() == "MECARD:":
        raise _bad("This is not a MECARD: it must start with “MECARD:”.", code="bad_mecard")
    card = ParsedCard(version="MECARD")
    for key, value in _mecard_fields(text[7:]):
        if key == "N":
            # "Owen,Sean" and "Doe\,John" both mean last name, first name.
            last, _, first = _mecard_unescape(value).partition(",")
            card.name = " ".join(p.strip() for p in (first, last) if p.strip())
        elif key == "ORG":
            card.company = _mecard_unescape(value).strip()
        elif key == "TEL" and value.strip():
            card.phones.append(_mecard_unescape(value).strip())
        elif key == "EMAIL" and value.strip():
            card.emails.append(_mecard_unescape(value).strip())
        elif key == "URL" and value.strip():
            card.urls.append(_mecard_unescape(value).strip())
        elif key in ("NOTE", "MEMO") and value.strip():
            card.note = _mecard_unescape(value).strip()
    if not (card.name or card.emails or card.phones):
        raise _bad("This MECARD holds no name, email or phone number.", code="bad_mecard")
    return card


# --- export ---------------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """vCard 3.0 TEXT escaping: backslash, comma, semicolon and newlines."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (UTF-8), never inside a character; CRLF ends."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # the continuation space counts toward the limit
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out) + "\r\n"


@dataclass
class ExportCard:
    uid: str
    name: str
    title: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""
    website: str = ""
    note: str = ""
    categories: list[str] = field(default_factory=list)


def split_name(name: str) -> tuple[str, str]:
    """(given, family): the last word is taken as the family name."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


def export_vcard(card: ExportCard) -> str:
    """One vCard 3.0, UTF-8, CRLF, folded at 75 octets."""
    given, family = split_name(card.name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:{escape_text(card.uid)}",
        f"FN:{escape_text(card.name)}",
        f"N:{escape_text(family)};{escape_text(given)};;;",
    ]
    if card.company:
        lines.append(f"ORG:{escape_text(card.company)}")
    if card.title:
        lines.append(f"TITLE:{escape_text(card.title)}")
    if card.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{card.email}")
    if card.phone:
        lines.append(f"TEL;TYPE=CELL:{card.phone}")
    if card.website:
        lines.append(f"URL:{card.website}")
    if card.linkedin_url:
        lines.append(f"item1.URL:{card.linkedin_url}")
        lines.append("item1.X-ABLabel:LinkedIn")
        lines.append(f"X-SOCIALPROFILE;TYPE=linkedin:{card.linkedin_url}")
    if card.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in card.categories))
    if card.note:
        lines.append(f"NOTE:{escape_text(card.note)}")
    lines.append("END:VCARD")
    return "".join(fold_line(line) for line in lines)
