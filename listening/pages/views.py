"""The statutory footer pages (public) and their admin-only edit form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from listening.extensions import db
from listening.pages import bp, operations, text
from listening.pages.forms import PageForm
from listening.security import admin_required

SLUGS = "any(accessibility, privacy, contact, cookies)"


def _show(slug: str):
    page = operations.get_page(slug, str(get_locale() or "en"))
    return render_template("pages/show_page.html", page=page, body=text.render(page.body))


@bp.get("/accessibility")
def show_accessibility():
    return _show("accessibility")


@bp.get("/privacy")
def show_privacy():
    return _show("privacy")


@bp.get("/contact")
def show_contact():
    return _show("contact")


@bp.get("/cookies")
def show_cookies():
    return _show("cookies")


@bp.get("/admin/pages")
@admin_required
def list_pages():
    pages = [operations.get_page(slug) for slug in operations.TITLES]
    return render_template("pages/list_pages.html", pages=pages)


@bp.route(f"/admin/pages/<{SLUGS}:slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_page(slug: str):
    if slug not in operations.TITLES:
        abort(404)
    page = operations.get_page(slug)
    form = PageForm(data={"title": page.title, "body": page.body})
    if form.validate_on_submit():
        operations.save_page(slug, form.title.data, form.body.data, current_user)
        db.session.commit()
        flash(f"“{form.title.data.strip()}” saved", "success")
        return redirect(url_for(f"pages.show_{slug}"), 303)
    return render_template("pages/edit_page.html", form=form, page=page)
