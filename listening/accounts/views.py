from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from listening import mail
from listening.accounts import bp, operations
from listening.accounts.auth import remember_session
from listening.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    EditUserForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    TokenForm,
    UserForm,
)
from listening.accounts.models import ApiToken, User
from listening.accounts.tour import home_endpoint
from listening.extensions import db
from listening.security import Role, admin_required, safe_next
from listening.timeutil import utcnow
from listening.urls import public_url

bp.add_app_template_filter(operations.tel_href, "tel")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = operations.authenticate(
                form.email.data,
                form.password.data,
                request.remote_addr or "",
                known_device=_known_device(),
                limit=config["LOGIN_MAX_FAILURES"],
                window_seconds=config["LOGIN_WINDOW_SECONDS"],
            )
        except operations.AccountError as error:
            db.session.commit()  # keep the failed attempt: it is what the limit counts
            form.email.errors = [gettext(error.message)]  # a sign-in message is in the catalogue
            return render_template("accounts/login.html", form=form), 200
        login_user(user)
        remember_session(user)
        db.session.commit()
        response = redirect(
            safe_next(request.args.get("next")) or url_for(home_endpoint(user)), code=303
        )
        _remember_device(response, user)
        return response
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        user = current_user._get_current_object() if current_user.is_authenticated else None
        if user is not None:
            operations.sign_out(user)
            db.session.commit()
        logout_user()
        flash(gettext("You have signed out."), "info")
        response = redirect(url_for("accounts.login"), code=303)
        if user is not None and _known_device() == (user.id, user.session_version - 1):
            _remember_device(response, user)  # still this person's device; the others' go
        return response
    return render_template("accounts/logout.html", form=form)


@bp.get("/admin/users")
@admin_required
def list_users():
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=users)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                form.email.data,
                form.role.data,
                form.password.data,
                organisation_name=(form.organisation.data or "").strip() or None,
                name=form.name.data or "",
                actor=current_user,
                min_length=_min_length(),
            )
        except operations.AccountError as error:
            getattr(form, error.field).errors = [error.message]
            return render_template("accounts/new_user.html", form=form)
        db.session.commit()
        flash(f"User {user.email} created.", "info")
        return redirect(url_for("accounts.list_users"), code=303)
    return render_template("accounts/new_user.html", form=form)


# A device that has signed in as a user carries a signed cookie saying so, bound to the
# user's session version: it is never held back by sign-in failures from elsewhere
# (operations.authenticate) until the password changes or the user signs out everywhere (the
# device that signs out, or changes the password, gets a fresh one). It lasts 90 days.
DEVICE_COOKIE = "listening_device"
DEVICE_DAYS = 90


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device-v2")


def _known_device() -> tuple[int, int] | None:
    """(user id, session version) from this device's cookie, or None."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    try:
        found = _device_serializer().loads(value, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    if isinstance(found, list) and len(found) == 2 and all(type(x) is int for x in found):
        return found[0], found[1]
    return None


def _remember_device(response, user: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps([user.id, user.session_version]),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )


def _min_length() -> int:
    return current_app.config["PASSWORD_MIN_LENGTH"]


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users/<int(max=2147483647):user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = EditUserForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.organisation.data = user.organisation.name if user.organisation else ""
    if form.validate_on_submit():
        try:
            organisation = (form.organisation.data or "").strip() or None
            operations.update_user(
                user,
                form.role.data,
                organisation,
                current_user,
                name=form.name.data or "",
                phone=form.phone.data or "",
            )
        except operations.AccountError as error:
            getattr(form, error.field).errors = [error.message]
        else:
            db.session.commit()
            flash(f"{user.email} updated.", "info")
            return redirect(url_for("accounts.edit_user", user_id=user.id), code=303)
    return _render_user(user, form)


def _render_user(user: User, form: EditUserForm, reset_url=None, error=None, emailed=False):
    return render_template(
        "accounts/edit_user.html",
        user=user,
        form=form,
        confirm=ConfirmForm(),
        tokens=operations.list_tokens(user),
        now_utc=utcnow(),
        reset_url=reset_url,
        emailed=emailed,
        error=error,
    )


@bp.post("/admin/users/<int(max=2147483647):user_id>/<any(deactivate, reactivate):verb>")
@admin_required
def set_user_active(user_id: int, verb: str):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form has expired. Go back and try again.")
    try:
        operations.set_active(user, verb == "reactivate", current_user)
    except operations.AccountError as error:
        return _render_user(user, EditUserForm(obj=user), error=error.message), 400
    db.session.commit()
    flash(
        f"{user.email} {verb}d." if verb == "reactivate" else f"{user.email} deactivated.", "info"
    )
    return redirect(url_for("accounts.edit_user", user_id=user.id), code=303)


@bp.post("/admin/users/<int(max=2147483647):user_id>/reset")
@admin_required
def reset_user_password(user_id: int):
    """A one-time link for the user to set a new password, shown to the admin once."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form has expired. Go back and try again.")
    try:
        token = operations.start_password_reset(user, current_user)
    except operations.AccountError as error:
        return _render_user(user, EditUserForm(obj=user), error=error.message), 400
    db.session.commit()
    reset_url = public_url("accounts.reset_password", token=token)
    emailed = _email_reset_link(user, reset_url)
    form = EditUserForm(obj=user)
    form.organisation.data = user.organisation.name if user.organisation else ""
    return _render_user(user, form, reset_url=reset_url, emailed=emailed)


def _email_reset_link(user: User, reset_url: str) -> bool:
    """Email the link when mail is configured; the admin sees it either way."""
    body = (
        "An administrator has made a link for you to set a new password:\n\n"
        f"{reset_url}\n\nIt works once, for 1 hour. If you did not expect this, tell the "
        "administrator who looks after your account."
    )
    try:
        return mail.send(user.email, "Set a new password", body)
    except OSError:
        current_app.logger.warning("could not email the password link to user %s", user.id)
        return False


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset = operations.reset_for_token(token[:100])
    if reset is None:
        return render_template("accounts/reset_expired.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            operations.complete_password_reset(reset, form.password.data, _min_length())
        except operations.AccountError as error:
            form.password.errors = [error.message]
        else:
            db.session.commit()
            flash("Your password has been set. Sign in with it.", "info")
            return redirect(url_for("accounts.login"), code=303)
    return render_template("accounts/reset_password.html", form=form, user=reset.user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def show_account():
    """Your own account: change your password, name and revoke your API tokens."""
    password_form, token_form = ChangePasswordForm(prefix="pw"), TokenForm(prefix="token")
    new_token = None
    if "pw-password" in request.form and password_form.validate_on_submit():
        try:
            operations.set_password(
                current_user,
                password_form.password.data,
                current_user,
                current=password_form.current_password.data,
                min_length=_min_length(),
            )
        except operations.AccountError as error:
            getattr(password_form, error.field).errors = [error.message]
        else:
            remember_session(current_user)  # this session goes on; every other one ends
            db.session.commit()
            flash("Your password has been changed. Other devices have been signed out.", "info")
            response = redirect(url_for("accounts.show_account"), code=303)
            _remember_device(response, current_user)  # this device only
            return response
    elif "token-name" in request.form and token_form.validate_on_submit():
        new_token = operations.issue_token(current_user, current_user, name=token_form.name.data)
        db.session.commit()
    return render_template(
        "accounts/account.html",
        password_form=password_form,
        token_form=token_form,
        new_token=new_token,
        tokens=operations.list_tokens(current_user),
        now_utc=utcnow(),
        confirm=ConfirmForm(),
    )


@bp.post("/account/tokens/<int(max=2147483647):token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Owners revoke their own tokens; admins anyone's."""
    row = db.get_or_404(ApiToken, token_id)
    if row.user_id != current_user.id and current_user.role != Role.ADMIN:
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form has expired. Go back and try again.")
    operations.revoke_token(row, current_user)
    db.session.commit()
    flash(f"Token “{row.name or row.id}” revoked.", "info")
    back = safe_next(request.form.get("next")) or url_for("accounts.show_account")
    return redirect(back, code=303)
