"""Error pages: HTML for people, JSON for the API. Never a bare 500 for bad input."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

from listening.extensions import db
from listening.i18n import N_

# What a visitor can read on an error page (errors/error.html shows them with `|tr`): Werkzeug's
# names and descriptions (tests/test_i18n.py checks they still match), and the descriptions the
# public views pass to abort().
ERROR_TEXTS = (
    N_("Bad Request"),
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("Not Found"),
    N_(
        "The requested URL was not found on the server. If you entered the URL manually please"
        " check your spelling and try again."
    ),
    N_("Method Not Allowed"),
    N_("The method is not allowed for the requested URL."),
    N_("Gone"),
    N_(
        "The requested URL is no longer available on this server and there is no forwarding"
        " address. If you followed a link from a foreign page, please contact the author of"
        " this page."
    ),
    N_("There is no pledge with that number."),
    N_("There is no theme with that name."),
    N_("There is no campaign with that name."),
    N_("No campaign has been published yet."),
    N_("There is no download with that name."),
)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # No URL adapter exists for an untrusted Host, so no page that builds links can render.
        message = "This address is not served here."
        if wants_json():
            return jsonify(error="Bad Request", message=message), 400
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # an error that carries its own response (JSON 422s)
            return error.response
        if wants_json():
            return jsonify(error=error.name, message=error.description), error.code
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error: %s", error)
        if wants_json():
            return jsonify(error="Internal Server Error", message="Something went wrong."), 500
        return render_template("errors/500.html"), 500
