"""The modal that asks for an import and a run when a message names none; pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot import ids
from bot.answer.commands import ShowRun, ShowRunNumber, find_import_and_run
from bot.arena.guid import is_guid
from bot.cards.common import section

IMPORT = "import"
RUN = "run"
VALUE = "value"
INPUT_TEXT = 500
FIELD_ERROR = 300
INTRO = (
    "I found no import run in that message. Paste the import and the run: their GUIDs,"
    " or an Arena link to the run."
)
_NUMBER = re.compile(r"#?(\d{1,9})")
_NEWEST = frozenset({"latest", "last", "newest"})


class FieldError(Exception):
    """A value that cannot name a run; `block_id` says which field it belongs to."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id
        self.message = message[:FIELD_ERROR]


def ask_view(import_guid: str | None, run_guid: str | None, metadata: str) -> View:
    """The modal, pre-filled with what was found; `metadata` says where the card goes."""
    return View(
        type="modal",
        callback_id=ids.VIEW_ASK_RUN,
        title=PlainTextObject(text="Show import run"),
        submit=PlainTextObject(text="Show"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata,
        blocks=[
            section(INTRO),
            _input(IMPORT, "Import", import_guid, "Import GUID, or an Arena link to the run"),
            _input(RUN, "Run", run_guid, "Run GUID, a run number such as 14, or latest"),
        ],
    )


def _input(block_id: str, label: str, value: str | None, hint: str) -> InputBlock:
    element = PlainTextInputElement(
        action_id=VALUE,
        initial_value=value or None,
        placeholder=PlainTextObject(text=hint),
        max_length=INPUT_TEXT,
    )
    return InputBlock(block_id=block_id, label=PlainTextObject(text=label), element=element)


def read_submission(values: Mapping[str, Any]) -> ShowRun | ShowRunNumber:
    """The run the submitted fields name; `FieldError` for the first field that cannot."""
    import_text, run_text = _value(values, IMPORT), _value(values, RUN)
    import_guid, run_in_link = _import(import_text)
    if not run_text:
        if run_in_link:
            return ShowRun(import_guid, run_in_link)
        raise FieldError(RUN, "Enter the run's GUID, its number (such as 14) or latest.")
    if run_text.lower() in _NEWEST:
        return ShowRunNumber(import_guid, None)
    if number := _NUMBER.fullmatch(run_text):
        return ShowRunNumber(import_guid, int(number.group(1)))
    first, second = _guids(run_text)
    run_guid = second or first
    if run_guid is None:
        raise FieldError(RUN, _invalid(run_text, "run GUID"))
    return ShowRun(import_guid, run_guid)


def _value(values: Mapping[str, Any], block_id: str) -> str:
    """A field's text as Slack sends it in `view.state.values` (None when left empty)."""
    field = values.get(block_id, {}).get(VALUE, {})
    return str(field.get("value") or "").strip()


def _import(text: str) -> tuple[str, str | None]:
    """The import GUID, and the run GUID when the field holds a link (or two GUIDs)."""
    if not text:
        raise FieldError(IMPORT, "Enter the import's GUID, or paste an Arena link to the run.")
    first, second = _guids(text)
    if first is None:
        raise FieldError(IMPORT, _invalid(text, "import GUID"))
    return first, second


def _guids(text: str) -> tuple[str | None, str | None]:
    """A field typed on purpose: a GUID in any case, else what a link or free text holds."""
    if is_guid(text):
        return text.upper(), None
    return find_import_and_run(text)


def _invalid(text: str, what: str) -> str:
    """The field error for a value that holds no GUID (plain text: Slack shows it as is)."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"{shown!r} is not a valid {what}: Arena GUIDs are 20 letters and digits."
