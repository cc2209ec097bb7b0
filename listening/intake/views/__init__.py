"""Intake views, split by page family: conversations, coverage, imports."""

from listening.intake.views import conversations, coverage, imports, organisations  # noqa: F401
