"""Follow-up templates: the placeholders they may use, checking a template before it is saved,
sandboxed rendering, and the default templates every user starts with.

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

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import upsert_insert, utcnow
from services.errors import FieldProblem, Invalid, NotFound
from services.models import MessageTemplate, User
from services.models.followups import TemplateKind

PLACEHOLDERS: dict[str, str] = {
    "first_name": "Their first name",
    "name": "Their full name",
    "company": "Their company",
    "event": "The event where we met",
    "met_on": "The day we met, e.g. 12 May",
    "topic": "A topic we talked about (from my notes)",
    "personal_detail": "A personal detail I noted (a hobby, a trip, a graduation)",
    "promise": "What I promised to send or do",
    "next_step": "The next step I noted",
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


def _problems(field: str, source: str) -> list[FieldProblem]:
    env = _environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [FieldProblem(field, f"Line {exc.lineno}: {exc.message}")]
    problems: list[FieldProblem] = []
    for node in tree.find_all(nodes.Node):
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


def check_template(*, subject: str, body: str) -> None:
    """Refuse a template that is too long, malformed, or uses anything but known placeholders."""
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
        problems = _problems("subject", subject) + _problems("body", body)
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


class CompiledTemplate:
    """A checked template, compiled once, to render for many contacts."""

    def __init__(self, *, subject: str, body: str) -> None:
        check_template(subject=subject, body=body)
        env = _environment()
        self._subject = env.from_string(subject)
        self._body = env.from_string(body)

    def render(self, values: Mapping[str, str]) -> Rendered:
        """Fill in the placeholders; unknown values are empty strings, never "None"."""
        context = {name: str(values.get(name) or "") for name in PLACEHOLDERS}
        subject = " ".join(_tidy(self._subject.render(context)).split())
        return Rendered(subject=subject, body=_tidy(self._body.render(context)) + "\n")


def render(*, subject: str, body: str, values: Mapping[str, str]) -> Rendered:
    """Check and render one template against one set of values."""
    return CompiledTemplate(subject=subject, body=body).render(values)


_GREETING = "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n"
_WHERE = "{% if event %} at {{ event }}{% endif %}{% if met_on %} on {{ met_on }}{% endif %}"
_PERSONAL = (
    "{% if personal_detail %}\n\n"
    "P.S. You mentioned {{ personal_detail }}: I hope it goes well.{% endif %}"
)
_CLOSING = "\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}"


@dataclass(frozen=True)
class DefaultTemplate:
    kind: TemplateKind
    name: str
    subject: str
    body: str


DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        kind=TemplateKind.resource,
        name="The thing I promised",
        subject="{% if event %}From {{ event }}: {% endif %}what I promised to send you",
        body=_GREETING + "it was good to meet you" + _WHERE + ". "
        "{% if promise %}As promised: {{ promise }}. Here it is: [link]"
        "{% else %}Here is the link I mentioned: [link]{% endif %}\n\n"
        "{% if topic %}I would be glad to hear what you make of it, given what you said "
        "about {{ topic }}.{% else %}I would be glad to hear what you make of it.{% endif %}"
        + _PERSONAL
        + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.conversation,
        name="A great conversation",
        subject="Great talking to you{% if event %} at {{ event }}{% endif %}",
        body=_GREETING + "thank you for the conversation" + _WHERE + "."
        "{% if topic %} I have been thinking about what you said about {{ topic }} "
        "since.{% endif %}"
        + "\n\n{% if next_step %}As a next step: {{ next_step }}.\n\n{% endif %}"
        "Let's stay in touch." + _PERSONAL + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.meet_again,
        name="Let's meet again",
        subject="Shall we continue our conversation{% if topic %} about {{ topic }}{% endif %}?",
        body=_GREETING + "I enjoyed meeting you" + _WHERE + " and would like to pick up "
        "where we left off{% if topic %} on {{ topic }}{% endif %}."
        "{% if next_step %} You mentioned: {{ next_step }}.{% endif %}\n\n"
        "Would you have half an hour for a call or a coffee in the next weeks? "
        "Tell me what suits you." + _PERSONAL + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.introduction,
        name="An introduction",
        subject="An introduction{% if topic %}: {{ topic }}{% endif %}",
        body=_GREETING + "after our conversation" + _WHERE + " I thought of someone you "
        "should meet: [name], who [why they should talk]."
        "{% if topic %} You both care about {{ topic }}.{% endif %}\n\n"
        "If you are happy for me to introduce you, just reply and I will put you in touch."
        + _CLOSING,
    ),
)


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
