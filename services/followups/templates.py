"""Follow-up templates: the placeholders they may use, checking a template before it is saved,
sandboxed rendering, and the default templates every user starts with (their text is in
`services.followups.template_defaults`).

A template is Jinja syntax cut down to two things: `{{ placeholder }}` and
`{% if placeholder %}...{% elif %}...{% else %}...{% endif %}`. Anything else (attribute or item
access, filters, calls, loops, macros, includes) is refused when the template is saved, and the
renderer is Jinja's immutable sandbox with StrictUndefined on top, so a template can never reach
a Python object or a file. Every value is a plain string, empty when we do not know it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import upsert_insert, utcnow
from services.errors import FieldProblem, Invalid, NotFound
from services.followups.template_defaults import DEFAULT_TEMPLATES
from services.models import MessageTemplate, User

PLACEHOLDERS: dict[str, str] = {
    "first_name": "Their first name",
    "name": "Their full name",
    "company": "Their company",
    "event": "The event where we met",
    "met_on": "The day we met, e.g. 12 May",
    "topic": "A topic we talked about (from my notes)",
    "personal_detail": "A personal detail I noted, as I typed it (never a health detail)",
    "promise": "What I promised to send or do",
    "resource": "What I promised to send (a link, a report, slides), when the promise is one",
    "link": "The link I noted with that promise (empty when there is none)",
    "next_step": "The next step I noted",
    "opening": "A first sentence: that we met, where and when (worded one of several ways)",
    "topic_sentence": "A sentence about the topic we talked about",
    "promise_sentence": "What I promised, as a sentence (the thing to send with its link)",
    "next_step_sentence": "The next step I noted, as a sentence",
    "personal_sentence": "The personal detail as a sentence (never a health detail)",
    "pick_up": "Wanting to carry on our conversation (on its topic, if I noted one)",
    "stay_in_touch": "A closing line such as “Let's stay in touch.”",
    "ask": "Asking what they make of what I sent",
    "meeting": 'Our meeting booked at the event, e.g. "at Table 4 on Tuesday"',
    "my_name": "My name",
    "my_headline": "My headline",
    "my_signature": "My signature",
}

MAX_SUBJECT = 300
MAX_BODY = 10_000

# Only these nodes may appear: text, placeholders, and if/elif/else over placeholders.
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.If,
    nodes.Not,
    nodes.And,
    nodes.Or,
)


@lru_cache
def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        autoescape=False,  # plain text mail, never HTML
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


# "{first_name}" in plain text: a placeholder with one brace too few, which would be sent as is.
_SINGLE_BRACES = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


def _single_brace_problems(field: str, node: nodes.TemplateData) -> list[FieldProblem]:
    problems = []
    for match in _SINGLE_BRACES.finditer(node.data):
        name = match.group(1)
        line = (node.lineno or 1) + node.data.count("\n", 0, match.start())
        if name in PLACEHOLDERS:
            message = (
                f"Use {{{{ {name} }}}} with two braces on each side: “{match.group(0)}” on "
                f"line {line} would be sent as it is."
            )
        else:
            message = (
                f"“{match.group(0)}” on line {line} looks like a placeholder, but placeholders "
                f"take two braces and “{name}” is not one. Known ones: {', '.join(PLACEHOLDERS)}."
            )
        problems.append(FieldProblem(field, message))
    return problems


def _problems(field: str, source: str, *, saving: bool) -> list[FieldProblem]:
    env = _environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [FieldProblem(field, f"Line {exc.lineno}: {exc.message}")]
    problems: list[FieldProblem] = []
    for node in tree.find_all(nodes.Node):
        if saving and isinstance(node, nodes.TemplateData):
            problems.extend(_single_brace_problems(field, node))
        if not isinstance(node, _ALLOWED_NODES):
            what = type(node).__name__.lower()
            problems.append(
                FieldProblem(
                    field,
                    f"Only {{{{ placeholder }}}} and {{% if placeholder %}} are allowed here "
                    f"(found “{what}” on line {node.lineno}).",
                )
            )
        elif isinstance(node, nodes.Name) and node.name not in PLACEHOLDERS:
            problems.append(
                FieldProblem(
                    field,
                    f"Unknown placeholder “{node.name}” on line {node.lineno}. "
                    f"Known ones: {', '.join(PLACEHOLDERS)}.",
                )
            )
        elif isinstance(node, nodes.Name) and node.ctx != "load":
            problems.append(FieldProblem(field, f"Assignment is not allowed (line {node.lineno})."))
    return problems


def check_template(*, subject: str, body: str, saving: bool = True) -> None:
    """Refuse a template that is too long, malformed, or uses anything but known placeholders;
    when `saving`, also one with "{first_name}" (one brace each side), which would be sent as is.
    """
    problems: list[FieldProblem] = []
    if not subject.strip():
        problems.append(FieldProblem("subject", "Give the message a subject."))
    if len(subject) > MAX_SUBJECT:
        problems.append(
            FieldProblem("subject", f"Keep the subject under {MAX_SUBJECT} characters.")
        )
    if "\n" in subject or "\r" in subject:
        problems.append(FieldProblem("subject", "The subject must be a single line."))
    if not body.strip():
        problems.append(FieldProblem("body", "Write the message body."))
    if len(body) > MAX_BODY:
        problems.append(FieldProblem("body", f"Keep the body under {MAX_BODY} characters."))
    if not problems:
        problems = _problems("subject", subject, saving=saving) + _problems(
            "body", body, saving=saving
        )
    if problems:
        raise Invalid(
            "This template cannot be saved: " + problems[0].message,
            code="template_invalid",
            fields=problems,
        )


_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([,.;:!?])")
_MANY_SPACES = re.compile(r"[ \t]{2,}")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    # A missing value in an unguarded placeholder must not leave "Hi ," or double spaces.
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _MANY_SPACES.sub(" ", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    # The placeholders whose (non-empty) values made it into the text.
    used: frozenset[str] = frozenset()


# While rendering, a value that reads differently mid-sentence stands as a token, replaced
# once we can see what precedes it. Private-use characters: never in real text (we strip them).
_TOKEN_START, _TOKEN_END = "\ue000", "\ue001"
_TOKEN = re.compile(f"{_TOKEN_START}([a-z_]+){_TOKEN_END}")
# What ends a sentence: . ! or ? (maybe closing a quote or bracket), a line break, or nothing.
_SENTENCE_END = re.compile(r"(^|[.!?][\"')\]\u2019\u201d]*|\n)[ \t]*$")


def _fill_tokens(
    text: str, values: Mapping[str, str], mid_sentence: Mapping[str, str], used: set[str]
) -> str:
    out: list[str] = []
    done = 0
    for match in _TOKEN.finditer(text):
        out.append(text[done : match.start()])
        name = match.group(1)
        used.add(name)
        before = "".join(out)[-40:] if out else ""
        starts_sentence = _SENTENCE_END.search(before) is not None
        out.append(
            values[name] if starts_sentence or name not in mid_sentence else mid_sentence[name]
        )
        done = match.end()
    out.append(text[done:])
    return "".join(out)


class CompiledTemplate:
    """A checked template, compiled once, to render for many contacts."""

    def __init__(self, *, subject: str, body: str) -> None:
        # Not the save-time checks: a template saved before a check was added still drafts.
        check_template(subject=subject, body=body, saving=False)
        env = _environment()
        self._subject = env.from_string(subject)
        self._body = env.from_string(body)

    def render(
        self, values: Mapping[str, str], *, mid_sentence: Mapping[str, str] | None = None
    ) -> Rendered:
        """Fill in the placeholders; unknown values are empty strings, never "None".

        `mid_sentence` gives, for some placeholders, the form their value takes inside a
        sentence ("daughter graduates in June" for "Daughter graduates in June"); at the start
        of a sentence or line the value is used as it is."""
        clean = {
            name: str(values.get(name) or "").replace(_TOKEN_START, "").replace(_TOKEN_END, "")
            for name in PLACEHOLDERS
        }
        inside = {
            name: form
            for name, form in (mid_sentence or {}).items()
            if name in clean and clean[name] and form and form != clean[name]
        }
        # Every known value stands as a token while rendering, so that we see which ones the
        # text used (the specificity check) and how each reads where it landed.
        context = {
            name: f"{_TOKEN_START}{name}{_TOKEN_END}" if value else ""
            for name, value in clean.items()
        }
        used: set[str] = set()

        def fill(template: Template) -> str:
            return _fill_tokens(template.render(context), clean, inside, used)

        subject = " ".join(_tidy(fill(self._subject)).split())
        body = _tidy(fill(self._body)) + "\n"
        return Rendered(subject=subject, body=body, used=frozenset(used))


def render(
    *,
    subject: str,
    body: str,
    values: Mapping[str, str],
    mid_sentence: Mapping[str, str] | None = None,
) -> Rendered:
    """Check and render one template against one set of values."""
    return CompiledTemplate(subject=subject, body=body).render(values, mid_sentence=mid_sentence)


_TEMPLATE_COLUMNS = (
    "id",
    "owner_id",
    "kind",
    "name",
    "subject",
    "body",
    "created_at",
    "updated_at",
)


def _defaults_for(owner: User) -> list[MessageTemplate]:
    # Ids derive from the owner, so the defaults listed before they are saved (reading must not
    # write) keep their ids once saved by the first change.
    now = utcnow()
    return [
        MessageTemplate(
            id=uuid.uuid5(owner.id, f"default-template:{default.kind}"),
            owner_id=owner.id,
            kind=default.kind,
            name=default.name,
            subject=default.subject,
            body=default.body,
            created_at=now,
            updated_at=now,
        )
        for default in DEFAULT_TEMPLATES
    ]


async def _saved(session: AsyncSession, *, owner: User) -> Sequence[MessageTemplate]:
    return (
        await session.scalars(
            select(MessageTemplate)
            .where(MessageTemplate.owner_id == owner.id)
            .order_by(MessageTemplate.kind, MessageTemplate.name, MessageTemplate.id)
        )
    ).all()


async def ensure_default_templates(session: AsyncSession, *, owner: User) -> None:
    """Give a user who has no templates yet the default ones, in our own words."""
    has_any = await session.scalar(
        select(func.count())
        .select_from(MessageTemplate)
        .where(MessageTemplate.owner_id == owner.id)
    )
    if has_any:
        return
    # Two drafting runs for one user may race here: the ids are fixed, so one of them wins.
    rows = [
        {column: getattr(template, column) for column in _TEMPLATE_COLUMNS}
        for template in _defaults_for(owner)
    ]
    await session.execute(
        upsert_insert(session, MessageTemplate.__table__).on_conflict_do_nothing(
            index_elements=["id"]
        ),
        rows,
    )


async def templates_by_kind(session: AsyncSession, *, owner: User) -> dict[str, MessageTemplate]:
    """For each kind, the template drafting uses: the one edited most recently."""
    await ensure_default_templates(session, owner=owner)
    rows = await session.scalars(
        select(MessageTemplate)
        .where(MessageTemplate.owner_id == owner.id)
        .order_by(MessageTemplate.updated_at, MessageTemplate.id)
    )
    return {row.kind: row for row in rows}


async def list_templates(session: AsyncSession, *, owner: User) -> Sequence[MessageTemplate]:
    """My templates by kind and name; the defaults (not saved yet) when I have none."""
    return await _saved(session, owner=owner) or _defaults_for(owner)


async def get_template(
    session: AsyncSession, *, owner: User, template_id: uuid.UUID
) -> MessageTemplate:
    """One of my templates (or a default not saved yet), or 404."""
    template = await session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.id == template_id, MessageTemplate.owner_id == owner.id
        )
    )
    if template is None:
        template = next(
            (t for t in await list_templates(session, owner=owner) if t.id == template_id), None
        )
    if template is None:
        raise NotFound("No such template.", code="template_not_found")
    return template


async def create_template(
    session: AsyncSession, *, owner: User, kind: str, name: str, subject: str, body: str
) -> MessageTemplate:
    """Save a new template after checking it."""
    check_template(subject=subject, body=body)
    await ensure_default_templates(session, owner=owner)
    now = utcnow()
    template = MessageTemplate(
        owner_id=owner.id,
        kind=kind,
        name=name.strip(),
        subject=subject,
        body=body,
        created_at=now,
        updated_at=now,
    )
    session.add(template)
    await session.flush()
    return template


async def update_template(
    session: AsyncSession,
    *,
    owner: User,
    template_id: uuid.UUID,
    kind: str | None = None,
    name: str | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> MessageTemplate:
    """Change a template; the result is checked as a whole before it is saved."""
    await ensure_default_templates(session, owner=owner)
    template = await get_template(session, owner=owner, template_id=template_id)
    new_subject = template.subject if subject is None else subject
    new_body = template.body if body is None else body
    check_template(subject=new_subject, body=new_body)
    template.subject, template.body = new_subject, new_body
    if kind is not None:
        template.kind = kind
    if name is not None:
        template.name = name.strip()
    template.updated_at = utcnow()
    await session.flush()
    return template


async def delete_template(session: AsyncSession, *, owner: User, template_id: uuid.UUID) -> None:
    """Delete one of my templates (drafts made from it keep their text)."""
    await ensure_default_templates(session, owner=owner)
    template = await get_template(session, owner=owner, template_id=template_id)
    await session.delete(template)
    await session.flush()
