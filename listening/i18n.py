"""Which language pages are shown in (Flask-Babel): `?lang=`, then the visitor's earlier choice,
then the browser's Accept-Language, else English. Catalogues: translations/<locale>/LC_MESSAGES.

Only the partner form and the page chrome are translated so far; answers are never translated.
"""

from __future__ import annotations

from flask import Response, has_request_context, request, session, url_for

# Locales with a complete catalogue for the partner form; the first is the default.
LOCALES = {"en": "English", "pt": "Português"}


def select_locale() -> str:
    """The locale for this request; a valid `?lang=` is remembered in the session."""
    if not has_request_context():  # imports, CLI: messages in English
        return "en"
    chosen = request.args.get("lang", "")
    if chosen in LOCALES:
        session["lang"] = chosen
        return chosen
    remembered = session.get("lang")
    if remembered in LOCALES:
        return remembered
    return request.accept_languages.best_match(list(LOCALES), default="en")


def vary_on_language(response: Response) -> Response:
    """Caches must not hand a page chosen by Accept-Language to a browser asking for another."""
    response.vary.add("Accept-Language")
    return response


def template_context() -> dict:
    """`current_locale` (for <html lang>) and `lang_url(code)`: this page in another locale."""
    from flask_babel import get_locale

    def lang_url(code: str) -> str:
        args = {k: v for k, v in request.args.items() if k != "lang"}
        return url_for(request.endpoint, **(request.view_args or {}), **args, lang=code)

    return {"current_locale": str(get_locale() or "en"), "lang_url": lang_url}


def forget_previous_locale() -> None:
    """Flask-Babel caches the locale on `g`, which outlives a request when an app context is
    shared (tests, CLI): choose again for every request."""
    from flask_babel import refresh

    refresh()
