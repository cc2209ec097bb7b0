"""themes: calibrated confidence and auto-accepted flag per model assignment (NULL: before)

Revision ID: 0015
Revises: 0020
Create Date: 2026-11-29 16:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("themes_assignment") as batch:
        batch.add_column(sa.Column("confidence", sa.Double(), nullable=True))
        batch.add_column(
            sa.Column("auto_accepted", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("themes_assignment") as batch:
        batch.drop_column("auto_accepted")
        batch.drop_column("confidence")
