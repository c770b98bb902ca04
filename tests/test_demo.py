"""`importrun-bot demo` as a person uses it: a subprocess, typed lines on stdin, text on stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo.seed import (
    BOM_IMPORT_GUID,
    RUNNING_RUN_GUID,
    SEED_IMPORT_GUID,
    SEED_RUN_GUID,
)

SEED = f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}"


def demo(typed: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run the demo with `typed` on its stdin (then end of input); wait for it to stop."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ARENA_"))}
    # A person's own .env must not matter: it is in the working directory, and ignored.
    (tmp_path / ".env").write_text("SLACK_APP_TOKEN=xapp-not-for-the-demo\nARENA_EMAIL=x@y.z\n")
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input=typed,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env | {"PYTHONIOENCODING": "utf-8"},
        timeout=90,
        check=False,
    )


SCRIPT = f"""\
3
/importrun {SEED}
2
{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ1
help
exit
/importrun {BOM_IMPORT_GUID}
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """One demo session for the module: a person types SCRIPT, line by line."""
    return demo(SCRIPT, tmp_path_factory.mktemp("demo"))


def typed(session: subprocess.CompletedProcess[str], line: str) -> str:
    """What the console printed after `line` was typed, up to the next typed line."""
    after = session.stdout.split(f"\n> {line}\n", 1)[1]
    return after.split("\n> ", 1)[0]


def test_first_screen_lists_guids_to_copy(session: subprocess.CompletedProcess[str]) -> None:
    """Before anything is typed: each definition and run GUID, and what to try."""
    assert session.returncode == 0, session.stdout + session.stderr
    screen = session.stdout.split("\n> ", 1)[0]
    for guid in (SEED_IMPORT_GUID, SEED_RUN_GUID, RUNNING_RUN_GUID, BOM_IMPORT_GUID):
        assert guid in screen
    assert "finishes about a minute from now" in screen
    assert f"/importrun watch {SEED_IMPORT_GUID} {RUNNING_RUN_GUID}" in screen


def test_typed_command_shows_the_seed_card(session: subprocess.CompletedProcess[str]) -> None:
    """A typed /importrun goes to the app; its private reply is printed readably."""
    reply = typed(session, f"/importrun {SEED}")
    assert "reply only you can see" in reply
    assert "⚠️ Item Master load · run #14 · COMPLETE" in reply
    for figure in ("Rows: 134,881", "Succeeded: 134,862", "Failed: 19 (0.01 %)", "Warnings: 12"):
        assert figure in reply
    assert "ECO-002114 (https://app.bom.com/" in reply
    assert "331 Column 'Descrptn' ignored." in reply
    assert "[1] Refresh  [2] Show all warnings" in reply
    assert "*" not in reply  # no mrkdwn left over
    assert "<!date" not in reply


def test_pressing_a_button_by_number(session: subprocess.CompletedProcess[str]) -> None:
    """Typing 2 presses "Show all warnings": Slack's block action, and the app's modal."""
    pressed = typed(session, "2")
    assert "modal opened" in pressed
    assert "▣ Warnings · run #14" in pressed
    assert "12 warnings in import run #14" in pressed
    assert "361 Row 77,120: 'Description' longer than 255 characters; cut to 255." in pressed


def test_bare_text_and_help(session: subprocess.CompletedProcess[str]) -> None:
    """Text without /importrun is the command's text; `help` explains both sides."""
    assert "no such import or run" in typed(session, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ1")
    shown = typed(session, "help")
    assert "a number                         presses that button" in shown
    assert "/importrun subscribe IMPORT [all|failures|warnings]" in shown


def test_a_number_before_any_card(session: subprocess.CompletedProcess[str]) -> None:
    """A number with no card yet says so instead of sending anything."""
    assert typed(session, "3").strip() == "There is no button [3] on the last card."


def test_exit_ends_cleanly(session: subprocess.CompletedProcess[str]) -> None:
    """`exit` stops the demo at once (later lines unread), with exit code 0 and no traceback."""
    assert session.returncode == 0
    assert session.stdout.rstrip().endswith("> exit\n\nDemo stopped.")
    assert "BOM load" not in session.stdout.split("> exit")[1]
    assert "Traceback" not in session.stdout + session.stderr


def test_end_of_input_ends_cleanly(tmp_path: Path) -> None:
    """Ctrl-D (end of input) stops the demo like `exit`."""
    result = demo(f"/importrun {SEED}\n", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Item Master load · run #14" in result.stdout
    assert result.stdout.rstrip().endswith("Demo stopped.")
