"""a campaign's update interval (days without a pledge update before it shows as stale); when
public data last changed (the page generation row), for Last-Modified on the open data; the
pledge an event's idea became

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("intake_campaign") as batch:
        batch.add_column(
            sa.Column("update_interval_days", sa.Integer(), nullable=False, server_default="90")
        )
    with op.batch_alter_table("assembly_page_generation") as batch:
        batch.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("assembly_idea") as batch:
        batch.add_column(sa.Column("pledge_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assembly_idea_pledge_id_assembly_pledge"),
            "assembly_pledge",
            ["pledge_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("assembly_idea") as batch:
        batch.drop_constraint(
            op.f("fk_assembly_idea_pledge_id_assembly_pledge"), type_="foreignkey"
        )
        batch.drop_column("pledge_id")
    with op.batch_alter_table("assembly_page_generation") as batch:
        batch.drop_column("changed_at")
    with op.batch_alter_table("intake_campaign") as batch:
        batch.drop_column("update_interval_days")
