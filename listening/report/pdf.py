"""HTML → PDF with WeasyPrint, fonts from the system (Debian's Liberation and DejaVu).

Nothing is fetched over the network: the only URLs WeasyPrint may open are this app's own
static files under /assets/, read from disk; anything else (http, file, data …) is refused.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

BASE_URL = "https://report.invalid/"  # never resolved: the fetcher serves it from disk
ASSETS = "/assets/"


class StaticFilesOnly(URLFetcher):
    """Serves BASE_URL/assets/… from the static folder and refuses every other URL."""

    def __init__(self, static_folder: str | Path):
        super().__init__(allowed_protocols=("https",))
        self.static_folder = str(static_folder)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(ASSETS):
            raise ValueError(f"not fetched (reports use local files only): {url}")
        path = safe_join(self.static_folder, unquote(parts.path[len(ASSETS) :]))
        if path is None or not Path(path).is_file():
            raise ValueError(f"no such static file: {parts.path}")
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": kind})


def render(html: str, static_folder: str | Path) -> bytes:
    """The PDF of a whole HTML document (its stylesheet links point at /assets/…).

    PDF/UA-1: tagged (headings, tables, reading order) for screen readers, with the document's
    title and language.
    """
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(static_folder))
    return document.write_pdf(pdf_variant="pdf/ua-1")
