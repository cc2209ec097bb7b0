"""Partners log conversations; everyone sees the ones they may see."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from listening.dbwrite import retry_when_busy
from listening.extensions import db, writes_on_read
from listening.ids import query_int
from listening.intake import bp, formdata, listing, operations
from listening.intake.campaigns import campaign_arg
from listening.intake.forms import MAX_ANSWERS, period_warning
from listening.intake.models import ConversationStatus
from listening.intake.safeguarding import detector
from listening.intake.safeguarding import operations as safeguarding
from listening.intake.safeguarding import tasks as safeguarding_tasks
from listening.security import Role, any_role_required, roles_required


def _campaign_or_404():
    return campaign_arg(lenient=True)


def _safeguarding_context(campaign) -> dict:
    """The rules and the guidance, for the form's own check (online and offline)."""
    return {
        "safeguarding_rules": detector.client_rules(),
        "safeguarding_guidance": safeguarding.guidance_for(campaign),
    }


def _handle(form, template: str, **context):
    """Shared POST handling for new and edit: add an answer, save a draft, or submit.

    A draft is checked only for what it has; submitting checks everything. A conversation
    already submitted cannot go back to being a draft."""
    if "add_answer" in request.form:
        if len(form.responses.entries) < MAX_ANSWERS:
            form.responses.append_entry()
        return render_template(template, form=form, focus_last=True, **context)
    existing = context.get("conversation")
    submit = "save_draft" not in request.form or (existing is not None and not existing.is_draft)
    valid = form.validate() if submit else form.validate_draft()
    if not (form.is_submitted() and valid):
        return render_template(template, form=form, **context), 422
    warning = period_warning(context["campaign"], form.date.data)
    if submit and warning and form.date_checked.data != form.date.data.isoformat():
        form.date_checked.data = form.date.data.isoformat()  # asked once; sent again, it stands
        return render_template(template, form=form, date_warning=warning, **context)
    data = formdata.to_input(form, submit)
    db.session.commit()  # end the reads: the answers are redacted with no transaction open
    prepared = operations.prepare_answers(data.responses)

    def save():
        conversation, _created = operations.save_conversation(
            data,
            current_user,
            allow_edit_submitted=current_user.role == Role.ADMIN,
            prepared=prepared,
        )
        db.session.commit()
        return conversation

    try:
        conversation = retry_when_busy(save)
    except operations.IntakeError as error:
        getattr(form, error.field).errors = [error.message]
        return render_template(template, form=form, **context), error.status
    if conversation.status == ConversationStatus.SUBMITTED:
        safeguarding_tasks.after_submit([conversation.id])
        flash("Conversation sent. Thank you.", "info")
    else:
        flash("Saved as a draft. It is not sent until you submit it.", "info")
    return redirect(url_for("intake.list_conversations", sent=conversation.uuid), code=303)


@bp.route("/conversations/new", methods=["GET", "POST"])
@roles_required(*operations.LOGGING_ROLES)
def new_conversation():
    campaign = _campaign_or_404()
    form = formdata.build_form(campaign, current_user)
    context = {"campaign": campaign} | _safeguarding_context(campaign)
    if request.method == "POST":
        return _handle(form, "intake/new_conversation.html", **context)
    return render_template("intake/new_conversation.html", form=form, **context)


@bp.route("/conversations/<uuid>/edit", methods=["GET", "POST"])
@roles_required(*operations.LOGGING_ROLES)
@writes_on_read  # the form shows the original answers: the read is audited
def edit_conversation(uuid: str):
    conversation = operations.get_conversation(uuid)
    if conversation is None or not operations.can_view(current_user, conversation):
        abort(404)
    if not operations.can_edit(current_user, conversation):
        abort(403)
    campaign = conversation.campaign
    data = None if request.method == "POST" else formdata.initial_data(conversation)
    form = formdata.build_form(campaign, current_user, obj_data=data)
    context = {"campaign": campaign, "conversation": conversation}
    context |= _safeguarding_context(campaign)
    if request.method == "POST":
        return _handle(form, "intake/new_conversation.html", **context)
    operations.record_original_read(conversation, current_user)
    db.session.commit()
    return render_template("intake/new_conversation.html", form=form, **context)


@bp.get("/conversations")
@any_role_required
def list_conversations():
    sent = operations.get_conversation(request.args.get("sent") or "")
    if sent is not None and not operations.can_view(current_user, sent):
        sent = None
    guidance = None
    if sent is not None and safeguarding.needs_guidance(sent):
        guidance = safeguarding.guidance_for(sent.campaign)
    campaigns = operations.list_campaigns()
    default = operations.default_campaign(current_app.config["DEFAULT_CAMPAIGN"])
    filters, campaign = listing.build_filters(request.args, current_user, campaigns, default)
    result = listing.list_page(filters, current_user, campaign, query_int("page", 1))

    def href(number: int) -> str:
        args = {k: v for k, v in request.args.items() if k not in ("page", "sent") and v}
        return url_for("intake.list_conversations", **args, page=number)

    return render_template(
        "intake/list_conversations.html",
        result=result,
        filters=filters,
        campaign=campaign,
        pages=listing.page_items(result.page, result.pages, href),
        href=href,
        filtered=any(v for k, v in request.args.items() if k not in ("page", "sent", "sort")),
        drafts=operations.list_drafts_for(current_user),
        guidance=guidance,
        sent=request.args.get("sent"),
    )


@bp.get("/conversations/<uuid>")
@any_role_required
@writes_on_read  # showing the original answers is audited
def show_conversation(uuid: str):
    conversation = operations.get_conversation(uuid)
    if conversation is None or not operations.can_view(current_user, conversation):
        abort(404)
    show_original = current_user.is_staff or conversation.is_draft
    if show_original:
        operations.record_original_read(conversation, current_user)
        db.session.commit()
    return render_template(
        "intake/show_conversation.html",
        conversation=conversation,
        can_edit=operations.can_edit(current_user, conversation),
        show_original=show_original,
    )
