"""door check-in

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "door_settings",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("opens_minutes_before_start", sa.Integer(), nullable=False),
        sa.Column("closes_minutes_after_end", sa.Integer(), nullable=False),
        sa.Column("self_check_in_enabled", sa.Boolean(), nullable=False),
        sa.Column("poster_token", sa.String(length=64), nullable=True),
        sa.Column("poster_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_door_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_door_settings")),
        sa.UniqueConstraint("poster_token", name=op.f("uq_door_settings_poster_token")),
    )
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("attendee_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("gate", sa.String(length=60), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Uuid(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Uuid(), nullable=True),
        sa.Column("undo_reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_check_ins_attendee_id_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"],
            ["users.id"],
            name=op.f("fk_check_ins_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_check_ins_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"],
            ["users.id"],
            name=op.f("fk_check_ins_undone_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
    )
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_check_ins_event_checked_in_at", ["event_id", "checked_in_at"], unique=False
        )
        # At most one live check-in per attendee: the database, not luck, decides a race.
        batch_op.create_index(
            "uq_check_ins_live_attendee",
            ["attendee_id"],
            unique=True,
            sqlite_where=sa.text("undone_at IS NULL"),
            postgresql_where=sa.text("undone_at IS NULL"),
        )

    op.create_table(
        "check_in_scans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("gate", sa.String(length=60), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Uuid(), nullable=True),
        sa.Column("attendee_id", sa.Uuid(), nullable=True),
        sa.Column("check_in_id", sa.Uuid(), nullable=True),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_check_in_scans_attendee_id_attendees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"],
            ["users.id"],
            name=op.f("fk_check_in_scans_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["check_in_id"],
            ["check_ins.id"],
            name=op.f("fk_check_in_scans_check_in_id_check_ins"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_check_in_scans_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in_scans")),
        sa.UniqueConstraint("event_id", "nonce", name=op.f("uq_check_in_scans_event_id_nonce")),
    )
    with op.batch_alter_table("check_in_scans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_check_in_scans_event_received_at", ["event_id", "received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("check_in_scans", schema=None) as batch_op:
        batch_op.drop_index("ix_check_in_scans_event_received_at")
    op.drop_table("check_in_scans")
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_index("uq_check_ins_live_attendee")
        batch_op.drop_index("ix_check_ins_event_checked_in_at")
    op.drop_table("check_ins")
    op.drop_table("door_settings")
