"""Pure Block Kit builders: the run card, the runs list, modals, help and errors."""

from __future__ import annotations

from bot.cards.common import (
    CardButton,
    Message,
    button_value,
    page_button_value,
    parse_button_value,
    parse_page_value,
)
from bot.cards.lists import error_message, help_message, runs_list
from bot.cards.run import run_card
from bot.cards.views import failed_rows_view, warnings_view

__all__ = [
    "CardButton",
    "Message",
    "button_value",
    "error_message",
    "failed_rows_view",
    "help_message",
    "page_button_value",
    "parse_button_value",
    "parse_page_value",
    "run_card",
    "runs_list",
    "warnings_view",
]
