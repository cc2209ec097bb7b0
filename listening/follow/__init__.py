from flask import Blueprint

bp = Blueprint("follow", __name__)
