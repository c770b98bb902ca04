"""The `demo`, `show`, `post` and `check` commands: their arguments, help and examples."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from bot.cli.outcome import fix_hint
from bot.settings import Settings

NAMES = ("demo", "show", "post", "check")
__all__ = ["EXAMPLES", "NAMES", "add_to", "fix_hint", "run"]
# The commands themselves are imported when run: `serve` needs none of them at its start.
EXAMPLES = """\
  importrun-bot demo                  try it with no Slack app and no Arena account
  importrun-bot show "Item Master load" latest    print one run's card
  importrun-bot post IMPORT RUN --channel C0123456789 --wait
  importrun-bot check                 verify Arena login and the Slack token
"""
_GUIDS = (
    "IMPORT is an import definition's name (part of it will do), its number or its GUID; RUN "
    "is a run's number, latest, or its GUID, as in Slack; an Arena URL holding both may "
    "stand in for the two."
)


def _sub(commands: Any, name: str, summary: str, description: str, epilog: str) -> Any:
    return commands.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, 88),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_to(commands: Any) -> None:
    """Add the four commands to the `importrun-bot` subparsers."""
    _sub(
        commands,
        "demo",
        "no secrets needed: a simulated Arena, the app, and a console playing Slack",
        "Start the built-in Arena simulator (a demo workspace: three import definitions, "
        "one run finishing a minute after start), a local Slack stub, and the app itself "
        "(`serve`, on 127.0.0.1); then a console where you type what you would type in "
        "Slack and read the app's answers. Needs no settings: the app gets the demo's own.",
        "examples:\n  importrun-bot demo\n"
        '  > /importrun "Item Master load" latest\n'
        "  > 1          (presses button [1] of the last card)\n"
        "  > exit       (or Ctrl-D)\n"
        "  printf '/importrun help\\n' | importrun-bot demo   (works with a pipe too)",
    )
    shower = _sub(
        commands,
        "show",
        "print one run's card (text, or Block Kit JSON)",
        f"Fetch one import run from Arena and print its card as readable text, or with "
        f"--json as Block Kit JSON to paste into Slack's Block Kit Builder. {_GUIDS} "
        "Needs ARENA_EMAIL and ARENA_PASSWORD.",
        'examples:\n  importrun-bot show "Item Master load" latest\n'
        "  importrun-bot show master 14\n"
        "  importrun-bot show IM4QX7N2BK9D3WZTRH5A R9TCQNRT4L47Q9VQWUF3 --json > card.json\n"
        "exit codes: 0 shown, 1 Arena failed, 2 bad arguments (an unknown or ambiguous name, "
        "a malformed GUID) or settings (Arena refusing the login)",
    )
    _run_args(shower)
    shower.add_argument("--json", action="store_true", help="print Block Kit JSON")
    poster = _sub(
        commands,
        "post",
        "post one run's card to a channel, optionally once the run has finished",
        f"Post one import run's card to a Slack channel. With --wait, first wait for the run "
        f"to finish (a short note stands in the channel meanwhile, so that a wrong token or "
        f"channel is said at once), polling as the app's poller does (every "
        f"POLL_INTERVAL_SECONDS, growing to POLL_MAX_INTERVAL_SECONDS): for CI jobs and "
        f"integrations that start imports. "
        f"{_GUIDS} Needs SLACK_BOT_TOKEN, ARENA_EMAIL and ARENA_PASSWORD; the bot must be in "
        "the channel.",
        "examples:\n"
        '  importrun-bot post "Item Master load" latest --channel C0123456789\n'
        "  importrun-bot post $IMPORT $RUN --channel C0123456789 --wait --timeout 1800 "
        "--fail-on-errors\n"
        "exit codes: 0 posted, 1 Arena or Slack failed or --timeout passed (nothing posted),\n"
        "  2 bad arguments or settings (Arena or Slack refusing the login or token),\n"
        "  3 posted but the run had failed rows or ended in ERROR (--fail-on-errors)",
    )
    _run_args(poster)
    poster.add_argument("--channel", required=True, metavar="C", help="channel ID, e.g. C0123…")
    poster.add_argument("--wait", action="store_true", help="wait for the run to finish first")
    poster.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        metavar="S",
        help="with --wait, give up after S seconds (default 3600)",
    )
    poster.add_argument(
        "--fail-on-errors",
        action="store_true",
        help="exit 3 after posting when the run had failed rows or ended in ERROR",
    )
    _sub(
        commands,
        "check",
        "verify the configuration: Arena login, quota, Slack auth.test",
        "Check every setting: sign in to Arena (with the session a running bot keeps in "
        "DATABASE_URL when there is one, so nobody is logged out; else one login), read the "
        "import definitions and the quota left, open the database, and call Slack's auth.test "
        "with SLACK_BOT_TOKEN (in Socket Mode, apps.connections.open with SLACK_APP_TOKEN too). "
        "One line per finding; secrets are never printed.",
        "example:\n  importrun-bot check\n"
        "exit codes: 0 all in order, 1 Arena or Slack unreachable, 2 a setting missing or wrong",
    )


def _run_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "import_ref", metavar="IMPORT", help="import definition name, number, GUID, or URL"
    )
    parser.add_argument("run", metavar="RUN", nargs="?", help="run number, latest, or GUID")


class _SaidByTheCommand(logging.Filter):
    """Drops the login gate's log line: the command says a refused login in its own sentence,
    and "no new login attempt for 60 s" is news for `serve`, not for a command that ends now."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def run(args: argparse.Namespace, settings: Settings, *, unreadable: Sequence[str] = ()) -> int:
    """Run one of the four commands; returns its exit code. `unreadable`: the sentences of
    settings that could not be read, which `check` reports first."""
    if settings.log_level == "DEBUG":
        return _run(args, settings, unreadable)
    # Progress and problems are printed as sentences; INFO logs would only repeat them.
    logging.getLogger().setLevel(logging.WARNING)
    gate, quiet = logging.getLogger("bot.arena.gates"), _SaidByTheCommand()
    gate.addFilter(quiet)
    try:
        return _run(args, settings, unreadable)
    finally:
        gate.removeFilter(quiet)


def _run(args: argparse.Namespace, settings: Settings, unreadable: Sequence[str]) -> int:
    if args.command == "demo":
        try:
            # Imported here: the demo (simulator, stub, console) is no part of `serve`'s start.
            from bot.demo.run import run_demo

            return asyncio.run(run_demo(sys.stdin.fileno(), sys.stdout))
        except KeyboardInterrupt:
            # Ctrl-C is how a person ends the demo: a clean stop, not a failure (0, so that
            # `make run` says nothing more).
            print("\nDemo stopped.", flush=True)
            return 0
    if args.command == "check":
        from bot.cli.check import check

        return asyncio.run(check(settings, sys.stdout, unreadable=unreadable))
    from bot.cli.tools import guarded, post, run_ref, show

    if args.command == "show":
        return asyncio.run(
            guarded(
                lambda: show(
                    settings,
                    run_ref(args.import_ref, args.run),
                    as_json=args.json,
                    out=sys.stdout,
                    err=sys.stderr,
                ),
                sys.stderr,
            )
        )
    return asyncio.run(
        guarded(
            lambda: post(
                settings,
                run_ref(args.import_ref, args.run),
                channel=args.channel,
                wait=args.wait,
                timeout=args.timeout,
                fail_on_errors=args.fail_on_errors,
                out=sys.stdout,
                err=sys.stderr,
            ),
            sys.stderr,
        )
    )
