"""Every CSV the app serves is safe to open in a spreadsheet: no cell can become a formula."""

from __future__ import annotations

import csv
import html
import io
import re

from listening.extensions import db
from tests.security import walk

FORMULAS = ['=HYPERLINK("http://x","click")', "+1 call us", "-1 of 2", "@SUM(1)"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _seed_formulas(world) -> None:
    """Formula-looking text in every free-text field that might be exported."""
    pledge, conversation = world.assembly.pledge, world.submitted
    pledge.title, pledge.commitment = FORMULAS[0], FORMULAS[1]
    pledge.signatories[0].person, pledge.signatories[0].role = FORMULAS[3], FORMULAS[2]
    pledge.actions[0].title, pledge.actions[0].owner = FORMULAS[2], FORMULAS[0]
    pledge.metrics[0].name, pledge.metrics[0].readings[0].note = FORMULAS[3], FORMULAS[1]
    pledge.updates[0].text, pledge.updates[0].author_name = FORMULAS[0], FORMULAS[3]
    world.org_a.name = FORMULAS[0]
    for response, formula in zip(conversation.responses, FORMULAS, strict=False):
        response.text = response.redacted_text = formula
    world.assembly.quote.text = FORMULAS[0]
    db.session.commit()


def _unsafe_cells(body: str) -> list[str]:
    bad = []
    for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))):
        for cell in row:
            if cell.startswith(DANGEROUS) and not _is_number(cell):
                bad.append(cell)
    return bad


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _csv_urls(app, world, clients) -> set[str]:
    """CSV routes in the url_map, plus every .csv link on every page."""
    urls, pages = set(), []
    for target in walk.targets(app, world):
        if "GET" not in target.rule.methods or "missing" in target.tags:
            continue
        if target.rule.endpoint.endswith("csv") or target.rule.rule.endswith(".csv"):
            urls.add(target.path)
        pages.append(target.path)
    for role in ("anonymous", "admin"):
        for path in pages:
            response = walk.request(clients[role], "GET", path)
            if response.mimetype == "text/csv":
                urls.add(path)
            elif response.mimetype == "text/html":
                for href in re.findall(r'href="([^"]+)"', response.get_data(as_text=True)):
                    href = html.unescape(href)
                    if href.startswith("/") and ".csv" in href:
                        urls.add(href)
    return urls


def test_every_csv_download_escapes_formulas(app, world, clients):
    _seed_formulas(world)
    urls = _csv_urls(app, world, clients)
    assert urls, "no CSV download found: the walk is broken"
    problems, seen_escaped, served = [], False, 0
    for url in sorted(urls):
        for role in ("anonymous", "admin"):
            response = walk.request(clients[role], "GET", url)
            if response.mimetype != "text/csv":
                continue
            served += 1
            body = response.get_data(as_text=True)
            problems += [f"{url} as {role}: {cell!r}" for cell in _unsafe_cells(body)]
            seen_escaped = seen_escaped or "'=HYPERLINK" in body
    assert served
    assert not problems, "cells a spreadsheet would run as formulas:\n" + "\n".join(problems)
    assert seen_escaped, "the seeded formula reached no CSV, so this test checked nothing"


def test_the_checker_spots_a_formula():
    assert _unsafe_cells('name,n\r\n=HYPERLINK("x"),-1\r\n') == ['=HYPERLINK("x")']
    assert _unsafe_cells('name\r\n\'=HYPERLINK("x")\r\n+44 20\r\n') == ["+44 20"]
