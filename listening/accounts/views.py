from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from listening.accounts import bp, operations
from listening.accounts.forms import LoginForm, LogoutForm, UserForm
from listening.accounts.models import User
from listening.extensions import db
from listening.security import admin_required
from listening.urls import safe_next


def _home_for(user: User) -> str:
    if user.role == "partner":
        return url_for("intake.new_conversation")
    return url_for("intake.show_coverage")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = operations.authenticate(
                form.email.data,
                form.password.data,
                request.remote_addr or "",
                limit=config["LOGIN_MAX_FAILURES"],
                window_seconds=config["LOGIN_WINDOW_SECONDS"],
            )
        except operations.AccountError as error:
            db.session.commit()  # keep the failed attempt: it is what the limit counts
            form.email.errors = [error.message]
            return render_template("accounts/login.html", form=form), 200
        login_user(user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next")) or _home_for(user), code=303)
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        logout_user()
        flash("You have signed out.", "info")
        return redirect(url_for("accounts.login"), code=303)
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
                min_length=current_app.config["PASSWORD_MIN_LENGTH"],
            )
        except operations.AccountError as error:
            getattr(form, error.field).errors = [error.message]
            return render_template("accounts/new_user.html", form=form)
        db.session.commit()
        flash(f"User {user.email} created.", "info")
        return redirect(url_for("accounts.list_users"), code=303)
    return render_template("accounts/new_user.html", form=form)
