"""Which language pages are shown in (Flask-Babel): `?lang=`, then the visitor's earlier choice
(the `lang` cookie), then the browser's Accept-Language, else English. Catalogues:
translations/<locale>/LC_MESSAGES (`make translations`).

Translated: the partner form, the public pages (pledge tracker, theme and pledge pages, follow
and unsubscribe, footer pages, error pages), the page chrome, the first-sign-in tour and the
offline form's messages (a JSON catalogue in the page: `js_messages`). What people said and what
staff typed (pledges, theme names, campaign names) is shown as written.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

from flask import Response, current_app, g, has_request_context, request

# Locales with a complete catalogue; the first is the default.
LOCALES = {"en": "English", "pt": "Português"}
COOKIE = "lang"
COOKIE_DAYS = 365


def N_(text: str) -> str:  # noqa: N802 (the gettext convention for "translate later")
    """Mark `text` for the catalogue without translating it here: the label is translated where
    it is shown (a dict of labels is built at import, before any request has a locale)."""
    return text


def translate(text: str) -> str:
    """A label marked with `N_` in the page's language (the `tr` filter); unlike Jinja's `_()`,
    the result is plain text, escaped like any other value."""
    from flask_babel import gettext

    return gettext(text) if text else text


def select_locale() -> str:
    """The locale for this request; a valid `?lang=` is remembered in a cookie."""
    if not has_request_context():  # imports, CLI: messages in English
        return "en"
    chosen = request.args.get("lang", "")
    if chosen in LOCALES:
        if request.cookies.get(COOKIE) != chosen:
            g.remember_locale = chosen
        return chosen
    remembered = request.cookies.get(COOKIE)
    if remembered in LOCALES:
        return remembered
    return request.accept_languages.best_match(list(LOCALES), default="en")


def vary_on_language(response: Response) -> Response:
    """Caches must not hand a page chosen by Accept-Language to a browser asking for another;
    a language chosen with `?lang=` is kept for a year."""
    response.vary.add("Accept-Language")
    chosen = g.get("remember_locale")
    if chosen:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=COOKIE_DAYS * 24 * 3600,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    return response


def template_context() -> dict:
    """`current_locale` (for <html lang>) and `lang_url(code)`: this page in another locale."""
    from flask_babel import get_locale

    def lang_url(code: str) -> str:
        # the same address and query (not url_for: a query key may clash with its arguments)
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        return f"{request.script_root}{quote(request.path)}?{urlencode([*args, ('lang', code)])}"

    return {"current_locale": str(get_locale() or "en"), "lang_url": lang_url}


# strftime patterns the English pages have always used, and the CLDR pattern for other locales
DAY_STYLES = {
    "long": ("%-d %B %Y", "long"),  # 5 June 2023 · 5 de junho de 2023
    "month": ("%B %Y", "LLLL 'de' y"),  # June 2023 · junho de 2023
    "short": ("%-d %b %Y", "d MMM y"),  # 5 Jun 2023 · 5/06/2023
    "short_month": ("%b %Y", "LLL y"),  # Jun 2023
}


def day_text(day: date | None, style: str = "long") -> str:
    """A date as text in the page's language (the `day` filter): English exactly as before."""
    if day is None:
        return ""
    from flask_babel import format_date, get_locale

    english, pattern = DAY_STYLES[style]
    if str(get_locale() or "en") == "en":
        return day.strftime(english)
    return format_date(day, pattern)


def forget_previous_locale() -> None:
    """Flask-Babel caches the locale on `g`, which outlives a request when an app context is
    shared (tests, CLI): choose again for every request."""
    from flask_babel import refresh

    refresh()
