"""Bulk import of conversations from CSV and XLSX: the operation, the CLI and the upload page."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from sqlalchemy import create_engine, func, select, text

from listening.audit import AuditEvent
from listening.extensions import db
from listening.intake import importids
from listening.intake.importers import (
    COLUMNS,
    ImportFileError,
    import_file,
    start_import,
)
from listening.intake.importers import run_import as run_import_job_now
from listening.intake.models import Conversation, ImportJob, Response
from listening.organisations.models import Organisation
from tests.conftest import table_count

ORG = "Peckham Community Centre"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(make_campaign, make_user):
    campaign = make_campaign()
    partner = make_user("partner", ORG)
    reviewer = make_user("reviewer", None)
    db.session.add(Organisation(name="Brixton Youth Hub", type="youth"))
    db.session.commit()
    return campaign, partner, reviewer


def row(
    ref="C1",
    when="2023-07-01",
    borough="Southwark",
    organisation=ORG,
    fmt="small-group",
    people="6",
    groups="Young people; carers-and-lone-parents",
    consent="yes",
    response="The rent takes most of what I earn",
):
    return [ref, when, borough, organisation, fmt, people, groups, consent, response]


def csv_bytes(rows, header=COLUMNS, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def run_import(data: bytes, campaign, actor=None, filename="conversations.csv"):
    report = import_file(io.BytesIO(data), filename, campaign, actor)
    db.session.commit()
    return report


GOOD = [
    row(),
    row(
        when="",
        borough="",
        fmt="",
        people="",
        groups="",
        consent="",
        response="Call Amina on 07700 900123 about the mould",
    ),
    row(
        ref="C2",
        when="2023-08-03",
        borough="bexley",
        organisation="brixton youth hub",
        fmt="One-to-one",
        people="1",
        groups="",
        consent="no",
        response="Nothing for us here",
    ),
]


def _conversation(reference: str) -> Conversation:
    return db.session.scalar(select(Conversation).where(Conversation.reference == reference))


def test_a_good_file_creates_one_conversation_per_reference(world):
    campaign, _partner, reviewer = world
    report = run_import(csv_bytes(GOOD), campaign, reviewer)
    assert (report.created, report.duplicates, report.errors) == (2, 0, [])
    assert report.summary() == {"created": 2, "duplicates": 0, "errors": 0}
    first = _conversation("C1")
    assert (first.source, first.status, first.logged_by_id) == ("import", "submitted", reviewer.id)
    assert (first.held_on, first.area.slug, first.format, first.people_count) == (
        date(2023, 7, 1),
        "southwark",
        "small-group",
        6,
    )
    assert first.consent_to_quote is True
    assert sorted(g.slug for g in first.groups) == ["carers-and-lone-parents", "young-people"]
    assert [r.position for r in first.responses] == [1, 2]
    assert "07700 900123" not in first.responses[1].redacted_text  # redacted like the form
    assert "07700 900123" in first.responses[1].text  # the original stays, for staff
    second = _conversation("C2")
    assert (second.organisation.name, second.area.slug, second.format) == (
        "Brixton Youth Hub",
        "bexley",
        "one-to-one",
    )
    assert second.consent_to_quote is False and second.groups == []
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == reviewer.id)).all()
    assert sorted((e.action, e.entity) for e in events) == [
        ("intake.create", "intake_conversation"),
        ("intake.create", "intake_conversation"),
        ("intake.import", "intake_campaign"),
    ]


def test_reimporting_the_same_file_creates_nothing(world):
    campaign, _partner, reviewer = world
    run_import(csv_bytes(GOOD), campaign, reviewer)
    counts = table_count("intake_conversation"), table_count("intake_response")
    again = run_import(csv_bytes(GOOD), campaign, reviewer)
    assert again.summary() == {"created": 0, "duplicates": 2, "errors": 0}
    assert (table_count("intake_conversation"), table_count("intake_response")) == counts


def test_a_changed_conversation_under_an_imported_reference_is_reported_not_overwritten(world):
    campaign, _partner, reviewer = world
    run_import(csv_bytes(GOOD), campaign, reviewer)
    changed = [row(people="9")] + GOOD[1:]
    report = run_import(csv_bytes(changed), campaign, reviewer)
    assert report.summary() == {"created": 0, "duplicates": 1, "errors": 1}
    assert report.errors[0].row == 2 and report.errors[0].column == "conversation_ref"
    assert "imported before with different details" in report.errors[0].reason
    assert _conversation("C1").people_count == 6


def test_the_uuid_depends_on_secret_campaign_organisation_and_reference_only():
    uuid_of = importids.import_uuid
    one = uuid_of(b"k" * 32, "sel-2023", 7, "C1")
    assert one == uuid_of(b"k" * 32, "sel-2023", 7, "C1")
    others = [
        uuid_of(b"k" * 32, "sel-2023", 7, "C2"),
        uuid_of(b"k" * 32, "sel-2024", 7, "C1"),
        uuid_of(b"k" * 32, "sel-2023", 8, "C1"),
        uuid_of(b"j" * 32, "sel-2023", 7, "C1"),
    ]
    assert one not in others and len(set(others)) == 4
    assert importids.is_import_uuid(b"k" * 32, one)
    assert not importids.is_import_uuid(b"j" * 32, one)  # another installation's
    assert not any(importids.is_import_uuid(b"k" * 32, str(uuid.uuid4())) for _ in range(200))


TOMORROW_PLUS = (date.today() + timedelta(days=5)).isoformat()
ERROR_CASES = [
    (dict(when="2023-13-01"), "date", "is not a date"),
    (dict(when=TOMORROW_PLUS), "date", "today or in the past"),
    (dict(borough="Narnia"), "borough", "“Narnia” is not a borough"),
    (
        dict(organisation="Peckham Comunity Centre"),
        "organisation",
        "Did you mean “Peckham Community Centre”?",
    ),
    (dict(organisation="Nowhere Trust"), "organisation", "not on the list of organisations"),
    (dict(organisation=""), "organisation", "Select the organisation"),
    (dict(fmt="chat"), "format", "“chat” is not a format"),
    (dict(people="0"), "people_count", "between 1 and 10,000"),
    (dict(people="many"), "people_count", "as a number like 3"),
    (dict(people=""), "people_count", "Enter how many people"),
    (dict(groups="Wizards; young-people"), "groups", "“Wizards” is not a community group"),
    (dict(consent="maybe"), "consent_to_quote", "“maybe” is not yes or no"),
    (dict(response=""), "response", "Enter at least one thing people said"),
    (dict(response="x" * 20_001), "response", "20,000 characters or fewer"),
    (dict(ref=""), "conversation_ref", "Enter a conversation reference"),
    (dict(ref="R" * 121), "conversation_ref", "120 characters or fewer"),
]


@pytest.mark.parametrize(("change", "column", "reason"), ERROR_CASES)
def test_each_kind_of_row_error_names_row_and_column(world, change, column, reason):
    campaign, _partner, reviewer = world
    rows = [row(ref="OK", response="fine")] + [
        row(ref="BAD", **change) if "ref" not in change else row(**change)
    ]
    report = run_import(csv_bytes(rows), campaign, reviewer)
    assert [(e.row, e.column) for e in report.errors] == [(3, column)], report.errors
    assert reason in report.errors[0].reason
    assert report.created == 1  # the good conversation still goes in
    assert report.summary()["errors"] == 1
    if column != "conversation_ref" or change.get("ref"):
        assert [s.rows for s in report.skipped] == [(3,)]  # nothing silently dropped


@pytest.mark.parametrize(
    ("column", "first", "other"),
    [
        ("date", dict(when="2023-07-01"), dict(when="2023-07-02")),
        ("borough", dict(borough="Southwark"), dict(borough="Lambeth")),
        ("format", dict(fmt="event"), dict(fmt="online")),
        ("people_count", dict(people="6"), dict(people="7")),
        ("consent_to_quote", dict(consent="yes"), dict(consent="no")),
    ],
)
def test_rows_of_one_conversation_that_disagree_are_an_error(world, column, first, other):
    campaign, _partner, reviewer = world
    rows = [row(**first), row(response="second", **other), row(response="third", **first)]
    report = run_import(csv_bytes(rows), campaign, reviewer)
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert "row 2 says" in report.errors[0].reason
    assert report.created == 0 and [s.rows for s in report.skipped] == [(2, 3, 4)]


def test_same_values_written_differently_do_not_disagree(world):
    campaign, _partner, reviewer = world
    rows = [
        row(borough="Southwark", fmt="small-group", consent="yes", when="2023-07-01"),
        row(
            borough="southwark",
            fmt="Small group",
            consent="Y",
            when="01/07/2023",
            response="second",
        ),
    ]
    report = run_import(csv_bytes(rows), campaign, reviewer)
    assert report.errors == [] and report.created == 1
    assert len(_conversation("C1").responses) == 2


def test_more_answers_than_the_form_allows_is_an_error_not_a_truncation(world):
    campaign, _partner, reviewer = world
    rows = [row(response=f"answer {i}") for i in range(31)]
    report = run_import(csv_bytes(rows), campaign, reviewer)
    assert [(e.row, e.column) for e in report.errors] == [(32, "response")]
    assert report.created == 0


def test_same_reference_in_two_organisations_is_two_conversations(world):
    campaign, _partner, reviewer = world
    rows = [row(), row(organisation="Brixton Youth Hub", borough="Lambeth")]
    report = run_import(csv_bytes(rows), campaign, reviewer)
    assert report.created == 2 and report.errors == []


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "The file is empty"),
        (b"\n\n", "x.csv", "The file is empty"),
        (csv_bytes([]), "x.csv", "no rows of responses"),
        (
            csv_bytes([row()], header=[*COLUMNS, "notes"]),
            "x.csv",
            "columns the template does not have: notes",
        ),
        (csv_bytes([row()[:-1]], header=COLUMNS[:-1]), "x.csv", "missing the columns response"),
        (
            csv_bytes([row() + ["x"]], header=[*COLUMNS, "date"]),
            "x.csv",
            "repeats the columns date",
        ),
        (b"name,age\nA,3\n", "x.csv", "must name the template's columns"),
        (b"%PDF-1.4", "x.pdf", "must be a CSV or an Excel workbook"),
        (b"\xd0\xcf\x11\xe0", "x.xls", "Old .xls workbooks"),
        (b"not a zip at all", "x.xlsx", "could not be read as an Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(world, data, filename, message):
    campaign, _partner, reviewer = world
    with pytest.raises(ImportFileError) as raised:
        import_file(io.BytesIO(data), filename, campaign, reviewer)
    assert message in raised.value.message
    assert table_count("intake_conversation") == 0


def test_header_names_are_case_and_space_insensitive_and_encodings_are_detected(world):
    campaign, _partner, reviewer = world
    header = [
        "Conversation Ref",
        "DATE (YYYY-MM-DD)",
        " Borough",
        "Organisation",
        "Format",
        "People-count",
        "Groups",
        "Consent to quote",
        "Response",
    ]
    text = csv_bytes([row(response="Café “quote” – £5")], header=header).decode()
    assert run_import(b"\xef\xbb\xbf" + text.encode(), campaign, reviewer).created == 1
    latin = csv_bytes([row(ref="C2", response="Café – £5 ‘a’")], header=header, encoding="cp1252")
    assert run_import(latin, campaign, reviewer).created == 1
    assert _conversation("C2").responses[0].text == "Café – £5 ‘a’"
    semicolons = text.replace(",", ";").replace("C1", "C3").encode()  # Excel in some locales
    report = run_import(semicolons, campaign, reviewer)
    assert report.created == 0 and report.errors  # groups then split oddly: reported, not lost


def test_an_unquoted_comma_in_a_response_is_reported(world):
    campaign, _partner, reviewer = world
    data = csv_bytes([row()]) + (
        b"C2,2023-07-01,Southwark,Peckham Community Centre,event,3,,yes,a,b\n"
    )
    report = run_import(data, campaign, reviewer)
    assert [(e.row, e.column) for e in report.errors] == [(3, "")]
    assert "column with no heading" in report.errors[0].reason
    assert report.created == 1


def xlsx_bytes(rows, header=COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_typed_cells_imports_like_the_csv(world):
    campaign, _partner, reviewer = world
    rows = [
        [
            "C1",
            datetime(2023, 7, 1),
            "Southwark",
            ORG,
            "small-group",
            6,
            "Young people; carers-and-lone-parents",
            True,
            "The rent takes most of what I earn",
        ],
        [
            "C1",
            None,
            None,
            ORG,
            None,
            None,
            None,
            None,
            "Call Amina on 07700 900123 about the mould",
        ],
        [
            "C2",
            date(2023, 8, 3),
            "bexley",
            "brixton youth hub",
            "One-to-one",
            1.0,
            None,
            "no",
            "Nothing for us here",
        ],
    ]
    report = run_import(xlsx_bytes(rows), campaign, reviewer, filename="paper.xlsx")
    assert report.summary() == {"created": 2, "duplicates": 0, "errors": 0}
    assert _conversation("C1").held_on == date(2023, 7, 1)
    # the same conversations as a CSV are recognised: the UUID does not depend on the format
    assert run_import(csv_bytes(GOOD), campaign, reviewer).summary()["duplicates"] == 2


def test_xlsx_row_errors_use_spreadsheet_row_numbers(world):
    campaign, _partner, reviewer = world
    rows = [row(), [None] * 9, row(ref="C2", people="0")]  # a blank row 3 is skipped, not lost
    report = run_import(xlsx_bytes(rows), campaign, reviewer, filename="paper.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(4, "people_count")]


# ---------------------------------------------------------------- CLI


def test_cli_prints_errors_then_the_json_summary_last(world, runner, tmp_path):
    campaign, _partner, _reviewer = world
    path = tmp_path / "conversations.csv"
    path.write_bytes(csv_bytes(GOOD + [row(ref="C3", when="2023-13-01")]))
    result = runner.invoke(args=["intake", "import", str(path), "--campaign", campaign.slug])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "created": 2,
        "duplicates": 0,
        "errors": 1,
    }
    assert "row 5, date:" in result.stderr
    assert json.loads(result.output.strip().splitlines()[-1])["created"] == 2
    again = runner.invoke(args=["intake", "import", str(path), "--campaign", campaign.slug])
    assert json.loads(again.stdout.strip().splitlines()[-1]) == {
        "created": 0,
        "duplicates": 2,
        "errors": 1,
    }
    system = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_id.is_(None),
            AuditEvent.entity.in_(["intake_conversation", "intake_campaign"]),
        )
    ).all()
    assert sorted(e.action for e in system) == [
        "intake.create",
        "intake.create",
        "intake.import",
        "intake.import",
    ]
    assert (
        db.session.scalar(
            select(func.count(Conversation.id)).where(
                Conversation.logged_by_id.is_(None), Conversation.source == "import"
            )
        )
        == 2
    )


def test_cli_exits_1_when_the_file_cannot_be_read(world, runner, tmp_path):
    campaign, _partner, _reviewer = world
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name,age\n")
    for args, message in [
        ([str(bad), "--campaign", campaign.slug], "must name the template's columns"),
        ([str(tmp_path / "missing.csv"), "--campaign", campaign.slug], "No such file"),
        ([str(bad), "--campaign", "no-such-campaign"], "does not exist"),
    ]:
        result = runner.invoke(args=["intake", "import", *args])
        assert result.exit_code == 1 and message in result.stderr, result.output
        assert result.stdout == ""


# ---------------------------------------------------------------- upload page


def _login(client, user):
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303


def _upload(client, data: bytes, filename: str, campaign="sel-2023", follow=True):
    """Upload as staff do; the import runs as a job (at once in the tests) and the answer
    leads to its page (followed unless `follow` is false)."""
    return client.post(
        "/intake/imports/new",
        content_type="multipart/form-data",
        data={"campaign": campaign, "file": (io.BytesIO(data), filename)},
        follow_redirects=follow,
    )


def test_upload_page_is_for_staff_only(world, client, signed_in):
    _campaign, partner, reviewer = world
    for path in ("/intake/imports/new", "/intake/imports/template.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    partner_client = signed_in(partner)
    assert partner_client.get("/intake/imports/new").status_code == 403
    assert partner_client.get("/intake/imports/template.csv").status_code == 403
    assert _upload(partner_client, csv_bytes(GOOD), "x.csv").status_code == 403
    assert table_count("intake_conversation") == 0
    assert signed_in(reviewer).get("/intake/imports/new").status_code == 200


def test_upload_shows_the_report(world, client):
    _campaign, _partner, reviewer = world
    _login(client, reviewer)
    response = _upload(client, csv_bytes(GOOD + [row(ref="C3", borough="Narnia")]), "x.csv")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<dd class="nhsuk-summary-list__value" id="created">2</dd>' in body
    assert '<dd class="nhsuk-summary-list__value" id="errors">1</dd>' in body
    assert (
        "“Narnia” is not a borough" in body
        and '<td class="nhsuk-table__cell" data-label="Row">5</td>' in body
    )
    again = _upload(client, csv_bytes(GOOD), "x.csv").get_data(as_text=True)
    assert '<dd class="nhsuk-summary-list__value" id="duplicates">2</dd>' in again
    assert table_count("intake_conversation") == 2


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (csv_bytes(GOOD), "notes.pdf", "The file must be a CSV or an Excel workbook (.xlsx)"),
        (b"", "empty.csv", "The file is empty"),
        (b"name,age\nA,3\n", "wrong.csv", "must name the template&#39;s columns"),
    ],
)
def test_upload_errors_appear_beside_the_field(world, client, data, filename, message):
    _campaign, _partner, reviewer = world
    _login(client, reviewer)
    response = _upload(client, data, filename)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="file-error"' in body and message in body
    assert table_count("intake_conversation") == 0


def test_upload_without_a_file_asks_for_one(world, client):
    _campaign, _partner, reviewer = world
    _login(client, reviewer)
    response = client.post(
        "/intake/imports/new", data={"campaign": "sel-2023"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choose a CSV or Excel (.xlsx) file to import" in response.get_data(as_text=True)


def test_report_escapes_what_the_file_says(world, client):
    _campaign, _partner, reviewer = world
    _login(client, reviewer)
    hostile = "<script>alert(1)</script>"
    rows = [row(ref=hostile, borough=hostile, organisation='"><img src=x onerror=alert(1)>')]
    body = _upload(client, csv_bytes(rows), "x.csv").get_data(as_text=True)
    assert hostile not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_upload_needs_a_csrf_token(world, client, csrf_app):
    _campaign, _partner, reviewer = world
    _login_with_csrf(client, reviewer)
    response = _upload(client, csv_bytes(GOOD), "x.csv")
    assert response.status_code in (400, 422)
    assert table_count("intake_conversation") == 0


def _login_with_csrf(client, user):
    import re

    from tests.conftest import PASSWORD

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token.group(1)}
    )


def test_the_template_download_is_the_header_and_round_trips(world, client):
    campaign, _partner, reviewer = world
    _login(client, reviewer)
    response = client.get("/intake/imports/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert next(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == list(COLUMNS)
    filled = response.get_data() + csv_bytes([row()]).split(b"\r\n", 1)[1]
    assert run_import(filled, campaign, reviewer).created == 1
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_upload_accepts_xlsx_and_upper_case_extensions(world, client):
    _campaign, _partner, reviewer = world
    _login(client, reviewer)
    xlsx = _upload(client, xlsx_bytes([row()]), "PAPER.XLSX")
    assert xlsx.status_code == 200, xlsx.get_data(as_text=True)[:300]
    assert '<dd class="nhsuk-summary-list__value" id="created">1</dd>' in xlsx.get_data(
        as_text=True
    )
    csv_upload = _upload(client, csv_bytes([row(ref="C2")]), "DATA.CSV")
    assert '<dd class="nhsuk-summary-list__value" id="created">1</dd>' in csv_upload.get_data(
        as_text=True
    )
    assert table_count("intake_conversation") == 2


# ---------------------------------------------------------------- imports as jobs


def test_upload_leads_to_the_imports_page_which_shows_the_report(world, client):
    _campaign, _partner, reviewer = world
    _login(client, reviewer)
    response = _upload(client, csv_bytes(GOOD), "x.csv", follow=False)
    assert response.status_code == 303
    assert re.fullmatch(r"/intake/imports/\d+", urlsplit(response.location).path)
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-import-status="succeeded"' in page and 'http-equiv="refresh"' not in page
    assert '<dd class="nhsuk-summary-list__value" id="created">2</dd>' in page
    assert db.session.get(ImportJob, int(response.location.rsplit("/", 1)[1])).data is None


def test_an_import_still_going_shows_its_progress_and_refreshes(world, client, signed_in):
    campaign, partner, reviewer = world
    job = start_import(csv_bytes(GOOD), "x.csv", campaign, reviewer)
    db.session.commit()
    _login(client, reviewer)
    page = client.get(f"/intake/imports/{job.id}").get_data(as_text=True)
    assert 'data-import-status="queued"' in page and 'http-equiv="refresh"' in page
    assert "Reading the file" in page and "/assets/js/import-progress.js" in page
    status = client.get(f"/intake/imports/{job.id}/status.json").get_json()
    assert status == {"status": "queued", "done": 0, "total": 0, "finished": False}
    assert signed_in(partner).get(f"/intake/imports/{job.id}").status_code == 403
    assert client.get("/intake/imports/999999").status_code == 404


class Stop(Exception):
    """Raised from the progress callback: the process running the import dies here."""


def test_an_import_commits_batch_by_batch_and_a_rerun_goes_on_from_there(world):
    campaign, _partner, reviewer = world
    rows = GOOD + [row(ref=f"D{i}", response=f"Answer {i}") for i in range(3)]
    job = start_import(csv_bytes(rows), "x.csv", campaign, reviewer)
    db.session.commit()
    seen = []

    def die_after_two(done, total):
        seen.append((done, total))
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        run_import_job_now(job.id, die_after_two, batch=1)
    db.session.expire_all()
    stopped = db.session.get(ImportJob, job.id)
    assert (stopped.done, stopped.created, stopped.total) == (2, 2, 5)
    assert table_count("intake_conversation") == 2  # both batches stayed
    finished = run_import_job_now(job.id, lambda done, total: seen.append((done, total)), batch=1)
    assert (finished.status, finished.created, finished.duplicates) == ("succeeded", 5, 0)
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert table_count("intake_conversation") == 5
    assert run_import_job_now(job.id).created == 5  # a finished import is left alone
    imports = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "intake.import")
    ).all()
    assert len(imports) == 1 and imports[0].after["created"] == 5
    again = run_import(csv_bytes(rows), campaign, reviewer)
    assert (again.created, again.duplicates) == (0, 5)  # the same file again creates nothing


def test_the_cli_shows_progress_and_finishes_its_jobs_before_it_exits(tmp_path):
    """A real `flask intake import` process: no traceback, the JSON summary last, and the
    follow-up jobs (safeguarding check, then theme embedding) done before it exited."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LISTENING_")}
    environ |= {
        "LISTENING_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LISTENING_SECRET_KEY": "cli-test",
        "PYTHONPATH": str(ROOT),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*flask, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=600
        )

    assert run("db", "upgrade").returncode == 0
    made = subprocess.run(
        [sys.executable, "-c", CLI_CAMPAIGN],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    path = tmp_path / "conversations.csv"
    path.write_bytes(csv_bytes(GOOD))
    result = run("intake", "import", str(path), "--campaign", "sel-2023")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "Importing" in result.stderr and "Finishing background jobs" in result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "created": 2,
        "duplicates": 0,
        "errors": 0,
    }
    engine = create_engine(environ["LISTENING_DATABASE_URL"])
    with engine.connect() as connection:
        embedded = connection.execute(text("SELECT count(*) FROM themes_embedding_cache"))
        assert embedded.scalar() == 3  # every imported answer, embedded by the last job
    engine.dispose()


CLI_CAMPAIGN = """
from datetime import date
from listening import create_app
from listening.extensions import db
from listening.intake.models import Area, Campaign, CommunityGroup
from listening.organisations.models import Organisation
app = create_app()
with app.app_context():
    campaign = Campaign(slug="sel-2023", name="SEL", question="?", starts_on=date(2023, 6, 1))
    for name in ("Southwark", "Bexley"):
        campaign.areas.append(Area(slug=name.lower(), name=name))
    for name in ("Young people", "Carers and lone parents"):
        campaign.groups.append(CommunityGroup(slug=name.lower().replace(" ", "-"), name=name))
    db.session.add(campaign)
    db.session.add(Organisation(name="Peckham Community Centre", type="community"))
    db.session.add(Organisation(name="Brixton Youth Hub", type="youth"))
    db.session.commit()
"""
