"""The security tests' small world (a campaign, partners, a pledge and an approved quote)."""

from tests.security.conftest import clients, world  # noqa: F401
