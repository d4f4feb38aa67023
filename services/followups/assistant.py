"""The optional writing assistant: "Rewrite in my voice" asks an OpenAI-compatible chat-completions
endpoint (llama.cpp's server, vLLM, Ollama, or a hosted one: RAPPORT_ASSISTANT_URL) to rewrite a
draft in the style of my own earlier follow-ups. Off unless the operator configures it.

What is sent is built in one place (`request_for`), shown to the user before the first use, and
holds only: the draft, the facts it uses (topic, promise and its link, next step, the personal
sentence it already says), and up to three of my own sent follow-ups, with their recipients'
names taken out. Never a detail kept private (health), never my notes, never another person's
data. The answer is checked (`check_answer`) before it is shown: it must keep every link and
promise of the draft and add no link, address, phone number or placeholder; otherwise the draft
stays as it was and the user is told why.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import Conflict, NotFound
from services.followups.draft_facts import NEVER_DRAFTED, Known, what_we_know
from services.followups.drafts import sender_of
from services.followups.queue import get_follow_up
from services.models import Contact, FollowUp, FollowUpStatus, PersonalDetail, User
from services.settings import Settings

EXAMPLES = 3
EXAMPLE_CHARS = 1500
ANSWER_CHARS = 10_000
SYSTEM = (
    "You rewrite a short follow-up message after a networking event so that it sounds like its "
    "author, whose earlier messages are given as examples of their style. Keep every fact, "
    "every link exactly as written and every promise. Do not add links, email addresses, phone "
    "numbers, postal addresses, names or placeholders. Answer with the message body only."
)


def configured(settings: Settings) -> bool:
    """Whether the operator set up an assistant."""
    return bool(settings.assistant_url)


@dataclass(frozen=True)
class AssistantRequest:
    """Exactly what is sent, and where."""

    url: str
    body: dict[str, Any]

    @property
    def host(self) -> str:
        """Where it goes, for the user to read."""
        return urlsplit(self.url).netloc


def host_of(settings: Settings) -> str:
    """The host drafts are sent to, for the user to read."""
    return urlsplit(settings.assistant_url or "").netloc


def _endpoint(settings: Settings) -> str:
    base = (settings.assistant_url or "").rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def _facts(known: Known | None) -> list[str]:
    if known is None:
        return []
    said = [
        ("Topic we talked about", known.topic),
        ("What I promised", known.promise),
        ("Its link", known.link),
        ("Next step", known.next_step),
    ]
    return [f"{label}: {value}" for label, value in said if value]


def _without_names(text: str, names: list[str]) -> str:
    for name in sorted({n for n in names if len(n) > 1}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "[their name]", text)
    return text


async def _private_texts(session: AsyncSession, *, owner: User) -> list[str]:
    rows = await session.scalars(
        select(PersonalDetail.text).where(
            PersonalDetail.owner_id == owner.id, PersonalDetail.kind.in_(list(NEVER_DRAFTED))
        )
    )
    return [text.strip() for text in rows if text.strip()]


def _mentions_any(text: str, private: list[str]) -> bool:
    lowered = text.lower()
    return any(p.lower() in lowered for p in private)


async def request_for(
    session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID, settings: Settings
) -> AssistantRequest:
    """What "Rewrite in my voice" would send for one of my drafts (nothing is sent here)."""
    if not configured(settings):
        raise NotFound("No writing assistant is set up on this server.", code="no_assistant")
    follow_up = await get_follow_up(session, owner=owner, follow_up_id=follow_up_id)
    private = await _private_texts(session, owner=owner)
    if _mentions_any(follow_up.subject + "\n" + follow_up.body, private):
        raise Conflict(
            "This draft mentions something you keep private (a health detail), so it is not sent "
            "to the writing assistant.",
            code="draft_has_private_detail",
        )
    sender = await sender_of(session, owner=owner)
    known = await what_we_know(
        session,
        owner_id=owner.id,
        contacts=select(Contact.id).where(Contact.id == follow_up.contact_id),
        today=sender.today(),
    )
    sent = await session.execute(
        select(FollowUp.body, Contact.name)
        .join(Contact, Contact.id == FollowUp.contact_id)
        .where(FollowUp.owner_id == owner.id, FollowUp.status == FollowUpStatus.sent)
        .order_by(FollowUp.sent_at.desc())
        .limit(EXAMPLES * 3)
    )
    examples: list[str] = []
    for text, name in sent:
        if len(examples) == EXAMPLES or _mentions_any(text, private):
            continue
        examples.append(_without_names(text, [name, *name.split()])[:EXAMPLE_CHARS])
    parts = ["The draft to rewrite:", f"Subject: {follow_up.subject}", follow_up.body]
    facts = _facts(known.get(follow_up.contact_id))
    if facts:
        parts += ["Facts it must keep:", *facts]
    messages = [{"role": "system", "content": SYSTEM}]
    messages += [
        {"role": "user", "content": f"An earlier message of mine, for its style:\n\n{example}"}
        for example in examples
    ]
    messages.append({"role": "user", "content": "\n\n".join(parts)})
    body: dict[str, Any] = {"messages": messages, "temperature": 0.7}
    if settings.assistant_model:
        body["model"] = settings.assistant_model
    if settings.assistant_stream:
        body["stream"] = True
    return AssistantRequest(url=_endpoint(settings), body=body)


class AssistantFailed(Exception):
    """The assistant gave no usable answer; the message says why, in the user's words."""


def _content_of(answer: dict[str, Any]) -> str:
    content = answer["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise TypeError("content is not text")
    return content


async def _read_stream(response: httpx.Response) -> str:
    pieces: list[str] = []
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue
        data = line[len("data:") :].strip()
        if data == "[DONE]":
            break
        delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
        if delta:
            pieces.append(str(delta))
    return "".join(pieces)


async def ask(request: AssistantRequest, *, settings: Settings) -> str:
    """Send the request and return the assistant's text (streamed or not)."""
    headers = {"Accept": "application/json, text/event-stream"}
    if settings.assistant_key is not None:
        headers["Authorization"] = f"Bearer {settings.assistant_key.get_secret_value()}"
    timeout = httpx.Timeout(settings.assistant_timeout_seconds)
    try:
        async with (
            httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client,
            client.stream("POST", request.url, json=request.body, headers=headers) as response,
        ):
            if response.status_code == 429:
                raise AssistantFailed(
                    "The writing assistant is busy. Try again in a minute; your draft is unchanged."
                )
            if response.status_code >= 500:
                raise AssistantFailed(
                    f"The writing assistant had a problem ({response.status_code}); your draft "
                    "is unchanged."
                )
            if response.status_code >= 400:
                raise AssistantFailed(
                    f"The writing assistant refused the request ({response.status_code}); ask "
                    "the operator to check its settings."
                )
            if response.headers.get("content-type", "").startswith("text/event-stream"):
                text = await _read_stream(response)
            else:
                text = _content_of(json.loads(await response.aread()))
    except httpx.TimeoutException as exc:
        raise AssistantFailed(
            "The writing assistant did not answer in time; your draft is unchanged."
        ) from exc
    except httpx.HTTPError as exc:
        raise AssistantFailed(
            "The writing assistant could not be reached; your draft is unchanged."
        ) from exc
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise AssistantFailed(
            "The writing assistant's answer could not be read; your draft is unchanged."
        ) from exc
    return text.strip()


_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ()./-]{6,}\d")
_STREET = re.compile(
    r"\b\d+\s+\w+(?:\s\w+)?\s(?:street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|strasse"
    r"|straße|weg|platz)\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]|\{\{[^}]*\}\}|\{[A-Za-z_ ]+\}|<[A-Za-z _]+>|\bXXX+\b")
_WORD = re.compile(r"[^\W\d_]{4,}")
_SMALL_WORDS = frozenset({"send", "share", "with", "your", "about", "them", "that", "this", "from"})


def _found(pattern: re.Pattern[str], text: str) -> set[str]:
    return {m.group(0).rstrip(".,;:!?").lower() for m in pattern.finditer(text)}


def check_answer(*, draft: str, answer: str, promise: str) -> str:
    """Why the answer may not replace the draft, or "" when it may."""
    if not answer.strip():
        return "The writing assistant answered with nothing."
    if len(answer) > ANSWER_CHARS:
        return "The writing assistant's answer is too long."
    missing = _found(_LINK, draft) - _found(_LINK, answer)
    if missing:
        return f"The rewrite dropped a link of your draft ({sorted(missing)[0]})."
    added = _found(_LINK, answer) - _found(_LINK, draft)
    if added:
        return f"The rewrite added a link that is not in your draft ({sorted(added)[0]})."
    for what, pattern in (
        ("an email address", _EMAIL),
        ("a phone number", _PHONE),
        ("a postal address", _STREET),
    ):
        if _found(pattern, answer) - _found(pattern, draft):
            return f"The rewrite added {what} that is not in your draft."
    if _found(_PLACEHOLDER, answer) - _found(_PLACEHOLDER, draft):
        return "The rewrite left a placeholder to fill in."
    # The promise's words, in the text itself (a link's path does not count).
    lowered, in_draft = _LINK.sub("", answer).lower(), _LINK.sub("", draft).lower()
    for word in _WORD.findall(promise):
        word = word.lower()
        if word not in _SMALL_WORDS and word in in_draft and word not in lowered:
            return f"The rewrite dropped what you promised (“{promise}”)."
    return ""


@dataclass(frozen=True)
class Rewrite:
    """The assistant's rewrite, or why there is none (the draft stays as it was)."""

    body: str
    problem: str


async def rewrite(
    session: AsyncSession, *, owner: User, follow_up_id: uuid.UUID, settings: Settings
) -> Rewrite:
    """Ask the assistant to rewrite my draft in my voice; a checked answer, or why not."""
    request = await request_for(session, owner=owner, follow_up_id=follow_up_id, settings=settings)
    follow_up = await get_follow_up(session, owner=owner, follow_up_id=follow_up_id)
    sender = await sender_of(session, owner=owner)
    known = await what_we_know(
        session,
        owner_id=owner.id,
        contacts=select(Contact.id).where(Contact.id == follow_up.contact_id),
        today=sender.today(),
    )
    facts = known.get(follow_up.contact_id)
    promise = (facts.resource or facts.promise) if facts and follow_up.promise_id else ""
    try:
        answer = await ask(request, settings=settings)
    except AssistantFailed as failed:
        return Rewrite(body="", problem=str(failed))
    problem = check_answer(draft=follow_up.body, answer=answer, promise=promise)
    return Rewrite(body="" if problem else answer + "\n", problem=problem)
