"""assembly: pledges are archived (hidden from the public, restorable), not deleted

Revision ID: 0016
Revises: 0012
Create Date: 2026-11-29 16:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assembly_pledge") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("archived_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assembly_pledge_archived_by_id_accounts_user"),
            "accounts_user",
            ["archived_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("assembly_pledge") as batch:
        batch.drop_constraint(
            op.f("fk_assembly_pledge_archived_by_id_accounts_user"), type_="foreignkey"
        )
        batch.drop_column("archived_by_id")
        batch.drop_column("archived_at")
