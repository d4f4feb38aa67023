"""The words of the two introduction mails: the request each person gets first, and the
introduction itself once both said yes. Plain text; the subject is cleaned of line breaks when
queued (services.mail), so names cannot add headers."""

from __future__ import annotations

from datetime import datetime

from services.models import IntroductionParty


def day(moment: datetime) -> str:
    """A date people read without thinking: "17 December 2026"."""
    return f"{moment.day} {moment:%B %Y}"


def describe(party: IntroductionParty) -> str:
    """ "Eli Example, CTO at Volta": the name with what the introducer knows of their role."""
    described = f"{party.name}, {party.title}" if party.title else party.name
    return f"{described} at {party.company}" if party.company else described


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
    subject = f"{introducer} would like to introduce you to {other.name}"
    body = (
        f"Hello {to.name},\n\n"
        f"{introducer} would like to introduce you to {describe(other)}.\n\n"
        f"Why {introducer} thinks you should meet:\n\n"
        f"{_quoted(reason)}\n\n"
        f"Would you like that? Answer here (one tap, no account needed):\n\n"
        f"{url}\n\n"
        f"Only if you both say yes does each of you get an email with the other's name and "
        f"email address. If you say no, {other.name} is not told; {introducer} sees your "
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
    subject = f"Introduction: meet {other.name}"
    body = (
        f"Hello {to.name},\n\n"
        f"You and {other.name} both said yes, so here is the introduction {introducer} asked "
        f"for.\n\n"
        f"    {describe(other)}\n"
        f"    {other.email}\n\n"
        f"Why {introducer} thought you should meet:\n\n"
        f"{_quoted(reason)}\n\n"
        f"Write to {other.name} at {other.email} to say hello. Replying to this mail reaches "
        f"{introducer}.\n\n"
        f"Sent by Rapport for {introducer}.\n"
    )
    return subject, body
