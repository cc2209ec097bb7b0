"""intake: safeguarding flags on answers, cases for the safeguarding lead, campaign guidance

Revision ID: 0020
Revises: 0018
Create Date: 2026-11-29 16:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("intake_response") as batch:
        batch.add_column(
            sa.Column(
                "safeguarding_flag", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(sa.Column("safeguarding_kind", sa.String(32), nullable=True))
        batch.add_column(sa.Column("safeguarding_version", sa.String(24), nullable=True))
    with op.batch_alter_table("intake_campaign") as batch:
        batch.add_column(
            sa.Column("safeguarding_guidance", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "intake_safeguarding_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("kinds", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.Column("seen_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["intake_conversation.id"],
            name=op.f("fk_intake_safeguarding_case_conversation_id_intake_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_intake_safeguarding_case_campaign_id_intake_campaign"),
        ),
        sa.ForeignKeyConstraint(
            ["seen_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_intake_safeguarding_case_seen_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_intake_safeguarding_case_closed_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_safeguarding_case")),
        sa.UniqueConstraint(
            "conversation_id", name=op.f("uq_intake_safeguarding_case_conversation_id")
        ),
    )
    with op.batch_alter_table("intake_safeguarding_case") as batch:
        batch.create_index(
            batch.f("ix_intake_safeguarding_case_campaign_id"), ["campaign_id"], unique=False
        )
        batch.create_index(batch.f("ix_intake_safeguarding_case_status"), ["status"], unique=False)


def downgrade():
    op.drop_table("intake_safeguarding_case")
    with op.batch_alter_table("intake_campaign") as batch:
        batch.drop_column("safeguarding_guidance")
    with op.batch_alter_table("intake_response") as batch:
        batch.drop_column("safeguarding_version")
        batch.drop_column("safeguarding_kind")
        batch.drop_column("safeguarding_flag")
