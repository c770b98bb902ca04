"""The command line, `importrun-bot` (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import commands as cli_commands
from bot.settings import Settings, SettingsError, defaults_for, load_settings
from bot.wiring import open_runtime

EPILOG = (
    """examples:
  importrun-bot serve                 run the Slack app (HTTP, or Socket Mode with SLACK_APP_TOKEN)
"""
    + cli_commands.EXAMPLES
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="importrun-bot",
        description="Arena PLM import runs, in Slack.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "serve",
        help="run the Slack app",
        description="Run the Slack app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on "
        "HOST:PORT with POST /slack/events and GET /healthz. Stops gracefully on SIGTERM.",
        epilog="example:\n  SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… ARENA_EMAIL=… "
        "ARENA_PASSWORD=… importrun-bot serve",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cli_commands.add_to(commands)
    return parser


def _needs(command: str, settings: Settings) -> tuple[str, ...]:
    """Every setting `command` cannot run without, so that all missing ones are named at once."""
    arena = ("arena_email", "arena_password")
    if command == "serve":
        mode = "slack_app_token" if settings.socket_mode else "slack_signing_secret"
        return ("slack_bot_token", mode, *arena)
    if command == "post":
        return ("slack_bot_token", *arena)
    return arena if command == "show" else ()


def _and_missing(unreadable: SettingsError, command: str) -> str:
    """The unreadable values, then every setting `command` needs that is missing too: one
    message, so that one fix-and-restart mends them all (an unreadable value is not called
    missing)."""
    fallback = defaults_for(unreadable)
    if fallback is None:
        return str(unreadable)
    needed = [name for name in _needs(command, fallback) if name not in unreadable.fields]
    try:
        fallback.require(*needed)
    except SettingsError as missing:
        return f"{unreadable} {missing}"
    return str(unreadable)


async def _serve(settings: Settings) -> int:
    settings.require(*_needs("serve", settings))
    from bot.slack.identity import SlackIdentity
    from bot.slack.logs import bound_all_handlers
    from bot.slack.startup import WarmUp, stop_on_signals

    bound_all_handlers()
    async with open_runtime(settings, with_store=True) as runtime:
        # SIGTERM is the bot's before the login goes out: a stop during the start logs out.
        stop = stop_on_signals()
        # Arena's login and Slack's auth.test go out first; the rest of the app is imported
        # while they travel (~0.3 s of a ~1 s start), not before them.
        warm_up = await WarmUp.ahead(runtime.deps.arena, SlackIdentity(runtime.slack))
        from bot.slack.server import serve

        await serve(settings, runtime, warm_up, stop)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit codes: 0 done, 1 failed, 2 bad usage or configuration."""
    args = _parser().parse_args(argv)
    unreadable: list[str] = []
    try:
        settings = load_settings()
    except SettingsError as exc:
        # `check` names each unreadable value on its own line, then goes on with the defaults
        # in their place to name every other problem too (a missing ARENA_EMAIL, say).
        fallback = defaults_for(exc) if args.command == "check" else None
        if fallback is not None:
            settings, unreadable = fallback, exc.problems
        elif args.command == "check":
            for problem in exc.problems:
                print(f"PROBLEM {problem}")
            print(cli_commands.fix_hint(len(exc.problems)))
            return 2
        else:
            said = _and_missing(exc, args.command)
            print(f"importrun-bot: {said}", file=sys.stderr)
            return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "serve":
            return asyncio.run(_serve(settings))
        if args.command in cli_commands.NAMES:
            return cli_commands.run(args, settings, unreadable=unreadable)
    except SettingsError as exc:
        print(f"importrun-bot: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `importrun-bot show … | head`: the reader is gone; no traceback, and none at exit
        # when Python flushes stdout again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 2
