"""intake: when each answer was screened (with the versions already stored); assembly: why a
quote was withdrawn by the system (an answer flagged or edited after approval)

Revision ID: 20261207_gate_screening
Revises: 20261207_leads_user_phone
Create Date: 2026-12-07 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "20261207_gate_screening"
down_revision = "20261207_leads_user_phone"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("intake_response") as batch:
        batch.add_column(sa.Column("screened_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("assembly_quote") as batch:
        batch.add_column(sa.Column("withdrawn_reason", sa.String(20), nullable=True))


def downgrade():
    with op.batch_alter_table("assembly_quote") as batch:
        batch.drop_column("withdrawn_reason")
    with op.batch_alter_table("intake_response") as batch:
        batch.drop_column("screened_at")
