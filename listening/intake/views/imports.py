"""Spreadsheet import for staff (being built)."""
