"""Erasure reaches the public pages at once, with the page cache on, on every worker."""

from __future__ import annotations

import pytest

from listening import create_app
from listening.extensions import db
from listening.privacy import operations

ERASED_TEXT = "Mould everywhere"
PUBLIC_PAGES = (
    "/pledges/themes/housing",
    "/api/v1/themes",
    "/pledges/updates.atom",
)


@pytest.fixture
def cached(app):
    """The page cache on, as in production (it is off under TESTING unless set)."""
    app.config["ASSEMBLY_CACHE_SECONDS"] = 60
    yield app
    del app.config["ASSEMBLY_CACHE_SECONDS"]


@pytest.fixture
def second_worker(cached):
    """Another app object on the same database: a second gunicorn worker with its own cache."""
    other = create_app(dict(cached.config) | {"ASSEMBLY_CACHE_SECONDS": 60})
    return other.test_client()


@pytest.fixture
def world(world):
    """The approved quote also shows on its pledge's page."""
    world.assembly.quote.pledge_id = world.assembly.pledge.id
    db.session.commit()
    return world


def _pages(world) -> list[str]:
    return [*PUBLIC_PAGES, f"/pledges/{world.assembly.pledge.id}"]


def _warm(client, pages) -> None:
    for page in pages:
        client.get(page)
        assert client.get(page).headers.get("X-Cache") == "hit", page


def _assert_fresh(client, pages) -> None:
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers.get("X-Cache") == "miss", page
        assert ERASED_TEXT not in response.get_data(as_text=True), page


def test_the_quote_is_public_before_erasure(cached, world):
    client = cached.test_client()
    assert ERASED_TEXT in client.get("/pledges/themes/housing").get_data(as_text=True)
    assert ERASED_TEXT in client.get(f"/pledges/{world.assembly.pledge.id}").get_data(as_text=True)
    assert ERASED_TEXT in client.get("/api/v1/themes").get_data(as_text=True)


def test_erase_operation_refreshes_every_worker(cached, world, second_worker):
    pages, first_worker = _pages(world), cached.test_client()
    _warm(first_worker, pages)
    _warm(second_worker, pages)
    operations.erase(operations.collect(world.submitted), world.admin)
    db.session.commit()
    _assert_fresh(first_worker, pages)
    _assert_fresh(second_worker, pages)


def test_erase_command_refreshes_every_worker(cached, world, runner, second_worker):
    pages, first_worker = _pages(world), cached.test_client()
    _warm(first_worker, pages)
    _warm(second_worker, pages)
    result = runner.invoke(args=["privacy", "erase", world.submitted.uuid, "--yes"])
    assert result.exit_code == 0, result.output
    _assert_fresh(first_worker, pages)
    _assert_fresh(second_worker, pages)
