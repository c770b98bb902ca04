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
