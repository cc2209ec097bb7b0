"""Follow emails, sent as jobs: the confirmation, and news of a pledge's progress or status.

`assembly` sends `signals.pledge_progress_posted` (an update) or `pledge_status_changed` (staff
set the status on the pledge itself) inside its unit of work; the receiver notes it on the
session and enqueues the job only once that session commits, so a worker
never looks for an update that is not there yet, and a rolled-back update tells nobody.
Jobs take ids and open their own app context, as the other jobs do.
"""

from __future__ import annotations

import logging
import smtplib
import threading

from flask import current_app, has_request_context
from flask_babel import force_locale, gettext
from sqlalchemy import event
from sqlalchemy.orm import Session

from listening import jobs, mail, signals
from listening.assembly.models import STATUSES, Pledge, ProgressUpdate
from listening.extensions import db
from listening.follow import operations, tokens
from listening.follow.models import Subscription
from listening.i18n import day_text
from listening.urls import absolute

log = logging.getLogger(__name__)
PENDING = "follow.pending_updates"


def connect() -> None:
    """Listen for progress updates (called once per app, when the blueprint is registered)."""
    signals.pledge_progress_posted.connect(note_progress_posted)
    signals.pledge_status_changed.connect(note_status_changed)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def note_progress_posted(_sender, pledge_id: int, update_id: int) -> None:
    db.session.info.setdefault(PENDING, []).append((send_progress_job, pledge_id, update_id))


def note_status_changed(_sender, pledge_id: int, before: str, after: str) -> None:
    db.session.info.setdefault(PENDING, []).append((send_status_job, pledge_id, before, after))


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    app = current_app._get_current_object()
    for fn, *ids in pending:
        dispatch(app, fn, *ids)


def dispatch(app, fn, *ids: int | str) -> None:
    """Enqueue in a fresh app context (this session has just committed and can run no SQL);
    without Redis, in a web request, on a thread so the request does not wait for SMTP (a CLI
    command runs it before exiting, which would kill a daemon thread)."""
    if app.config.get("REDIS_URL") or app.testing or not has_request_context():
        with app.app_context():
            jobs.enqueue(fn, *ids)
        return

    def work() -> None:
        with app.app_context():
            jobs.enqueue(fn, *ids)

    threading.Thread(target=work, name="follow-mail", daemon=True).start()


def send_confirmation_job(subscription_id: int) -> None:
    """Ask the address's owner to confirm the follow (nothing else is sent until they do)."""
    with jobs.job_app_context():
        subscription = db.session.get(Subscription, int(subscription_id))
        if subscription is None or subscription.confirmed_at is not None:
            return
        link = absolute(f"/follow/confirm/{tokens.confirm_token(subscription)}")
        days = current_app.config["FOLLOW_CONFIRM_DAYS"]
        with force_locale(subscription.locale or "en"):
            name = _target_name(subscription)
            body = (
                gettext("Someone (we hope you) asked for emails about %(name)s.", name=name)
                + "\n\n"
                + gettext("To start getting them, confirm your email address:")
                + f"\n{link}\n\n"
                + gettext(
                    "This link works for %(days)s days. If you did not ask for this, ignore this"
                    " email: you will not get any more emails from us and we will delete your"
                    " address.",
                    days=days,
                )
                + "\n"
            )
            subject = gettext("Confirm you want emails about pledge progress")
        _send(subscription, subject, body)
        db.session.rollback()


def send_progress_job(pledge_id: int, update_id: int) -> None:
    """Tell everyone who follows the pledge, or one of its themes, about a progress update."""
    with jobs.job_app_context():
        update = db.session.get(ProgressUpdate, int(update_id))
        pledge = db.session.get(Pledge, int(pledge_id))
        if update is None or pledge is None or update.pledge_id != pledge.id:
            return  # deleted since: there is nothing to tell
        if pledge.archived_at is not None:
            return  # not public: its page says "not found", so there is nothing to point at
        for subscription in operations.recipients(pledge):
            _send_progress(subscription, pledge, update)
        db.session.rollback()


def send_status_job(pledge_id: int, before: str, after: str) -> None:
    """Tell the pledge's and its themes' followers that staff changed its status."""
    with jobs.job_app_context():
        pledge = db.session.get(Pledge, int(pledge_id))
        if pledge is None or pledge.status != after:
            return  # deleted, or changed again since: that change sends its own email
        for subscription in operations.recipients(pledge):
            with force_locale(subscription.locale or "en"):
                news = (
                    gettext(
                        "The status of the pledge “%(title)s” has changed from %(before)s to"
                        " %(after)s.",
                        title=pledge.title,
                        before=gettext(STATUSES.get(before, before)),
                        after=gettext(STATUSES.get(after, after)),
                    )
                    + "\n\n"
                )
                subject = gettext("Status of the pledge: %(title)s", title=pledge.title)
                _notify(subscription, pledge, subject, news)
        db.session.rollback()


def _send_progress(subscription: Subscription, pledge: Pledge, update: ProgressUpdate) -> None:
    with force_locale(subscription.locale or "en"):
        news = (
            gettext("There is a new progress update on the pledge “%(title)s”.", title=pledge.title)
            + "\n\n"
            + gettext(
                "Status: %(status)s", status=gettext(STATUSES.get(update.status, update.status))
            )
            + "\n"
            + gettext("Update of %(date)s:", date=day_text(update.posted_on))
            + f"\n\n{update.text}\n\n"
        )
        subject = gettext("Progress on the pledge: %(title)s", title=pledge.title)
        _notify(subscription, pledge, subject, news)


def _notify(subscription: Subscription, pledge: Pledge, subject: str, news: str) -> None:
    """One email about `pledge` to one follower, with the links every such email carries."""
    unsubscribe = absolute(f"/follow/unsubscribe/{tokens.unsubscribe_token(subscription)}")
    body = (  # in the follower's language: the callers run this under force_locale
        news
        + gettext("Read the pledge and all its updates:")
        + f"\n{absolute(f'/pledges/{pledge.id}')}\n\n"
        + gettext(
            "You get this email because you follow %(target)s.", target=_target_name(subscription)
        )
        + "\n"
        + gettext("Stop these emails (unsubscribe):")
        + f"\n{unsubscribe}\n"
    )
    try:
        _send(
            subscription,
            subject[:200],
            body,
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    except OSError:  # the mail server failing for one email must not stop the others
        log.exception("could not send a progress email for follow %s", subscription.id)


def _send(subscription: Subscription, subject: str, body: str, headers=None) -> None:
    try:
        mail.send(subscription.email, subject, body, headers=headers)
    except smtplib.SMTPRecipientsRefused as error:
        # the address a visitor typed: their mistake, worth one line (without the address),
        # not a traceback
        codes = sorted({code for code, _message in error.recipients.values()})
        log.warning(
            "the mail server refused the address of follow %s (SMTP %s)", subscription.id, codes
        )


def _target_name(subscription: Subscription) -> str:
    if subscription.pledge_id is not None:
        pledge = db.session.get(Pledge, subscription.pledge_id)
        return (
            gettext("the pledge “%(title)s”", title=pledge.title) if pledge else gettext("a pledge")
        )
    from listening.themes.queries import public_theme_names as theme_names

    names = theme_names(subscription.campaign_id)
    name = names.get(subscription.theme_slug, subscription.theme_slug)
    return gettext("the pledges for the theme “%(theme)s”", theme=name)
