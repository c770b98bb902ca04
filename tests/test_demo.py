"""`importrun-bot demo` as a person uses it: a subprocess, typed lines on stdin, text on stdout."""

from __future__ import annotations

import os
import signal
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
shortcut which import was it?
submit master 14
/importrun subscribe "Part price update" failures @plm-oncall
/importrun list
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
    assert '/importrun "Item Master load" latest' in screen
    assert "shortcut did last night's price import go in?" in screen


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
    assert "Slack API call" not in session.stdout  # users.info, who is asking: nothing to see


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


def test_the_message_shortcut_and_its_modal(session: subprocess.CompletedProcess[str]) -> None:
    """`shortcut TEXT` opens the modal; `submit IMPORT RUN` types in its select and submits."""
    assert "modal opened (fill it in with: submit IMPORT RUN)" in typed(
        session, "shortcut which import was it?"
    )
    submitted = typed(session, "submit master 14")
    assert "the import select offers Item Master load" in submitted
    assert "(reply in a thread)" in submitted
    assert "⚠️ Item Master load · run #14 · COMPLETE" in submitted


def test_a_subscription_that_mentions_the_on_call_group(
    session: subprocess.CompletedProcess[str],
) -> None:
    """`@plm-oncall` arrives escaped as Slack sends it, and `list` shows it."""
    said = typed(session, '/importrun subscribe "Part price update" failures @plm-oncall')
    assert "mentioning @plm-oncall" in said
    assert "Part price update (failures, mentioning @plm-oncall)" in typed(
        session, "/importrun list"
    )


def test_ctrl_c_ends_cleanly(tmp_path: Path) -> None:
    """SIGINT (Ctrl-C) stops the demo and its app with exit code 0 and no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ARENA_"))}
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "demo"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env | {"PYTHONIOENCODING": "utf-8"},
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("A number presses"):
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
    assert out.rstrip().endswith("Demo stopped.")
    assert "Traceback" not in out + err
