"""accounts: an optional phone number per user (a safeguarding lead's, shown to partners with
the guidance; a partner's, shown to the lead on a case)

Revision ID: 20261207_leads_user_phone
Revises: 0025
Create Date: 2026-12-07 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "20261207_leads_user_phone"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("accounts_user") as batch:
        batch.add_column(sa.Column("phone", sa.String(40), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("accounts_user") as batch:
        batch.drop_column("phone")
