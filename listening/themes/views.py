"""Theme review workspace (reviewers and admins). Being built: see issue 3."""

from flask import render_template

from listening.security import staff_required
from listening.themes import bp


@bp.get("/")
@staff_required
def list_themes():
    return render_template("themes/list_themes.html")
