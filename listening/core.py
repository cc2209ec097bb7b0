"""Routes that belong to no feature: health and the front door."""

from flask import Blueprint, current_app, jsonify, redirect, url_for
from sqlalchemy import text

from listening.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # the point of a health check is to say so, not to raise
        current_app.logger.error("health check failed: %s", error)
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database=db.engine.dialect.name)


@bp.get("/")
def index():
    return redirect(url_for("assembly.list_pledges"))


@bp.get("/sw.js")
def service_worker():
    """The service worker must be served from the root to control /intake pages."""
    response = current_app.send_static_file("js/sw.js")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response
