"""What `check` found: one line per finding, and the exit code the findings make."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

OK, UNREACHABLE, WRONG = 0, 1, 2
"""Exit codes: all good; Arena or Slack could not be reached; a setting is missing or wrong."""


@dataclass
class Report:
    """What `check` found; problems decide the exit code."""

    out: TextIO
    wrong: int = 0
    unreachable: int = 0

    def ok(self, text: str) -> None:
        self._say("ok     ", text)

    def note(self, text: str) -> None:
        self._say("note   ", text)

    def problem(self, text: str, *, reachable: bool = True) -> None:
        if reachable:
            self.wrong += 1
        else:
            self.unreachable += 1
        self._say("PROBLEM", text)

    def _say(self, mark: str, text: str) -> None:
        print(f"{mark} {text}", file=self.out, flush=True)

    @property
    def code(self) -> int:
        return WRONG if self.wrong else UNREACHABLE if self.unreachable else OK
