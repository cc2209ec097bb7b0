"""Input of the offline stdin → stdout commands (`themes assign|discover`, `privacy redact`)."""

from __future__ import annotations

import sys


def stdin_lines() -> list[str]:
    """One item per line of stdin, read as UTF-8 (undecodable bytes replaced, never fatal)."""
    stream = getattr(sys.stdin, "buffer", None)
    text = stream.read().decode("utf-8", errors="replace") if stream else sys.stdin.read()
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it is not one more item
    return lines
