"""Import files a client can send that once crashed or swamped the reader: every one is a clear
file error (never a 500), spreadsheet bombs are refused before they are read in full, and the
values a report echoes are cut short."""

from __future__ import annotations

import io
import logging
import zipfile

import openpyxl
import pytest

from listening.extensions import db
from listening.intake.importers import COLUMNS, ImportFileError, import_file, reading
from listening.organisations.models import Organisation
from tests.conftest import PASSWORD, table_count

ORG = "Peckham Community Centre"
ROW = [
    "C1",
    "2023-07-01",
    "Southwark",
    ORG,
    "small-group",
    "6",
    "Young people",
    "yes",
    "The rent takes most of what I earn",
]


@pytest.fixture
def setting(make_campaign, make_user):
    campaign = make_campaign()
    make_user("partner", ORG)
    reviewer = make_user("reviewer", None)
    db.session.add(Organisation(name="Brixton Youth Hub", type="youth"))
    db.session.commit()
    return campaign, reviewer


def _csv(header, rows) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _xlsx(rows, extra=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    if extra:
        extra(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _refused(setting, data: bytes, filename: str) -> str:
    campaign, reviewer = setting
    with pytest.raises(ImportFileError) as raised:
        import_file(io.BytesIO(data), filename, campaign, reviewer)
    assert table_count("intake_conversation") == 0
    return raised.value.message


def test_a_header_over_the_csv_field_limit_is_a_file_error(setting):
    header = ['"' + "x" * 200_000, *COLUMNS[1:]]  # an unclosed quote swallows the whole file
    message = _refused(setting, _csv(header, [ROW]), "x.csv")
    assert message.startswith("Row 1 could not be read as CSV")
    assert "longer than 30,000 characters" in message


def test_a_cell_over_the_cell_limit_is_a_file_error(setting):
    long_row = [*ROW[:-1], "y" * 40_000]
    assert "Row 2 has a cell longer than 30,000" in _refused(
        setting, _csv(COLUMNS, [long_row]), "x.csv"
    )


def test_a_row_with_too_many_cells_is_a_file_error(setting):
    wide = ROW + ["z"] * 500
    assert "Row 2 has 509 cells; an import has at most 100" in _refused(
        setting, _csv(COLUMNS, [wide]), "x.csv"
    )


def test_an_xlsx_sheet_that_says_it_is_huge_is_refused_before_reading(setting):
    def far_corner(sheet):
        sheet.cell(row=40_000, column=99, value="x")  # 40,000 × 99 cells: over a million

    data = _xlsx([list(COLUMNS), ROW], far_corner)
    assert "more than 1,000,000 cells" in _refused(setting, data, "x.xlsx")


def test_an_xlsx_wider_than_the_column_limit_is_refused(setting):
    data = _xlsx([list(COLUMNS), ROW], lambda sheet: sheet.cell(row=1, column=5000, value="x"))
    assert "5,000 columns wide" in _refused(setting, data, "x.xlsx")


def _shared_strings_xlsx(rows) -> bytes:
    """A workbook as Excel writes it, every text in xl/sharedStrings.xml (openpyxl writes
    inline strings instead)."""
    strings = sorted({v for r in rows for v in r})
    index = {text: i for i, text in enumerate(strings)}
    cells = "".join(
        f'<row r="{i}">'
        + "".join(f'<c r="{chr(65 + j)}{i}" t="s"><v>{index[v]}</v></c>' for j, v in enumerate(r))
        + "</row>"
        for i, r in enumerate(rows, start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{office}.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{office}.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{cells}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_an_xlsx_with_shared_strings_imports(setting):
    campaign, reviewer = setting
    data = _shared_strings_xlsx([list(COLUMNS), ROW])
    assert import_file(io.BytesIO(data), "x.xlsx", campaign, reviewer).created == 1


def test_an_xlsx_shared_string_over_the_cell_limit_is_refused(setting):
    data = _shared_strings_xlsx([list(COLUMNS), [*ROW[:-1], "w" * 40_000]])
    message = _refused(setting, data, "x.xlsx")
    assert message == "The workbook has a cell longer than 30,000 characters."  # before any row


def test_an_xlsx_that_unzips_to_too_much_is_refused_before_opening(setting):
    buffer = io.BytesIO(_xlsx([list(COLUMNS), ROW]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (reading.MAX_UNZIPPED + 1))
    assert len(buffer.getvalue()) < 1024 * 1024  # small to send, enormous to open
    assert "unpacks to more than 100 MB" in _refused(setting, buffer.getvalue(), "x.xlsx")


def test_reported_values_are_cut_to_sixty_characters(setting):
    campaign, reviewer = setting
    borough = "Q" * 5_000
    report = import_file(
        io.BytesIO(_csv(COLUMNS, [[*ROW[:2], borough, *ROW[3:]]])), "x.csv", campaign, reviewer
    )
    (error,) = [e for e in report.errors if e.column == "borough"]
    assert "“" + "Q" * 59 + "…”" in error.reason
    assert "Q" * 61 not in error.reason


def test_an_unknown_header_is_echoed_short(setting):
    message = _refused(setting, _csv([*COLUMNS, "n" * 10_000], [ROW]), "x.csv")
    assert "n" * 59 + "…" in message and "n" * 61 not in message


def test_the_upload_page_answers_a_huge_header_with_a_422_and_logs_no_traceback(
    setting, client, caplog
):
    _campaign, reviewer = setting
    client.post("/login", data={"email": reviewer.email, "password": PASSWORD})
    data = _csv(['"' + "x" * 200_000, *COLUMNS[1:]], [ROW])
    with caplog.at_level(logging.ERROR):
        response = client.post(
            "/intake/imports/new",
            content_type="multipart/form-data",
            data={"campaign": "sel-2023", "file": (io.BytesIO(data), "x.csv")},
        )
    assert response.status_code == 422
    assert "could not be read as CSV" in response.get_data(as_text=True)
    assert "Traceback" not in caplog.text


def test_the_report_echoes_a_long_file_name_short(setting, client):
    _campaign, reviewer = setting
    client.post("/login", data={"email": reviewer.email, "password": PASSWORD})
    name = "r" * 3000 + ".csv"
    response = client.post(
        "/intake/imports/new",
        content_type="multipart/form-data",
        data={"campaign": "sel-2023", "file": (io.BytesIO(_csv(COLUMNS, [ROW])), name)},
        follow_redirects=True,  # the upload leads to the import's page (a job since issue 20)
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "/intake/imports/" in response.request.path
    assert "r" * 59 + "…" in body and "r" * 61 not in body
