"""a campaign's update interval (days without a pledge update before it shows as stale); when
public data last changed (the page generation row), for Last-Modified on the open data; the
pledge an event's idea became

Revision ID: 0012
Revises: 0009 (0011 after merge)
Create Date: 2026-11-29 14:30:00

MERGE NOTE: the opendata branch was cut from main at 0009 and another branch adds 0010 and 0011.
On this branch 0012 follows 0009 so the chain has one head and the suite runs; when 0010/0011
are merged, set down_revision = "0009"  # "0011" once 0010/0011 are merged (see above) (the revision id "0012" stays).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"  # "0011" once 0010/0011 are merged (see above)
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
