"""Arena's answers read into models, and its failures into the `ArenaError` family."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, NamedTuple, TypeVar

import httpx
from pydantic import (
    BaseModel,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from bot.arena.errors import (
    ArenaAuthError,
    ArenaError,
    ArenaNotFound,
    ArenaPermissionError,
    ArenaQuotaExceeded,
    ArenaUnavailable,
    ArenaUnreadable,
    InvalidGuid,
)
from bot.arena.models import Change, ErrorBody
from bot.arena.quota import RESET_HEADER, parse_reset

logger = logging.getLogger(__name__)

T = TypeVar("T")

SHOWN_INPUT = 60  # characters of an unreadable value quoted back in the sentence
QUOTA_CODES = frozenset({4084, 4014})
NOT_FOUND_CODES = frozenset({3012, 3024})
INVALID_GUID_CODES = frozenset({3011})
LOGIN_REFUSED_CODES = frozenset({4001, 4079, 4081, 4083})
_QUOTED = re.compile(r'"([^"]*)"')


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


class Request(NamedTuple):
    """One request to Arena, as `send` sends it (and sends again)."""

    method: str
    path: str
    params: tuple[tuple[str, str | int], ...]
    json: dict[str, Any] | None
    headers: dict[str, str]


async def send(
    http: httpx.AsyncClient,
    request: Request,
    retries: int,
    backoff: float,
    note: Callable[[httpx.Response], None],
) -> httpx.Response:
    """Send, again after a transport error or a 5xx up to `retries` times; `note` each answer."""
    method, path, params, json, headers = request
    attempt = 0
    while True:
        try:
            response = await http.request(
                method, path, params=params or None, json=json, headers=headers
            )
        except httpx.TransportError as exc:
            failure = transport_error(exc, http.base_url)
            if attempt >= retries:
                raise failure from exc
            problem = str(failure)
        else:
            note(response)
            if response.status_code < 500 or attempt >= retries:
                return response
            problem = f"HTTP {response.status_code}"
        delay = backoff * 2**attempt * random.uniform(0.5, 1.5)
        attempt += 1
        logger.warning("Arena %s %s: %s; retry %d/%d", method, path, problem, attempt, retries)
        await asyncio.sleep(delay)


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


def error_body(response: httpx.Response) -> ErrorBody:
    """Arena's error body, or an empty one when the body is not Arena's JSON."""
    try:
        return ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return ErrorBody(status=response.status_code)


def error_for(response: httpx.Response) -> ArenaError:
    """The `ArenaError` that a failed (non-2xx, non-401) answer stands for."""
    status = response.status_code
    body = error_body(response)
    codes = {error.code for error in body.errors}
    first = body.errors[0] if body.errors else None
    code = first.code if first else None
    message = first.message if first and first.message else None
    said = f": {message}" if message else ""
    if status == 429 or codes & QUOTA_CODES:
        quota = next((e for e in body.errors if e.code in QUOTA_CODES), first)
        return ArenaQuotaExceeded(
            f"Arena's daily request quota is spent{said}",
            reset_at=_quota_reset(response, quota.message if quota else ""),
            status=status,
            code=quota.code if quota else None,
            arena_message=quota.message if quota and quota.message else message,
        )
    if status >= 500:
        return ArenaUnavailable(
            f"Arena answered HTTP {status}", status=status, code=code, arena_message=message
        )
    if codes & INVALID_GUID_CODES:
        return InvalidGuid(
            f"Arena says the GUID is not valid{said}",
            status=status,
            code=code,
            arena_message=message,
        )
    if status == 404 or codes & NOT_FOUND_CODES:
        return ArenaNotFound(
            f"Arena found nothing there{said}", status=status, code=code, arena_message=message
        )
    if status == 403:
        return ArenaPermissionError(
            f"Arena does not allow this{said}", status=status, code=code, arena_message=message
        )
    return ArenaError(
        f"Arena refused the request (HTTP {status}){said}",
        status=status,
        code=code,
        arena_message=message,
    )


def login_error(response: httpx.Response, email: str) -> ArenaError:
    """The error a refused `POST /login` stands for: mostly `ArenaAuthError`."""
    status = response.status_code
    body = error_body(response)
    codes = {error.code for error in body.errors}
    if status == 429 or codes & QUOTA_CODES or status >= 500:
        return error_for(response)
    if status == 404:
        return ArenaError(
            f"Arena has no login at {response.request.url}; is the API URL right?", status=404
        )
    if status in (400, 401, 403) or codes & LOGIN_REFUSED_CODES:
        refusal = next((e for e in body.errors if e.code in LOGIN_REFUSED_CODES), None)
        first = refusal or (body.errors[0] if body.errors else None)
        message = first.message if first and first.message else None
        return ArenaAuthError(
            f"Arena refused the login of {email}" + (f": {message}" if message else ""),
            status=status,
            code=first.code if first else None,
            arena_message=message,
        )
    return error_for(response)


def session_refused(response: httpx.Response) -> ArenaAuthError:
    """The error for a 401 that a fresh login did not cure."""
    body = error_body(response)
    first = body.errors[0] if body.errors else None
    return ArenaAuthError(
        "Arena refused the session even after logging in again",
        status=response.status_code,
        code=first.code if first else None,
        arena_message=first.message if first and first.message else None,
    )


def transport_error(exc: httpx.TransportError, base_url: httpx.URL) -> ArenaUnavailable:
    """A timeout or connection failure, said in a few words."""
    if isinstance(exc, httpx.TimeoutException):
        seconds = _timeout_seconds(exc)
        within = f" within {seconds:g} s" if seconds is not None else " in time"
        return ArenaUnavailable(f"Arena did not answer{within}")
    where = base_url.host + (f":{base_url.port}" if base_url.port else "")
    return ArenaUnavailable(f"could not reach Arena at {where}")


def _timeout_seconds(exc: httpx.TimeoutException) -> float | None:
    kind = {
        httpx.ConnectTimeout: "connect",
        httpx.WriteTimeout: "write",
        httpx.PoolTimeout: "pool",
    }.get(type(exc), "read")
    try:
        timeouts = exc.request.extensions.get("timeout", {})
    except RuntimeError:  # no request attached
        return None
    value = timeouts.get(kind) if isinstance(timeouts, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _quota_reset(response: httpx.Response, message: str) -> datetime | None:
    header = response.headers.get(RESET_HEADER)
    if header and (moment := parse_reset(header)):
        return moment
    # 4084: 'You have exceeded your maximum of "{0}" requests ... can be made at "{1}".'
    quoted = _QUOTED.findall(message)
    return parse_reset(quoted[1]) if len(quoted) > 1 else None
