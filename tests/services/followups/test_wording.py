# ruff: noqa: E501  (a table of whole sentences reads best one per line)
"""The default drafts read as written by hand: each kind of personal detail becomes a sentence
(possessives and articles right, nothing pasted as typed), health never appears, every default
template reads well with every mix of known and unknown facts, and twenty drafts from one event
never share their first two sentences."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import utcnow
from services.followups import drafts, wording
from services.followups.draft_facts import Known, as_resource
from services.followups.template_defaults import DEFAULT_TEMPLATES
from services.followups.templates import CompiledTemplate
from services.models import FollowUp
from tests import factories


@pytest.mark.parametrize(
    ("kind", "typed", "reads"),
    [
        ("family", "Daughter graduates in June", "I hope your daughter's graduation in June goes well."),
        ("family", "her son is starting at Oxford", "Good to hear your son is starting at Oxford: I hope all goes well."),
        ("family", "daughter's wedding in June", "I hope your daughter's wedding in June goes well."),
        ("family", "twins due in March", "I hope your twins' arrival in March goes well."),
        ("family", "new baby", "Best wishes for your new baby."),
        ("trip", "Going to Lagos in May", "I hope you enjoy your trip to Lagos in May."),
        ("trip", "Lagos in May", "I hope you enjoy your trip to Lagos in May."),
        ("trip", "Family holiday in Crete", "I hope you enjoy your family holiday in Crete."),
        ("hobby", "Sailing", "I hope you find time for sailing soon."),
        ("hobby", "plays the cello", "I hope you find time for playing the cello soon."),
        ("hobby", "loves climbing", "I hope you find time for climbing soon."),
        ("milestone", "Marta's team won the EU tender", "I was so glad to hear that Marta's team won the EU tender."),
        ("milestone", "Just got promoted", "I was so glad to hear that you just got promoted."),
        ("milestone", "promoted to VP", "I was so glad to hear that you were promoted to VP."),
        ("milestone", "Promotion to CTO", "Congratulations on your promotion to CTO."),
        ("milestone", "10 years at Acme", "Congratulations on 10 years at Acme."),
        ("health", "Knee surgery in March", ""),
        ("birthday", "Birthday", ""),
    ],
)  # fmt: skip
def test_each_kind_of_detail_reads_as_a_sentence(kind: str, typed: str, reads: str) -> None:
    assert wording.detail_sentence(kind, typed, choice=0) == reads


def test_a_detail_has_several_phrasings() -> None:
    said = {
        wording.detail_sentence("family", "Daughter graduates in June", choice=c) for c in range(3)
    }
    assert said == {
        "I hope your daughter's graduation in June goes well.",
        "Best wishes for your daughter's graduation in June.",
        "All the best for your daughter's graduation in June.",
    }


def test_the_live_sentence_is_the_drafts_own() -> None:
    detail = wording.sentence_preview(
        part="detail", kind="family", text="Daughter graduates in June"
    )
    assert detail.sentence == "P.S. I hope your daughter's graduation in June goes well."
    promise = wording.sentence_preview(part="promise", text="Send the slides", link="")
    assert promise.sentence == "As promised, here is the link to the slides: [link]"
    intro = wording.sentence_preview(part="promise", text="Introduce her to Jonas")
    assert intro.sentence == "I have not forgotten what I promised: introduce you to Jonas."
    health = wording.sentence_preview(part="detail", kind="health", text="Knee surgery")
    assert health.sentence == "" and "stay out of drafts" in health.note


@dataclass
class Someone:
    id: uuid.UUID = field(default_factory=lambda: uuid.UUID(int=5))
    event_id: uuid.UUID | None = None
    met_at: datetime = datetime(2026, 5, 12, 10, tzinfo=UTC)
    name: str = "Zoë Adeyemi"
    company: str = "Acme"
    email: str = "zoe@example.org"
    phone: str = ""
    linkedin_url: str = ""
    preferred_channel: str | None = None


SENDER = drafts.Sender(name="Ada Lovelace", headline="", signature="Ada", zone=ZoneInfo("UTC"))


def knows(
    topic: str = "",
    detail: tuple[str, str] = ("", ""),
    promise: str = "",
    link: str = "",
    next_step: str = "",
) -> Known:
    return Known(
        topic=topic,
        detail_kind=detail[0],
        personal_detail=detail[1],
        promise=promise,
        resource=as_resource(promise),
        link=link,
        next_step=next_step,
    )


NOTES: dict[str, Known | None] = {
    "everything": knows(
        "battery recycling",
        ("family", "Daughter graduates in June"),
        "Send the slides",
        "https://example.org/slides.pdf",
        "Coffee in Berlin next month",
    ),
    "nothing": None,
    "a trip": knows(detail=("trip", "Going to Lagos in May")),
    "an introduction promised": knows("grid batteries", promise="Introduce her to Jonas"),
    "a report without its link": knows(promise="Send the life-cycle report"),
    "a hobby and a next step": knows(detail=("hobby", "plays the cello"), next_step="Call in two weeks"),
    "a milestone": knows(detail=("milestone", "Marta's team won the EU tender")),
    "a health detail": knows(topic="Battery recycling", detail=("health", "Knee surgery")),
}  # fmt: skip

HI = "Hi Zoë,\n\nIt was good to meet you at DevConf on 12 May."
BYE = "\n\nAda\n"
CALL = (
    "\n\nWould you have half an hour for a call or a coffee in the next weeks? "
    "Tell me what suits you."
)
INTRO = " Since then I have thought of someone you should meet: [name], who [why they should talk]."
INTRO_END = "\n\nIf you are happy for me to introduce you, just reply and I will put you in touch."
GRADUATION = "\n\nP.S. I hope your daughter's graduation in June goes well."
LAGOS = "\n\nP.S. I hope you enjoy your trip to Lagos in May."
CELLO = "\n\nP.S. I hope you find time for playing the cello soon."
TENDER = "\n\nP.S. I was so glad to hear that Marta's team won the EU tender."
RECYCLING = "I have been thinking about what you said about battery recycling since."

# What a person wrote for each template and each note (phrasing choice 0).
EXPECTED: dict[tuple[str, str], str] = {
    ("everything", "resource"): HI + " As promised, here is the link to the slides: https://example.org/slides.pdf\n\nI would be glad to hear what you make of it. " + RECYCLING + GRADUATION + BYE,
    ("everything", "conversation"): HI + " " + RECYCLING + "\n\nAs a next step: coffee in Berlin next month.\n\nLet's stay in touch." + GRADUATION + BYE,
    ("everything", "meet_again"): HI + " I would like to pick up where we left off on battery recycling. As a next step: coffee in Berlin next month." + CALL + GRADUATION + BYE,
    ("everything", "introduction"): HI + INTRO + " You both care about battery recycling." + INTRO_END + BYE,
    ("nothing", "resource"): HI + " Here is the link I mentioned: [link]\n\nI would be glad to hear what you make of it." + BYE,
    ("nothing", "conversation"): HI + "\n\nLet's stay in touch." + BYE,
    ("nothing", "meet_again"): HI + " I would like to pick up where we left off." + CALL + BYE,
    ("nothing", "introduction"): HI + INTRO + INTRO_END + BYE,
    ("a trip", "resource"): HI + " Here is the link I mentioned: [link]\n\nI would be glad to hear what you make of it." + LAGOS + BYE,
    ("a trip", "conversation"): HI + "\n\nLet's stay in touch." + LAGOS + BYE,
    ("a trip", "meet_again"): HI + " I would like to pick up where we left off." + CALL + LAGOS + BYE,
    ("a trip", "introduction"): HI + INTRO + INTRO_END + BYE,
    ("an introduction promised", "resource"): HI + " I have not forgotten what I promised: introduce you to Jonas.\n\nI have been thinking about what you said about grid batteries since." + BYE,
    ("an introduction promised", "conversation"): HI + " I have been thinking about what you said about grid batteries since.\n\nLet's stay in touch." + BYE,
    ("an introduction promised", "meet_again"): HI + " I would like to pick up where we left off on grid batteries." + CALL + BYE,
    ("an introduction promised", "introduction"): HI + INTRO + " You both care about grid batteries." + INTRO_END + BYE,
    ("a report without its link", "resource"): HI + " As promised, here is the link to the life-cycle report: [link]\n\nI would be glad to hear what you make of it." + BYE,
    ("a report without its link", "conversation"): HI + "\n\nLet's stay in touch." + BYE,
    ("a report without its link", "meet_again"): HI + " I would like to pick up where we left off." + CALL + BYE,
    ("a report without its link", "introduction"): HI + INTRO + INTRO_END + BYE,
    ("a hobby and a next step", "resource"): HI + " Here is the link I mentioned: [link]\n\nI would be glad to hear what you make of it." + CELLO + BYE,
    ("a hobby and a next step", "conversation"): HI + "\n\nAs a next step: call in two weeks.\n\nLet's stay in touch." + CELLO + BYE,
    ("a hobby and a next step", "meet_again"): HI + " I would like to pick up where we left off. As a next step: call in two weeks." + CALL + CELLO + BYE,
    ("a hobby and a next step", "introduction"): HI + INTRO + INTRO_END + BYE,
    ("a milestone", "resource"): HI + " Here is the link I mentioned: [link]\n\nI would be glad to hear what you make of it." + TENDER + BYE,
    ("a milestone", "conversation"): HI + "\n\nLet's stay in touch." + TENDER + BYE,
    ("a milestone", "meet_again"): HI + " I would like to pick up where we left off." + CALL + TENDER + BYE,
    ("a milestone", "introduction"): HI + INTRO + INTRO_END + BYE,
    ("a health detail", "resource"): HI + " Here is the link I mentioned: [link]\n\nI would be glad to hear what you make of it. " + RECYCLING + BYE,
    ("a health detail", "conversation"): HI + " " + RECYCLING + "\n\nLet's stay in touch." + BYE,
    ("a health detail", "meet_again"): HI + " I would like to pick up where we left off on battery recycling." + CALL + BYE,
    ("a health detail", "introduction"): HI + INTRO + " You both care about battery recycling." + INTRO_END + BYE,
}  # fmt: skip


@pytest.mark.parametrize(("note", "kind"), list(EXPECTED), ids=lambda v: str(v))
def test_every_default_template_reads_as_a_person_would_write_it(note: str, kind: str) -> None:
    (template,) = [t for t in DEFAULT_TEMPLATES if t.kind == kind]
    filled = drafts.values_for(
        Someone(), NOTES[note], event_name="DevConf", sender=SENDER, choice=0
    )
    rendered = filled.render(CompiledTemplate(subject=template.subject, body=template.body))
    assert rendered.body == EXPECTED[(note, kind)]
    assert "Knee" not in rendered.body and "knee" not in rendered.subject


def test_every_template_covers_every_note() -> None:
    assert set(EXPECTED) == {(n, t.kind.value) for n in NOTES for t in DEFAULT_TEMPLATES}


@pytest.mark.parametrize("choice", range(wording.CHOICES))
@pytest.mark.parametrize("note", list(NOTES))
def test_every_phrasing_is_clean(note: str, choice: int) -> None:
    for template in DEFAULT_TEMPLATES:
        filled = drafts.values_for(
            Someone(), NOTES[note], event_name="", sender=SENDER, choice=choice
        )
        body = filled.render(CompiledTemplate(subject=template.subject, body=template.body)).body
        assert "  " not in body and " ." not in body and " ," not in body and ".." not in body
        assert "{" not in body and "None" not in body and "aughter graduates" not in body
        assert re.search(r"(^|[.!?]\s)[a-z]", body) is None  # no sentence in lower case


def _first_two_sentences(body: str, first_name: str) -> tuple[str, ...]:
    after_greeting = body.split("\n\n", 1)[1].replace(first_name, "NAME")
    return tuple(re.split(r"(?<=[.!?:])\s+", after_greeting.strip())[:2])


@pytest.mark.parametrize("note", ["a topic", "nothing at all"])
async def test_twenty_drafts_from_one_event_never_share_their_first_two_sentences(
    db: AsyncSession, note: str
) -> None:
    start = utcnow() - timedelta(days=1, hours=8)
    event = await factories.event(
        db, name="DevConf", starts_at=start, ends_at=start + timedelta(hours=8)
    )
    owner = await factories.user(db)
    for n in range(20):
        contact = await factories.met_contact(db, owner=owner, event=event, name=f"Sam Number{n}")
        if note == "a topic":  # the same note about everyone: only the phrasing can differ
            await factories.note(
                db, owner=owner, contact_id=contact.id, topics=["battery recycling"]
            )

    result = await drafts.draft_for_event(db, owner=owner, event_id=event.id)

    assert result.created == 20
    made = (await db.scalars(select(FollowUp).where(FollowUp.owner_id == owner.id))).all()
    openings = {_first_two_sentences(f.body, "Sam") for f in made}
    assert len(openings) == 20
