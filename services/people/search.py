"""Full-text search over my contacts and notes: SQLite FTS5 on the embedded default, a weighted
'simple' tsvector with a GIN index on PostgreSQL, behind one function: search_contacts.

Both are made by the migration (20261122_0003), not by the models: on SQLite the FTS5 table
`search_fts` follows `search_entries` through triggers; on PostgreSQL the stored generated
column `search_entries.search_fts_document` holds name (weight A), company and title (B) and
text (C)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import Contact, Note, SearchEntry, User

# Words of a question that say nothing about what to find ("who talked about X?").
QUESTION_WORDS = frozenset(
    {"who", "whom", "what", "which", "talked", "talk", "spoke", "mentioned", "about", "the",
     "a", "an", "of", "on", "in", "with", "and", "or", "did", "was", "were", "is", "me", "i",
     "my", "to", "for"}
)  # fmt: skip
MAX_ENTRIES = 300  # matching rows ranked (per query) before grouping them by contact


@dataclass(frozen=True)
class SearchHit:
    contact: Contact
    matched_in: str  # "name", "company" or "note"
    note_id: uuid.UUID | None
    snippet: str


def search_terms(query: str) -> list[str]:
    """The words to look for: letters and digits in any script, question words dropped."""
    words = [w for w in re.findall(r"\w+", query.casefold()) if len(w) < 60][:12]
    meaningful = [w for w in words if w not in QUESTION_WORDS]
    return meaningful or words


async def index_contact(session: AsyncSession, *, contact: Contact) -> None:
    """(Re)write the contact's own search row: name, company, title, headline, goals, interests."""
    await session.execute(
        delete(SearchEntry).where(
            SearchEntry.contact_id == contact.id, SearchEntry.note_id.is_(None)
        )
    )
    session.add(
        SearchEntry(
            owner_id=contact.owner_id,
            contact_id=contact.id,
            note_id=None,
            name=contact.name,
            org=" ".join(filter(None, (contact.company, contact.title))),
            body=" ".join([contact.headline, contact.goals, *contact.interests]).strip(),
        )
    )
    await session.flush()


async def index_contacts(session: AsyncSession, *, contacts: Sequence[Contact]) -> None:
    """index_contact for many contacts at once: one delete, one insert (a card's copies)."""
    if not contacts:
        return
    await session.execute(
        delete(SearchEntry).where(
            SearchEntry.contact_id.in_([c.id for c in contacts]), SearchEntry.note_id.is_(None)
        )
    )
    session.add_all(
        SearchEntry(
            owner_id=contact.owner_id,
            contact_id=contact.id,
            note_id=None,
            name=contact.name,
            org=" ".join(filter(None, (contact.company, contact.title))),
            body=" ".join([contact.headline, contact.goals, *contact.interests]).strip(),
        )
        for contact in contacts
    )
    await session.flush()


async def index_note(session: AsyncSession, *, note: Note, extra: list[str]) -> None:
    """(Re)write a note's search row: its text, next step, and the texts of its parts."""
    await session.execute(delete(SearchEntry).where(SearchEntry.note_id == note.id))
    session.add(
        SearchEntry(
            owner_id=note.owner_id,
            contact_id=note.contact_id,
            note_id=note.id,
            name="",
            org="",
            body="\n".join(filter(None, [note.text, note.next_step, *extra])),
        )
    )
    await session.flush()


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def snippet(body: str, terms: list[str], width: int = 80) -> str:
    """A short excerpt of `body` around the first term found (accent- and case-blind)."""
    flat = " ".join(body.split())
    folded = _fold(flat)
    # Folding can change lengths (e.g. ß); positions are only used when lengths agree.
    positions = (
        [folded.find(t) for t in (_fold(t) for t in terms)] if len(folded) == len(flat) else []
    )
    found = [p for p in positions if p >= 0]
    start = max(0, min(found) - width // 3) if found else 0
    excerpt = flat[start : start + width]
    return ("…" if start else "") + excerpt + ("…" if start + width < len(flat) else "")


Row = tuple[uuid.UUID, uuid.UUID | None, str, str, str, float]  # ids, texts, score (low = best)
SQLITE_SELECT = (
    "SELECT e.contact_id, e.note_id, e.name, e.org, e.body, "
    "bm25(search_fts, 20.0, 6.0, 1.0) AS score FROM search_fts "
    "JOIN search_entries e ON e.id = search_fts.rowid "
    "WHERE search_fts MATCH :match AND e.owner_id = :owner "
)


async def _ranked_sqlite(session: AsyncSession, owner_id: uuid.UUID, terms: list[str]) -> list[Row]:
    # Every term must match; the last is a prefix, for search as you type.
    match = " AND ".join([*(f'"{t}"' for t in terms[:-1]), f'"{terms[-1]}"*'])
    params = {"owner": owner_id.hex, "limit": MAX_ENTRIES}
    # Matches in names and companies, ranked; then the newest matching entries of any kind,
    # scored but not sorted by score in SQL: bm25 is then computed for at most MAX_ENTRIES rows
    # instead of for every match (a common word can match thousands of notes).
    found = list(
        await session.execute(
            text(SQLITE_SELECT + "ORDER BY score LIMIT :limit"),
            {**params, "match": f"{{name org}} : ({match})"},
        )
    )
    found += await session.execute(
        text(SQLITE_SELECT + "ORDER BY search_fts.rowid DESC LIMIT :limit"),
        {**params, "match": match},
    )
    return [
        (uuid.UUID(str(r[0])), uuid.UUID(str(r[1])) if r[1] else None, r[2], r[3], r[4], r[5])
        for r in found
    ]


async def _ranked_postgres(
    session: AsyncSession, owner_id: uuid.UUID, terms: list[str]
) -> list[Row]:
    tsquery = " & ".join([*terms[:-1], terms[-1] + ":*"])
    rows = await session.execute(
        text(
            "SELECT e.contact_id, e.note_id, e.name, e.org, e.body, "
            "-ts_rank('{0.05, 0.2, 0.5, 1.0}', e.search_fts_document, q) AS score "
            "FROM search_entries e, to_tsquery('simple', :q) q "
            "WHERE e.owner_id = :owner AND e.search_fts_document @@ q "
            "ORDER BY score LIMIT :limit"
        ),
        {"q": tsquery, "owner": owner_id, "limit": MAX_ENTRIES},
    )
    return [(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]


async def search_contacts(
    session: AsyncSession, *, user: User, query: str, limit: int = 20
) -> list[SearchHit]:
    """My contacts whose name, company, topics or notes match, best first, with a snippet."""
    terms = search_terms(query)
    if not terms:
        return []
    # Quotes and operators are gone: search_terms keeps word characters only.
    if session.get_bind().dialect.name == "sqlite":
        rows = await _ranked_sqlite(session, user.id, terms)
    else:
        rows = await _ranked_postgres(session, user.id, terms)
    # A match on the contact itself (name, company, title) ranks above any note's mention.
    rows.sort(key=lambda row: (row[1] is not None, row[5]))
    best: dict[uuid.UUID, tuple[uuid.UUID | None, str, str, str]] = {}
    for contact_id, note_id, name, org, body, _score in rows:
        if contact_id not in best:
            best[contact_id] = (note_id, name, org, body)
        if len(best) >= limit:
            break
    if not best:
        return []
    contacts = {
        c.id: c
        for c in await session.scalars(
            select(Contact).where(Contact.id.in_(best), Contact.owner_id == user.id)
        )
    }
    hits = []
    for contact_id, (note_id, name, org, body) in best.items():
        contact = contacts.get(contact_id)
        if contact is None:
            continue
        if note_id is not None:
            hits.append(SearchHit(contact, "note", note_id, snippet(body, terms)))
        elif any(_fold(t) in _fold(name) for t in terms):
            hits.append(SearchHit(contact, "name", None, name))
        else:
            hits.append(SearchHit(contact, "company", None, snippet(f"{org} {body}", terms)))
    return hits
