"""intake: a per-installation secret that import UUIDs are derived with (made here, at random)

Revision ID: 0013
Revises: 0021
Create Date: 2026-11-29 16:10:00

"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "intake_installation_secret",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_installation_secret")),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(table, [{"id": 1, "secret": secrets.token_hex(32), "created_at": now}])


def downgrade():
    op.drop_table("intake_installation_secret")
