"""follow: the language a follow was asked in, so its emails are written in it ('en' before)

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29 19:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("follow_subscription") as batch:
        batch.add_column(sa.Column("locale", sa.String(8), nullable=False, server_default="en"))


def downgrade():
    with op.batch_alter_table("follow_subscription") as batch:
        batch.drop_column("locale")
