"""Public pledge tracker and staff pledge pages. Being built: see issue 4."""

from flask import render_template

from listening.assembly import bp
from listening.security import staff_required


@bp.get("/pledges")
def list_pledges():
    return render_template("assembly/list_pledges.html")


@bp.get("/open-data")
def show_open_data():
    return render_template("assembly/list_pledges.html")


@bp.get("/staff/pledges")
@staff_required
def list_staff_pledges():
    return render_template("assembly/list_pledges.html")
