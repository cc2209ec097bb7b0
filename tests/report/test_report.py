"""The campaign report: what a reviewer may choose, what is stored, the PDF's text (pdftotext),
the staff pages and their permissions, and `flask report pdf`."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from listening import publicity
from listening.assembly import quotes
from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import queries as intake
from listening.intake.models import Response
from listening.report import documents, operations
from listening.report.models import Report
from listening.report.pdf import BASE_URL, StaticFilesOnly
from tests.conftest import screen_answers
from tests.report.conftest import CHOSEN, UNCHOSEN, WORKS


def pdf_text(data: bytes, tmp_path, layout: bool = False) -> str:
    """The PDF's text by poppler's pdftotext: in reading order, or laid out (table rows)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def housing_only(world, reviewer) -> Report:
    report = operations.create_report(
        world["campaign"],
        [world["themes"]["housing"].id],
        [world["quotes"]["chosen"].id],
        reviewer,
    )
    db.session.commit()
    return report


# ---------------------------------------------------------------- choices and storage


def test_only_reviewed_themes_and_published_quotes_can_be_chosen(world):
    choices = operations.available(world["campaign"])
    assert choices.run.id == world["run"].id
    assert [t.slug for t in choices.themes] == ["housing", "work-wages-cost-of-living"]
    assert {q.text for q in choices.quotes} == {CHOSEN, UNCHOSEN, WORKS}
    quotes.withdraw_quote(world["quotes"]["unchosen"], None)
    assert {q.text for q in operations.available(world["campaign"]).quotes} == {CHOSEN, WORKS}


def test_a_quote_the_redactor_flags_today_is_never_offered(world, reviewer):
    """An answer whose redaction missed an email (screened and cleared all the same); a
    reviewer approved its quote, ticking the checklist. The report leaves it out all the same."""
    conversation = world["quotes"]["chosen"].response.conversation
    leaky = "Email me at jo.bloggs@example.org about the damp."
    response = Response(position=5, text=leaky, redacted_text=leaky)
    conversation.responses.append(response)
    db.session.flush()
    screen_answers(conversation)  # as if the current redactor had missed it
    quote = quotes.propose_quote(response, leaky, reviewer, theme_slug="housing")
    quotes.approve_quote(quote, reviewer, quotes.CHECKLIST)
    assert quote in quotes.public_quotes(world["campaign"].id, theme_slug="housing")
    assert quote not in operations.available(world["campaign"]).quotes
    with pytest.raises(operations.ReportError) as error:
        operations.create_report(
            world["campaign"], [world["themes"]["housing"].id], [quote.id], reviewer
        )
    assert error.value.field == "quotes"


def test_a_report_records_its_run_and_choices_and_is_audited(world, reviewer):
    report = housing_only(world, reviewer)
    stored = db.session.get(Report, report.id)
    assert stored.theme_run_id == world["run"].id
    assert stored.theme_ids == [world["themes"]["housing"].id]
    assert stored.quote_ids == [world["quotes"]["chosen"].id]
    assert stored.created_by_id == reviewer.id
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "report.create", AuditEvent.entity_id == str(report.id)
        )
    )
    assert event.entity == "report_report" and event.actor_id == reviewer.id
    assert event.after["theme_run_id"] == world["run"].id


@pytest.mark.parametrize(
    ("themes", "quotes_", "field"),
    [
        (["lonely"], [], "themes"),  # not reviewed
        (["housing"], ["works"], "quotes"),  # its theme is left out
    ],
)
def test_choices_outside_the_rules_are_refused(world, reviewer, themes, quotes_, field):
    with pytest.raises(operations.ReportError) as error:
        operations.create_report(
            world["campaign"],
            [world["themes"][k].id for k in themes],
            [world["quotes"][k].id for k in quotes_],
            reviewer,
        )
    assert error.value.field == field


# ---------------------------------------------------------------- the PDF, read back


def test_the_pdf_has_the_coverage_figures_chosen_themes_and_only_chosen_quotes(
    world, reviewer, tmp_path
):
    campaign = world["campaign"]
    report = housing_only(world, reviewer)
    data = documents.pdf_bytes(report)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path, layout=True)
    flat = squeeze(pdf_text(data, tmp_path))
    assert campaign.name in flat and "What we heard" in flat
    lines = text.splitlines()
    reach = intake.by_borough(campaign)  # as the coverage page computes them
    hidden = publicity.withheld_parts({row.key: row.people for row in reach})
    assert hidden == {"bexley", "lambeth", "unspecified"}  # 3 and 0; Lambeth's 12 withheld
    for row in reach:
        line = next(line for line in lines if line.strip().startswith(row.name + " "))
        cells = line.split()
        if row.key in hidden:
            assert "fewer than 5" in line or "withheld" in line, line
            assert str(row.people) not in cells, line
        else:
            assert f"{row.people:,}" in cells and f"{row.per_10k:,.1f}" in cells, line
    southwark = next(line for line in lines if line.strip().startswith("Southwark "))
    assert southwark.split()[1:] == ["2", "42", "300,000", "1.4"]  # 42 / 300,000 × 10,000
    total = intake.totals(campaign)
    assert f"{total.people:,} people took part in {total.conversations:,} conversations" in flat
    # the chosen theme with its sub-themes (reviewer's label) and people; the chosen quote only
    assert "Housing" in flat and "Rising rent" in flat and "Damp and mould" in flat
    assert "45 people raised it" in flat  # 30 + 12 + 3, once per conversation
    assert CHOSEN in flat
    assert UNCHOSEN not in flat
    assert WORKS not in flat and "Low pay, two jobs" not in flat  # theme not chosen
    assert "Loneliness unreviewed" not in flat
    # workshops and pledges with status
    assert "Housing co-production workshop" in flat and "Fix damp within a fortnight" in flat
    assert "Every NHS trust a London Living Wage employer" in flat
    assert "Not started" in flat and "(overdue)" in flat
    assert f"theme analysis run {world['run'].id}" in flat


def test_the_pdf_is_tagged_and_embeds_debians_fonts(world, reviewer, tmp_path):
    report = housing_only(world, reviewer)
    path = tmp_path / "report.pdf"
    path.write_bytes(documents.pdf_bytes(report))
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    fonts = [line.split() for line in listing.stdout.splitlines()[2:]]
    assert fonts and all("Liberation-Sans" in font[0] for font in fonts), listing.stdout
    assert all(font[-5] == "yes" for font in fonts)  # the "emb" column: embedded
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M)  # PDF/UA: structure for readers
    assert re.search(r"^Title:\s+What we heard – Campaign sel-2023$", info.stdout, re.M)


def test_the_fetcher_serves_only_local_static_files(app, tmp_path):
    fetch = StaticFilesOnly(app.static_folder)
    css = fetch(BASE_URL + "assets/css/report.css")
    assert b"app-report" in css.read() and css.content_type == "text/css"
    for url in (
        "https://example.org/assets/css/report.css",
        "http://report.invalid/assets/css/report.css",
        "file:///etc/passwd",
        BASE_URL + "assets/../../pyproject.toml",
        BASE_URL + "assets/%2e%2e/%2e%2e/pyproject.toml",
        BASE_URL + "elsewhere/report.css",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetch(url)


def test_a_stored_report_drops_a_quote_withdrawn_since(world, reviewer, tmp_path):
    report = housing_only(world, reviewer)
    quotes.withdraw_quote(world["quotes"]["chosen"], reviewer)
    db.session.commit()
    html = documents.html_document(report)
    assert CHOSEN not in html and "Rising rent" in html


def test_a_report_keeps_the_sub_themes_of_its_own_run(world, reviewer):
    """A newer run replaces the current sub-themes; the stored report still shows its run's."""
    from listening.themes.models import ThemeRun
    from listening.timeutil import utcnow

    report = housing_only(world, reviewer)
    db.session.add(
        ThemeRun(campaign_id=world["campaign"].id, status="succeeded", finished_at=utcnow())
    )
    db.session.commit()
    html = documents.html_document(report)
    assert "Rising rent" in html and "Damp and mould" in html


# ---------------------------------------------------------------- staff pages


def test_report_pages_are_closed_to_the_public_and_to_partners(
    world, reviewer, signed_in, make_user
):
    report = housing_only(world, reviewer)
    paths = ["/staff/reports", f"/staff/reports/{report.id}", f"/staff/reports/{report.id}.pdf"]
    anonymous, partner = signed_in(None), signed_in(make_user("partner"))
    for path in paths:
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
        assert partner.get(path).status_code == 403, path
    assert anonymous.post("/staff/reports").status_code == 302
    assert partner.post("/staff/reports").status_code == 403
    assert db.session.scalar(select(db.func.count(Report.id))) == 1


def test_a_reviewer_chooses_themes_and_quotes_and_gets_the_page_and_the_pdf(
    world, reviewer, signed_in
):
    client = signed_in(reviewer)
    campaign = world["campaign"]
    form = client.get(f"/staff/reports?campaign={campaign.slug}").get_data(as_text=True)
    assert "Loneliness unreviewed" not in form
    for text in ("Housing", "Work, wages and cost of living", CHOSEN, UNCHOSEN, WORKS):
        assert text in form
    response = client.post(
        "/staff/reports",
        data={
            "campaign": campaign.slug,
            "themes": [world["themes"]["housing"].id],
            "quotes": [world["quotes"]["chosen"].id],
        },
    )
    assert response.status_code == 303
    report = db.session.scalars(select(Report).order_by(Report.id.desc())).first()
    assert response.headers["Location"].endswith(f"/staff/reports/{report.id}")
    page = client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert CHOSEN in page and UNCHOSEN not in page and "Rising rent" in page
    assert 'href="/assets/css/report.css"' in page
    pdf = client.get(f"/staff/reports/{report.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert f"what-we-heard-{campaign.slug}-{report.id}.pdf" in pdf.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "data",
    [
        {"themes": ["housing"]},  # not a number
        {"themes": ["999999"]},  # not a choice
        {"themes": ["{housing}"], "quotes": ["{works}"]},  # a quote of a theme left out
    ],
)
def test_bad_choices_get_a_message_beside_the_field_and_nothing_is_stored(
    world, reviewer, signed_in, data
):
    ids = {
        "{housing}": str(world["themes"]["housing"].id),
        "{works}": str(world["quotes"]["works"].id),
    }
    data = {k: [ids.get(v, v) for v in values] for k, values in data.items()}
    client = signed_in(reviewer)
    response = client.post("/staff/reports", data={"campaign": world["campaign"].slug, **data})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "nhsuk-error-message" in page
    assert db.session.scalar(select(db.func.count(Report.id))) == 0


def test_unknown_reports_are_404(world, reviewer, signed_in):
    client = signed_in(reviewer)
    for path in (
        "/staff/reports/424242",
        "/staff/reports/424242.pdf",
        "/staff/reports/99999999999",
    ):
        assert client.get(path).status_code == 404, path


# ---------------------------------------------------------------- flask report pdf


def test_the_command_writes_the_report_with_every_reviewed_theme_and_quote(world, runner, tmp_path):
    out = tmp_path / "what-we-heard.pdf"
    result = runner.invoke(
        args=["report", "pdf", "--campaign", world["campaign"].slug, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    text = squeeze(pdf_text(data, tmp_path))
    for expected in (CHOSEN, UNCHOSEN, WORKS, "Low pay, two jobs", "Rising rent"):
        assert expected in text
    report = db.session.scalars(select(Report).order_by(Report.id.desc())).first()
    assert report.created_by_id is None and report.theme_run_id == world["run"].id
    assert sorted(report.theme_ids) == sorted(
        [world["themes"]["housing"].id, world["themes"]["wages"].id]
    )
    assert f"Report {report.id}" in result.output


def test_the_command_fails_cleanly_for_an_unknown_campaign_or_an_unwritable_file(
    world, runner, tmp_path
):
    result = runner.invoke(
        args=["report", "pdf", "--campaign", "no-such", "--out", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    missing = tmp_path / "no-such-dir" / "x.pdf"
    result = runner.invoke(
        args=["report", "pdf", "--campaign", world["campaign"].slug, "--out", str(missing)]
    )
    assert result.exit_code == 1 and "Cannot write" in result.stderr
    assert db.session.scalar(select(db.func.count(Report.id))) == 0
    result = runner.invoke(args=["report", "pdf", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2  # --campaign is required


def test_a_campaign_with_no_analysis_still_gets_a_report(make_campaign, runner, tmp_path):
    campaign = make_campaign(slug="empty-2025")
    db.session.commit()
    out = tmp_path / "empty.pdf"
    result = runner.invoke(args=["report", "pdf", "--campaign", campaign.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = squeeze(pdf_text(out.read_bytes(), tmp_path))
    assert "No theme analysis had finished" in text and "0 people took part" in text
