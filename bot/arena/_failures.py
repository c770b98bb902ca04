"""Arena's failed answers read into the `ArenaError` family."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
from pydantic import ValidationError

from bot.arena.errors import (
    ArenaAuthError,
    ArenaError,
    ArenaNotFound,
    ArenaPermissionError,
    ArenaQuotaExceeded,
    ArenaUnavailable,
    InvalidGuid,
)
from bot.arena.models import ErrorBody
from bot.arena.quota import RESET_HEADER, parse_reset

QUOTA_CODES = frozenset({4084, 4014})
NOT_FOUND_CODES = frozenset({3012, 3024})
INVALID_GUID_CODES = frozenset({3011})
LOGIN_REFUSED_CODES = frozenset({4001, 4079, 4081, 4083})
_QUOTED = re.compile(r'"([^"]*)"')


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


def _quota_reset(response: httpx.Response, message: str) -> datetime | None:
    header = response.headers.get(RESET_HEADER)
    if header and (moment := parse_reset(header)):
        return moment
    # 4084: 'You have exceeded your maximum of "{0}" requests ... can be made at "{1}".'
    quoted = _QUOTED.findall(message)
    return parse_reset(quoted[1]) if len(quoted) > 1 else None
