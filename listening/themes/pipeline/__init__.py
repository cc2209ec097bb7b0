"""Pure theme pipeline: plain types in, frozen dataclasses out; no Flask, SQLAlchemy or models.

Heavy libraries (torch, sentence-transformers, BERTopic, UMAP, HDBSCAN, spaCy) load lazily.
"""

from .assign import ThemeAssigner, theme_phrases
from .discover import SubThemeDiscoverer, discover, project_2d
from .embed import Embedder, EmbeddingCache, ModelIntegrityError, text_key, verify_model
from .preprocess import keyword_terms, lemmas, sentences
from .run import assign_texts, discover_texts, run_pipeline, versions
from .taxonomy import DEFAULT_TAXONOMY, load_taxonomy, parse_taxonomy
from .types import Assignment, DiscoveryResult, Document, RunResult, SubTheme, Theme

__all__ = [
    "DEFAULT_TAXONOMY",
    "Assignment",
    "DiscoveryResult",
    "Document",
    "Embedder",
    "EmbeddingCache",
    "ModelIntegrityError",
    "RunResult",
    "SubTheme",
    "SubThemeDiscoverer",
    "Theme",
    "ThemeAssigner",
    "assign_texts",
    "discover",
    "discover_texts",
    "keyword_terms",
    "lemmas",
    "load_taxonomy",
    "parse_taxonomy",
    "project_2d",
    "run_pipeline",
    "sentences",
    "text_key",
    "theme_phrases",
    "verify_model",
    "versions",
]
