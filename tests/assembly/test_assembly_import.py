"""Bulk progress updates from CSV: a row-by-row report, idempotent, web page and CLI."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from listening.assembly import importer
from listening.assembly import operations as ops
from listening.assembly.models import ProgressUpdate, Reading
from listening.extensions import db


@pytest.fixture
def pledge_and_metric(make_pledge):
    pledge = make_pledge()
    metric = ops.save_metric(
        pledge,
        ops.MetricInput(
            name="% of entry-level vacancies with guaranteed interviews",
            unit="percent",
            direction="increase",
            baseline=5,
            target=20,
            baseline_on=date(2023, 11, 15),
        ),
        None,
    )
    db.session.commit()
    return pledge, metric


def make_csv(pledge, metric) -> str:
    m = f"metric_{metric.id}"
    return (
        f"pledge_id,date,status,text,{m}\n"
        f"{pledge.id},2024-03-20,on-track,Pre-employment programme launched.,9\n"
        f"{pledge.id},2024-06-19,At risk,Fewer vacancies than planned.,12%\n"
        f"{pledge.id},2024-09-18,,,14\n"
        f"999999,2024-09-18,on-track,Unknown pledge.,\n"
        f"{pledge.id},18/09/2024,on-track,Bad date.,\n"
        f"{pledge.id},2024-09-19,done,Bad status.,\n"
        f"{pledge.id},2024-09-20,on-track,Reading too big.,140\n"
        f"{pledge.id},2024-09-21,on-track,Not a number.,lots\n"
        f"{pledge.id},2023-01-01,on-track,Before signing.,\n"
        f"{pledge.id},2024-09-22,on-track,,\n"
        ",,,,\n"
    )


def test_valid_rows_are_applied_and_bad_rows_reported(pledge_and_metric):
    pledge, metric = pledge_and_metric
    m = f"metric_{metric.id}"
    report = importer.import_updates(make_csv(pledge, metric).encode(), "u.csv", None)
    assert report.summary == {"updates": 2, "readings": 3, "duplicates": 0, "errors": 7}
    assert report.problems == [
        (5, "pledge_id", "There is no pledge 999999"),
        (6, "date", "date must be a real date written like 2024-03-31"),
        (
            7,
            "status",
            "“done” is not a status; use one of: not-started, on-track, at-risk, "
            "off-track, achieved",
        ),
        (
            8,
            m,
            "Reading for “% of entry-level vacancies with guaranteed interviews” is a "
            "percentage, so it must be between 0 and 100",
        ),
        (9, m, "“lots” is not a number"),
        (
            10,
            "date",
            "Date of the update must be on or after the date the pledge was signed "
            "(15 November 2023)",
        ),
        (11, "text", "Enter what has happened since the last update"),
    ]
    assert [r.value for r in metric.readings] == [9, 12, 14]
    assert pledge.status == "at-risk"
    # a bad row leaves nothing behind, even a reading that was valid on its own
    assert (
        db.session.scalar(
            select(func.count(Reading.id)).where(
                Reading.metric_id == metric.id, Reading.taken_on == date(2024, 9, 20)
            )
        )
        == 0
    )


def test_importing_the_same_file_twice_adds_nothing(pledge_and_metric):
    pledge, metric = pledge_and_metric
    importer.import_updates(make_csv(pledge, metric).encode(), "u.csv", None)
    again = importer.import_updates(make_csv(pledge, metric).encode(), "u.csv", None)
    assert again.updates == 0 and again.duplicates == 2
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 2


def test_missing_columns_are_refused():
    with pytest.raises(ops.AssemblyError, match="missing the columns date"):
        importer.import_updates(b"pledge_id,text\n1,x\n", "u.csv", None)


def test_upload_page_shows_the_report(client, login, make_user, pledge_and_metric):
    pledge, metric = pledge_and_metric
    login(make_user("reviewer", organisation=None))
    data = {"file": (io.BytesIO(make_csv(pledge, metric).encode()), "updates.csv")}
    response = client.post("/staff/pledges/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 updates and 3 readings imported" in page
    assert "There is no pledge 999999" in page
    empty = client.post("/staff/pledges/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422
    assert "Select a CSV or Excel (.xlsx) file to upload" in empty.get_data(as_text=True)


def test_cli_import_prints_report_and_summary(runner, pledge_and_metric, tmp_path):
    pledge, metric = pledge_and_metric
    path = tmp_path / "updates.csv"
    path.write_text(make_csv(pledge, metric))
    result = runner.invoke(args=["assembly", "import-updates", str(path)])
    assert result.exit_code == 1  # some rows had problems
    last = result.stdout.strip().splitlines()[-1]
    assert json.loads(last) == {"updates": 2, "readings": 3, "duplicates": 0, "errors": 7}
    assert "row 5, column pledge_id: There is no pledge 999999" in result.stderr


# -- files a client can send that once gave a 500 or were read differently from intake's ----


def _upload(client, data: bytes, filename="updates.csv"):
    files = {"file": (io.BytesIO(data), filename)}
    return client.post("/staff/pledges/import", data=files, content_type="multipart/form-data")


@pytest.fixture
def staff(client, login, make_user, pledge_and_metric):
    login(make_user("reviewer", organisation=None))
    return pledge_and_metric


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"pledge_id,date," + b"x" * 200_000 + b"\n1,2024-03-20,y\n", "Row 1 could not be read"),
        (b'pledge_id,date,text\n1,2024-03-20,"' + b"y" * 200_000 + b"\n", "could not be read"),
        (b"pledge_id,date,text,notes\n1,2024-03-20,x,y\n", "columns the template does not have"),
        (b"pledge_id,date,date\n1,2024-03-20,x\n", "repeats the columns date"),
        (b"pledge_id,date\n" + b"1,2024-03-20\n" * 5001, "more than 5,000 rows"),
        (b"\x00\x01\x02", "must name the template"),
    ],
)
def test_a_bad_file_is_a_422_naming_the_problem_never_a_500(staff, client, data, message):
    response = _upload(client, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_old_mac_line_endings_and_windows_1252_are_read(staff, client):
    pledge, _metric = staff
    data = f"pledge_id,date,status,text\r{pledge.id},2024-03-20,on-track,Café opened\r"
    assert _upload(client, data.encode("cp1252")).status_code == 200
    assert db.session.scalar(select(ProgressUpdate.text)) == "Café opened"


def test_extra_cells_and_bad_numbers_are_row_errors(staff):
    pledge, metric = staff
    m = f"metric_{metric.id}"
    data = (
        f"pledge_id,date,status,text,{m}\n"
        f"{pledge.id},2024-03-20,on-track,Launched,9,stray\n"
        f"{pledge.id},2024-03-21,,,nan\n"
        f"{pledge.id},2024-03-22,,,1e999\n"
        f"{pledge.id},2024-03-23,,,{'9' * 400}\n"
        f"{pledge.id},2024-03-24,{'s' * 400},x,\n"
    ).encode()
    report = importer.import_updates(data, "u.csv", None)
    assert [(row, column) for row, column, _ in report.problems] == [
        (2, ""),
        (3, m),
        (4, m),
        (5, m),
        (6, "status"),
    ]
    assert all(len(reason) < 200 for _, _, reason in report.problems)
    assert report.updates == 0 and report.readings == 0


def test_xlsx_updates_import_like_the_csv(staff, client):
    import openpyxl

    pledge, metric = staff
    book = openpyxl.Workbook()
    book.active.append(["pledge_id", "date", "status", "text", f"metric_{metric.id}"])
    book.active.append([pledge.id, date(2024, 3, 20), "On track", "Programme launched.", 9])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(client, buffer.getvalue(), "updates.xlsx")
    assert response.status_code == 200
    assert "1 updates and 1 readings imported" in response.get_data(as_text=True)
    assert db.session.scalar(select(Reading.value)) == 9
