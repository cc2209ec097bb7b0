"""The request class: text a client sends never carries NUL characters or lone surrogates,
and JSON bodies are never nested deeper than MAX_JSON_DEPTH.

A NUL ("\\x00") is never something a person typed, SQLite keeps it but PostgreSQL refuses it in
text columns (a 500 half-way through a save), and it truncates strings in C libraries. It is
removed from form fields, query strings and JSON bodies before any view, form or API sees them,
so every route behaves the same on both databases.

A JSON body nested thousands of levels deep makes the parser (and anything that walks the result)
hit Python's recursion limit: the depth is measured in one pass over the bytes before parsing. A
lone UTF-16 surrogate ("\\ud800" in JSON) decodes to a string no database or encoder accepts;
it is refused naming the field it is in. Both are 422 errors in the API's JSON shape.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Request, jsonify
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.utils import cached_property

MAX_JSON_DEPTH = 32
_SURROGATES = re.compile("[\ud800-\udfff]")


class UnprocessableJSON(HTTPException):
    """A 422 in the API's error shape: {"error": message, "errors": {field: [message]}}."""

    code = 422

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__(message)
        self.response = jsonify(error=message, errors=errors)
        self.response.status_code = 422


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def surrogate_field(value: Any, path: str = "body") -> str | None:
    """The top-level field holding a lone surrogate, or None."""
    if isinstance(value, str):
        return path if _SURROGATES.search(value) else None
    if not isinstance(value, dict | list):
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        field = key if path == "body" and isinstance(key, str) else path
        if isinstance(key, str) and _SURROGATES.search(key):
            return field
        if (found := surrogate_field(item, field)) is not None:
            return found
    return None


def _clean_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean_text(item) for item in value]
    if isinstance(value, dict):
        return {_clean_text(key): _clean_text(item) for key, item in value.items()}
    return value


def _clean_multidict(data: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        [(_clean_text(key), _clean_text(value)) for key, value in data.items(multi=True)]
    )


class CleanRequest(Request):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.form = _clean_multidict(self.form)

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _clean_multidict(Request.args.fget(self))

    def get_json(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_json and json_depth(self.get_data(cache=True)) > MAX_JSON_DEPTH:
            raise UnprocessableJSON(
                f"The body is nested more than {MAX_JSON_DEPTH} levels deep",
                {"body": [f"Send JSON nested at most {MAX_JSON_DEPTH} levels deep"]},
            )
        payload = _clean_text(super().get_json(*args, **kwargs))
        if (field := surrogate_field(payload)) is not None:
            raise UnprocessableJSON(
                "The text contains an invalid character",
                {field: ["Remove the invalid character (a lone UTF-16 surrogate)"]},
            )
        return payload
