"""Admin pages: find a conversation by reference, see everything held, export, erase."""

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from listening.extensions import db, writes_on_read
from listening.privacy import bp, operations
from listening.privacy.forms import EraseForm, FindForm
from listening.security import admin_required


def _holding_or_404(uuid: str) -> operations.Holding:
    found = operations.find_conversations(uuid)
    if len(found) != 1 or found[0].uuid != uuid:
        abort(404)
    return operations.collect(found[0])


@bp.get("/")
@admin_required
@writes_on_read  # a search is audited
def find_conversations():
    form = FindForm(request.args)
    searched = "ref" in request.args
    found = operations.find_conversations(form.ref.data) if searched and form.validate() else []
    if searched and not form.errors:
        operations.record_search(form.ref.data, found, current_user)
        db.session.commit()
    return render_template(
        "privacy/find.html", form=form, searched=searched and not form.errors, found=found
    )


@bp.get("/conversations/<uuid>")
@admin_required
@writes_on_read  # the page shows everything held, original answers included: audited
def show_conversation(uuid: str):
    holding = _holding_or_404(uuid)
    operations.record_view(holding, current_user)
    db.session.commit()
    return render_template("privacy/show.html", holding=holding, data=operations.export(holding))


@bp.get("/conversations/<uuid>/export")
@admin_required
@writes_on_read  # the export is audited
def export_conversation(uuid: str):
    holding = _holding_or_404(uuid)
    body = json.dumps(operations.export(holding), indent=2, ensure_ascii=False)
    operations.record_export(holding, current_user)
    db.session.commit()
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="conversation-{uuid}.json"'
    return response


@bp.route("/conversations/<uuid>/erase", methods=["GET", "POST"])
@admin_required
def erase_conversation(uuid: str):
    holding = _holding_or_404(uuid)
    form = EraseForm()
    if form.validate_on_submit():
        counts = operations.erase(holding, current_user)
        db.session.commit()
        rows = sum(counts.values())
        flash(f"Conversation {uuid} erased ({rows} rows deleted).", "info")
        return redirect(url_for("privacy.find_conversations"), code=303)
    status = 422 if form.errors else 200
    return render_template("privacy/erase.html", holding=holding, form=form), status
