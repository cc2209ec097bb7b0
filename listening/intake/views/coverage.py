"""Coverage dashboard for the engagement team (being built)."""

from flask import render_template

from listening.intake import bp
from listening.security import staff_required


@bp.get("/coverage")
@staff_required
def show_coverage():
    return render_template("intake/coverage.html")
