"""Listeners, one module per Slack feature; each has a `register(app)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, imports, shortcut, slash_command, views, watch


def register(app: AsyncApp) -> None:
    """Attach every listener to `app`."""
    slash_command.register(app)
    shortcut.register(app)
    actions.register(app)
    views.register(app)
    watch.register(app)
    imports.register(app)
