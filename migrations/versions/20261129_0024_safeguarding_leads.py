"""intake: safeguarding leads per campaign; released false alarms

Revision ID: 0024
Revises: 0022
Create Date: 2026-11-29 19:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_safeguarding_lead",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["intake_campaign.id"],
            name=op.f("fk_intake_safeguarding_lead_campaign_id_intake_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["accounts_user.id"],
            name=op.f("fk_intake_safeguarding_lead_user_id_accounts_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "user_id", name=op.f("pk_intake_safeguarding_lead")),
    )
    # leads were global until now: each existing lead keeps every existing campaign
    op.execute(
        "INSERT INTO intake_safeguarding_lead (campaign_id, user_id) "
        "SELECT c.id, u.id FROM intake_campaign c, accounts_user u "
        "WHERE u.role = 'safeguarding_lead'"
    )
    with op.batch_alter_table("intake_response") as batch:
        batch.add_column(sa.Column("safeguarding_released", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("intake_response") as batch:
        batch.drop_column("safeguarding_released")
    op.drop_table("intake_safeguarding_lead")
