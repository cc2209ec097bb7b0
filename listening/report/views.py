"""Staff pages: choose what goes in a report, then read it as a page or download the PDF."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from listening.extensions import db
from listening.intake import operations as intake
from listening.intake.campaigns import campaign_arg
from listening.report import bp, content, documents, forms, operations
from listening.security import staff_required


def _form(choices: operations.Choices, tick_all: bool) -> forms.NewReportForm:
    """On POST the form reads what was sent; on GET every theme and quote starts ticked."""
    form = forms.NewReportForm()
    form.themes.choices = [(t.id, t.name) for t in choices.themes]
    names = {t.slug: t.name for t in choices.themes}
    form.quotes.choices = [(q.id, f"{names[q.theme_slug]}: “{q.text}”") for q in choices.quotes]
    if tick_all:
        form.themes.data = [t.id for t in choices.themes]
        form.quotes.data = [q.id for q in choices.quotes]
    return form


def _page(campaign, choices, form):
    return render_template(
        "report/list_reports.html",
        campaign=campaign,
        campaigns=intake.list_campaigns(),
        choices=choices,
        form=form,
        reports=operations.list_reports(campaign),
    )


@bp.get("/staff/reports")
@staff_required
def list_reports():
    campaign = campaign_arg(lenient=True)
    choices = operations.available(campaign)
    return _page(campaign, choices, _form(choices, tick_all=True))


@bp.post("/staff/reports")
@staff_required
def new_report():
    campaign = campaign_arg(lenient=True)
    choices = operations.available(campaign)
    form = _form(choices, tick_all=False)
    if form.validate_on_submit():
        try:
            report = operations.create_report(
                campaign, form.themes.data or [], form.quotes.data or [], current_user
            )
        except operations.ReportError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [error.message]
        else:
            db.session.commit()
            flash("Report created.", "info")
            return redirect(url_for("report.show_report", report_id=report.id), code=303)
    return _page(campaign, choices, form), 422


def _stored(report_id: int):
    return operations.get_report(report_id) or abort(404, "There is no report with that number.")


@bp.get("/staff/reports/<int(max=2147483647):report_id>")
@staff_required
def show_report(report_id: int):
    report = _stored(report_id)
    return render_template("report/show_report.html", content=content.build(report))


@bp.get("/staff/reports/<int(max=2147483647):report_id>.pdf")
@staff_required
def show_report_pdf(report_id: int):
    report = _stored(report_id)
    disposition = f'attachment; filename="{documents.filename(report)}"'
    return Response(
        documents.pdf_bytes(report),
        mimetype="application/pdf",
        headers={"Content-Disposition": disposition},
    )
