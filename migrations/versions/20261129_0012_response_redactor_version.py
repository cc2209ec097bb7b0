"""intake: the redactor version each answer's redacted text was made with (NULL: before v2)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 15:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("intake_response") as batch:
        batch.add_column(sa.Column("redactor_version", sa.String(8), nullable=True))


def downgrade():
    with op.batch_alter_table("intake_response") as batch:
        batch.drop_column("redactor_version")
