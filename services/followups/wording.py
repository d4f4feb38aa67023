"""How what I noted reads in a follow-up: whole sentences made from the facts of a conversation,
with several ways of saying each so that the drafts of one event do not all open alike.

A personal detail is turned into English by its kind ("daughter graduates in June", family →
"I hope your daughter's graduation in June goes well."); health details never become a sentence.
The rules are small and predictable on purpose: the note editor shows the sentence as it is
typed (`sentence_preview`, through the API), so the user writes the phrase that reads well.
Every function here is pure; drafting (`services.followups.drafts`) calls them per contact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.followups.draft_facts import NEVER_DRAFTED, as_resource
from services.models import DetailKind

# --- Choosing a phrasing -----------------------------------------------------------------------

# Openings by second sentences: every choice below CHOICES gives a different pair.
CHOICES = 20


def stable_choice(seed: str) -> int:
    """A number in [0, CHOICES) that depends only on `seed` (a contact's id), the same on every
    run and every machine (unlike Python's hash())."""
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:4], "big") % CHOICES


def spread_choices(seeds: Iterable[str]) -> dict[str, int]:
    """A choice per seed, each seed's stable choice where free, else the next free one: in one
    drafting run, up to CHOICES drafts never share their opening pair of sentences."""
    taken: set[int] = set()
    chosen: dict[str, int] = {}
    for seed in sorted(set(seeds), key=lambda s: (stable_choice(s), s)):
        choice = stable_choice(seed)
        if len(taken) < CHOICES:
            while choice in taken:
                choice = (choice + 1) % CHOICES
        taken.add(choice)
        chosen[seed] = choice
    return chosen


def _pick(options: tuple[str, ...], choice: int) -> str:
    return options[choice % len(options)]


def _second(options: tuple[str, ...], choice: int) -> str:
    # The second sentence turns with the opening's quotient: (choice % 5, choice // 5) differ
    # for every choice below CHOICES as long as each list has at least 4 entries.
    return options[(choice // len(OPENINGS)) % len(options)]


# --- Small pieces of grammar -------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DETERMINERS = _words("the a an my our your his her their this that these those some any its")
# Who the detail is about is the reader: "her daughter" → "your daughter".
_TO_YOU = {
    "his": "your",
    "her": "your",
    "their": "your",
    "him": "you",
    "them": "you",
    "he": "you",
    "she": "you",
    "they": "you",
    "himself": "yourself",
    "herself": "yourself",
    "he's": "you're",
    "she's": "you're",
    "they're": "you're",
    "hers": "yours",
    "theirs": "yours",
}
# Words after which "her" was the person, not their possessive ("introduce her to Jonas").
_AFTER_OBJECT = _words("to about with for at in on and a an the some this that up back")
_AFTER_YOU = {"is": "are", "was": "were", "has": "have", "does": "do"}
_WORD = re.compile(r"[A-Za-z']+|[^A-Za-z']+")


def _case_like(word: str, model: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def to_second_person(text: str) -> str:
    """The detail as said to its subject: "her son is starting at Oxford" → "your son is
    starting at Oxford", "she is moving to Lyon" → "you are moving to Lyon"."""
    parts = _WORD.findall(text)
    words = [part.lower() for part in parts if part.strip()]
    out: list[str] = []
    after_you = False
    seen = 0
    for part in parts:
        lower = part.lower()
        if part.strip():
            seen += 1
        if lower == "her" and (seen == len(words) or words[seen] in _AFTER_OBJECT):
            out.append(_case_like("you", part))  # "introduce her to Jonas"
            continue
        if after_you and lower in _AFTER_YOU:
            out.append(_case_like(_AFTER_YOU[lower], part))
            after_you = False
            continue
        if lower in _TO_YOU:
            replaced = _TO_YOU[lower]
            out.append(_case_like(replaced, part))
            after_you = replaced == "you"
            continue
        if part.strip():
            after_you = False
        out.append(part)
    return "".join(out)


def _starts_lower(text: str, names: frozenset[str]) -> str:
    # "Daughter graduates" → "daughter graduates"; names (a known one, or a possessive like
    # "Marta's"), acronyms, days, months and "I" keep their capital.
    match = re.match(r"[A-Za-z']+", text)
    if not match:
        return text
    word = match.group(0)
    if (
        word in names
        or word == "I"
        or word.endswith("'s")
        or any(c.isupper() for c in word[1:])
        or _is_calendar(word)
    ):
        return text
    return text[0].lower() + text[1:]


_CALENDAR = _words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december"
)


def _is_calendar(word: str) -> bool:
    return word.lower() in _CALENDAR and word[:1].isupper()


def _clean(text: str) -> str:
    # One line, no closing full stop: the sentence around it brings its own.
    return " ".join(text.split()).rstrip(" .;,!")


def with_determiner(phrase: str, *, default: str = "your") -> str:
    """`phrase` with a possessive or article in front when it has none: "promotion to CTO" →
    "your promotion to CTO", "the EU tender" stays."""
    first = phrase.split(" ", 1)[0].lower()
    if first in _DETERMINERS or first.endswith("'s") or first[:1].isdigit():
        return phrase
    if phrase[:1].isupper():  # a name: "Lagos in May", "Marta's team"
        return phrase
    return f"{default} {phrase}"


# --- Personal details, by kind ---------------------------------------------------------------

_RELATIONS = _words(
    "daughter daughters son sons kid kids child children wife husband partner fiance fiancee "
    "fiancé fiancée mother father mum mom dad parents brother sister baby family twins "
    "grandson granddaughter grandchild grandchildren niece nephew"
)
# A family event said as a verb, and the same event as a noun.
_EVENT_NOUNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^(?:is\s+|are\s+)?{verb}\b", re.IGNORECASE), noun)
    for verb, noun in (
        ("graduat(?:es|ing|e)", "graduation"),
        ("(?:gets|getting|get) married", "wedding"),
        ("marr(?:ies|ying|y)", "wedding"),
        ("retir(?:es|ing|e)", "retirement"),
        ("(?:is due|due|arriv(?:es|ing|e))", "arrival"),
        ("(?:starts|starting|start) (?:school|university|college)", "first term"),
        ("(?:moves|moving|move) house", "move"),
    )
)
# Verbs that make a milestone news ("won the tender"), and those that need "were" before them.
_NEWS_VERBS = _words(
    "is are was were has have had just will won wins got gets became becomes made makes took "
    "takes hit hits raised raises launched launches joined joins started starts finished "
    "closed opened sold published passed completed moved turned turns reached celebrated "
    "celebrates hired signed bought built founded"
)
_PASSIVE = _words("promoted elected appointed nominated awarded named shortlisted")


def _family(text: str) -> tuple[str, str]:
    """("noun", phrase) for an event ("your daughter's graduation in June"), ("clause", ...)
    for a statement ("your son is starting at Oxford"), or ("thing", ...) otherwise."""
    words = text.split(" ")
    start = 1 if words[0].lower() in ("your", "my") else 0
    relation = words[start].lower() if len(words) > start else ""
    if relation.endswith(("'s", "s'")) and relation[:-2].rstrip("'") in _RELATIONS | {"kid"}:
        return "noun", "your " + " ".join(words[start:])
    if relation not in _RELATIONS:
        return "thing", with_determiner(text)
    who = "your " + words[start]
    rest = " ".join(words[start + 1 :])
    for pattern, noun in _EVENT_NOUNS:
        match = pattern.match(rest)
        if match:
            tail = rest[match.end() :]
            whose = who + ("'" if who.endswith("s") else "'s")
            return "noun", f"{whose} {noun}{tail}"
    if not rest:
        return "thing", who
    return "clause", f"{who} {rest}"


_HOBBY_LEAD = re.compile(
    r"^(?:(?:really\s+|big\s+)?(?:loves|likes|enjoys|is into|into|keen on|fan of|a fan of"
    r"|big fan of|does)\s+)",
    re.IGNORECASE,
)
_DOUBLE = _words("run swim jog row shop dig")


def _gerund(verb: str) -> str:
    base = verb[:-2] if verb.endswith(("ches", "shes", "sses", "xes")) else verb[:-1]
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base in _DOUBLE:
        return base + base[-1] + "ing"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def _hobby(text: str) -> str:
    """The hobby as an activity: "plays the cello" → "playing the cello", "loves sailing" →
    "sailing"."""
    text = _HOBBY_LEAD.sub("", text)
    first, _, rest = text.partition(" ")
    if first.lower().endswith("s") and not first.lower().endswith("ss") and rest:
        first = _gerund(first.lower())
    return " ".join(part for part in (first, rest) if part)


_TRIP_VERB = re.compile(
    r"^(?:is\s+|are\s+)?(?:going|heading|travell?ing|flying|off|moving|visiting)"
    r"(?:\s+(?:to|back to))?\s+",
    re.IGNORECASE,
)
_TRIP_NOUN = re.compile(
    r"^(?:(?:a|the|your|my)\s+)?(?:(?:big|long|family|work|business|summer|winter)\s+)?"
    r"(?:trip|travels?|journey|holiday|vacation|visit|honeymoon|sabbatical|tour)\b",
    re.IGNORECASE,
)


def _trip(text: str) -> str:
    """The trip as "your trip to …": "going to Lagos in May" → "your trip to Lagos in May"."""
    verb = _TRIP_VERB.match(text)
    if verb:
        return "your trip to " + text[verb.end() :]
    noun = _TRIP_NOUN.match(text)
    if noun:
        words = text.split(" ")
        if words[0].lower() in ("a", "the", "your", "my"):
            words = words[1:]
        return "your " + " ".join([words[0].lower(), *words[1:]])
    if text[:1].isupper():  # a place: "Lagos in May"
        return "your trip to " + text
    return with_determiner(text)


def _milestone(text: str) -> tuple[str, str]:
    """("clause", …) for news ("Marta's team won the EU tender", "just got promoted" → "you
    just got promoted"), ("noun", …) for a thing ("your promotion to CTO")."""
    words = [word.lower() for word in text.split(" ")]
    if words[0] in _PASSIVE:
        return "clause", "you were " + text
    if words[0] in _NEWS_VERBS:
        return "clause", "you " + text
    if any(word in _NEWS_VERBS or word in _PASSIVE for word in words[1:4]):
        return "clause", text
    return "noun", with_determiner(text)


_SENTENCES: dict[str, tuple[str, ...]] = {
    "event": (
        "I hope {} goes well.",
        "Best wishes for {}.",
        "All the best for {}.",
    ),
    "family_thing": ("Best wishes for {}.", "All the best with {}.", "Warm wishes for {}."),
    "family_clause": (
        "Good to hear {}: I hope all goes well.",
        "I was glad to hear {}; all the best.",
        "You mentioned {}: I hope it all goes well.",
    ),
    "trip": ("I hope you enjoy {}.", "Have a wonderful time on {}.", "Safe travels on {}."),
    "hobby": (
        "I hope you find time for {} soon.",
        "I hope there is time for {} this weekend.",
        "Enjoy {} when you next get the chance.",
    ),
    "milestone_noun": (
        "Congratulations on {}.",
        "Congratulations again on {}.",
        "Well done on {}.",
    ),
    "milestone_clause": (
        "I was so glad to hear that {}.",
        "Congratulations again: great news that {}.",
        "Great news that {}, congratulations.",
    ),
    "other": ("You mentioned {}: I hope it goes well.", "I remember you mentioned {}."),
}


def detail_sentence(
    kind: str, text: str, *, choice: int = 0, names: frozenset[str] = frozenset()
) -> str:
    """The sentence a personal detail makes in a draft (without "P.S."), or "" for a kind that
    is never drafted or an empty detail."""
    raw = text
    text = _clean(text)
    if not text or kind in NEVER_DRAFTED:
        return ""
    text = to_second_person(_starts_lower(text, names))
    if kind == DetailKind.family:
        shape, phrase = _family(text)
        key = {"noun": "event", "clause": "family_clause", "thing": "family_thing"}[shape]
    elif kind == DetailKind.trip:
        key, phrase = "trip", _trip(to_second_person(_clean(raw)))
    elif kind == DetailKind.hobby:
        key, phrase = "hobby", _hobby(text)
    elif kind == DetailKind.milestone:
        shape, phrase = _milestone(text)
        key = f"milestone_{shape}"
    else:
        key, phrase = "other", text
    return _capital(_pick(_SENTENCES[key], choice).format(phrase))


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


# --- The other facts: opening, topic, promise, next step ---------------------------------------

OPENINGS: tuple[str, ...] = (
    "It was good to meet you{where}.",
    "Thank you for the conversation{where}.",
    "I really enjoyed our chat{where}.",
    "It was a pleasure to meet you{where}.",
    "I am glad we got talking{where}.",
)
TOPIC_SENTENCES: tuple[str, ...] = (
    "I have been thinking about what you said about {} since.",
    "What you said about {} has stayed with me.",
    "I keep coming back to our conversation about {}.",
    "I learned a lot from what you told me about {}.",
    "Your thoughts on {} gave me plenty to think about.",
)
RESOURCE_SENTENCES: tuple[str, ...] = (
    "As promised, here is the link to {thing}: {link}",
    "Here is the link to {thing} that I promised you: {link}",
    "I said I would send you {thing}, so here is the link: {link}",
    "You can find {thing} here, as promised: {link}",
)
PROMISE_SENTENCES: tuple[str, ...] = (
    "I have not forgotten what I promised: {promise}.",
    "I am on what I promised: {promise}.",
    "About what I promised ({promise}): it is in hand.",
    "One thing I promised: {promise}. I am on it.",
)
NEXT_STEP_SENTENCES: tuple[str, ...] = (
    "As a next step: {}.",
    "Next, as we said: {}.",
    "What we said we would do next: {}.",
    "The next step we talked about: {}.",
)
STAY_IN_TOUCH: tuple[str, ...] = (
    "Let's stay in touch.",
    "I hope our paths cross again soon.",
    "I would be glad to keep in touch.",
    "It would be good to stay in touch.",
)
PICK_UP: tuple[str, ...] = (
    "I would like to pick up where we left off{on}.",
    "I would love to continue our conversation{about}.",
    "Shall we carry on our talk{about}?",
    "I would be glad to take our conversation{about} further.",
)
ASK_SENTENCES: tuple[str, ...] = (
    "I would be glad to hear what you make of it.",
    "Let me know what you think of it.",
    "I would love to hear your view on it.",
)
_INFINITIVE = re.compile(r"^to\s+", re.IGNORECASE)


def opening(*, event: str, met_on: str, choice: int) -> str:
    """The first sentence: where and when we met, said one of several ways."""
    where = (f" at {event}" if event else "") + (f" on {met_on}" if met_on else "")
    return _pick(OPENINGS, choice).format(where=where)


def topic_sentence(topic: str, *, choice: int, names: frozenset[str] = frozenset()) -> str:
    """A sentence about what we talked about, or "" without a topic."""
    topic = _starts_lower(_clean(topic), names)
    return _second(TOPIC_SENTENCES, choice).format(topic) if topic else ""


def resource_sentence(thing: str, link: str, *, choice: int) -> str:
    """The promised thing and its link ("[link]" when I noted none: approval refuses it)."""
    thing = with_determiner(_clean(thing), default="the")
    return _second(RESOURCE_SENTENCES, choice).format(thing=thing, link=link or "[link]")


def promise_sentence(promise: str, link: str, *, choice: int, names: frozenset[str]) -> str:
    """A promise that is not a thing to send, named in my words (with its link if I noted one)."""
    text = _INFINITIVE.sub("", to_second_person(_starts_lower(_clean(promise), names)))
    if not text:
        return ""
    sentence = _second(PROMISE_SENTENCES, choice).format(promise=text)
    return f"{sentence} Here is the link: {link}" if link else sentence


def next_step_sentence(next_step: str, *, choice: int, names: frozenset[str]) -> str:
    """The next step we agreed, or ""."""
    text = to_second_person(_starts_lower(_clean(next_step), names))
    return _second(NEXT_STEP_SENTENCES, choice).format(text) if text else ""


def stay_in_touch(*, choice: int) -> str:
    """A last line for a message with nothing more to say."""
    return _second(STAY_IN_TOUCH, choice)


def pick_up(topic: str, *, choice: int, names: frozenset[str] = frozenset()) -> str:
    """Wanting to carry on the conversation (on its topic, when I noted one)."""
    topic = _starts_lower(_clean(topic), names)
    on, about = (f" on {topic}", f" about {topic}") if topic else ("", "")
    return _second(PICK_UP, choice).format(on=on, about=about)


def ask_sentence(*, choice: int) -> str:
    """Asking what they make of what I sent."""
    return _pick(ASK_SENTENCES, choice)


# --- The sentence shown while a note is written ------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What the default draft will say of one thing being written, or why it will say nothing."""

    sentence: str
    note: str = ""


def sentence_preview(
    *, part: str, text: str, kind: str | None = None, link: str = "", choice: int = 0
) -> Preview:
    """The sentence the default draft makes of one part of a note as it is typed: a personal
    detail (with its kind), a topic, a promise or a next step; `choice` is the contact's own
    (`stable_choice` of its id), which its draft uses unless another draft of the same run
    already took that number."""
    if not _clean(text):
        return Preview(sentence="")
    if part == "detail":
        if kind in NEVER_DRAFTED:
            why = (
                "Health details stay out of drafts: add it by hand if you want to."
                if kind == DetailKind.health
                else "Birthdays go to your reminders, not to the draft."
            )
            return Preview(sentence="", note=why)
        return Preview(sentence="P.S. " + detail_sentence(kind or "", text, choice=choice))
    if part == "topic":
        return Preview(sentence=topic_sentence(text, choice=choice))
    if part == "next_step":
        return Preview(sentence=next_step_sentence(text, choice=choice, names=frozenset()))
    # A promise: a thing to send gets its link; anything else is named.
    thing = as_resource(text)
    if thing:
        return Preview(sentence=resource_sentence(thing, link, choice=choice))
    return Preview(sentence=promise_sentence(text, link, choice=choice, names=frozenset()))
