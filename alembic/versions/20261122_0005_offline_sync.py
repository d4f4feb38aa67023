"""offline sync

The operation log, contact aliases, note conflicts, offline door scans and door conflicts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_operations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sync_operations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_operations")),
        sa.UniqueConstraint("user_id", "op_id", name=op.f("uq_sync_operations_user_id_op_id")),
    )
    op.create_table(
        "contact_aliases",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_aliases_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_contact_aliases_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "client_id", name=op.f("pk_contact_aliases")),
    )
    op.create_index(
        op.f("ix_contact_aliases_contact_id"), "contact_aliases", ["contact_id"], unique=False
    )
    op.create_table(
        "note_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("copy_note_id", sa.Uuid(), nullable=False),
        sa.Column("winner", sa.String(length=10), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["copy_note_id"],
            ["notes.id"],
            name=op.f("fk_note_conflicts_copy_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
            name=op.f("fk_note_conflicts_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_note_conflicts_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_conflicts")),
        sa.UniqueConstraint("copy_note_id", name=op.f("uq_note_conflicts_copy_note_id")),
    )
    op.create_index(op.f("ix_note_conflicts_note_id"), "note_conflicts", ["note_id"], unique=False)
    op.create_index(
        op.f("ix_note_conflicts_owner_id"), "note_conflicts", ["owner_id"], unique=False
    )
    op.create_table(
        "door_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("attendee_id", sa.Uuid(), nullable=False),
        sa.Column("scan_id", sa.Uuid(), nullable=False),
        sa.Column("other_scan_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_door_conflicts_attendee_id_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_door_conflicts_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_scan_id"],
            ["check_in_scans.id"],
            name=op.f("fk_door_conflicts_other_scan_id_check_in_scans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["check_in_scans.id"],
            name=op.f("fk_door_conflicts_scan_id_check_in_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_door_conflicts")),
        sa.UniqueConstraint("scan_id", name=op.f("uq_door_conflicts_scan_id")),
    )
    op.create_index(
        op.f("ix_door_conflicts_event_id"), "door_conflicts", ["event_id"], unique=False
    )
    op.create_table(
        "door_offline_scans",
        sa.Column("scan_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("attendee_id", sa.Uuid(), nullable=True),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("gate", sa.String(length=60), nullable=False),
        sa.Column("local_outcome", sa.String(length=30), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("moved_check_in", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_door_offline_scans_attendee_id_attendees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_door_offline_scans_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["check_in_scans.id"],
            name=op.f("fk_door_offline_scans_scan_id_check_in_scans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_door_offline_scans_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("scan_id", name=op.f("pk_door_offline_scans")),
    )
    op.create_index(
        "ix_door_offline_scans_event_attendee",
        "door_offline_scans",
        ["event_id", "attendee_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_door_offline_scans_event_attendee", table_name="door_offline_scans")
    op.drop_table("door_offline_scans")
    op.drop_index(op.f("ix_door_conflicts_event_id"), table_name="door_conflicts")
    op.drop_table("door_conflicts")
    op.drop_index(op.f("ix_note_conflicts_owner_id"), table_name="note_conflicts")
    op.drop_index(op.f("ix_note_conflicts_note_id"), table_name="note_conflicts")
    op.drop_table("note_conflicts")
    op.drop_index(op.f("ix_contact_aliases_contact_id"), table_name="contact_aliases")
    op.drop_table("contact_aliases")
    op.drop_table("sync_operations")
