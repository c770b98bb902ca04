"""The modals, the runs list, help and error replies, checked as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import ids
from bot.arena.models import ImportDefinition, ImportRun, RunWarning, Warnings
from bot.cards import (
    error_message,
    failed_rows_view,
    help_message,
    page_button_value,
    parse_page_value,
    runs_list,
    warnings_view,
)
from bot.cards.text import ago

IMPORT = "8RKXM2L4Q0ZP7C1VWN3T"
RUN = "R9TCQNRT4L47Q9VQWUF3"
NOW = datetime(2021, 9, 16, 12, 0, tzinfo=UTC)


def run_with_warnings(count: int, *, stated: int | None = None) -> ImportRun:
    """Run #14 with `count` numbered warnings (Arena may state a larger count)."""
    results = tuple(RunWarning(code=331, message=f"Warning number {i}.") for i in range(count))
    warnings = Warnings(count=count if stated is None else stated, results=results)
    return ImportRun(guid=RUN, number=14, status="COMPLETE", warnings=warnings)


def page_buttons(view: dict[str, Any]) -> dict[str, str]:
    """The page buttons of a modal: label → value."""
    return {
        element["text"]["text"]: element["value"]
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.ACTION_WARNINGS_PAGE
    }


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """The text of every section, in order."""
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def test_warnings_view_pages_through_every_warning_once() -> None:
    """500 warnings, 40 a page: 13 pages, each warning on exactly one, buttons as needed."""
    run = run_with_warnings(500)
    seen: list[str] = []
    page = 0
    for _ in range(20):
        view = warnings_view(run, import_guid=IMPORT, page=page).to_dict()
        assert len(view["blocks"]) <= 100
        assert len(view["title"]["text"]) <= 24
        assert view["private_metadata"] == f"{IMPORT}/{RUN}"
        seen += [t for t in section_texts(view["blocks"]) if t.startswith("`331` ")]
        buttons = page_buttons(view)
        assert ("← Previous" in buttons) == (page > 0)
        if "Next →" not in buttons:
            break
        assert parse_page_value(buttons["Next →"]) == (IMPORT, RUN, page + 1)
        page += 1
    assert page == 12
    assert seen == [f"`331` Warning number {i}." for i in range(500)]


def test_warnings_view_first_page_reads_well() -> None:
    """The intro gives the total and the range; one page needs no buttons."""
    view = warnings_view(run_with_warnings(3), import_guid=IMPORT).to_dict()
    assert view["title"]["text"] == "Warnings · run #14"
    assert section_texts(view["blocks"])[0] == "*3 warnings* in import run #14 · 1–3"
    assert page_buttons(view) == {}


def test_warnings_view_clamps_the_page_and_says_what_arena_left_out() -> None:
    """A page past the end shows the last one; a stated count above the results is told."""
    view = warnings_view(run_with_warnings(50, stated=80), import_guid=IMPORT, page=9).to_dict()
    intro = section_texts(view["blocks"])[0]
    assert intro == "*80 warnings* in import run #14 · 41–50\nArena sent the text of 50 of them."
    assert list(page_buttons(view)) == ["← Previous"]


def test_warnings_view_page_size_stays_within_a_modal() -> None:
    """Even a huge page size keeps the modal within 100 blocks."""
    view = warnings_view(run_with_warnings(500), import_guid=IMPORT, page_size=1000).to_dict()
    assert len(view["blocks"]) <= 100


def test_warnings_view_without_warning_text() -> None:
    """A run that has no warning text still opens a modal that says so."""
    view = warnings_view(run_with_warnings(0, stated=4), import_guid=IMPORT).to_dict()
    assert "Arena sent no warning text for this run." in section_texts(view["blocks"])


def test_page_value_round_trips() -> None:
    """IMPORT/RUN/PAGE in, the same triple out; anything else is refused."""
    assert parse_page_value(page_button_value(IMPORT, RUN, 7)) == (IMPORT, RUN, 7)
    for bad in ("", f"{IMPORT}/{RUN}", f"{IMPORT}/{RUN}/x", f"{IMPORT}/{RUN}/-1"):
        with pytest.raises(ValueError, match="IMPORT/RUN"):
            parse_page_value(bad)


def test_failed_rows_view_shows_odd_columns_as_given() -> None:
    """Columns in Arena's order, blank names numbered, extra keys kept, values escaped."""
    run = ImportRun(guid=RUN, number=14, status="COMPLETE", error_count=19)
    header = ["status", "errorCode", "", "errorMessage", "Item <Number>"]
    rows = [
        {
            "status": "ERROR",
            "errorCode": "4012",
            "": "x",
            "errorMessage": "Number `100-0042` exists & is <!channel>",
            "Item <Number>": "100-0042",
            "surprise": "extra",
        },
        {"status": "ERROR"},
    ]
    view = failed_rows_view(run, header=header, rows=rows, total=19).to_dict()
    assert view["title"]["text"] == "Failed rows · run #14"
    texts = section_texts(view["blocks"])
    assert texts[0].startswith("*19 failed rows* in import run #14. The first 2 are below.")
    assert "full error file is in Arena" in texts[0]
    assert texts[1].split("\n") == [
        "*status*: ERROR",
        "*errorCode*: 4012",
        "*column 3*: x",
        "*errorMessage*: Number ˋ100-0042ˋ exists &amp; is &lt;!channel&gt;",
        "*Item &lt;Number&gt;*: 100-0042",
        "*surprise*: extra",
    ]
    assert texts[2].startswith("*status*: ERROR\n*errorCode*: –")
    assert view["blocks"][-1]["elements"][0]["text"] == "Showing 2 of 19 rows."


def test_failed_rows_view_with_no_rows_and_many_rows() -> None:
    """No rows says so; hundreds of rows stay within a modal."""
    run = ImportRun(guid=RUN, number=14, status="ERROR", error_count=3)
    empty = failed_rows_view(run, header=[], rows=[], total=3).to_dict()
    assert "has no rows to show" in section_texts(empty["blocks"])[0]
    rows = [{"a": str(i)} for i in range(500)]
    many = failed_rows_view(run, header=["a"], rows=rows, total=500).to_dict()
    assert len(many["blocks"]) <= 100


def test_runs_list_shows_newest_ten_with_show_buttons() -> None:
    """Newest first, at most ten, each a line with counts, age and a Show button."""
    definition = ImportDefinition(guid=IMPORT, number=3, name="BOM & parts <nightly>")
    runs = [
        ImportRun(
            guid=f"RUN{i:017d}",
            number=i,
            status="COMPLETE" if i % 3 else "ERROR",
            commit=i != 11,
            total_count=134_881,
            success_count=134_862,
            error_count=19 if i % 2 else 0,
            warnings=Warnings(count=i),
            creation_date_time=NOW - timedelta(hours=15 - i),
        )
        for i in range(1, 13)
    ]
    message = runs_list(definition, runs, now=NOW)
    data = message.to_dict()
    assert data["blocks"][0]["text"]["text"] == "📥 BOM &amp; parts &lt;nightly&gt; (#3)"
    lines = [b for b in data["blocks"] if b["type"] == "section" and "accessory" in b]
    assert len(lines) == 10
    assert lines[0]["text"]["text"] == (
        "❌ *#12* ERROR · 134,862 of 134,881 rows · 12 warnings · 3 h ago"
    )
    assert lines[1]["text"]["text"] == (
        "⚠️ *#11* COMPLETE · preview · 134,862 of 134,881 rows · 19 failed · 11 warnings · 4 h ago"
    )
    assert lines[0]["accessory"]["action_id"] == ids.ACTION_SHOW_RUN
    assert lines[0]["accessory"]["value"] == f"{IMPORT}/RUN00000000000000012"
    assert message.text == "BOM &amp; parts &lt;nightly&gt; (#3): newest 10 runs"


def test_runs_list_orders_by_run_number() -> None:
    """Arena numbers a definition's runs in order: a re-dated old run does not jump ahead."""
    old_sample = ImportRun(
        guid="R" * 20, number=14, status="COMPLETE", creation_date_time=NOW - timedelta(days=900)
    )
    recent = ImportRun(
        guid="S" * 20, number=10, status="COMPLETE", creation_date_time=NOW - timedelta(hours=1)
    )
    data = runs_list(ImportDefinition(guid=IMPORT), [recent, old_sample], now=NOW).to_dict()
    lines = [
        b["text"]["text"] for b in data["blocks"] if b["type"] == "section" and "accessory" in b
    ]
    assert [line.split("*")[1] for line in lines] == ["#14", "#10"]


def test_runs_list_without_runs() -> None:
    """An import with no runs says so."""
    message = runs_list(ImportDefinition(guid=IMPORT), [], now=NOW)
    assert "This import has no runs yet." in section_texts(message.to_dict()["blocks"])


def test_error_message_is_one_escaped_sentence() -> None:
    """The sentence is escaped and reads the same in text and block."""
    message = error_message("Arena says the run <R9TC> & friends is unknown.")
    expected = ":warning: Arena says the run &lt;R9TC&gt; &amp; friends is unknown."
    assert message.text == expected
    assert section_texts(message.to_dict()["blocks"]) == [expected]


def test_help_message_lists_the_grammar_and_the_problem() -> None:
    """Usage covers every command, with an example; a problem comes first, escaped."""
    plain = help_message().to_dict()
    usage = "\n".join(section_texts(plain["blocks"]))
    for command in ("IMPORT RUN", "IMPORT latest", "watch IMPORT RUN", "subscribe IMPORT"):
        assert f"/importrun {command}" in usage
    for command in ("unsubscribe IMPORT", "list", "status"):
        assert f"/importrun {command}`" in usage
    assert "For example" in plain["blocks"][-1]["elements"][0]["text"]
    # The run's page holds both GUIDs; an import's page holds no run.
    assert "both GUIDs are in the address of a run's page: `…/imports/IMPORT/runs/RUN`" in usage
    helped = help_message("I don't know `<@U1>`.")
    first = section_texts(helped.to_dict()["blocks"])[0]
    assert first == ":warning: I don't know ˋ&lt;@U1&gt;ˋ."
    assert helped.text.startswith(":warning: I don't know")


@pytest.mark.parametrize(
    ("before", "reads"),
    [
        (timedelta(seconds=30), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=3), "3 h ago"),
        (timedelta(days=2), "2 d ago"),
        (timedelta(days=150), "5 mo ago"),
        (timedelta(days=1900), "5 y ago"),
    ],
)
def test_age_reads_naturally(before: timedelta, reads: str) -> None:
    """Ages stay short and human: an old run is `5 y ago`, not `1,900 d ago`."""
    assert ago(NOW - before, NOW) == reads
