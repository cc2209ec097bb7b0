"""`python -m listening.themes.pipeline.assign_cli [--taxonomy FILE]`: stdin lines → JSON lines."""

from __future__ import annotations

import argparse
import json
import sys

from .run import assign_texts
from .taxonomy import DEFAULT_TAXONOMY, load_taxonomy


def main(argv: list[str] | None = None) -> int:
    """Read one response per line on stdin; write one JSON object per line, in order."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--taxonomy", help='JSON file: [{"slug", "name", "description"}, ...]')
    args = parser.parse_args(argv)
    try:
        taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else DEFAULT_TAXONOMY
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stdin = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    lines = [line.rstrip("\r") for line in stdin.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it is not an extra empty response
    for row in assign_texts(lines, taxonomy):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
