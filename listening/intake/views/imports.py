"""Spreadsheet import for staff: upload a CSV or XLSX, see what went in and what did not.

The report is rendered in answer to the POST (not stored): sending the same file again is
harmless, because importing is idempotent (the second time everything counts as a duplicate).
"""

from flask import current_app, render_template
from flask_login import current_user

from listening.csvutil import csv_response
from listening.extensions import db
from listening.intake import bp, importers, operations
from listening.intake.forms_admin import ImportForm
from listening.intake.safeguarding import tasks as safeguarding_tasks
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
        report = importers.import_file(upload.stream, upload.filename, campaign, current_user)
    except importers.ImportFileError as error:
        form.file.errors = [error.message]
        return render_template("intake/import_new.html", form=form), 422
    db.session.commit()
    safeguarding_tasks.after_submit(report.conversation_ids)
    return render_template(
        "intake/import_report.html",
        report=report,
        campaign=campaign,
        filename=importers.echo(upload.filename or "upload"),
    )


@bp.get("/imports/template.csv")
@staff_required
def show_import_template():
    return csv_response("conversations-import-template.csv", importers.COLUMNS, [])
