"""Golden and targeted tests of the run card, built from Arena's sample run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot import ids
from bot.arena.models import Change, ImportRun, Url
from bot.cards import CardButton, Message, button_value, parse_button_value, run_card
from bot.cards.text import escape, slack_len

GOLDEN = Path(__file__).parent / "golden"
IMPORT = "8RKXM2L4Q0ZP7C1VWN3T"
ALL_BUTTONS = frozenset(CardButton)
MESSAGES = [
    "Column 'Descrptn' ignored.",
    "Column 'Rev Notes' ignored.",
    "Unit of measure 'pcs' was mapped to 'each'.",
    "Lifecycle phase 'In Design' is the default for new items.",
    "Category 'Cable Assy' matched 'Cable Assembly'.",
    "Row 118: duplicate item number 100-0042 merged.",
    "Row 240: description trimmed to 2,000 characters.",
    "Row 1,901: attribute 'RoHS' value 'y' read as 'Yes'.",
    "Row 7,012: revision 'A1' kept; the file said 'A'.",
    "Row 9,998: file attachment 'spec.pdf' not found.",
    "Row 88,410: quantity '1.0' rounded to 1.",
    "Row 134,880: trailing empty cells ignored.",
]
# GET /imports/<GUID>/runs/<GUID> sample (seed/get-import-run.md), its "..." filled in.
SEED: dict[str, Any] = {
    "guid": "R9TCQNRT4L47Q9VQWUF3",
    "number": 14,
    "creationDateTime": "2021-09-15T00:00:00Z",
    "creator": {
        "email": "rjones@arenasolutions.com",
        "fullName": "Roy Arena",
        "guid": "4M6P3046HYFYH0J258QJ",
    },
    "submitFileType": "EXCEL_WORKSHEET",
    "submitWorksheetName": "Item Master",
    "completionDateTime": "2021-09-16T00:00:00Z",
    "status": "COMPLETE",
    "warnings": {
        "count": 12,
        "results": [
            {"code": 331 + (i > 1) + (i > 4), "message": m} for i, m in enumerate(MESSAGES)
        ],
    },
    "commit": False,
    "totalCount": 134881,
    "successCount": 134862,
    "errorCount": 19,
    "options": {"timeZone": "???", "addToChange": {"number": "ECO-002114"}},
    "changes": [
        {
            "category": {
                "guid": "L3N6KHLNYFY8RAQ8SWYT",
                "name": "Engineering Change Order",
                "path": "Change\\Change Order\\Engineering Change Order",
            },
            "creationDateTime": "2021-09-14T23:58:41Z",
            "creator": {
                "email": "integration@customer.com",
                "fullName": "Mr. Integration",
                "guid": "J1L4IFJLWDUDWFYHPRYT",
            },
            "effectiveDateTime": None,
            "guid": "J1L4IFJLWDWZI0GL6I34",
            "lifecycleDateTime": "2021-09-14T23:58:41Z",
            "lifecycleStatus": {"type": "OPEN_AND_UNLOCKED"},
            "number": "ECO-002114",
            "submissionDateTime": None,
            "title": "From an integration!",
        }
    ],
}
ECO = Change.model_validate(
    {
        **SEED["changes"][0],
        "url": {
            "api": "https://api.arenasolutions.com/v1/changes/J1L4IFJLWDWZI0GL6I34",
            "app": "https://app.bom.com/J1L4IFJLWDWZI0GL6I34",
        },
    }
)


def make_run(**changes: Any) -> ImportRun:
    """The seed run with some fields replaced (camelCase keys, as Arena sends them)."""
    return ImportRun.model_validate({**SEED, **changes})


SEED_RUN = make_run()
CLEAN = make_run(
    guid="M2D0QH6TZ1C8VX4R7PLN",
    number=15,
    commit=True,
    totalCount=2400,
    successCount=2400,
    errorCount=0,
    warnings={"count": 0, "results": []},
    submitFileType="CSV",
    submitWorksheetName=None,
    completionDateTime="2021-09-16T00:03:12Z",
    creationDateTime="2021-09-16T00:00:00Z",
)
RUNNING = make_run(
    guid="T7K3W9QX2B5N8C1ZJ4MV",
    number=16,
    status="RUNNING",
    commit=True,
    totalCount=5000,
    successCount=1250,
    errorCount=0,
    completionDateTime=None,
    warnings={"count": 1, "results": [{"code": 331, "message": MESSAGES[0]}]},
)
FAILED = make_run(
    guid="E4RR0R5N0TF0UNDXXXX1",
    number=17,
    status="ERROR",
    commit=True,
    totalCount=200,
    successCount=0,
    errorCount=200,
    changes=[],
    options=None,
    completionDateTime="2021-09-16T02:05:00Z",
    warnings={"count": 3, "results": [{"code": 340, "message": "Header row not found."}]},
)
PREVIEW = make_run(
    guid="P1R3V13WQ7H9K2M4N6X8",
    number=18,
    totalCount=310,
    successCount=310,
    errorCount=0,
    warnings={"count": 0},
    submitFileType="CSV",
    submitWorksheetName=None,
    changes=[],
    options=None,
)
CARDS = {
    "seed": lambda: run_card(
        SEED_RUN,
        import_guid=IMPORT,
        change=ECO,
        buttons=ALL_BUTTONS,
        arena_web_url="https://app.bom.com",
        import_name="Item Master load",
    ),
    "clean": lambda: run_card(
        CLEAN, import_guid=IMPORT, buttons=[CardButton.REFRESH], import_name="Item Master load"
    ),
    "running": lambda: run_card(
        RUNNING,
        import_guid=IMPORT,
        import_name="Item Master load",
        buttons=ALL_BUTTONS,
        note="Watching… I'll update this message when the run finishes.",
    ),
    "error": lambda: run_card(
        FAILED, import_guid=IMPORT, buttons=ALL_BUTTONS, import_name="BOM load <R&D>"
    ),
    "preview": lambda: run_card(
        PREVIEW, import_guid=IMPORT, buttons=ALL_BUTTONS, note="Shared by <@U0123ABCD>"
    ),
}


def texts(message: Message) -> str:
    """Every string in the message's JSON, joined: what a reader could see."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.to_dict())
    return "\n".join(found)


def action_ids(message: Message) -> list[str]:
    """The action ids of the message's buttons, in order."""
    return [
        element["action_id"]
        for block in message.to_dict()["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


@pytest.mark.parametrize("name", sorted(CARDS))
def test_card_matches_golden_file(name: str) -> None:
    """Each card is exactly its reviewed JSON (UPDATE_GOLDEN=1 rewrites the files)."""
    actual = CARDS[name]().to_dict()
    path = GOLDEN / f"card_{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(path.read_text(encoding="utf-8"))


def test_seed_card_reads_as_a_user_expects() -> None:
    """Header, counts with separators, failure share, change and warnings are all there."""
    message = CARDS["seed"]()
    text = texts(message)
    assert message.blocks[0].to_dict()["text"]["text"] == "⚠️ Item Master load · run #14 · COMPLETE"
    assert "134,881" in text
    assert "134,862" in text
    assert "19 (0.01 %)" in text
    assert "Preview only — nothing was committed" in text
    assert "Excel worksheet" in text
    assert "Item Master" in text
    assert "Roy Arena" in text
    assert "<!date^1631664000^{date_short_pretty} at {time}|2021-09-15 00:00 UTC>" in text
    assert "1 d 0 h" in text
    assert "<https://app.bom.com/J1L4IFJLWDWZI0GL6I34|ECO-002114>" in text
    assert "From an integration!" in text
    assert "Open and unlocked" in text
    assert "*12 warnings*" in text
    assert "`331` Column 'Descrptn' ignored." in text
    assert "and 7 more" in text
    assert message.text == (
        "Item Master load · run #14 · COMPLETE (preview): 134,862 of 134,881 rows valid, 19 failed,"
        " 12 warnings (ECO-002114)"
    )


def test_max_warnings_sets_how_many_are_listed() -> None:
    """Two shown leaves ten more; all twelve shown leaves no "more" line."""
    assert "and 10 more" in texts(run_card(SEED_RUN, import_guid=IMPORT, max_warnings=2))
    assert "more_" not in texts(run_card(SEED_RUN, import_guid=IMPORT, max_warnings=12))


def test_buttons_follow_the_run() -> None:
    """Watch only while running, failed rows only with errors, warnings only with warnings."""
    assert action_ids(CARDS["seed"]()) == [
        ids.ACTION_REFRESH,
        ids.ACTION_WARNINGS,
        ids.ACTION_FAILED_ROWS,
        ids.ACTION_SHARE,
        ids.ACTION_OPEN_ARENA,
    ]
    assert ids.ACTION_WATCH in action_ids(CARDS["running"]())
    assert ids.ACTION_FAILED_ROWS not in action_ids(CARDS["running"]())
    assert action_ids(CARDS["preview"]()) == [ids.ACTION_REFRESH, ids.ACTION_SHARE]
    assert action_ids(run_card(CLEAN, import_guid=IMPORT)) == []


def test_every_button_carries_the_run() -> None:
    """Each button's value names the import and the run."""
    for block in CARDS["seed"]().to_dict()["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            assert parse_button_value(element["value"]) == (IMPORT, SEED_RUN.guid)


def test_open_in_arena_needs_a_safe_url() -> None:
    """No url, or a javascript: url, means no Open in Arena button and no link."""
    for url in (None, "javascript:alert(1)", "https://", "ftp://app.bom.com/x"):
        eco = ECO.model_copy(update={"url": Url(app=url) if url else None})
        message = run_card(SEED_RUN, import_guid=IMPORT, change=eco)
        assert ids.ACTION_OPEN_ARENA not in action_ids(message)
        assert "|ECO-002114>" not in texts(message)


def test_link_url_cannot_break_out_of_the_link() -> None:
    """`|` and `>` in a change URL are percent-encoded, `&` escaped."""
    eco = ECO.model_copy(update={"url": Url(app="https://app.bom.com/x?a=1&b=|<!channel>")})
    text = texts(run_card(SEED_RUN, import_guid=IMPORT, change=eco))
    assert "<https://app.bom.com/x?a=1&amp;b=%7C%3C!channel%3E|ECO-002114>" in text


def test_arena_text_is_escaped() -> None:
    """Mentions, links and entities in Arena text reach Slack as text, not as markup."""
    run = make_run(
        status="<!channel> & <@U999>",
        submitWorksheetName="<https://evil.example|click>",
        warnings={"count": 1, "results": [{"code": 1, "message": "a < b & `c` > d <!here>"}]},
    )
    message = run_card(run, import_guid=IMPORT)
    text = texts(message)
    assert "<!channel>" not in text
    assert "<@U999>" not in text
    assert "<!here>" not in text
    assert "<https://evil" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U999&gt;" in message.text
    assert "a &lt; b &amp; ˋcˋ &gt; d &lt;!here&gt;" in text


def test_change_number_without_embedded_change() -> None:
    """A run that only has `options.addToChange` still names its change order."""
    run = make_run(changes=[])
    message = run_card(run, import_guid=IMPORT)
    assert "*Change order*\nECO-002114" in texts(message)
    assert message.text.endswith("(ECO-002114)")


def test_unknown_status_is_kept_as_is() -> None:
    """A status Arena adds later is shown verbatim with ❔."""
    message = run_card(make_run(status="ARCHIVED_SOMEHOW"), import_guid=IMPORT)
    assert message.blocks[0].to_dict()["text"]["text"] == "❔ Import run #14 · ARCHIVED_SOMEHOW"


@pytest.mark.parametrize(
    ("status", "errors", "emoji"),
    [
        ("COMPLETE", 0, "✅"),
        ("complete", 3, "⚠️"),
        ("ERROR", 0, "❌"),
        ("RUNNING", 0, "⏳"),
        ("CREATED", 0, "⏳"),
        ("PURGED", 0, "🗑️"),
    ],
)
def test_header_emoji(status: str, errors: int, emoji: str) -> None:
    """The header's emoji follows the status and the failed rows."""
    message = run_card(make_run(status=status, errorCount=errors), import_guid=IMPORT)
    assert message.blocks[0].to_dict()["text"]["text"].startswith(f"{emoji} Import run #14")


def test_button_value_round_trips() -> None:
    """IMPORT/RUN in, the same pair out; anything else is refused."""
    assert parse_button_value(button_value(IMPORT, "R9TCQNRT4L47Q9VQWUF3")) == (
        IMPORT,
        "R9TCQNRT4L47Q9VQWUF3",
    )
    for bad in ("", "A", "A/", "/B", "A/B/C"):
        with pytest.raises(ValueError, match="IMPORT/RUN"):
            parse_button_value(bad)


@pytest.mark.parametrize("name", ["x" * 400, "&" * 200, "Ä" * 149 + "😀" * 10, "a  b\n c"])
def test_header_names_the_import_within_slacks_limit(name: str) -> None:
    """A long or odd name is cut first: the run number and status always stay in the header."""
    message = run_card(CLEAN, import_guid=IMPORT, import_name=name)
    header = message.to_dict()["blocks"][0]["text"]["text"]
    assert slack_len(header) <= 150
    assert header.endswith(" · run #15 · COMPLETE")
    assert message.text.startswith(escape(name.split()[0][:10]))
    assert " · run #15 · COMPLETE: " in message.text


def test_header_without_a_name_says_import_run() -> None:
    """When Arena gave no name the header is what it was before names."""
    header = run_card(CLEAN, import_guid=IMPORT).to_dict()["blocks"][0]["text"]["text"]
    assert header == "✅ Import run #15 · COMPLETE"


def test_a_subscription_card_mentions_everyone_subscribe_accepted() -> None:
    """What `subscribe` takes as a mention (people, groups, @here) is what its cards mention."""
    from bot.answer.tokens import take_mentions
    from bot.cards.run import with_mentions

    mentions, _ = take_mentions("master <!here> <@U0DANA0001|dana> <!subteam^S0ONCALL1|@oncall>")
    card = run_card(ImportRun(guid="R" * 20, number=14, status="ERROR"), import_guid="I" * 20)
    addressed = with_mentions(card, " ".join(mentions))
    assert addressed.text.startswith("<!here> <@U0DANA0001> <!subteam^S0ONCALL1> ")
    assert addressed.blocks[1].to_dict()["text"]["text"] == (
        "For <!here> <@U0DANA0001> <!subteam^S0ONCALL1>"
    )
