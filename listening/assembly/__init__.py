from flask import Blueprint

bp = Blueprint("assembly", __name__)
api_bp = Blueprint("assembly_api", __name__)  # JSON under /api/v1
