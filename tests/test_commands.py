"""The /importrun grammar: text in, command value out."""

from __future__ import annotations

import pytest

from bot.answer.commands import (
    Help,
    ImportName,
    ListImports,
    ListRuns,
    ListWatches,
    RunNumber,
    ShowRun,
    ShowRunNumber,
    Status,
    Subscribe,
    Unsubscribe,
    WatchRun,
    find_import_and_run,
    parse,
    to_text,
)

IMP = "IM4QX7N2BK9D3WZTRH5A"
RUN = "R9TCQNRT4L47Q9VQWUF3"
ONCALL = "<!subteam^S0ONCALL1>"
URL = f"https://api.arenasolutions.com/v1/imports/{IMP}/runs/{RUN}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{IMP} {RUN}", ShowRun(IMP, RUN)),
        (f"  {IMP.lower()}   {RUN.lower()} ", ShowRun(IMP, RUN)),
        (URL, ShowRun(IMP, RUN)),
        (f"<{URL}|run 14>", ShowRun(IMP, RUN)),
        (f"{IMP} 14", ShowRunNumber(IMP, 14)),
        (f"{IMP} #14", ShowRunNumber(IMP, 14)),
        (f"{IMP} latest", ShowRunNumber(IMP, None)),
        (IMP, ListRuns(IMP)),
        (f"watch {IMP} {RUN}", WatchRun(IMP, RUN)),
        (f"WATCH {URL}", WatchRun(IMP, RUN)),
        (f"subscribe {IMP}", Subscribe(IMP, "all")),
        (f"subscribe {IMP} failures", Subscribe(IMP, "failures")),
        (f"subscribe {IMP} Warnings", Subscribe(IMP, "warnings")),
        (f"unsubscribe {IMP}", Unsubscribe(IMP)),
        ("list", ListWatches()),
        ("status", Status()),
        ("", Help()),
        ("help", Help()),
    ],
)
def test_grammar(text: str, expected: object) -> None:
    """Each documented form gives its command, GUIDs upper-cased."""
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (f"{IMP[:-1]} {RUN}", "looks like an import GUID but has 19 characters"),
        (f"{IMP[:-1]} x", "looks like an import GUID but has 19 characters"),
        (f"{IMP} {RUN}X", "looks like a run GUID but has 21 characters"),
        (f"{IMP} NOT-A-GUID", "not a valid run GUID"),
        (f"{IMP} {RUN} extra", "got 3 words"),
        (f"subscribe {IMP} loud", "not a filter"),
        ("watch", "Usage: watch IMPORT RUN"),
        ("unsubscribe", "Usage: unsubscribe IMPORT"),
        ("https://example.com/nothing/here", "No Arena GUID"),
    ],
)
def test_unparseable_text_gives_usage_and_reason(text: str, says: str) -> None:
    """Anything unparseable is answered with usage plus what was wrong."""
    command = parse(text)
    assert isinstance(command, Help)
    assert command.problem is not None
    assert says in command.problem


def test_free_text_prefers_an_import_run_link() -> None:
    """A link's import/run pair wins over other GUID-shaped words in a message."""
    text = f"internationalization ABCDEFGHIJ0123456789 broke: <{URL}|see run>"
    assert find_import_and_run(text) == (IMP, RUN)


def test_free_text_bare_guids_in_order() -> None:
    """Without a link, the first two GUIDs are the import and the run."""
    assert find_import_and_run(f"import {IMP.lower()} run {RUN} failed") == (IMP, RUN)
    assert find_import_and_run(f"only {IMP} here") == (IMP, None)
    assert find_import_and_run("internationalization is 20 letters") == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Item Master load" latest', ShowRunNumber(ImportName("Item Master load"), None)),
        ("“Item Master load” #14", ShowRunNumber(ImportName("Item Master load"), 14)),
        ("Item Master load 14", ShowRunNumber(ImportName("Item Master load"), 14)),
        (f"master {RUN}", ShowRun(ImportName("master"), RUN)),
        ("BOM load", ListRuns(ImportName("BOM load"))),
        ("3", ListRuns(ImportName("3"))),
        ('"watch"', ListRuns(ImportName("watch"))),
        ("watch master latest", WatchRun(ImportName("master"), RunNumber(None))),
        ("imports", ListImports("")),
        ("imports item master", ListImports("item master")),
        (
            'subscribe "BOM load" failures <!subteam^S0ONCALL1|@oncall> <@U0DANA0001|dana>',
            Subscribe(
                ImportName("BOM load"), "failures", ("<!subteam^S0ONCALL1>", "<@U0DANA0001>")
            ),
        ),
        ("unsubscribe BOM load", Unsubscribe(ImportName("BOM load"))),
        (f"\u200b{IMP}\ufeff {RUN}\u00ad", ShowRun(IMP, RUN)),
        (f"https://app.bom.com/x?run={RUN}&import={IMP}", ShowRun(IMP, RUN)),
    ],
)
def test_names_and_forgiving_text(text: str, expected: object) -> None:
    """Names (quoted, curly, bare), mentions, invisible characters, GUIDs in a query string."""
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("wach master latest", "did you mean `watch`?"),
        ("subscibe master", "did you mean `subscribe`?"),
        ("lst", "did you mean `list`?"),
        ("status now", "`status` takes nothing after it"),
        ("subscribe master @oncall", "Slack sent @oncall as plain text"),
        ("master <@U0DANA0001>", "Mentions go with `subscribe"),
        ("subscribe master <#C0123ABCD|plm-alerts>", "for the channel you type it in"),
    ],
)
def test_mistakes_get_a_pointed_answer(text: str, says: str) -> None:
    """A mistyped verb, a verb with extra words, a mention Slack did not escape."""
    command = parse(text)
    assert isinstance(command, Help)
    assert command.problem is not None
    assert says in command.problem


@pytest.mark.parametrize(
    "command",
    [
        ShowRun(IMP, RUN),
        ShowRunNumber(IMP, 14),
        ShowRunNumber(IMP, None),
        ListRuns(IMP),
        WatchRun(IMP, RunNumber(3)),
        Subscribe(IMP, "warnings", (ONCALL,)),
        Unsubscribe(IMP),
    ],
)
def test_a_command_written_back_reads_the_same(command: object) -> None:
    """The Choose button's text gives the very command again."""
    assert parse(to_text(command)) == command  # type: ignore[arg-type]
