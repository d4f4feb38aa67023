"""The words of the two introduction mails: the request each person gets first, and the
introduction itself once both said yes. Plain text. Names are put on one line wherever they
appear (the subject is cleaned again when queued, services.mail), so no name can add a header
or pass for a line of the mail's own; only the reason keeps the lines it was written with."""

from __future__ import annotations

from datetime import datetime

from services.mail import clean_header as one_line
from services.models import IntroductionParty


def day(moment: datetime) -> str:
    """A date people read without thinking: "17 December 2026"."""
    return f"{moment.day} {moment:%B %Y}"


def describe(party: IntroductionParty) -> str:
    """ "Eli Example, CTO at Volta": the name with what the introducer knows of their role."""
    name, title, company = (one_line(v) for v in (party.name, party.title, party.company))
    described = f"{name}, {title}" if title else name
    return f"{described} at {company}" if company else described


def _quoted(reason: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in reason.splitlines())


def request(
    *,
    introducer: str,
    to: IntroductionParty,
    other: IntroductionParty,
    reason: str,
    url: str,
    expires_at: datetime,
) -> tuple[str, str]:
    """Subject and body of the mail that asks one of the two first."""
    introducer, name, other_name = one_line(introducer), one_line(to.name), one_line(other.name)
    subject = f"{introducer} would like to introduce you to {other_name}"
    body = (
        f"Hello {name},\n\n"
        f"{introducer} would like to introduce you to {describe(other)}.\n\n"
        f"Why {introducer} thinks you should meet:\n\n"
        f"{_quoted(reason)}\n\n"
        f"Would you like that? Answer here (one tap, no account needed):\n\n"
        f"{url}\n\n"
        f"Only if you both say yes does each of you get an email with the other's name and "
        f"email address. If you say no, {other_name} is not told; {introducer} sees your "
        f"answer.\n\n"
        f"This request expires on {day(expires_at)}. If you do not know {introducer}, ignore "
        f"this mail.\n\n"
        f"Sent by Rapport for {introducer}.\n"
    )
    return subject, body


def introduced(
    *, introducer: str, to: IntroductionParty, other: IntroductionParty, reason: str
) -> tuple[str, str]:
    """Subject and body of the introduction one of the two gets once both said yes."""
    introducer, name, other_name = one_line(introducer), one_line(to.name), one_line(other.name)
    subject = f"Introduction: meet {other_name}"
    body = (
        f"Hello {name},\n\n"
        f"You and {other_name} both said yes, so here is the introduction {introducer} asked "
        f"for.\n\n"
        f"    {describe(other)}\n"
        f"    {other.email}\n\n"
        f"Why {introducer} thought you should meet:\n\n"
        f"{_quoted(reason)}\n\n"
        f"Write to {other_name} at {other.email} to say hello. Replying to this mail reaches "
        f"{introducer}.\n\n"
        f"Sent by Rapport for {introducer}.\n"
    )
    return subject, body
