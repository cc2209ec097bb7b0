"""Spreadsheet import for staff: upload a CSV or XLSX, watch it go in, see what did not.

The upload is checked (a file that cannot be read is refused beside the field), kept on an
import row and imported by a job a batch at a time; the page it leads to shows the progress,
then the report. Sending the same file again is harmless: importing is idempotent (the second
time everything counts as a duplicate).
"""

from flask import abort, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from listening.csvutil import csv_response
from listening.extensions import db
from listening.intake import bp, importers, operations
from listening.intake.forms_admin import ImportForm
from listening.intake.models import ImportJob
from listening.security import staff_required


@bp.route("/imports/new", methods=["GET", "POST"])
@staff_required
def new_import():
    form = ImportForm()
    form.campaign.choices = [(c.slug, c.name) for c in operations.list_campaigns()]
    if not form.is_submitted():
        default = operations.default_campaign(current_app.config["DEFAULT_CAMPAIGN"])
        form.campaign.data = default.slug if default else None
    if not form.validate_on_submit():
        return render_template("intake/import_new.html", form=form), (
            422 if form.is_submitted() else 200
        )
    campaign = operations.get_campaign(form.campaign.data)
    upload = form.file.data
    try:
        job = importers.start_import(upload.stream.read(), upload.filename, campaign, current_user)
    except importers.ImportFileError as error:
        form.file.errors = [error.message]
        return render_template("intake/import_new.html", form=form), 422
    db.session.commit()
    importers.enqueue_import(job.id)
    return redirect(url_for("intake.show_import", import_id=job.id), code=303)


@bp.get("/imports/<int(max=2147483647):import_id>")
@staff_required
def show_import(import_id: int):
    job = db.session.get(ImportJob, import_id) or abort(404)
    return render_template(
        "intake/import_report.html",
        job=job,
        report=importers.report_for(job),
        campaign=job.campaign,
        filename=importers.echo(job.filename),
    )


@bp.get("/imports/<int(max=2147483647):import_id>/status.json")
@staff_required
def show_import_status(import_id: int):
    """How far an import has got, for its page to poll."""
    job = db.session.get(ImportJob, import_id) or abort(404)
    return jsonify(status=job.status, done=job.done, total=job.total, finished=job.finished)


@bp.get("/imports/template.csv")
@staff_required
def show_import_template():
    return csv_response("conversations-import-template.csv", importers.COLUMNS, [])
