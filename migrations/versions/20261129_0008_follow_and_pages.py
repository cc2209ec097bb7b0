"""follow a pledge or a theme by email; editable footer pages

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 14:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("theme_slug", sa.String(length=80), nullable=True),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_follow_subscription_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["assembly_pledge.id"],
            name=op.f("fk_follow_subscription_pledge_id_assembly_pledge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_subscription")),
    )
    with op.batch_alter_table("follow_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_subscription_email"), ["email"])
        batch_op.create_index(batch_op.f("ix_follow_subscription_pledge_id"), ["pledge_id"])
        batch_op.create_index(batch_op.f("ix_follow_subscription_campaign_id"), ["campaign_id"])

    op.create_table(
        "pages_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_pages_page_updated_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages_page")),
        sa.UniqueConstraint("slug", name=op.f("uq_pages_page_slug")),
    )


def downgrade():
    op.drop_table("pages_page")
    with op.batch_alter_table("follow_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_subscription_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_follow_subscription_pledge_id"))
        batch_op.drop_index(batch_op.f("ix_follow_subscription_email"))
    op.drop_table("follow_subscription")
