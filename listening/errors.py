"""Error pages: HTML for people, JSON for the API. Never a bare 500 for bad input."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

from listening.extensions import db


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
