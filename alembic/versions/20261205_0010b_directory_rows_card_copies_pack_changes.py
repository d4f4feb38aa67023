"""directory rows, card copies caught up by the worker, door pack changes

`directory_entries`: what an event's directory shows of each listed attendee, with what
sorting, searching and ranking need (services.events.listing), filled here for everyone already
listed. `cards.copies_pending_since` / `copies_done_through`: a popular card's copies wait for
the worker, which refreshes them in chunks. `check_ins.changed_at`: when an offline upload
moved a check-in earlier, so that door pack updates include it; an index of each event's
attendees by id, which the pack reads a chunk at a time, and of each person's registrations by
event (the access check of every event request).

Revision ID: 0010b
Revises: 0010e
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010b"
down_revision: str | None = "0010e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_entries",
        sa.Column("attendee_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("shown", sa.JSON(), nullable=False),
        sa.Column(
            "sort_key",
            sa.Text().with_variant(sa.Text(collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("name_words", sa.Text(), nullable=False),
        sa.Column("company_words", sa.Text(), nullable=False),
        sa.Column("topic_words", sa.Text(), nullable=False),
        sa.Column("interest_keys", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_directory_entries_attendee_id_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_directory_entries_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_directory_entries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attendee_id", name=op.f("pk_directory_entries")),
    )
    with op.batch_alter_table("directory_entries") as batch_op:
        batch_op.create_index(
            "ix_directory_entries_event_order", ["event_id", "sort_key", "attendee_id"]
        )
        batch_op.create_index(batch_op.f("ix_directory_entries_user_id"), ["user_id"])
    with op.batch_alter_table("cards") as batch_op:
        batch_op.add_column(
            sa.Column("copies_pending_since", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("copies_done_through", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_cards_copies_pending_since"), ["copies_pending_since"]
        )
    with op.batch_alter_table("check_ins") as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("attendees") as batch_op:
        batch_op.create_index("ix_attendees_event_id_id", ["event_id", "id"])
        batch_op.create_index("ix_attendees_user_id_event_id", ["user_id", "event_id"])
    _fill_directory()


def _fill_directory() -> None:
    """A row for every attendee listed today, worked out by the code that keeps them since."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from services.events.listing import row_values

    attendees = sa.table(
        "attendees",
        *(sa.column(c) for c in ("id", "event_id", "user_id", "name", "title", "company")),
        sa.column("directory_listed_at"),
    )
    cards = sa.table(
        "cards",
        *(sa.column(c) for c in ("user_id", "name", "title", "company", "email", "phone")),
        *(sa.column(c) for c in ("linkedin_url", "website", "headline", "goals")),
        sa.column("headline_pitch_id"),
        sa.column("interests", sa.JSON),
        sa.column("shared_fields", sa.JSON),
    )
    pitches = sa.table("pitches", sa.column("id"), sa.column("text"))
    entries = sa.table(
        "directory_entries",
        *(sa.column(c) for c in ("attendee_id", "event_id", "user_id", "sort_key")),
        *(sa.column(c) for c in ("search_text", "name_words", "company_words", "topic_words")),
        sa.column("interest_keys"),
        sa.column("shown", sa.JSON),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    listed = bind.execute(
        sa.select(
            attendees.c.id,
            attendees.c.event_id,
            attendees.c.user_id,
            attendees.c.name,
            attendees.c.title,
            attendees.c.company,
            *(c.label(f"card_{c.name}") for c in cards.c),
            pitches.c.text.label("pitch_text"),
        )
        .select_from(attendees)
        .outerjoin(cards, cards.c.user_id == attendees.c.user_id)
        .outerjoin(pitches, pitches.c.id == cards.c.headline_pitch_id)
        .where(attendees.c.directory_listed_at.is_not(None))
    ).all()
    now = datetime.now(UTC)
    rows = []
    for row in listed:
        card = None
        if row.card_user_id is not None:
            card = SimpleNamespace(**{c.name: getattr(row, f"card_{c.name}") for c in cards.c})
        headline = row.pitch_text if row.pitch_text is not None else getattr(card, "headline", "")
        values = row_values(row, card, headline or "")
        rows.append({"attendee_id": row.id, **values, "updated_at": now})
    for start in range(0, len(rows), 500):
        bind.execute(entries.insert(), rows[start : start + 500])


def downgrade() -> None:
    with op.batch_alter_table("attendees") as batch_op:
        batch_op.drop_index("ix_attendees_user_id_event_id")
        batch_op.drop_index("ix_attendees_event_id_id")
    with op.batch_alter_table("check_ins") as batch_op:
        batch_op.drop_column("changed_at")
    with op.batch_alter_table("cards") as batch_op:
        batch_op.drop_index(batch_op.f("ix_cards_copies_pending_since"))
        batch_op.drop_column("copies_done_through")
        batch_op.drop_column("copies_pending_since")
    with op.batch_alter_table("directory_entries") as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_entries_user_id"))
        batch_op.drop_index("ix_directory_entries_event_order")
    op.drop_table("directory_entries")
