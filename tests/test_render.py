"""Block Kit as terminal text: what a person reads in the demo console and in `show`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import ids
from bot.arena.models import ImportDefinition, ImportRun
from bot.cards import help_message, runs_list, warnings_view
from bot.terminal.mrkdwn import plain_text
from bot.terminal.render import render_message, render_view

GOLDEN = Path(__file__).parent / "golden"
BERLIN = ZoneInfo("Europe/Berlin")
IMPORT = "8RKXM2L4Q0ZP7C1VWN3T"


def seed_card() -> dict[str, object]:
    card: dict[str, object] = json.loads((GOLDEN / "card_seed.json").read_text())
    return card


def test_seed_card_reads_like_slack() -> None:
    """Header, fields as `Label: value`, the linked ECO, warnings, and no markup left."""
    shown = render_message(seed_card(), tz=BERLIN).text
    lines = shown.splitlines()
    assert lines[0] == "⚠️ Item Master load · run #14 · COMPLETE"
    assert "🔍 Preview only — nothing was committed." in shown
    assert "Rows: 134,881" in shown
    assert "Succeeded: 134,862" in shown
    assert "Failed: 19 (0.01 %)" in shown
    assert "ECO-002114 (https://app.bom.com/J1L4IFJLWDWZI0GL6I34)" in shown
    assert "331 Column 'Descrptn' ignored." in shown
    assert "and 7 more" in shown
    for markup in ("*", "`", "<!date", "&lt;", ":mag:"):
        assert markup not in shown


def test_fields_sit_two_to_a_line() -> None:
    """Short fields are laid out in two columns, as Slack shows them."""
    lines = render_message(seed_card(), tz=BERLIN).text.splitlines()
    row = next(line for line in lines if line.startswith("Rows: "))
    assert row.split() == ["Rows:", "134,881", "Succeeded:", "134,862"]


def test_dates_are_local_time() -> None:
    """`<!date^…>` is shown in the reader's zone: 00:00 UTC is 02:00 in Berlin in September."""
    shown = render_message(seed_card(), tz=BERLIN).text
    assert "Started: Sep 15, 2021 at 02:00" in shown
    assert "Finished: Sep 16, 2021 at 02:00" in shown
    assert "UTC" not in shown


def test_buttons_are_numbered_with_what_pressing_sends() -> None:
    """Buttons become `[n] label`; each keeps its action_id, value and URL."""
    rendered = render_message(seed_card())
    last = rendered.text.splitlines()[-1]
    assert last.startswith("[1] Refresh  [2] Show all warnings")
    assert "[5] Open in Arena ↗" in last
    labels = [(b.number, b.label, b.action_id) for b in rendered.buttons]
    assert labels[0] == (1, "Refresh", ids.ACTION_REFRESH)
    assert rendered.buttons[4].url == "https://app.bom.com/J1L4IFJLWDWZI0GL6I34"
    action = rendered.buttons[1].action()
    assert action["action_id"] == ids.ACTION_WARNINGS
    assert action["value"] == f"{IMPORT}/R9TCQNRT4L47Q9VQWUF3"


def test_numbering_can_start_later() -> None:
    """A caller numbering several messages in a row can continue the count."""
    rendered = render_message(seed_card(), first=6)
    assert [b.number for b in rendered.buttons] == [6, 7, 8, 9, 10]


def test_mrkdwn_markup_is_dropped_and_entities_unescaped() -> None:
    """Bold, italic, strike and code marks go; `&lt;` and `&amp;` read as `<` and `&`."""
    text = "*Rows* _and 3 more_ ~old~ `331` &lt;script&gt; R&amp;D snake_case_name 2*3*4"
    assert plain_text(text) == "Rows and 3 more old 331 <script> R&D snake_case_name 2*3*4"


def test_code_keeps_its_content() -> None:
    """Inside a code span nothing is styled; a code block is indented."""
    assert plain_text("`*not bold*` and ```a\nb```") == "*not bold* and     a\n    b"


def test_links_mentions_and_channels() -> None:
    """Links show label and URL; users and channels use the names given, or their IDs."""
    names = {"U0PERSON01": "you", "C0DEMOCHAN": "plm-imports"}
    text = (
        "<https://a.example/x?a=1&amp;b=2|ECO &amp; more> <https://b.example> "
        "<@U0PERSON01> <@U0OTHER> <#C0DEMOCHAN> <#C9|general> <!here> <mailto:a@b.c|Ann>"
    )
    assert plain_text(text, names=names) == (
        "ECO & more (https://a.example/x?a=1&b=2) https://b.example "
        "@you @U0OTHER #plm-imports #general @here Ann"
    )


def test_date_formats_and_fallback() -> None:
    """Slack's date tokens in the given zone; an unknown token shows the fallback."""
    ts = int(datetime(2024, 3, 1, 13, 5, tzinfo=UTC).timestamp())
    now = datetime(2024, 3, 1, 18, 0, tzinfo=UTC)
    assert (
        plain_text(f"<!date^{ts}^{{date_short_pretty}} at {{time}}|x>", tz=BERLIN, now=now)
        == "Today at 14:05"
    )
    assert plain_text(f"<!date^{ts}^{{date_num}} {{time_secs}}|x>", tz=BERLIN) == (
        "2024-03-01 14:05:00"
    )
    assert plain_text(f"<!date^{ts}^on {{date_long}}|x>", tz=BERLIN) == (
        "on Friday, March 1st, 2024"
    )
    assert plain_text(f"<!date^{ts}^{{weird}}|fallback text>") == "fallback text"
    assert plain_text("<!date^soon^{time}|fallback text>") == "fallback text"


def test_emoji_shortcodes() -> None:
    """The shortcodes the app uses become emoji; unknown ones stay as typed."""
    assert plain_text(":warning: :mag: :not_an_emoji:") == "⚠️ 🔍 :not_an_emoji:"


def test_runs_list_has_a_show_button_per_run() -> None:
    """A section's button accessory is numbered at the end of its line."""
    now = datetime(2024, 3, 1, tzinfo=UTC)
    definition = ImportDefinition(guid=IMPORT, number=3, name="Item Master load")
    runs = [
        ImportRun(guid="C8LN3QZ6TW2KR9XD4MPB", number=15, status="COMPLETE", total_count=1204),
        ImportRun(guid="G6RN4TQ9ZK2WX7MD3LBP", number=16, status="RUNNING", total_count=10),
    ]
    rendered = render_message(runs_list(definition, runs, now=now).to_dict())
    assert rendered.text.splitlines()[0] == "📥 Item Master load (#3)"
    assert "#15 COMPLETE · 0 of 1,204 rows   [2] Show" in rendered.text
    assert [b.value for b in rendered.buttons] == [
        f"{IMPORT}/G6RN4TQ9ZK2WX7MD3LBP",
        f"{IMPORT}/C8LN3QZ6TW2KR9XD4MPB",
    ]


def test_modal_shows_title_blocks_and_paging_buttons() -> None:
    """A view reads as its title, its blocks, its Close label; Next is pressable."""
    warnings = {
        "count": 60,
        "results": [{"code": 336, "message": f"Row {i}: space stripped."} for i in range(60)],
    }
    run = ImportRun.model_validate(
        {"guid": "W5NQ8ZT3KD6RX2MB9LPA", "number": 12, "status": "COMPLETE"}
        | {"warnings": warnings}
    )
    view = warnings_view(run, import_guid=IMPORT, page_size=40).to_dict()
    rendered = render_view(view)
    lines = rendered.text.splitlines()
    assert lines[0] == "▣ Warnings · run #12"
    assert "60 warnings in import run #12 · 1–40" in rendered.text
    assert "336 Row 39: space stripped.\n336 Row 40" not in rendered.text
    assert "336 Row 38: space stripped.\n336 Row 39: space stripped." in rendered.text
    assert "Row 40:" not in rendered.text
    assert lines[-1] == "(Close)"
    assert [(b.label, b.action_id) for b in rendered.buttons] == [
        ("Next →", ids.ACTION_WARNINGS_PAGE)
    ]


def test_message_without_blocks_shows_its_text() -> None:
    """A plain-text reply is shown as its text, markup resolved."""
    assert render_message({"text": ":warning: *Nope* &lt;3"}).text == "⚠️ Nope <3"


def test_help_reads_as_usage() -> None:
    """The usage help keeps its bullets and examples, without backticks."""
    shown = render_message(help_message().to_dict()).text
    assert "• /importrun imports [TEXT]: the import definitions" in shown
    assert "`" not in shown
