"""Time and size of the campaign report's PDF (a benchmark, not a test).

    LISTENING_DATABASE_URL=sqlite:////tmp/x.sqlite3 python bench/report_pdf.py [--campaign sel-2023]

Uses the database named by LISTENING_DATABASE_URL (run `flask db upgrade`, `flask demo seed` and
`flask themes run --campaign sel-2023 --publish` first). Makes one report with every reviewed
theme and quote (as `flask report pdf` does; rolled back afterwards), then prints the median of
5 runs of each step: choosing (the redaction guard over every quote, model loaded), building the
content (queries), rendering the HTML, and laying out the PDF; and the PDF's size and pages.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time

from flask import render_template

from listening import create_app
from listening.extensions import db


def median_ms(fn, n: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _pages(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaign", default="sel-2023")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        from listening.intake.operations import get_campaign
        from listening.report import content, operations, pdf

        campaign = get_campaign(args.campaign)
        start = time.perf_counter()
        report = operations.create_full_report(campaign, actor=None)
        print(f"first report (loads the redaction model): {time.perf_counter() - start:.1f} s")
        choose, _ = median_ms(lambda: operations.available(campaign))
        build, built = median_ms(lambda: content.build(report))
        html_ms, html = median_ms(lambda: render_template("report/document.html", content=built))
        pdf_ms, data = median_ms(lambda: pdf.render(html, app.static_folder))
        pages = _pages(data)
        print(f"themes {len(report.theme_ids)}, quotes {len(report.quote_ids)}")
        print(f"choices (guard on every quote) {choose:8.0f} ms")
        print(f"content (queries)              {build:8.0f} ms")
        print(f"HTML                           {html_ms:8.0f} ms  ({len(html):,} bytes)")
        size = f"{len(data):,} bytes, {pages} pages"
        print(f"PDF layout (WeasyPrint)        {pdf_ms:8.0f} ms  ({size})")
        db.session.rollback()


if __name__ == "__main__":
    main()
