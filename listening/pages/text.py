"""Page text: a small, safe markup for admin-edited pages, rendered escaped.

Blocks are separated by blank lines. A block starting "## " or "### " is a heading; a block
whose lines all start "- " is a bulleted list; anything else is a paragraph. Inside text,
[words](address) is a link when the address is https://, http://, mailto:, tel: or /a-path.
Everything else is shown as typed: no HTML gets through.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

LINK = re.compile(r"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)")
SAFE_ADDRESS = re.compile(r"^(https?://|mailto:|tel:|/(?!/))", re.IGNORECASE)


def render(text: str) -> Markup:
    """Page text → HTML with NHS.UK classes; every character the author typed is escaped."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return Markup("\n").join(_block(block.strip()) for block in blocks if block.strip())


def _block(block: str) -> Markup:
    if block.startswith("### "):
        return Markup("<h3>%s</h3>") % _inline(block[4:].strip())
    if block.startswith("## "):
        return Markup("<h2>%s</h2>") % _inline(block[3:].strip())
    lines = block.split("\n")
    if all(line.lstrip().startswith("- ") for line in lines):
        items = Markup("").join(
            Markup("<li>%s</li>") % _inline(line.lstrip()[2:].strip()) for line in lines
        )
        return Markup('<ul class="nhsuk-list nhsuk-list--bullet">%s</ul>') % items
    return Markup("<p>%s</p>") % _inline(" ".join(line.strip() for line in lines))


def _inline(text: str) -> Markup:
    out, last = [], 0
    for match in LINK.finditer(text):
        words, address = match.groups()
        if not SAFE_ADDRESS.match(address):
            continue
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="%s">%s</a>') % (address, words))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
