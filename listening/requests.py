"""The request class: text a client sends never carries NUL characters.

A NUL ("\\x00") is never something a person typed, SQLite keeps it but PostgreSQL refuses it in
text columns (a 500 half-way through a save), and it truncates strings in C libraries. It is
removed from form fields, query strings and JSON bodies before any view, form or API sees them,
so every route behaves the same on both databases.
"""

from __future__ import annotations

from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property


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
        return _clean_text(super().get_json(*args, **kwargs))
