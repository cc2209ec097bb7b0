"""Page weight and response time of the public tracker (a benchmark, not a test).

    LISTENING_DATABASE_URL=sqlite:////tmp/x.sqlite3 python bench/public_pages.py

Uses the database named by LISTENING_DATABASE_URL (run `flask db upgrade` and `flask demo seed`
first). Prints, per public page: HTML bytes, HTML+CSS+JS bytes (what a first visit downloads
before images and fonts), the same gzipped, and the median of 20 requests with the test client,
uncached (ASSEMBLY_CACHE_SECONDS=0) and cached.
"""

from __future__ import annotations

import gzip
import re
import statistics
import time

from listening import create_app

PAGES = [
    "/pledges",
    "/pledges/themes/housing",
    "/pledges/themes/work-wages-cost-of-living",
    "/pledges/events",
    "/open-data",
    "/pledges/1",
    "/pledges/2",
    "/api/v1/pledges",
    "/api/v1/themes",
    "/pledges/updates.atom",
]
ASSET = re.compile(r"""(?:href=|src=|from )["'](/assets/[^"']+\.(?:css|js))["']""")


def median_ms(client, url: str, n: int = 20) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def assets_of(client, text: str, sizes: dict) -> set[str]:
    """CSS and JS the page loads, including modules imported by its scripts."""
    found, todo = set(), list(ASSET.findall(text))
    while todo:
        asset = todo.pop()
        if asset in found:
            continue
        found.add(asset)
        data = client.get(asset).data
        sizes[asset] = (len(data), len(gzip.compress(data)))
        if asset.endswith(".js"):
            todo.extend(ASSET.findall(data.decode("utf-8", "replace")))
    return found


def main() -> None:
    app = create_app({"SERVER_NAME": "localhost", "ASSEMBLY_CACHE_SECONDS": 0})
    cached = create_app({"SERVER_NAME": "localhost", "ASSEMBLY_CACHE_SECONDS": 60})
    # No outer app context: each request opens and closes its own session, as in production.
    client, warm_client = app.test_client(), cached.test_client()
    asset_sizes: dict[str, tuple[int, int]] = {}
    print(
        f"{'page':42} {'html':>7} {'html+css+js':>11} {'gzipped':>8} {'uncached':>9} {'cached':>8}"
    )
    for url in PAGES:
        body = client.get(url).data
        total, zipped = len(body), len(gzip.compress(body))
        for asset in assets_of(client, body.decode(), asset_sizes):
            total += asset_sizes[asset][0]
            zipped += asset_sizes[asset][1]
        cold = median_ms(client, url)
        warm_client.get(url)
        warm = median_ms(warm_client, url)
        print(f"{url:42} {len(body):7,} {total:11,} {zipped:8,} {cold:7.1f}ms {warm:6.1f}ms")
    for asset, (raw, zipped) in asset_sizes.items():
        print(f"  asset {asset}: {raw:,} bytes ({zipped:,} gzipped)")


if __name__ == "__main__":
    main()
