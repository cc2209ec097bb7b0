"""intake: a draft conversation may leave borough, date, format, people and consent empty;
accounts: when a user dismissed the "What to do first" steps

Revision ID: 0018
Revises: 0019
Create Date: 2026-11-29 16:10:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None

DRAFT_MAY_LEAVE_EMPTY = (
    ("area_id", sa.Integer()),
    ("held_on", sa.Date()),
    ("format", sa.String(20)),
    ("people_count", sa.Integer()),
    ("consent_to_quote", sa.Boolean()),
)


def upgrade():
    # SQLite rebuilds the table here; migrations/env.py turns foreign keys off around it so
    # the rebuild's DROP TABLE does not cascade to the answers.
    with op.batch_alter_table("intake_conversation") as batch:
        for name, type_ in DRAFT_MAY_LEAVE_EMPTY:
            batch.alter_column(name, existing_type=type_, nullable=True)
    with op.batch_alter_table("accounts_user") as batch:
        batch.add_column(sa.Column("tour_done_at", sa.DateTime(), nullable=True))
    # people who already use the service have found their way: the steps are for new users
    now = datetime.now(UTC).replace(tzinfo=None)
    user = sa.table("accounts_user", sa.column("tour_done_at", sa.DateTime()))
    op.execute(user.update().values(tour_done_at=now))


def downgrade():
    with op.batch_alter_table("accounts_user") as batch:
        batch.drop_column("tour_done_at")
    incomplete = (
        "SELECT id FROM intake_conversation WHERE "
        + " OR ".join(f"{name} IS NULL" for name, _type in DRAFT_MAY_LEAVE_EMPTY)
    )
    # drafts that are not complete cannot be kept in the old schema
    op.execute(f"DELETE FROM intake_response WHERE conversation_id IN ({incomplete})")
    op.execute(f"DELETE FROM intake_conversation_group WHERE conversation_id IN ({incomplete})")
    op.execute(f"DELETE FROM intake_conversation WHERE id IN ({incomplete})")
    with op.batch_alter_table("intake_conversation") as batch:
        for name, type_ in DRAFT_MAY_LEAVE_EMPTY:
            batch.alter_column(name, existing_type=type_, nullable=False)
