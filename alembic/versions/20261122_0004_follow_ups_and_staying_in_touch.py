"""follow-ups and staying in touch

Message templates, follow-up messages with their state history, draft runs per (user, event),
follow-up preferences (signature, daily digest, calendar feed token hash), keep-in-touch
cadences, logged interactions, and the users' time zone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follow_up_preferences",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("daily_digest", sa.Boolean(), nullable=False),
        sa.Column("last_digest_on", sa.Date(), nullable=True),
        sa.Column("calendar_token_hash", sa.String(length=64), nullable=True),
        sa.Column("calendar_token_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_follow_up_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_follow_up_preferences")),
        sa.UniqueConstraint(
            "calendar_token_hash", name=op.f("uq_follow_up_preferences_calendar_token_hash")
        ),
    )
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_message_templates_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
    )
    with op.batch_alter_table("message_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_templates_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "draft_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drafted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_draft_runs_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_draft_runs_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_runs")),
        sa.UniqueConstraint("owner_id", "event_id", name=op.f("uq_draft_runs_owner_id_event_id")),
    )
    with op.batch_alter_table("draft_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_runs_event_id"), ["event_id"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("template_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("reply_to", sa.String(length=320), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_follow_ups_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_follow_ups_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_follow_ups_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["message_templates.id"],
            name=op.f("fk_follow_ups_template_id_message_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint(
            "owner_id",
            "contact_id",
            "event_id",
            name=op.f("uq_follow_ups_owner_id_contact_id_event_id"),
        ),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            op.f("ix_follow_ups_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )

    op.create_table(
        "interactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_interactions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_interactions_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interactions_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_interactions_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "keep_in_touch",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_keep_in_touch_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_keep_in_touch_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_keep_in_touch")),
    )
    with op.batch_alter_table("keep_in_touch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_keep_in_touch_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "follow_up_transitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("follow_up_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_follow_up_transitions_follow_up_id_follow_ups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_transitions")),
    )
    with op.batch_alter_table("follow_up_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_transitions_follow_up_id"), ["follow_up_id"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("timezone")

    with op.batch_alter_table("follow_up_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_transitions_follow_up_id"))

    op.drop_table("follow_up_transitions")
    with op.batch_alter_table("keep_in_touch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_keep_in_touch_owner_id"))

    op.drop_table("keep_in_touch")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_interactions_contact_id"))

    op.drop_table("interactions")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_follow_ups_status_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_owner_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_event_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_created_at"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_contact_id"))

    op.drop_table("follow_ups")
    with op.batch_alter_table("draft_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_runs_event_id"))

    op.drop_table("draft_runs")
    with op.batch_alter_table("message_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_templates_owner_id"))

    op.drop_table("message_templates")
    op.drop_table("follow_up_preferences")
    # ### end Alembic commands ###
