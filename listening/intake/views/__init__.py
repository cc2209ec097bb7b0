"""Intake views, split by page family: conversations, coverage, imports, safeguarding."""

from listening.intake.views import (  # noqa: F401
    conversations,
    coverage,
    imports,
    organisations,
    safeguarding,
)
