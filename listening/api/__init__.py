"""The JSON API under /api/v1; features add their routes to `bp` in their own api.py."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from listening.assembly import api as _assembly_api  # noqa: E402,F401
from listening.intake import api as _intake_api  # noqa: E402,F401
