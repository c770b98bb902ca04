"""The shapes of what Slack sends: a signed body that is not one of them is a 400, not a crash.

Checked before Bolt sees the body (Bolt reads `user`, `team`, `channel`, `view`, … as it
builds its request, and the listeners read the fields named here).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Shape(BaseModel):
    """Extra fields allowed (Slack adds fields); the ones named must have these types."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Id(_Shape):
    id: str


class _Team(_Shape):
    id: str | None = None
    enterprise_id: str | None = None


class _User(_Shape):
    id: str
    team_id: str | None = None


class _View(_Shape):
    id: str | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    state: dict[str, Any] | None = None
    team_id: str | None = None
    app_installed_team_id: str | None = None


class _Envelope(_Shape):
    """What every payload may carry and Bolt reads to build its context."""

    type: str
    team: _Team | str | None = None
    enterprise: _Id | str | None = None
    user: _User | None = None
    channel: _Id | None = None
    container: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    view: _View | None = None
    event: dict[str, Any] | None = None
    authorizations: list[dict[str, Any]] | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    enterprise_id: str | None = None
    team_id: str | None = None
    is_enterprise_install: bool | None = None


class _SubmittedView(_View):
    callback_id: str


class _Action(_Shape):
    action_id: str
    block_id: str | None = None
    value: str | None = None


class _BlockActions(_Envelope):
    user: _User
    actions: list[_Action] = Field(min_length=1)


class _MessageAction(_Envelope):
    user: _User
    callback_id: str
    trigger_id: str
    channel: _Id
    message: dict[str, Any]


class _Shortcut(_Envelope):
    user: _User
    callback_id: str
    trigger_id: str


class _ViewSubmission(_Envelope):
    user: _User
    view: _SubmittedView


class _Suggestion(_Envelope):
    user: _User
    action_id: str
    value: str


class _Command(_Shape):
    command: str
    user_id: str
    team_id: str
    text: str = ""
    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    enterprise_id: str | None = None


_PAYLOADS: dict[str, type[_Envelope]] = {
    "block_actions": _BlockActions,
    "message_action": _MessageAction,
    "shortcut": _Shortcut,
    "view_submission": _ViewSubmission,
    "view_closed": _ViewSubmission,
    "block_suggestion": _Suggestion,
}


class BadBody(ValueError):
    """A signed body that is not a request Slack sends; the reason is safe to log."""


def check(body: bytes, content_type: str) -> str:
    """The body for Bolt, once its form or JSON has a shape Slack sends; else `BadBody`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("not UTF-8") from None
    if content_type == "application/json":
        _check_json(text)
        return text
    return _check_form(text)


def _check_form(text: str) -> str:
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        _check_payload(_json_object(form["payload"], "payload"))
        return text
    if "command" in form:
        _validate(_Command, form, "command")
    elif form.get("ssl_check") != "1":
        raise BadBody("a form with neither payload nor command")
    # Bolt reads any form containing the word "payload" as an interaction (and then finds
    # none): `/importrun payload` would be a 404. The same form, that word escaped.
    return urlencode(form).replace("payload", "%70ayload") if "payload" in text else text


def _check_json(text: str) -> None:
    data = _json_object(text, "body")
    if data.get("type") == "url_verification":
        if not isinstance(data.get("challenge"), str):
            raise BadBody("url_verification without a challenge")
        return
    _validate(_Envelope, data, "event")


def _check_payload(data: dict[str, Any]) -> None:
    kind = data.get("type")
    if not isinstance(kind, str):
        raise BadBody("payload without a type")
    _validate(_PAYLOADS.get(kind, _Envelope), data, kind[:40])


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise BadBody(f"{what} is not JSON") from None
    if not isinstance(data, dict):
        raise BadBody(f"{what} is JSON {type(data).__name__}, not an object")
    return data


def _validate(shape: type[_Shape], data: dict[str, Any], what: str) -> None:
    try:
        shape.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadBody(f"{what}: {where} {first['msg'].lower()}") from None
