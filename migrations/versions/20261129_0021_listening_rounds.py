"""listening rounds: a campaign can follow an earlier round; sub-theme matches across rounds

Revision ID: 0021
Revises: 0016
Create Date: 2026-11-29 16:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("intake_campaign") as batch:
        batch.add_column(sa.Column("previous_round_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_intake_campaign_previous_round_id_intake_campaign"),
            "intake_campaign",
            ["previous_round_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "themes_round_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sub_theme_id", sa.Integer(), nullable=False),
        sa.Column("previous_sub_theme_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Double(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub_theme_id"],
            ["themes_sub_theme.id"],
            name=op.f("fk_themes_round_match_sub_theme_id_themes_sub_theme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_sub_theme_id"],
            ["themes_sub_theme.id"],
            name=op.f("fk_themes_round_match_previous_sub_theme_id_themes_sub_theme"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["accounts_user.id"],
            name=op.f("fk_themes_round_match_reviewer_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes_round_match")),
        sa.UniqueConstraint("sub_theme_id", name=op.f("uq_themes_round_match_sub_theme_id")),
    )


def downgrade():
    op.drop_table("themes_round_match")
    with op.batch_alter_table("intake_campaign") as batch:
        batch.drop_constraint(
            op.f("fk_intake_campaign_previous_round_id_intake_campaign"), type_="foreignkey"
        )
        batch.drop_column("previous_round_id")
