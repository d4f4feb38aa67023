"""How a look-for entry matches a person: on whole words, ignoring case and accents, and only
against the fields the caller hands in (for someone in a directory, what their card shares;
for one of my contacts, what I hold of them).

"ai" finds "AI" and "Ai Weiwei" but not "Thailand"; "Muller" finds "Müller"; "battery
recycling" finds a headline that says "we do Battery Recycling in Lyon", the words together
and in that order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.events.listing import Phrase, words
from services.models import LookForKind

__all__ = ["FIELDS", "Phrase", "Profile", "contains", "key", "words"]

# What each kind of entry looks at.
FIELDS: dict[str, tuple[str, ...]] = {
    LookForKind.person: ("name",),
    LookForKind.company: ("company",),
    LookForKind.topic: ("interests", "headline", "goals"),
}
# (words(), the folding, lives in services.events.listing: the directory's rows use it too.)


def key(text: str) -> str:
    """What two entries that mean the same compare by ("Mona  Berg" and "mona berg")."""
    return " ".join(words(text))


def contains(haystack: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether the phrase's words stand together, in order, among the haystack's words."""
    n = len(phrase)
    if not n:
        return False
    return any(tuple(haystack[i : i + n]) == tuple(phrase) for i in range(len(haystack) - n + 1))


@dataclass(frozen=True)
class Profile:
    """The words of each field one person shows, worked out once for many entries."""

    fields: dict[str, list[Phrase]]

    @classmethod
    def of(cls, shown: Mapping[str, Any]) -> Profile:
        """From a dict of fields (a shared card's view, or a contact's columns)."""
        fields: dict[str, list[Phrase]] = {}
        for names in FIELDS.values():
            for name in names:
                value = shown.get(name) or ""
                texts = value if isinstance(value, list) else [value]
                fields[name] = [words(text) for text in texts]
        return cls(fields)

    def matches(self, kind: str, phrase: Phrase) -> bool:
        """Whether an entry of this kind and these words finds this person."""
        return any(contains(value, phrase) for name in FIELDS[kind] for value in self.fields[name])
