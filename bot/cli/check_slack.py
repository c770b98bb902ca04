"""`check`'s Slack side: the bot token (`auth.test`) and, in Socket Mode, the app-level token."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.cli.check_report import Report
from bot.settings import Settings
from bot.wiring import slack_client


async def check_slack(settings: Settings, report: Report) -> None:
    """The Slack settings present and well-formed, then tried against Slack itself."""
    token = settings.slack_bot_token
    if settings.missing("slack_bot_token"):
        report.problem("SLACK_BOT_TOKEN is missing: the bot token xoxb-… from the Slack app.")
    elif token is not None and not token.get_secret_value().startswith("xoxb-"):
        report.problem("SLACK_BOT_TOKEN does not start with xoxb-: use the Bot User OAuth Token.")
    if settings.socket_mode:
        app_token = settings.slack_app_token
        if app_token is None or not app_token.get_secret_value().startswith("xapp-"):
            report.problem("SLACK_APP_TOKEN does not start with xapp-: use an app-level token.")
    elif settings.missing("slack_signing_secret"):
        report.problem(
            "SLACK_SIGNING_SECRET is missing: HTTP mode needs it (or set SLACK_APP_TOKEN "
            "for Socket Mode)."
        )
    if token is None or settings.missing("slack_bot_token"):
        return
    try:
        answer = await slack_client(settings).auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        report.problem(f"SLACK_BOT_TOKEN: Slack's auth.test refused it ({error}).")
        return
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        _unreachable(settings, exc, report)
        return
    who = f"@{answer.get('user')} in team {answer.get('team')} ({answer.get('team_id')})"
    if answer.get("bot_id"):
        report.ok(f"Slack: auth.test accepts the bot token: {who}.")
    else:
        report.problem(f"SLACK_BOT_TOKEN is not a bot token (it belongs to {who}).")
    if settings.slack_app_token is not None and not settings.missing("slack_app_token"):
        await _check_socket_mode(settings, settings.slack_app_token.get_secret_value(), report)


async def _check_socket_mode(settings: Settings, app_token: str, report: Report) -> None:
    """Ask Slack for a Socket Mode URL with the app-level token (the URL is not used)."""
    try:
        await slack_client(settings).apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        # Imported here: Bolt's Socket Mode adapter would cost every `serve` start ~80 ms.
        from bot.slack.socket_mode import refusal

        report.problem(refusal(str(exc.response.get("error", "unknown_error"))))
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        _unreachable(settings, exc, report)
    else:
        report.ok("Slack: apps.connections.open accepts the app-level token (Socket Mode).")


def _unreachable(settings: Settings, exc: BaseException, report: Report) -> None:
    reason = str(exc) or type(exc).__name__
    report.problem(
        f"SLACK_API_URL: Slack could not be reached at {settings.slack_api_url} ({reason}).",
        reachable=False,
    )
