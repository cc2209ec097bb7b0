"""Safeguarding at intake: detect likely disclosures, keep them private, route them to a lead."""
