"""Demo events and pledges for the SEL 2023 campaign (issue 4)."""


def seed_assembly(campaign) -> None:
    """Create the demo workshops, assembly and pledges for `campaign` (arrives with issue 4)."""
    return None
