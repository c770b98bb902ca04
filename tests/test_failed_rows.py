"""Reading Arena's error file (errorContent CSV) by header name, and the modal it fills."""

from __future__ import annotations

import csv
import io

from bot_world import assert_valid_view
from hypothesis import given
from hypothesis import strategies as st

from bot.answer.failed_rows import parse_failed_rows
from bot.arena.models import ImportRun
from bot.cards import failed_rows_view
from bot.demo.sim_runs import ERROR_CSV_HEADER, generate_error_csv

RUN = ImportRun(guid="E2RRK8Q4NW7ZD1TB5XJM", number=10, status="ERROR", error_count=3)


def test_reads_rows_by_header_name_with_a_total() -> None:
    """The simulator's file: every column by name, the first N rows, all rows counted."""
    text = generate_error_csv({"guid": "X", "totalCount": 500, "errorCount": 120}, "ITEM_SPECS")
    found = parse_failed_rows(text, limit=25)
    assert found.total == 120
    assert len(found.rows) == 25
    assert set(found.header) == set(ERROR_CSV_HEADER)
    assert found.rows[0]["Status"] == "ERROR"
    assert found.rows[0]["Error Message"]


def test_bom_quoting_blank_lines_and_multiline_cells() -> None:
    """A UTF-8 BOM, CRLF, quoted commas and line breaks, and blank lines are all tolerated."""
    text = (
        "\ufeffRow,Error Code,Error Message\r\n"
        '7,3011,"Number ""100-7"" exists, twice"\r\n'
        "\r\n"
        '9,3012,"line one\nline two"\r\n'
        ",,\r\n"
    )
    found = parse_failed_rows(text)
    assert found.header == ("Row", "Error Code", "Error Message")
    assert found.total == 2
    assert found.rows[0]["Error Message"] == 'Number "100-7" exists, twice'
    assert found.rows[1]["Error Message"] == "line one\nline two"


def test_unknown_missing_and_extra_columns() -> None:
    """Columns Arena adds are kept; known ones come first; ragged rows neither crash nor shift."""
    text = (
        "Number,Lifecycle Phase,errorMessage,,Row,Row\n"
        "100-1,Production,Bad unit,x,4,dup\n"
        "100-2\n"
        "100-3,In Design,Too long,,6,,surplus\n"
    )
    found = parse_failed_rows(text)
    assert found.header[:2] == ("Row", "errorMessage")
    assert "Lifecycle Phase" in found.header
    assert "Column 4" in found.header
    assert "Row (6)" in found.header
    assert "Column 7" in found.header
    assert found.rows[0] == {
        "Number": "100-1",
        "Lifecycle Phase": "Production",
        "errorMessage": "Bad unit",
        "Column 4": "x",
        "Row": "4",
        "Row (6)": "dup",
    }
    assert found.rows[1] == {"Number": "100-2"}
    assert found.rows[2]["Column 7"] == "surplus"
    assert found.total == 3


def test_empty_file_and_header_only() -> None:
    """No text, or a header and nothing else: no rows and a total of zero."""
    assert parse_failed_rows("").total == 0
    assert parse_failed_rows("\ufeff\r\n").header == ()
    only = parse_failed_rows("Row,Error Code,Error Message\r\n")
    assert only.rows == ()
    assert only.total == 0


def test_modal_from_parsed_rows_stays_within_limits() -> None:
    """Wide, long rows still make a modal slack_sdk accepts, with the total."""
    header = [f"Attribute {i}" for i in range(40)]
    rows = [[f"{'é<&>' * 200} {r}:{i}" for i in range(40)] for r in range(60)]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    found = parse_failed_rows(out.getvalue(), limit=40)
    view = failed_rows_view(RUN, header=found.header, rows=found.rows, total=found.total)
    assert_valid_view(view.to_dict())
    assert "60 failed rows" in str(view.to_dict())


@given(
    st.lists(
        st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), max_size=6),
        max_size=30,
    )
)
def test_any_csv_parses_without_error(records: list[list[str]]) -> None:
    """Whatever Arena sends, parsing never raises and never keeps more rows than asked."""
    out = io.StringIO()
    csv.writer(out).writerows(records)
    found = parse_failed_rows(out.getvalue(), limit=5)
    assert len(found.rows) <= 5
    assert found.total >= len(found.rows)
    assert len(set(found.header)) == len(found.header)
