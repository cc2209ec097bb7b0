"""themes: taxonomy per campaign, analysis runs, sub-themes, assignments, embedding cache

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 08:21:41.702978

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "themes_embedding_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("model_id", sa.String(length=120), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes_embedding_cache")),
        sa.UniqueConstraint("key", "model_id", name=op.f("uq_themes_embedding_cache_key_model_id")),
    )
    op.create_table(
        "themes_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=120), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("n_responses", sa.Integer(), nullable=False),
        sa.Column("n_labels", sa.Integer(), nullable=False),
        sa.Column("cross_val_accuracy", sa.Double(), nullable=True),
        sa.Column("assigner_tensors", sa.LargeBinary(), nullable=True),
        sa.Column("assigner_meta", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_themes_run_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_themes_run_created_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes_run")),
    )
    with op.batch_alter_table("themes_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_themes_run_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_themes_run_status"), ["status"], unique=False)

    op.create_table(
        "themes_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_themes_theme_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_themes_theme_reviewed_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes_theme")),
        sa.UniqueConstraint("campaign_id", "slug", name=op.f("uq_themes_theme_campaign_id_slug")),
    )
    with op.batch_alter_table("themes_theme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_themes_theme_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "themes_sub_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("reviewer_label", sa.String(length=200), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("representative_ids", sa.JSON(), nullable=False),
        sa.Column("is_emerging", sa.Boolean(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["themes_sub_theme.id"],
            name=op.f("fk_themes_sub_theme_merged_into_id_themes_sub_theme"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["themes_run.id"],
            name=op.f("fk_themes_sub_theme_run_id_themes_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes_theme.id"],
            name=op.f("fk_themes_sub_theme_theme_id_themes_theme"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes_sub_theme")),
        sa.UniqueConstraint("run_id", "key", name=op.f("uq_themes_sub_theme_run_id_key")),
    )
    with op.batch_alter_table("themes_sub_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_themes_sub_theme_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_themes_sub_theme_theme_id"), ["theme_id"], unique=False
        )

    op.create_table(
        "themes_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("sub_theme_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("map_x", sa.Double(), nullable=True),
        sa.Column("map_y", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["intake_response.id"],
            name=op.f("fk_themes_assignment_response_id_intake_response"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["accounts_user.id"],
            name=op.f("fk_themes_assignment_reviewer_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["themes_run.id"],
            name=op.f("fk_themes_assignment_run_id_themes_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sub_theme_id"],
            ["themes_sub_theme.id"],
            name=op.f("fk_themes_assignment_sub_theme_id_themes_sub_theme"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes_theme.id"],
            name=op.f("fk_themes_assignment_theme_id_themes_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes_assignment")),
    )
    with op.batch_alter_table("themes_assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_themes_assignment_response_source", ["response_id", "source"], unique=False
        )
        batch_op.create_index(
            "ix_themes_assignment_run_theme", ["run_id", "theme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_themes_assignment_sub_theme_id"), ["sub_theme_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("themes_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_assignment_sub_theme_id"))
        batch_op.drop_index("ix_themes_assignment_run_theme")
        batch_op.drop_index("ix_themes_assignment_response_source")

    op.drop_table("themes_assignment")
    with op.batch_alter_table("themes_sub_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_sub_theme_theme_id"))
        batch_op.drop_index(batch_op.f("ix_themes_sub_theme_run_id"))

    op.drop_table("themes_sub_theme")
    with op.batch_alter_table("themes_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_theme_campaign_id"))

    op.drop_table("themes_theme")
    with op.batch_alter_table("themes_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_run_status"))
        batch_op.drop_index(batch_op.f("ix_themes_run_campaign_id"))

    op.drop_table("themes_run")
    op.drop_table("themes_embedding_cache")
