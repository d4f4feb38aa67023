"""promise links

A promise may carry the link to send (`promises.link`), and a follow-up drafted from a promise
remembers it (`follow_ups.promise_id`) so that sending the follow-up marks the promise done.

The default "The thing I promised" template gains the `link` placeholder. Users' default
templates are saved rows; those whose subject and body are still exactly the wording of 0004
(never edited) get the new wording, and nothing else is touched. The texts are written out
here, as they were and as they become, so that this migration does the same thing whatever
the defaults say later.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default resource template's subject (unchanged by this revision) and body before it.
SUBJECT = (
    "{% if event %}From {{ event }}: {% if promise and not resource %}{{ promise }}"
    "{% else %}what I promised to send you{% endif %}{% elif promise and not resource %}"
    "{{ promise }}{% else %}What I promised to send you{% endif %}"
)
OLD_BODY = (
    "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n"
    "it was good to meet you{% if event %} at {{ event }}{% endif %}{% if met_on %}"
    " on {{ met_on }}{% endif %}. {% if resource %}"
    "As promised, here is the link to {{ resource }}: [link]\n\n"
    "{% if topic %}"
    "I would be glad to hear what you make of it, given what you said about {{ topic }}"
    ".{% else %}I would be glad to hear what you make of it.{% endif %}{% elif promise %}"
    "I have not forgotten what I promised: {{ promise }}. "
    "I will be in touch about it very soon.{% if topic %}\n\n"
    "I keep thinking about what you said about {{ topic }}.{% endif %}{% else %}"
    "Here is the link I mentioned: [link]\n\n"
    "{% if topic %}"
    "I would be glad to hear what you make of it, given what you said about {{ topic }}"
    ".{% else %}I would be glad to hear what you make of it.{% endif %}{% endif %}"
    "{% if personal_detail %}\n\n"
    "P.S. You mentioned {{ personal_detail }}: I hope it goes well.{% endif %}\n\n"
    "{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}"
)
# The body after it: "[link]" becomes the promise's link when there is one, and a promise that
# is not a thing to send gets its link named too.
_LINK = "{% if link %}{{ link }}{% else %}[link]{% endif %}"
NEW_BODY = OLD_BODY.replace(
    "{{ promise }}. I will be in touch about it very soon.",
    "{{ promise }}. {% if link %}Here is the link: {{ link }}{% else %}"
    "I will be in touch about it very soon.{% endif %}",
).replace("[link]", _LINK)

templates = sa.table(
    "message_templates",
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
)


def _reword(old_body: str, new_body: str) -> None:
    """Rows whose text is exactly the default `old_body` (never edited) get `new_body`."""
    op.execute(
        templates.update()
        .where(templates.c.subject == SUBJECT, templates.c.body == old_body)
        .values(body=new_body)
    )


def upgrade() -> None:
    with op.batch_alter_table("promises") as batch_op:
        batch_op.add_column(sa.Column("link", sa.String(length=2000), nullable=True))
    with op.batch_alter_table("follow_ups") as batch_op:
        batch_op.add_column(sa.Column("promise_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_follow_ups_promise_id_promises"),
            "promises",
            ["promise_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_follow_ups_promise_id"), ["promise_id"], unique=False)
    _reword(OLD_BODY, NEW_BODY)


def downgrade() -> None:
    # Revision 0006 does not know {{ link }}: unedited defaults go back to its wording.
    _reword(NEW_BODY, OLD_BODY)
    with op.batch_alter_table("follow_ups") as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_promise_id"))
        batch_op.drop_constraint(batch_op.f("fk_follow_ups_promise_id_promises"), type_="foreignkey")
        batch_op.drop_column("promise_id")
    with op.batch_alter_table("promises") as batch_op:
        batch_op.drop_column("link")
