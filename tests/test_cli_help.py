"""Every command of `importrun-bot` explains itself with `--help`, with examples."""

from __future__ import annotations

import pytest

from bot.cli.main import main


@pytest.mark.parametrize("command", ["demo", "show", "post", "check"])
def test_every_command_has_help_with_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`importrun-bot COMMAND --help` explains it and gives an example."""
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert f"importrun-bot {command}" in shown
    assert "example" in shown


def test_post_help_says_every_cause_of_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    """A run that ended in ERROR with no failed rows also ends `--fail-on-errors` with 3."""
    with pytest.raises(SystemExit):
        main(["post", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "3 posted but the run had failed rows or ended in ERROR (--fail-on-errors)" in shown


def test_check_help_names_the_socket_mode_check(capsys: pytest.CaptureFixture[str]) -> None:
    """`check` also tries SLACK_APP_TOKEN, as README says; its help says so."""
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "in Socket Mode, apps.connections.open with SLACK_APP_TOKEN" in shown
