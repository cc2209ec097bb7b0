"""security and data protection

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:23:15.991319

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # fixed-window request counters for the API rate limit (used when no Redis is configured)
    op.create_table(
        "security_rate_counter",
        sa.Column("bucket", sa.String(length=120), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_security_rate_counter")),
    )
    with op.batch_alter_table("security_rate_counter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_rate_counter_window_start"), ["window_start"], unique=False
        )

    # tombstones of conversations erased on request (a hash of the UUID, nothing else)
    op.create_table(
        "privacy_erasure",
        sa.Column("uuid_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("uuid_hash", name=op.f("pk_privacy_erasure")),
    )


def downgrade():
    op.drop_table("privacy_erasure")
    with op.batch_alter_table("security_rate_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_rate_counter_window_start"))

    op.drop_table("security_rate_counter")
