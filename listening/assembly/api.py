"""Public JSON for pledges (issue 4)."""
