"""How a command of the command line ends: its exit codes, a refusal with its sentence, and
`check`'s closing line."""

from __future__ import annotations

OK, FAILED, USAGE, RUN_FAILED = 0, 1, 2, 3
"""Exit codes: posted/shown; Arena or Slack failed; bad usage or settings; run had failures."""


class Refused(Exception):
    """A sentence for the person at the terminal and the exit code to end with."""

    def __init__(self, sentence: str, code: int = FAILED) -> None:
        super().__init__(sentence)
        self.code = code


def fix_hint(problems: int) -> str:
    """The closing line of a `check` that found problems."""
    plural = "s" if problems > 1 else ""
    return (
        f"{problems} problem{plural}: fix the setting{plural} named above in the environment "
        "or .env (see .env.example), then run `importrun-bot check` again."
    )
