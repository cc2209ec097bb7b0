"""Error pages: HTML for people, JSON for the API. Never a bare 500 for bad input."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from listening.extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
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
