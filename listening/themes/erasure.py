"""What the themes feature derived from answers that are about to be erased, and its removal.

Erasure (the privacy feature) deletes the answers and every row that points at them; this
module removes what was *derived* from their text and is stored without pointing at them:

* embedding cache rows keyed by the SHA-256 of an erased text, unless a living answer has the
  same text (its row is then the living answer's too);
* sub-theme descriptions: erased answers leave the representative examples, keywords that
  occur only in erased answers (not in any living answer of the sub-theme) are dropped, and the
  model's label is made again from the keywords left when it named a dropped one. A reviewer's
  own label is the reviewer's words and is kept.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, or_, select

from listening import audit, signals
from listening.accounts.models import User
from listening.extensions import db
from listening.intake.models import Conversation, Response
from listening.themes import embedding
from listening.themes.models import Assignment, EmbeddingCache, SubTheme, ThemeRun


def forget_answers(
    campaign_id: int,
    response_ids: Collection[int],
    actor: User | None,
    earlier: Collection[str] = (),
) -> dict[str, int]:
    """Remove what themes derived from these answers (call before they are deleted), and from
    their `earlier` wordings (before an edit); flushes.

    Returns how many embedding rows were deleted and how many sub-themes were rewritten.
    """
    ids = set(response_ids)
    texts = _texts(ids) | {t for t in earlier if t}
    forgotten = _forget_embeddings(texts, ids)
    rewritten = _rewrite_sub_themes(campaign_id, ids, texts, actor)
    db.session.flush()
    return {"themes_embedding_cache": forgotten, "themes_sub_theme": rewritten}


def forget_wordings(campaign_id: int, wordings: Collection[str], actor: User | None) -> dict:
    """Answers were redacted again: drop what themes derived from their old wordings (cached
    embeddings no living answer shares, sub-theme keywords no living answer has any more, and
    a model label naming one); the answers themselves stay. Flushes."""
    texts = {t for t in wordings if t}
    forgotten = _forget_embeddings(texts, set())
    rewritten = _rewrite_sub_themes(campaign_id, set(), texts, actor)
    db.session.flush()
    return {"themes_embedding_cache": forgotten, "themes_sub_theme": rewritten}


def _texts(ids: set[int]) -> set[str]:
    rows = db.session.execute(
        select(Response.text, Response.redacted_text).where(Response.id.in_(ids))
    ).all()
    return {t for row in rows for t in row if t}


def _forget_embeddings(texts: set[str], ids: set[int]) -> int:
    from listening.themes.pipeline.embed import text_key

    living = set(
        db.session.scalars(
            select(Response.redacted_text).where(
                Response.id.not_in(ids), Response.redacted_text.in_(texts)
            )
        )
    ) | set(
        db.session.scalars(
            select(Response.text).where(Response.id.not_in(ids), Response.text.in_(texts))
        )
    )
    keys = [text_key(t) for t in texts - living]
    if not keys:
        return 0
    result = db.session.execute(
        delete(EmbeddingCache)
        .where(EmbeddingCache.key.in_(keys))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _rewrite_sub_themes(
    campaign_id: int, ids: set[int], texts: set[str], actor: User | None
) -> int:
    from listening.themes.pipeline.preprocess import keyword_terms

    erased_terms = {term for text in texts for term in keyword_terms(text)}
    rewritten = 0
    for sub_theme in _campaign_sub_themes(campaign_id):
        representatives = [i for i in sub_theme.representative_ids or [] if i not in ids]
        suspects = [k for k in sub_theme.keywords or [] if k in erased_terms]
        if representatives == list(sub_theme.representative_ids or []) and not suspects:
            continue
        dropped = set(suspects) - _living_terms(sub_theme, ids) if suspects else set()
        before = _description(sub_theme)
        sub_theme.representative_ids = representatives
        if dropped:
            sub_theme.keywords = [k for k in sub_theme.keywords if k not in dropped]
            if _names_any(sub_theme.label, dropped):
                sub_theme.label = _label(sub_theme.keywords)
        if _description(sub_theme) != before:
            rewritten += 1
            embedding.forget_cached(sub_theme.run_id)
            audit.record(
                sub_theme,
                "themes.forget_answers",
                actor,
                after={"keywords_dropped": len(dropped), "examples_left": len(representatives)},
            )
    return rewritten


def _campaign_sub_themes(campaign_id: int) -> list[SubTheme]:
    return list(
        db.session.scalars(
            select(SubTheme)
            .join(ThemeRun, ThemeRun.id == SubTheme.run_id)
            .where(ThemeRun.campaign_id == campaign_id)
        )
    )


def _living_terms(sub_theme: SubTheme, ids: set[int]) -> set[str]:
    """Keyword terms of the sub-theme's answers that stay (its own and those merged into it)."""
    from listening.themes.pipeline.preprocess import keyword_terms

    merged = select(SubTheme.id).where(SubTheme.merged_into_id == sub_theme.id)
    texts = db.session.scalars(
        select(Response.redacted_text)
        .join(Assignment, Assignment.response_id == Response.id)
        .where(
            or_(Assignment.sub_theme_id == sub_theme.id, Assignment.sub_theme_id.in_(merged)),
            Response.id.not_in(ids),
        )
    )
    return {term for text in texts for term in keyword_terms(text or "")}


def _description(sub_theme: SubTheme) -> tuple:
    return (sub_theme.label, tuple(sub_theme.keywords or ()), tuple(sub_theme.representative_ids))


def _names_any(label: str, terms: set[str]) -> bool:
    lowered = (label or "").lower()
    return any(term in lowered for term in terms)


def _label(keywords: list[str]) -> str:
    from listening.themes.pipeline.discover import make_label

    return make_label(keywords)[:200]


def forget_flagged(response_ids: Collection[int], actor: User | None = None) -> int:
    """Answers were flagged as possible safeguarding disclosures: they leave every theme
    (assignments of all runs, sub-theme examples and keywords, cached embeddings); flushes.
    Returns how many assignments were removed."""
    ids = set(response_ids)
    rows = db.session.execute(
        select(Response.id, Conversation.campaign_id)
        .join(Conversation, Conversation.id == Response.conversation_id)
        .where(Response.id.in_(ids))
    ).all()
    for campaign_id in {c for _, c in rows}:
        forget_answers(campaign_id, [r for r, c in rows if c == campaign_id], actor)
    removed = db.session.execute(delete(Assignment).where(Assignment.response_id.in_(ids)))
    if removed.rowcount:
        audit.record(Assignment, "themes.forget_flagged", actor, after={"responses": sorted(ids)})
        signals.public_changed("themes")
    db.session.flush()
    return removed.rowcount or 0
