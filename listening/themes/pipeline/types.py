"""Plain input and output types of the theme pipeline (no framework types cross this line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One response to be themed; `id` is the caller's key (e.g. a response UUID)."""

    id: str
    text: str


@dataclass(frozen=True)
class Theme:
    """A theme of the taxonomy; the description holds short phrases people use about it."""

    slug: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Assignment:
    """Theme scores for one document; `theme` is None when no score reaches the threshold.

    `confidence`: calibrated probability that `theme` is right; `auto_accepted`: at or above
    the calibration's threshold (≥ 95 % correct on its labelled data), so no human needs to
    check it."""

    doc_id: str
    theme: str | None
    score: float
    scores: tuple[tuple[str, float], ...]  # every theme, highest score first
    confidence: float | None = None
    auto_accepted: bool = False


@dataclass(frozen=True)
class SubTheme:
    """A cluster of documents within a theme (or within the unassigned remainder: theme None)."""

    key: str
    theme: str | None
    label: str
    keywords: tuple[str, ...]
    doc_ids: tuple[str, ...]
    representative_ids: tuple[str, ...]


@dataclass(frozen=True)
class DiscoveryResult:
    """Sub-themes plus each document's sub-theme key and 2-D map coordinates."""

    subthemes: tuple[SubTheme, ...]
    doc_subtheme: tuple[tuple[str, str], ...]  # (doc_id, subtheme key)
    coordinates: tuple[tuple[str, float, float], ...]  # (doc_id, x, y)


@dataclass(frozen=True)
class RunResult:
    """Everything one pipeline run produced, plus what is needed to reproduce it."""

    assignments: tuple[Assignment, ...]
    discovery: DiscoveryResult
    model_id: str
    random_state: int
    n_labels: int
    cross_val_accuracy: float | None
    versions: dict[str, str] = field(default_factory=dict)
    assigner_state: dict[str, Any] = field(default_factory=dict, repr=False)
    # documents embedded and themed by the multilingual model (another language than English)
    routed_ids: tuple[str, ...] = ()
