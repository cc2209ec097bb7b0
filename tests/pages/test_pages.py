"""The statutory footer pages: default texts, the footer, and the admin-only edit form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from listening.audit import AuditEvent
from listening.extensions import db
from listening.pages.models import Page
from listening.pages.text import render

PAGES = {
    "/accessibility": "Accessibility statement",
    "/privacy": "Privacy notice",
    "/contact": "Contact us",
    "/cookies": "Cookies",
}


def test_every_page_is_public_and_in_the_footer(client):
    footer = client.get("/accessibility").get_data(as_text=True).split('role="contentinfo"')[1]
    for path, title in PAGES.items():
        response = client.get(path)
        assert response.status_code == 200
        assert f"<h1>{title}</h1>" in response.get_data(as_text=True)
    for path in PAGES:
        assert f'href="{path}"' in footer


def test_the_accessibility_statement_follows_the_regulations_format(client):
    html = client.get("/accessibility").get_data(as_text=True)
    for heading in (
        "Compliance status",
        "Non-accessible content",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Preparation of this accessibility statement",
    ):
        assert heading in html
    assert "partially compliant" in html
    assert "Equality and Human Rights Commission" in html
    assert "Equality Commission for Northern Ireland" in html
    assert "axe-core" in html and "every public page" in html
    assert 'href="https://www.equalityadvisoryservice.com/"' in html


def test_the_privacy_notice_takes_retention_from_config(app, client):
    saved = app.config["ORIGINAL_TEXT_RETENTION_DAYS"]
    app.config["ORIGINAL_TEXT_RETENTION_DAYS"] = 432
    try:
        html = client.get("/privacy").get_data(as_text=True)
    finally:
        app.config["ORIGINAL_TEXT_RETENTION_DAYS"] = saved
    assert "deleted 432 days after it was submitted" in html
    assert "Article 6(1)(e)" in html and "public task" in html
    assert "erase" in html and app.config["CONTACT_EMAIL"] in html


def test_the_cookies_page_lists_only_strictly_necessary_cookies(client):
    html = client.get("/cookies").get_data(as_text=True)
    assert "strictly necessary" in html
    assert "Google Analytics" not in html and "advertising" in html  # says we do not advertise


@pytest.mark.parametrize("role", ["partner", "reviewer"])
def test_only_admins_may_edit(client, login, make_user, role):
    login(make_user(role))
    assert client.get("/admin/pages").status_code == 403
    assert client.get("/admin/pages/privacy/edit").status_code == 403
    response = client.post("/admin/pages/privacy/edit", data={"title": "Hacked", "body": "x"})
    assert response.status_code == 403
    assert db.session.scalar(select(Page)) is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/admin/pages", "/admin/pages/cookies/edit"):
        response = client.get(path)
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    assert client.post(
        "/admin/pages/cookies/edit", data={"title": "x", "body": "y"}
    ).status_code in (
        302,
        303,
    )
    assert db.session.scalar(select(Page)) is None


def test_an_admin_edits_a_page_escaped_and_audited(client, login, make_user):
    admin = login(make_user("admin", organisation=None))
    form = client.get("/admin/pages/contact/edit").get_data(as_text=True)
    assert "Questions and feedback" in form  # starts from the default text
    response = client.post(
        "/admin/pages/contact/edit",
        data={
            "title": "Contact the team",
            "body": "## Write to us\n\nEmail [us](mailto:team@example.org) <script>x()</script>"
            "\n\n- one\n- [bad](javascript:alert(1))",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/contact")
    html = client.get("/contact").get_data(as_text=True)
    assert "<h1>Contact the team</h1>" in html and "<h2>Write to us</h2>" in html
    assert '<a href="mailto:team@example.org">us</a>' in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html
    assert 'href="javascript' not in html
    assert "Page last updated" in html
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "pages_page"))
    assert event.action == "pages.create" and event.actor_id == admin.id
    assert event.after["title"] == "Contact the team"

    client.post("/admin/pages/contact/edit", data={"title": "Contact us", "body": "New text"})
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "pages_page").order_by(AuditEvent.id)
    ).all()
    assert actions == ["pages.create", "pages.update"]
    assert db.session.scalar(select(Page.updated_by_id)) == admin.id


def test_errors_are_shown_beside_the_fields_and_what_was_typed_is_kept(client, login, make_user):
    login(make_user("admin", organisation=None))
    response = client.post(
        "/admin/pages/cookies/edit", data={"title": "", "body": "Kept text & more"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the page title" in html and "There is a problem" in html
    assert "Kept text &amp; more" in html
    long = client.post("/admin/pages/cookies/edit", data={"title": "T" * 121, "body": "x"})
    assert "Page title must be 120 characters or fewer" in long.get_data(as_text=True)
    assert client.get("/admin/pages/nope/edit").status_code == 404
    assert db.session.scalar(select(Page)) is None


def test_page_text_markup_is_safe():
    html = str(render('## A <b>\n\n[x](https://e.org/?a="1") [y](//evil.example) <i>\n\n- a\n- b'))
    assert html.startswith("<h2>A &lt;b&gt;</h2>")
    assert '<a href="https://e.org/?a=&#34;1&#34;">x</a>' in html
    assert "[y](//evil.example)" in html  # protocol-relative addresses are not links
    assert "&lt;i&gt;" in html
    assert '<ul class="nhsuk-list nhsuk-list--bullet"><li>a</li><li>b</li></ul>' in html
