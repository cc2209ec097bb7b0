"""assembly: events, pledges, signatories, actions, metrics, readings, updates and quotes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:21:42.757324

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assembly_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("theme_slugs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_assembly_event_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_event")),
    )
    with op.batch_alter_table("assembly_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_event_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "assembly_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["assembly_event.id"],
            name=op.f("fk_assembly_attendance_event_id_assembly_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_attendance")),
        sa.UniqueConstraint("event_id", "kind", name=op.f("uq_assembly_attendance_event_id_kind")),
    )
    op.create_table(
        "assembly_idea",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("theme_slugs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["assembly_event.id"],
            name=op.f("fk_assembly_idea_event_id_assembly_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_idea")),
    )
    with op.batch_alter_table("assembly_idea", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assembly_idea_event_id"), ["event_id"], unique=False)

    op.create_table(
        "assembly_pledge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("manual_progress", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["intake_area.id"],
            name=op.f("fk_assembly_pledge_area_id_intake_area"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_assembly_pledge_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["assembly_event.id"],
            name=op.f("fk_assembly_pledge_event_id_assembly_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["intake_organisation.id"],
            name=op.f("fk_assembly_pledge_lead_organisation_id_intake_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_pledge")),
    )
    with op.batch_alter_table("assembly_pledge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_pledge_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assembly_pledge_lead_organisation_id"),
            ["lead_organisation_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_assembly_pledge_status"), ["status"], unique=False)

    op.create_table(
        "assembly_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["assembly_pledge.id"],
            name=op.f("fk_assembly_action_pledge_id_assembly_pledge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_action")),
    )
    with op.batch_alter_table("assembly_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_action_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "assembly_metric",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("baseline_on", sa.Date(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["assembly_pledge.id"],
            name=op.f("fk_assembly_metric_pledge_id_assembly_pledge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_metric")),
    )
    with op.batch_alter_table("assembly_metric", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_metric_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "assembly_pledge_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("theme_slug", sa.String(length=80), nullable=False),
        sa.Column("subtheme_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["assembly_pledge.id"],
            name=op.f("fk_assembly_pledge_theme_pledge_id_assembly_pledge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_pledge_theme")),
        sa.UniqueConstraint(
            "pledge_id",
            "theme_slug",
            "subtheme_id",
            name=op.f("uq_assembly_pledge_theme_pledge_id_theme_slug_subtheme_id"),
        ),
    )
    with op.batch_alter_table("assembly_pledge_theme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_pledge_theme_theme_slug"), ["theme_slug"], unique=False
        )

    op.create_table(
        "assembly_progress_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts_user.id"],
            name=op.f("fk_assembly_progress_update_author_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["assembly_pledge.id"],
            name=op.f("fk_assembly_progress_update_pledge_id_assembly_pledge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_progress_update")),
    )
    with op.batch_alter_table("assembly_progress_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_progress_update_pledge_id"), ["pledge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assembly_progress_update_posted_on"), ["posted_on"], unique=False
        )

    op.create_table(
        "assembly_signatory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["intake_organisation.id"],
            name=op.f("fk_assembly_signatory_organisation_id_intake_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["assembly_pledge.id"],
            name=op.f("fk_assembly_signatory_pledge_id_assembly_pledge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_signatory")),
    )
    with op.batch_alter_table("assembly_signatory", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_signatory_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "assembly_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["assembly_metric.id"],
            name=op.f("fk_assembly_reading_metric_id_assembly_metric"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_reading")),
        sa.UniqueConstraint(
            "metric_id", "taken_on", name=op.f("uq_assembly_reading_metric_id_taken_on")
        ),
    )
    op.create_table(
        "assembly_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("theme_slug", sa.String(length=80), nullable=True),
        sa.Column("pledge_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_assembly_quote_approved_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_assembly_quote_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["assembly_pledge.id"],
            name=op.f("fk_assembly_quote_pledge_id_assembly_pledge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["accounts_user.id"],
            name=op.f("fk_assembly_quote_proposed_by_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["intake_response.id"],
            name=op.f("fk_assembly_quote_response_id_intake_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_quote")),
    )
    with op.batch_alter_table("assembly_quote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assembly_quote_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assembly_quote_pledge_id"), ["pledge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assembly_quote_response_id"), ["response_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assembly_quote_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assembly_quote_theme_slug"), ["theme_slug"], unique=False
        )


def downgrade():
    with op.batch_alter_table("assembly_quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_quote_theme_slug"))
        batch_op.drop_index(batch_op.f("ix_assembly_quote_status"))
        batch_op.drop_index(batch_op.f("ix_assembly_quote_response_id"))
        batch_op.drop_index(batch_op.f("ix_assembly_quote_pledge_id"))
        batch_op.drop_index(batch_op.f("ix_assembly_quote_campaign_id"))

    op.drop_table("assembly_quote")
    op.drop_table("assembly_reading")
    with op.batch_alter_table("assembly_signatory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_signatory_pledge_id"))

    op.drop_table("assembly_signatory")
    with op.batch_alter_table("assembly_progress_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_progress_update_posted_on"))
        batch_op.drop_index(batch_op.f("ix_assembly_progress_update_pledge_id"))

    op.drop_table("assembly_progress_update")
    with op.batch_alter_table("assembly_pledge_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_pledge_theme_theme_slug"))

    op.drop_table("assembly_pledge_theme")
    with op.batch_alter_table("assembly_metric", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_metric_pledge_id"))

    op.drop_table("assembly_metric")
    with op.batch_alter_table("assembly_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_action_pledge_id"))

    op.drop_table("assembly_action")
    with op.batch_alter_table("assembly_pledge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_pledge_status"))
        batch_op.drop_index(batch_op.f("ix_assembly_pledge_lead_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_assembly_pledge_campaign_id"))

    op.drop_table("assembly_pledge")
    with op.batch_alter_table("assembly_idea", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_idea_event_id"))

    op.drop_table("assembly_idea")
    op.drop_table("assembly_attendance")
    with op.batch_alter_table("assembly_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_event_campaign_id"))

    op.drop_table("assembly_event")
