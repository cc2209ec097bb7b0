"""Full-text search of answers' redacted text: one function, a branch per database.

SQLite: the FTS5 table `themes_response_fts` (porter stemmer, kept in step by triggers, see
migration 0014). PostgreSQL: `to_tsvector('english', redacted_text)` against
`plainto_tsquery` (a GIN index over the same expression). Either way every word of the query
must occur, in any order and any inflection ("rents high" finds "high rent"). The query is cut
into words first and each word is quoted, so no input can form FTS5 syntax (AND, NEAR, *, ")
or raise a query error; results are joined back to living, submitted answers.
"""

from __future__ import annotations

import re

from sqlalchemy import column, func, literal_column, select, table

from listening.extensions import db
from listening.intake import screening
from listening.intake.models import Conversation, ConversationStatus, Response

INDEX_TABLE = "themes_response_fts"  # SQLite (and its shadow tables, named from it)
INDEX_NAME = "ix_themes_response_fts"  # PostgreSQL
MAX_WORDS = 16
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as FTS5's unicode61 tokenizer cuts them
_ENGLISH = literal_column("'english'::regconfig")  # literal, so the planner matches the index
_FTS = table(INDEX_TABLE, column("rowid"), column("rank"), column(INDEX_TABLE))


def query_words(q: str) -> list[str]:
    """The words of a search, lower-cased, at most MAX_WORDS."""
    return _WORD.findall((q or "").casefold())[:MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word: each a quoted string, never an operator."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def search_responses(campaign_id: int, q: str, limit: int = 100) -> list[Response]:
    """Cleared answers of the campaign's submitted conversations containing every word of `q`,
    best match first (a flagged or unscreened answer is never shown)."""
    words = query_words(q)
    if not words:
        return []
    query = (
        select(Response)
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(
            Conversation.campaign_id == campaign_id,
            Conversation.status == ConversationStatus.SUBMITTED,
            screening.cleared(),
        )
    )
    if db.session.get_bind().dialect.name == "postgresql":
        document = func.to_tsvector(_ENGLISH, Response.redacted_text)
        wanted = func.plainto_tsquery(_ENGLISH, " ".join(words))
        query = query.where(document.op("@@")(wanted)).order_by(
            func.ts_rank(document, wanted).desc(), Response.id
        )
    else:
        query = (
            query.join(_FTS, _FTS.c.rowid == Response.id)
            .where(_FTS.c[INDEX_TABLE].op("MATCH")(fts5_query(words)))
            .order_by(_FTS.c.rank, Response.id)
        )
    return list(db.session.scalars(query.limit(limit)))
