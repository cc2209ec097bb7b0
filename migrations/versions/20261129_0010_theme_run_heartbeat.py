"""theme run heartbeat: a running job writes it, a stopped one is noticed

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("themes_run") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("themes_run") as batch:
        batch.drop_column("heartbeat_at")
