"""themes: a full-text index of answers' redacted text (SQLite FTS5 kept by triggers;
PostgreSQL a GIN index over to_tsvector)

Revision ID: 0014
Revises: 0015
Create Date: 2026-11-29 16:10:00

"""

from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None

# SQLite: an external-content FTS5 table over intake_response.redacted_text. Triggers keep it in
# step with every insert, edit and delete (foreign-key cascades fire them too), so an erased
# answer leaves the index in the same transaction. A later migration that rebuilds
# intake_response with batch_alter_table drops these triggers and must create them again
# (tests/themes/test_search.py fails if it does not).
SQLITE_UP = [
    """CREATE VIRTUAL TABLE themes_response_fts USING fts5(
        redacted_text, content='intake_response', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER themes_response_fts_insert AFTER INSERT ON intake_response BEGIN
        INSERT INTO themes_response_fts(rowid, redacted_text) VALUES (new.id, new.redacted_text);
    END""",
    """CREATE TRIGGER themes_response_fts_delete AFTER DELETE ON intake_response BEGIN
        INSERT INTO themes_response_fts(themes_response_fts, rowid, redacted_text)
        VALUES ('delete', old.id, old.redacted_text);
    END""",
    """CREATE TRIGGER themes_response_fts_update AFTER UPDATE OF redacted_text ON intake_response
    BEGIN
        INSERT INTO themes_response_fts(themes_response_fts, rowid, redacted_text)
        VALUES ('delete', old.id, old.redacted_text);
        INSERT INTO themes_response_fts(rowid, redacted_text) VALUES (new.id, new.redacted_text);
    END""",
    "INSERT INTO themes_response_fts(themes_response_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS themes_response_fts_update",
    "DROP TRIGGER IF EXISTS themes_response_fts_delete",
    "DROP TRIGGER IF EXISTS themes_response_fts_insert",
    "DROP TABLE IF EXISTS themes_response_fts",
]
# PostgreSQL computes the document from the row itself: nothing can fall out of step.
POSTGRES_UP = [
    "CREATE INDEX ix_themes_response_fts ON intake_response "
    "USING gin (to_tsvector('english'::regconfig, redacted_text))"
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_themes_response_fts"]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    _run(SQLITE_UP if dialect == "sqlite" else POSTGRES_UP if dialect == "postgresql" else [])


def downgrade():
    dialect = op.get_bind().dialect.name
    _run(SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN if dialect == "postgresql" else [])
