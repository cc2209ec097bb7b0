"""Staff upload of bulk progress updates (CSV or XLSX) with a row-by-row report."""

from __future__ import annotations

from flask import Response, render_template, request

from listening.assembly import bp, forms, importer
from listening.assembly.operations import AssemblyError
from listening.assembly.views.common import actor, staff_campaign
from listening.extensions import db
from listening.security import staff_required


@bp.route("/staff/pledges/import", methods=["GET", "POST"])
@staff_required
def import_updates():
    campaign = staff_campaign()
    form, report, errors = forms.ImportForm(), None, []
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors = ["Select a CSV or Excel (.xlsx) file to upload"]
        else:
            try:
                report = importer.import_updates(
                    upload.read(), upload.filename, actor(), campaign_id=campaign.id
                )
            except AssemblyError as error:
                db.session.rollback()
                form.file.errors = [error.message]
            else:
                db.session.commit()
    status = 422 if form.file.errors else 200
    return render_template(
        "assembly/staff/import.html", form=form, report=report, errors=errors, campaign=campaign
    ), status


@bp.get("/staff/pledges/import/template.csv")
@staff_required
def download_import_template():
    response = Response(importer.TEMPLATE_HEADER, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="progress-updates.csv"'
    return response
