from flask import Blueprint

bp = Blueprint("intake", __name__)
api_bp = Blueprint("intake_api", __name__)  # JSON under /api/v1
safeguarding_bp = Blueprint("safeguarding", __name__)  # the safeguarding lead, /safeguarding
