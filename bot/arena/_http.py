"""Arena's successful answers read into models (a list answer page by page)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import httpx
from pydantic import (
    BaseModel,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from bot.arena.errors import ArenaUnreadable
from bot.arena.models import Change

logger = logging.getLogger(__name__)

T = TypeVar("T")

SHOWN_INPUT = 60  # characters of an unreadable value quoted back in the sentence


class Page(BaseModel, Generic[T]):
    """One page of a list answer: `{"count": N, "results": [...]}`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    count: int | None = None
    results: tuple[T, ...] = ()

    @field_validator("count", mode="wrap")
    @classmethod
    def _count(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """An odd count is no count (the results still are the page)."""
        try:
            return handler(value)
        except ValidationError:
            return None

    @field_validator("results", mode="wrap")
    @classmethod
    def _each(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """One unreadable item is left out; the others are still the page."""
        try:
            return handler(value)
        except ValidationError:
            if not isinstance(value, list):
                raise
        kept = []
        for item in value:
            try:
                kept.extend(handler([item]))
            except ValidationError:
                continue
        logger.warning("Arena sent %d unreadable item(s) in a list", len(value) - len(kept))
        return tuple(kept)


def exact_change(found: Sequence[Change], wanted: str) -> Change | None:
    """The change numbered exactly `wanted` (Arena's filter also matches parts), else None."""
    exact = [c for c in found if c.number and c.number.casefold() == wanted.casefold()]
    return next((c for c in exact if c.number == wanted), exact[0] if exact else None)


def parse(adapter: TypeAdapter[T], response: httpx.Response) -> T:
    """Validate a successful answer, or raise `ArenaUnreadable` saying what could not be read."""
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        sent = _what_was_sent(first)
        logger.warning(
            "Unreadable answer from Arena to %s %s: %s",
            response.request.method,
            response.request.url.path,
            sent,
        )
        what = "a list" if exc.title.startswith("Page") else _NAMES.get(exc.title, "an answer")
        raise ArenaUnreadable(what, sent, status=response.status_code) from None


_NAMES = {
    "ImportRun": "an import run",
    "ImportDefinition": "an import definition",
    "LoginResult": "a login answer",
}


def _what_was_sent(error: Any) -> str:
    """`status` was null; the answer was not JSON; `guid` was missing (untrusted: escape)."""
    if error["type"] == "json_invalid":
        return "the answer was not JSON"
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "missing":
        return f"{where or 'the answer'} was missing"
    try:
        shown = json.dumps(error.get("input"), ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(error.get("input"))
    if len(shown) > SHOWN_INPUT:
        shown = shown[: SHOWN_INPUT - 1] + "…"
    return f"{where or 'the answer'} was {shown}"


def reader(adapter: TypeAdapter[T]) -> Callable[[httpx.Response], T]:
    """A function that reads a successful answer with `adapter`."""
    return lambda response: parse(adapter, response)


def text(response: httpx.Response) -> str:
    """A successful answer's body as text (the CSV files Arena streams)."""
    return response.text
