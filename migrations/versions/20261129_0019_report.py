"""report: stored "what we heard" reports (the reviewer's choices and the theme run)

Revision ID: 0019
Revises: 0013
Create Date: 2026-11-29 16:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("theme_run_id", sa.Integer(), nullable=True),
        sa.Column("theme_ids", sa.JSON(), nullable=False),
        sa.Column("quote_ids", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_report_report_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_run_id"],
            ["themes_run.id"],
            name=op.f("fk_report_report_theme_run_id_themes_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_report_report_created_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_report")),
    )
    with op.batch_alter_table("report_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_report_campaign_id"), ["campaign_id"])


def downgrade():
    with op.batch_alter_table("report_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_report_campaign_id"))
    op.drop_table("report_report")
