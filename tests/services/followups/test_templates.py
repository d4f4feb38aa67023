"""Follow-up templates: refused at save time unless they use only known placeholders (and
"{first_name}" with one brace is refused with what to write instead), rendered in a sandbox,
never leaving "Hi ," or "None" when a value is missing, and a note read mid-sentence only where
it stands mid-sentence. The promise's link fills {{ link }}; default templates the user never
edited get new wording from the migration that brings it, edited ones are left alone."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import create_engine, create_sessionmaker, utcnow
from services.errors import Invalid
from services.followups import templates, wording
from services.followups.template_defaults import DEFAULT_TEMPLATES
from services.models import MessageTemplate
from tests import factories, support


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ first_name.__class__ }}",
        "{{ first_name['x'] }}",
        "{{ first_name|attr('__class__') }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% for x in first_name %}{{ x }}{% endfor %}",
        "{% include '/etc/passwd' %}",
        "{% import 'x' as y %}",
        "{% set first_name = 'x' %}",
        "{{ range(10) }}",
        "{{ 7 * 7 }}",
    ],
)
def test_template_reaching_beyond_placeholders_is_refused_at_save_time(body: str) -> None:
    with pytest.raises(Invalid) as refused:
        templates.check_template(subject="Hello", body=body)
    assert refused.value.code == "template_invalid"
    assert refused.value.fields[0].field == "body"


def test_unknown_placeholder_is_refused_with_its_name() -> None:
    with pytest.raises(Invalid) as refused:
        templates.check_template(subject="Hi {{ frist_name }}", body="Hello")
    assert "frist_name" in refused.value.detail
    assert refused.value.fields[0].field == "subject"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("Hi {first_name},\nthanks!", "Use {{ first_name }} with two braces on each side"),
        ("Hi,\n\nabout { topic }.", "Use {{ topic }} with two braces"),
        ("Hi {firstname}", "“{firstname}” on line 1 looks like a placeholder"),
    ],
)
def test_single_brace_placeholder_is_refused_with_what_to_write(body: str, says: str) -> None:
    with pytest.raises(Invalid) as refused:
        templates.check_template(subject="Hello", body=body)
    assert refused.value.code == "template_invalid"
    assert refused.value.fields[0].field == "body"
    assert says in refused.value.fields[0].message
    assert says in refused.value.detail


def test_single_brace_problem_names_its_line_and_field() -> None:
    with pytest.raises(Invalid) as refused:
        templates.check_template(
            subject="For {name}", body="Hi,\n\n{% if topic %}x{% endif %}{promise}"
        )
    fields = {
        (p.field, "line 1" in p.message or "line 3" in p.message) for p in refused.value.fields
    }
    assert fields == {("subject", True), ("body", True)}
    assert "line 3" in refused.value.fields[1].message


def test_braces_that_are_not_placeholders_are_fine() -> None:
    templates.check_template(subject="Hello", body="Our API returns { } or {1, 2}; see [link].")


def test_a_template_saved_with_single_braces_earlier_still_renders() -> None:
    # Drafting must not fail on a template saved before the check existed.
    rendered = templates.CompiledTemplate(subject="Hi", body="Hi {first_name}").render({})
    assert rendered.body == "Hi {first_name}\n"


def test_a_note_reads_mid_sentence_only_where_it_stands_mid_sentence() -> None:
    values = {"personal_detail": "Daughter graduates in June"}
    inside = {"personal_detail": "daughter graduates in June"}
    body = (
        "You mentioned {{ personal_detail }}.\n{{ personal_detail }}!\n"
        "Great. {{ personal_detail }}: (see {{ personal_detail }})"
    )
    rendered = templates.render(
        subject="About: {{ personal_detail }}", body=body, values=values, mid_sentence=inside
    )
    assert rendered.subject == "About: daughter graduates in June"
    assert rendered.body == (
        "You mentioned daughter graduates in June.\nDaughter graduates in June!\n"
        "Great. Daughter graduates in June: (see daughter graduates in June)\n"
    )


def test_malformed_template_is_refused_with_the_line() -> None:
    with pytest.raises(Invalid, match="Line 2"):
        templates.check_template(subject="Hi", body="Hello\n{% if topic %}no end")


def test_sandbox_refuses_attribute_access_even_if_the_check_were_bypassed() -> None:
    env = templates._environment()
    from jinja2.exceptions import SecurityError, UndefinedError

    with pytest.raises((SecurityError, UndefinedError)):
        env.from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}").render()


def test_missing_values_never_leave_a_dangling_comma_or_none() -> None:
    rendered = templates.render(
        subject="Hi {{ first_name }}",
        body="Hi {{ first_name }}, good to meet you at {{ event }} .\n{{ topic }}",
        values={"first_name": None, "event": ""},  # type: ignore[dict-item]
    )
    assert rendered.subject == "Hi"
    assert rendered.body == "Hi, good to meet you at.\n"
    assert "None" not in rendered.body


def test_conditional_parts_show_only_when_the_value_is_there() -> None:
    source = "Thanks.{% if topic %} About {{ topic }}: more soon.{% endif %}"
    assert templates.render(subject="s", body=source, values={}).body == "Thanks.\n"
    with_topic = templates.render(subject="s", body=source, values={"topic": "batteries"})
    assert with_topic.body == "Thanks. About batteries: more soon.\n"


async def test_each_user_starts_with_four_default_templates_once(db: AsyncSession) -> None:
    owner = await factories.user(db)
    first = await templates.list_templates(db, owner=owner)
    again = await templates.list_templates(db, owner=owner)
    assert {t.kind for t in first} == {"resource", "conversation", "meet_again", "introduction"}
    assert len(again) == 4


async def test_editing_a_template_checks_the_result(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (template, *_) = await templates.list_templates(db, owner=owner)
    with pytest.raises(Invalid):
        await templates.update_template(
            db, owner=owner, template_id=template.id, body="{{ secret_key }}"
        )
    updated = await templates.update_template(
        db, owner=owner, template_id=template.id, body="Hi {{ first_name }}"
    )
    assert updated.body == "Hi {{ first_name }}"


(RESOURCE,) = [t for t in DEFAULT_TEMPLATES if t.kind == "resource"]


def test_link_fills_in_where_a_template_asks_for_it() -> None:
    source = "{% if link %}The slides: {{ link }}{% else %}The slides follow.{% endif %}"
    with_link = templates.render(
        subject="s", body=source, values={"link": "https://example.org/slides"}
    )
    assert with_link.body == "The slides: https://example.org/slides\n"
    without = templates.render(subject="s", body=source, values={})
    assert without.body == "The slides follow.\n"
    assert templates.render(subject="s", body="{{ link }}", values={"link": None}).body == "\n"


def test_the_promised_thing_comes_with_its_link_and_says_link_without_one() -> None:
    with_link = wording.resource_sentence("the slides", "https://example.org/slides.pdf", choice=0)
    assert (
        with_link == "As promised, here is the link to the slides: https://example.org/slides.pdf"
    )
    assert wording.resource_sentence("slides", "", choice=0).endswith("the slides: [link]")


def test_a_promise_to_do_names_its_link_when_there_is_one() -> None:
    said = wording.promise_sentence(
        "Intro to Jonas", "https://example.org/jonas", choice=0, names=frozenset()
    )
    assert said == (
        "I have not forgotten what I promised: intro to Jonas. "
        "Here is the link: https://example.org/jonas"
    )
    without = wording.promise_sentence("Intro to Jonas", "", choice=0, names=frozenset())
    assert "[link]" not in without and "Here is the link" not in without


def _migration(name: str) -> ModuleType:
    path = Path(support.ROOT) / "alembic" / "versions" / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _migration_0007() -> ModuleType:
    return _migration("20261203_0007_promise_links.py")


def _migration_0010f() -> ModuleType:
    return _migration("20261205_0010f_followups_in_sentences.py")


def test_the_migrations_bring_exactly_todays_default_wording() -> None:
    link, sentences = _migration_0007(), _migration_0010f()
    (resource_subject, resource_before, _) = sentences.DEFAULTS[0]
    assert (resource_subject, resource_before) == (link.SUBJECT, link.NEW_BODY)
    assert link.OLD_BODY.count("[link]") == 2 and "link }}" not in link.OLD_BODY
    assert [(subject, after) for subject, _, after in sentences.DEFAULTS] == [
        (t.subject, t.body) for t in DEFAULT_TEMPLATES
    ]


async def test_unedited_default_templates_get_the_link_wording_and_edited_ones_stay(
    fresh_database: str,
) -> None:
    migration = _migration_0007()
    await support.migrate_to(fresh_database, "0006")
    engine = create_engine(fresh_database)
    then = utcnow() - timedelta(days=3)

    def saved(owner_id: uuid.UUID, kind: str, subject: str, body: str) -> MessageTemplate:
        return MessageTemplate(
            id=uuid.uuid5(owner_id, f"default-template:{kind}"),
            owner_id=owner_id,
            kind=kind,
            name="The thing I promised",
            subject=subject,
            body=body,
            created_at=then,
            updated_at=then,
        )

    try:
        async with create_sessionmaker(engine)() as session:
            never_edited = await factories.user(session)
            edited_body = await factories.user(session)
            edited_subject = await factories.user(session)
            (conversation,) = [t for t in DEFAULT_TEMPLATES if t.kind == "conversation"]
            own_words = migration.OLD_BODY.replace("it was good to meet you", "so good to meet")
            session.add_all(
                [
                    saved(never_edited.id, "resource", migration.SUBJECT, migration.OLD_BODY),
                    saved(never_edited.id, "conversation", conversation.subject, "Hi there"),
                    saved(edited_body.id, "resource", migration.SUBJECT, own_words),
                    saved(edited_subject.id, "resource", "The slides", migration.OLD_BODY),
                ]
            )
            await session.commit()

        await support.migrate_to(fresh_database, "0007")

        async with create_sessionmaker(engine)() as session:
            rows = {(t.owner_id, t.kind): t for t in await session.scalars(select(MessageTemplate))}
        upgraded = rows[(never_edited.id, "resource")]
        assert (upgraded.subject, upgraded.body) == (migration.SUBJECT, migration.NEW_BODY)
        assert upgraded.updated_at == then  # still "edited" when it was: drafting's order holds
        assert rows[(never_edited.id, "conversation")].body == "Hi there"
        assert rows[(edited_body.id, "resource")].body == own_words
        assert rows[(edited_subject.id, "resource")].subject == "The slides"
        assert rows[(edited_subject.id, "resource")].body == migration.OLD_BODY

        # Going back, 0006 cannot render {{ link }}: the unedited default gets its words back.
        await support.migrate_to(fresh_database, "0006", down=True)
        async with create_sessionmaker(engine)() as session:
            back = await session.get(MessageTemplate, upgraded.id)
            assert back is not None and back.body == migration.OLD_BODY
    finally:
        await engine.dispose()


async def test_unedited_default_templates_get_the_sentence_wording_and_edited_ones_stay(
    fresh_database: str,
) -> None:
    migration = _migration_0010f()
    await support.migrate_to(fresh_database, "0009")
    engine = create_engine(fresh_database)
    then = utcnow() - timedelta(days=3)
    (subject, before, after) = migration.DEFAULTS[1]  # "A great conversation"
    try:
        async with create_sessionmaker(engine)() as session:
            never_edited = await factories.user(session)
            edited = await factories.user(session)
            for owner, body in ((never_edited, before), (edited, before + "\nCheers")):
                session.add(
                    MessageTemplate(
                        owner_id=owner.id,
                        kind="conversation",
                        name="A great conversation",
                        subject=subject,
                        body=body,
                        created_at=then,
                        updated_at=then,
                    )
                )
            await session.commit()

        await support.migrate_to(fresh_database, "0010f")

        async with create_sessionmaker(engine)() as session:
            rows = {t.owner_id: t for t in await session.scalars(select(MessageTemplate))}
        assert rows[never_edited.id].body == after and "{{ opening }}" in after
        assert rows[edited.id].body == before + "\nCheers"

        await support.migrate_to(fresh_database, "0009", down=True)
        async with create_sessionmaker(engine)() as session:
            back = await session.get(MessageTemplate, rows[never_edited.id].id)
            assert back is not None and back.body == before
    finally:
        await engine.dispose()
