"""The modal that asks for an import and a run when a message names none; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot import ids
from bot.answer.commands import ImportName, ImportRef, ShowRun, ShowRunNumber
from bot.answer.tokens import NEWEST, clean, find_import_and_run, number
from bot.arena.guid import is_guid, wrong_length
from bot.arena.models import ImportDefinition
from bot.cards.common import section
from bot.cards.text import shorten

IMPORT = "import"
RUN = "run"
VALUE = "value"
INPUT_TEXT = 500
FIELD_ERROR = 300
OPTION_TEXT = 75
MAX_OPTIONS = 100
INTRO = (
    "I found no import run in that message. Choose the import (type part of its name) and"
    " give the run: its number, `latest`, or its GUID. An Arena link to the run works too."
)


class FieldError(Exception):
    """A value that cannot name a run; `block_id` says which field it belongs to."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id
        self.message = message[:FIELD_ERROR]


def ask_view(
    import_guid: str | None, run_guid: str | None, metadata: str, *, import_name: str | None = None
) -> View:
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
            _import_select(import_guid, import_name),
            _input(RUN, "Run", run_guid, "A run number such as 14, latest, a GUID or a link"),
        ],
    )


def _import_select(import_guid: str | None, import_name: str | None) -> InputBlock:
    """Type-ahead over the import definitions (Slack asks the app for the options)."""
    element = ExternalDataSelectElement(
        action_id=ids.ACTION_PICK_IMPORT,
        placeholder=PlainTextObject(text="Type part of the import's name"),
        min_query_length=0,
        initial_option=option(import_guid, import_name) if import_guid else None,
    )
    return InputBlock(
        block_id=IMPORT,
        label=PlainTextObject(text="Import"),
        element=element,
        optional=True,  # a link in the run field names the import too
    )


def _input(block_id: str, label: str, value: str | None, hint: str) -> InputBlock:
    element = PlainTextInputElement(
        action_id=VALUE,
        initial_value=value or None,
        placeholder=PlainTextObject(text=hint),
        max_length=INPUT_TEXT,
    )
    return InputBlock(block_id=block_id, label=PlainTextObject(text=label), element=element)


def option(import_guid: str, name: str | None) -> Option:
    """One choice of the import select: the definition's name (or GUID), its GUID as value."""
    label = shorten(name or import_guid, OPTION_TEXT) or import_guid
    return Option(text=PlainTextObject(text=label, emoji=False), value=import_guid)


def import_options(definitions: list[ImportDefinition]) -> list[dict[str, Any]]:
    """The select's options for what was typed, as Slack's block_suggestion answer wants them."""
    return [option(d.guid, d.name).to_dict() for d in definitions[:MAX_OPTIONS]]


def read_submission(values: Mapping[str, Any]) -> ShowRun | ShowRunNumber:
    """The run the submitted fields name; `FieldError` for the first field that cannot."""
    run_text = clean(_value(values, RUN))
    chosen = picked_import(values)
    linked_import, linked_run = (
        find_import_and_run(run_text) if not is_guid(run_text) else (None, None)
    )
    if chosen is None and linked_import and linked_run:
        return ShowRun(linked_import, linked_run)
    import_guid: ImportRef
    if chosen is not None:
        import_guid, run_in_link = chosen, None
    else:
        import_guid, run_in_link = _import(clean(_value(values, IMPORT)))
    if not run_text:
        if run_in_link:
            return ShowRun(import_guid, run_in_link)
        raise FieldError(RUN, "Enter the run's GUID, its number (such as 14) or latest.")
    if run_text.lower() in NEWEST:
        return ShowRunNumber(import_guid, None)
    if (run_number := number(run_text)) is not None:
        return ShowRunNumber(import_guid, run_number)
    first, second = _guids(run_text)
    run_guid = second or first
    if run_guid is None:
        raise FieldError(RUN, _invalid(run_text, "run GUID"))
    return ShowRun(import_guid, run_guid)


def picked_import(values: Mapping[str, Any]) -> str | None:
    """The import picked in the select (its GUID), if any: the person saw its name, not this."""
    picked = values.get(IMPORT, {}).get(ids.ACTION_PICK_IMPORT, {}).get("selected_option") or {}
    value = str(picked.get("value") or "").strip()
    return value.upper() if is_guid(value) else None


def _value(values: Mapping[str, Any], block_id: str) -> str:
    """A field's text as Slack sends it in `view.state.values` (None when left empty)."""
    field = values.get(block_id, {}).get(VALUE, {})
    return str(field.get("value") or "").strip()


def _import(text: str) -> tuple[ImportRef, str | None]:
    """Typed text (a modal from before the select): a GUID or link, else a name to resolve."""
    if not text:
        raise FieldError(IMPORT, "Choose the import, or paste an Arena link to the run.")
    first, second = _guids(text)
    if first is None:
        return ImportName(text.strip('"“”„ ')), None
    return first, second


def _guids(text: str) -> tuple[str | None, str | None]:
    """A field typed on purpose: a GUID in any case, else what a link or free text holds."""
    if is_guid(text):
        return text.upper(), None
    return find_import_and_run(text)


def _invalid(text: str, what: str) -> str:
    """The field error for a value that holds no GUID (plain text: Slack shows it as is)."""
    if said := wrong_length(text, what=what):
        return said
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"{shown!r} is not a valid {what}: Arena GUIDs are 20 letters and digits."
