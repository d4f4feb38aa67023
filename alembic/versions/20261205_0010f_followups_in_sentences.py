"""follow-ups in sentences

Promises can be shared with the person they were made to (`promises.shared_at`), who can tick
them done too (`promises.done_by_id`).

Drafts say what they mention of the conversation (`follow_ups.mentions`: "topic,promise", ""
for a generic draft, NULL when not known), for the review queue's specificity check. Personal
details may be of kind "health" (a string column: nothing to change), which drafts leave out.

The default templates are rewritten in whole sentences (`{{ opening }}`, `{{ topic_sentence }}`,
…). Users' default templates are saved rows; those whose subject and body are still exactly the
wording before this revision (never edited) get the new wording, and nothing else is touched.
The texts are written out here, as they were and as they become, so that this migration does
the same thing whatever the defaults say later.

Revision ID: 0010f
Revises: 0010d
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010f"
down_revision: str | None = "0010d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (subject, body before, body after) of each default template.
DEFAULTS: tuple[tuple[str, str, str], ...] = (
    # resource
    (
        "{% if event %}From {{ event }}: {% if promise and not resource %}{{ promise }}{% else %}what I promised to send you{% endif %}{% elif promise and not resource %}{{ promise }}{% else %}What I promised to send you{% endif %}",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\nit was good to meet you{% if event %} at {{ event }}{% endif %}{% if met_on %} on {{ met_on }}{% endif %}. {% if resource %}As promised, here is the link to {{ resource }}: {% if link %}{{ link }}{% else %}[link]{% endif %}\n\n{% if topic %}I would be glad to hear what you make of it, given what you said about {{ topic }}.{% else %}I would be glad to hear what you make of it.{% endif %}{% elif promise %}I have not forgotten what I promised: {{ promise }}. {% if link %}Here is the link: {{ link }}{% else %}I will be in touch about it very soon.{% endif %}{% if topic %}\n\nI keep thinking about what you said about {{ topic }}.{% endif %}{% else %}Here is the link I mentioned: {% if link %}{{ link }}{% else %}[link]{% endif %}\n\n{% if topic %}I would be glad to hear what you make of it, given what you said about {{ topic }}.{% else %}I would be glad to hear what you make of it.{% endif %}{% endif %}{% if personal_detail %}\n\nP.S. You mentioned {{ personal_detail }}: I hope it goes well.{% endif %}\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n{{ opening }} {% if promise_sentence %}{{ promise_sentence }}{% else %}Here is the link I mentioned: [link]{% endif %}\n\n{% if resource or not promise %}{{ ask }}{% if topic_sentence %} {{ topic_sentence }}{% endif %}{% else %}{{ topic_sentence }}{% endif %}{% if personal_sentence %}\n\nP.S. {{ personal_sentence }}{% endif %}\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
    ),
    # conversation
    (
        "Great talking to you{% if event %} at {{ event }}{% endif %}",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\nthank you for the conversation{% if event %} at {{ event }}{% endif %}{% if met_on %} on {{ met_on }}{% endif %}.{% if topic %} I have been thinking about what you said about {{ topic }} since.{% endif %}\n\n{% if next_step %}As a next step: {{ next_step }}.\n\n{% endif %}Let's stay in touch.{% if personal_detail %}\n\nP.S. You mentioned {{ personal_detail }}: I hope it goes well.{% endif %}\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n{{ opening }}{% if topic_sentence %} {{ topic_sentence }}{% endif %}\n\n{% if next_step_sentence %}{{ next_step_sentence }}\n\n{% endif %}{{ stay_in_touch }}{% if personal_sentence %}\n\nP.S. {{ personal_sentence }}{% endif %}\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
    ),
    # meet_again
    (
        "Shall we continue our conversation{% if topic %} about {{ topic }}{% endif %}?",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\nI enjoyed meeting you{% if event %} at {{ event }}{% endif %}{% if met_on %} on {{ met_on }}{% endif %} and would like to pick up where we left off{% if topic %} on {{ topic }}{% endif %}.{% if next_step %} You mentioned: {{ next_step }}.{% endif %}\n\nWould you have half an hour for a call or a coffee in the next weeks? Tell me what suits you.{% if personal_detail %}\n\nP.S. You mentioned {{ personal_detail }}: I hope it goes well.{% endif %}\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n{{ opening }} {{ pick_up }}{% if next_step_sentence %} {{ next_step_sentence }}{% endif %}\n\nWould you have half an hour for a call or a coffee in the next weeks? Tell me what suits you.{% if personal_sentence %}\n\nP.S. {{ personal_sentence }}{% endif %}\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
    ),
    # introduction
    (
        "An introduction{% if topic %}: {{ topic }}{% endif %}",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\nafter our conversation{% if event %} at {{ event }}{% endif %}{% if met_on %} on {{ met_on }}{% endif %} I thought of someone you should meet: [name], who [why they should talk].{% if topic %} You both care about {{ topic }}.{% endif %}\n\nIf you are happy for me to introduce you, just reply and I will put you in touch.\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
        "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n{{ opening }} Since then I have thought of someone you should meet: [name], who [why they should talk].{% if topic %} You both care about {{ topic }}.{% endif %}\n\nIf you are happy for me to introduce you, just reply and I will put you in touch.\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}",
    ),
)

templates = sa.table(
    "message_templates",
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
)


def _reword(*, back: bool) -> None:
    """Rows whose text is exactly one default's (never edited) get its other wording."""
    for subject, before, after in DEFAULTS:
        old, new = (after, before) if back else (before, after)
        op.execute(
            templates.update()
            .where(templates.c.subject == subject, templates.c.body == old)
            .values(body=new)
        )


def upgrade() -> None:
    with op.batch_alter_table("follow_ups") as batch_op:
        batch_op.add_column(sa.Column("mentions", sa.String(length=200), nullable=True))
    with op.batch_alter_table("promises") as batch_op:
        batch_op.add_column(sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("done_by_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_promises_done_by_id_users"),
            "users",
            ["done_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _reword(back=False)


def downgrade() -> None:
    _reword(back=True)
    with op.batch_alter_table("promises") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_promises_done_by_id_users"), type_="foreignkey")
        batch_op.drop_column("done_by_id")
        batch_op.drop_column("shared_at")
    with op.batch_alter_table("follow_ups") as batch_op:
        batch_op.drop_column("mentions")
