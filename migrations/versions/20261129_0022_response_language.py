"""intake: the language each answer is written in (ISO 639-1; NULL: too short or unsure)

Revision ID: 0022
Revises: 0014
Create Date: 2026-11-29 16:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("intake_response") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade():
    with op.batch_alter_table("intake_response") as batch:
        batch.drop_column("language")
