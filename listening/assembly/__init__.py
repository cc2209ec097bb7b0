from flask import Blueprint

bp = Blueprint("assembly", __name__)
