"""Demo data: the SEL 2023 reference campaign (synthetic conversations whose people add up to
the published figures) and one real Pol.is conversation (CC BY 4.0). Entry point:
`listening.intake.demo.seed.seed_demo`."""
