"""intake: spreadsheet imports run as jobs, committed a batch at a time (progress, resumable)

Revision ID: 20261207_load_import_jobs
Revises: 20261207_gate_screening
Create Date: 2026-12-07 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "20261207_load_import_jobs"
down_revision = "20261207_gate_screening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_intake_import_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["accounts_user.id"],
            name=op.f("fk_intake_import_actor_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_import")),
    )


def downgrade():
    op.drop_table("intake_import")
