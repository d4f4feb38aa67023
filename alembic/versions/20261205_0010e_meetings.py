"""meetings

One-to-one meetings at an event: the organizer's settings and places, requests, meetings,
the person-slot and place-slot-seat rows whose unique keys refuse double bookings, blocks,
and each person's reminder choice. System mail can carry an iCalendar invitation.

Revision ID: 0010e
Revises: 0010f
Create Date: 2026-12-05 12:10:12.280046
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010e"
down_revision: str | None = "0010f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_blocks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("blocker_id", sa.Uuid(), nullable=False),
        sa.Column("blocked_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["users.id"],
            name=op.f("fk_meeting_blocks_blocked_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["users.id"],
            name=op.f("fk_meeting_blocks_blocker_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_blocks")),
        sa.UniqueConstraint(
            "blocker_id", "blocked_id", name=op.f("uq_meeting_blocks_blocker_id_blocked_id")
        ),
    )
    with op.batch_alter_table("meeting_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_blocks_blocked_id"), ["blocked_id"], unique=False
        )

    op.create_table(
        "meeting_preferences",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("reminder_mail", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_meeting_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_meeting_preferences")),
    )
    op.create_table(
        "meeting_places",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_places_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_places")),
        sa.UniqueConstraint("event_id", "name", name=op.f("uq_meeting_places_event_id_name")),
    )
    with op.batch_alter_table("meeting_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_places_event_id"), ["event_id"], unique=False)

    op.create_table(
        "meeting_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("requester_id", sa.Uuid(), nullable=False),
        sa.Column("invitee_id", sa.Uuid(), nullable=False),
        sa.Column("awaiting_id", sa.Uuid(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requester_proposed", sa.Boolean(), nullable=False),
        sa.Column("invitee_proposed", sa.Boolean(), nullable=False),
        sa.Column("decline_reason", sa.String(length=30), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["awaiting_id"],
            ["users.id"],
            name=op.f("fk_meeting_requests_awaiting_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_requests_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitee_id"],
            ["users.id"],
            name=op.f("fk_meeting_requests_invitee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_meeting_requests_requester_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_requests")),
    )
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_requests_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_requests_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_requests_invitee_id"), ["invitee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_requests_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_requests_status"), ["status"], unique=False)

    op.create_table(
        "meeting_settings",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("find_each_other", sa.Boolean(), nullable=False),
        sa.Column("max_pending_out", sa.Integer(), nullable=False),
        sa.Column("max_meetings_per_day", sa.Integer(), nullable=False),
        sa.Column("expiry_hours", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_meeting_settings")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("requester_id", sa.Uuid(), nullable=False),
        sa.Column("invitee_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place_id", sa.Uuid(), nullable=True),
        sa.Column("place_name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancelled_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requester_met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invitee_met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["users.id"],
            name=op.f("fk_meetings_cancelled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meetings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitee_id"],
            ["users.id"],
            name=op.f("fk_meetings_invitee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["meeting_places.id"],
            name=op.f("fk_meetings_place_id_meeting_places"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["meeting_requests.id"],
            name=op.f("fk_meetings_request_id_meeting_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_meetings_requester_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("request_id", name=op.f("uq_meetings_request_id")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_invitee_id"), ["invitee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meetings_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "meeting_person_slots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_person_slots_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_person_slots_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_meeting_person_slots_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_person_slots")),
        sa.UniqueConstraint(
            "user_id", "starts_at", name=op.f("uq_meeting_person_slots_user_id_starts_at")
        ),
    )
    with op.batch_alter_table("meeting_person_slots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_person_slots_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_person_slots_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "meeting_place_slots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("place_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_place_slots_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_place_slots_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["meeting_places.id"],
            name=op.f("fk_meeting_place_slots_place_id_meeting_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_place_slots")),
        sa.UniqueConstraint(
            "place_id",
            "starts_at",
            "seat",
            name=op.f("uq_meeting_place_slots_place_id_starts_at_seat"),
        ),
    )
    with op.batch_alter_table("meeting_place_slots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_place_slots_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_place_slots_meeting_id"), ["meeting_id"], unique=False
        )

    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.drop_column("calendar")

    with op.batch_alter_table("meeting_place_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_place_slots_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_place_slots_event_id"))

    op.drop_table("meeting_place_slots")
    with op.batch_alter_table("meeting_person_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_person_slots_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_person_slots_event_id"))

    op.drop_table("meeting_person_slots")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_requester_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_invitee_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_event_id"))

    op.drop_table("meetings")
    op.drop_table("meeting_settings")
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_requests_status"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_invitee_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_event_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_created_at"))

    op.drop_table("meeting_requests")
    with op.batch_alter_table("meeting_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_places_event_id"))

    op.drop_table("meeting_places")
    op.drop_table("meeting_preferences")
    with op.batch_alter_table("meeting_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_blocks_blocked_id"))

    op.drop_table("meeting_blocks")
